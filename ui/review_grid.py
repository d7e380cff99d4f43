"""The review grid: one row per invoice, debtor cells editable, a tick column for selection.

The grid widget is keyed by the invoice numbers it shows (and a nonce), because its edits are
remembered by row position: a different set of rows must get a fresh widget, or an edit
would land on another invoice. What the analyst does in it is folded, on every run, into the
canonical state: overrides by invoice number and a set of selected invoice numbers.
"""

from __future__ import annotations

import hashlib

import pandas as pd
import pycountry
import streamlit as st

from mapping.debtor_type import DEBTOR_TYPES
from mapping.frame import frame_edits
from mapping.status import status_words
from ui.review_state import ReviewState
from ui.uk_dates import DATE_COLUMN_FORMAT

SELECT = "select"
COUNTRY_CODES = sorted(country.alpha_2 for country in pycountry.countries)
# What the decision needs, left to right, fits 1366 px with the sidebar open (widths below);
# the debtor's details, to edit, follow on the right.
DECISION = [
    SELECT, "invoice_number", "debtor_name", "due_date", "days_overdue", "amount_to_recover",
    "currency", "status", "readiness",
]  # fmt: skip
EDITABLE = [
    "debtor_type", "debtor_name", "debtor_email", "debtor_phone", "debtor_address",
    "debtor_postcode", "debtor_city", "debtor_country", "debtor_state",
]  # fmt: skip
DETAILS = [column for column in EDITABLE if column not in DECISION]
COLUMN_ORDER = [*DECISION, *DETAILS, "customer_code", "issued_date", "problem_messages"]
# The grid's column names: also how other read-outs name a field ("You changed: City").
COLUMN_LABELS = {
    SELECT: "Send",
    "invoice_number": "Invoice",
    "debtor_name": "Debtor",
    "due_date": "Due",
    "days_overdue": "Days late",
    "amount_to_recover": "Outstanding",
    "currency": "Cur.",
    "status": "Status",
    "readiness": "Ready / Blocked: why",
    "debtor_type": "Type",
    "debtor_email": "Email",
    "debtor_phone": "Phone",
    "debtor_address": "Street address",
    "debtor_postcode": "Postcode",
    "debtor_city": "City",
    "debtor_country": "Country",
    "debtor_state": "State",
    "customer_code": "Customer",
    "issued_date": "Issued",
    "problem_messages": "What to do",
}
COLUMN_CONFIG = {
    SELECT: st.column_config.CheckboxColumn(
        COLUMN_LABELS[SELECT], help="Tick to send as a case", width=60, pinned=True
    ),
    "invoice_number": st.column_config.TextColumn(
        COLUMN_LABELS["invoice_number"], width=60, pinned=True
    ),
    "debtor_name": st.column_config.TextColumn(
        COLUMN_LABELS["debtor_name"], help="Editable, like the details on the right", width=150
    ),
    "due_date": st.column_config.DateColumn(
        COLUMN_LABELS["due_date"], format=DATE_COLUMN_FORMAT, width=92
    ),
    "days_overdue": st.column_config.NumberColumn(
        COLUMN_LABELS["days_overdue"], help="Days overdue", format="%d", width=62
    ),
    # Localised with a minus sign: "accounting" writes negatives in brackets.
    "amount_to_recover": st.column_config.NumberColumn(
        COLUMN_LABELS["amount_to_recover"],
        format="localized",
        step=0.01,
        help="Amount to recover, in the invoice's currency",
        width=96,
    ),
    "currency": st.column_config.TextColumn(COLUMN_LABELS["currency"], width=44),
    "status": st.column_config.TextColumn(COLUMN_LABELS["status"], width=124),
    "readiness": st.column_config.TextColumn(
        COLUMN_LABELS["readiness"],
        help="Ready to send, or what blocks it; the last column says what to do",
        width=192,
    ),
    "debtor_type": st.column_config.SelectboxColumn(
        COLUMN_LABELS["debtor_type"], options=DEBTOR_TYPES, required=True
    ),
    "debtor_email": st.column_config.TextColumn(COLUMN_LABELS["debtor_email"]),
    "debtor_phone": st.column_config.TextColumn(COLUMN_LABELS["debtor_phone"]),
    "debtor_address": st.column_config.TextColumn(COLUMN_LABELS["debtor_address"]),
    "debtor_postcode": st.column_config.TextColumn(COLUMN_LABELS["debtor_postcode"]),
    "debtor_city": st.column_config.TextColumn(COLUMN_LABELS["debtor_city"]),
    "debtor_country": st.column_config.SelectboxColumn(
        COLUMN_LABELS["debtor_country"], options=COUNTRY_CODES
    ),
    "debtor_state": st.column_config.TextColumn(
        COLUMN_LABELS["debtor_state"], help="US debtors only (e.g. CA)"
    ),
    "customer_code": st.column_config.TextColumn(COLUMN_LABELS["customer_code"]),
    "issued_date": st.column_config.DateColumn(
        COLUMN_LABELS["issued_date"], format=DATE_COLUMN_FORMAT
    ),
    "problem_messages": st.column_config.TextColumn(
        COLUMN_LABELS["problem_messages"],
        help="Each problem in words; click a cell to read it all",
        width="large",
    ),
}


def review_grid(state: ReviewState, shown: pd.DataFrame) -> bool:
    """Draw the grid for ``shown`` and fold what the analyst did into ``state``.

    Returns True when an edit changed the rows (the page reruns to show them re-checked).
    """
    table = shown.assign(
        **{
            SELECT: shown["invoice_number"].isin(state.selected),
            # Per category, not per row: fast at 20,000 rows.
            "status": shown["status"].cat.rename_categories(status_words),
        }
    )[COLUMN_ORDER]
    edited = st.data_editor(
        table,
        key=grid_key(shown, state.grid_nonce),
        hide_index=True,
        column_config=COLUMN_CONFIG,
        disabled=[column for column in COLUMN_ORDER if column not in (SELECT, *EDITABLE)],
        num_rows="fixed",
        height=min(36 * (len(table) + 1) + 3, 560),
    )
    _fold_selection(state, edited)
    return state.edit(frame_edits(table, edited))


def grid_key(shown: pd.DataFrame, nonce: int) -> str:
    digest = hashlib.blake2b(digest_size=8)
    digest.update("\n".join(shown["invoice_number"].tolist()).encode())
    return f"review-grid-{digest.hexdigest()}-{nonce}"


def _fold_selection(state: ReviewState, edited: pd.DataFrame) -> None:
    numbers = edited["invoice_number"]
    ticked = set(numbers[edited[SELECT].fillna(False).astype(bool)])
    state.selected = (state.selected - set(numbers)) | ticked
