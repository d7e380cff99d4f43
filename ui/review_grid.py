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
from mapping.problems import LABELS
from ui.review_state import ReviewState

SELECT = "select"
COUNTRY_CODES = sorted(country.alpha_2 for country in pycountry.countries)
EDITABLE = [
    "debtor_type", "debtor_name", "debtor_email", "debtor_phone", "debtor_address",
    "debtor_postcode", "debtor_city", "debtor_country", "debtor_state",
]  # fmt: skip
COLUMN_ORDER = [
    SELECT, "invoice_number", "customer_code", "status", "issued_date", "due_date",
    "days_overdue", "amount_to_recover", "currency", *EDITABLE, "eligible", "problem_labels",
    "problem_messages",
]  # fmt: skip
COLUMN_CONFIG = {
    SELECT: st.column_config.CheckboxColumn(
        "Select", help="Tick to send as a case", width=60, pinned=True
    ),
    "invoice_number": st.column_config.TextColumn("Invoice", pinned=True),
    "customer_code": st.column_config.TextColumn("Customer"),
    "status": st.column_config.TextColumn("Status"),
    "issued_date": st.column_config.DateColumn("Issued", format="YYYY-MM-DD"),
    "due_date": st.column_config.DateColumn("Due", format="YYYY-MM-DD"),
    "days_overdue": st.column_config.NumberColumn("Days overdue", format="%d"),
    "amount_to_recover": st.column_config.NumberColumn(
        "Outstanding", format="accounting", help="Amount to recover, in the invoice's currency"
    ),
    "currency": st.column_config.TextColumn("Cur."),
    "debtor_type": st.column_config.SelectboxColumn("Type", options=DEBTOR_TYPES, required=True),
    "debtor_name": st.column_config.TextColumn("Debtor name"),
    "debtor_email": st.column_config.TextColumn("Email"),
    "debtor_phone": st.column_config.TextColumn("Phone"),
    "debtor_address": st.column_config.TextColumn("Street address"),
    "debtor_postcode": st.column_config.TextColumn("Postcode"),
    "debtor_city": st.column_config.TextColumn("City"),
    "debtor_country": st.column_config.SelectboxColumn("Country", options=COUNTRY_CODES),
    "debtor_state": st.column_config.TextColumn("State", help="US debtors only (e.g. CA)"),
    "eligible": st.column_config.CheckboxColumn("Eligible", help="No blocking problem"),
    "problem_labels": st.column_config.TextColumn("Problems", help="Errors first, then warnings"),
    "problem_messages": st.column_config.TextColumn(
        "What to do", help="Each problem in words; click a cell to read it all", width="large"
    ),
}


def review_grid(state: ReviewState, shown: pd.DataFrame) -> bool:
    """Draw the grid for ``shown`` and fold what the analyst did into ``state``.

    Returns True when an edit changed the rows (the page reruns to show them re-checked).
    """
    table = shown.assign(
        **{
            SELECT: shown["invoice_number"].isin(state.selected),
            "problem_labels": shown["problem_codes"].map(_labels),
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


def _labels(codes: str) -> str:
    return ", ".join(LABELS.get(code, code) for code in codes.split(", ") if code)
