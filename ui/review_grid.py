"""The review grid: one page of invoices, debtor cells editable, a tick column for selection.

Only a page of the filtered invoices travels to the browser (``ui.grid_paging``). The editor
keeps one key; its rows are labelled by invoice number, so Streamlit renews the editor's
pending edits exactly when the page holds other invoices, and an edit (kept by row position)
can never land on another invoice. What the analyst does is folded into the canonical state,
overrides by invoice number and a set of selected invoice numbers: in the editor's
``on_change`` callback before the page is drawn (so every read-out above the grid is already
up to date), and again, idempotently, when the grid is drawn (AppTest sets the editor's state
without callbacks).

While an import runs, ``loading_grid`` shows its first rows read-only in the same columns.
"""

from __future__ import annotations

from collections.abc import Collection

import pandas as pd
import pycountry
import streamlit as st

from mapping.debtor_type import DEBTOR_TYPES
from mapping.frame import frame_edits, rows_to_frame
from mapping.status import status_words
from ui.grid_paging import GridPage
from ui.review_state import ReviewState
from ui.uk_dates import DATE_COLUMN_FORMAT
from workflow.review import FirstRows

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


LOADING = "Loading…"
GRID_KEY = "review-grid"


def grid_table(page_rows: pd.DataFrame, selected: Collection[str]) -> pd.DataFrame:
    """The grid's columns for ``page_rows``, labelled by invoice number (hidden)."""
    table = page_rows.assign(
        **{
            SELECT: page_rows["invoice_number"].isin(selected),
            # Per category, not per row.
            "status": page_rows["status"].cat.rename_categories(status_words),
        }
    )[COLUMN_ORDER]
    table.index = pd.Index(page_rows["invoice_number"].astype("str").to_numpy(), name=None)
    return table


def review_grid(state: ReviewState, page: GridPage) -> bool:
    """Draw the grid for one ``page`` and fold what the analyst did into ``state``.

    Returns True when an edit changed the rows (the page reruns to show them re-checked).
    """
    table = grid_table(page.rows, state.selected)
    key = f"{GRID_KEY}-{state.grid_nonce}"
    edited = st.data_editor(
        table,
        key=key,
        hide_index=True,
        column_config=COLUMN_CONFIG,
        disabled=[column for column in COLUMN_ORDER if column not in (SELECT, *EDITABLE)],
        num_rows="fixed",
        height=min(35 * (len(table) + 1) + 3, 560),
        on_change=_consume_edits,
        args=(state, key, table),
    )
    if not (st.session_state.get(key) or {}).get("edited_rows"):
        return False  # nothing edited or ticked in this editor yet: nothing to fold
    return _fold(state, table, edited)


def _consume_edits(state: ReviewState, key: str, table: pd.DataFrame) -> None:
    """The editor's callback: its edits (by row position in ``table``, the page it drew) into
    the state by invoice number, before the page is drawn again."""
    edited_rows = (st.session_state.get(key) or {}).get("edited_rows") or {}
    edited = table.copy()
    for position, cells in edited_rows.items():
        position = int(position)
        if not 0 <= position < len(edited):
            continue  # not a row of the page it was drawn with: never another invoice's
        for column, value in cells.items():
            if column == SELECT or column in EDITABLE:
                edited.iloc[position, edited.columns.get_loc(column)] = value
    _fold(state, table, edited)


def _fold(state: ReviewState, table: pd.DataFrame, edited: pd.DataFrame) -> bool:
    numbers = edited["invoice_number"]
    ticked = set(numbers[edited[SELECT].fillna(False).astype(bool)])
    if (state.selected & set(numbers)) != ticked:
        state.selected = (state.selected - set(numbers)) | ticked
    return state.edit(frame_edits(table, edited))


def loading_grid(first: FirstRows) -> None:
    """The first rows of an import under way, read-only: nothing can be ticked or edited
    before every invoice and customer is in and checked. Debtor cells of invoices whose
    customer is still being fetched say so."""
    table = grid_table(rows_to_frame(first.rows), ())
    waiting = table["invoice_number"].isin(first.loading).to_numpy()
    if waiting.any():
        for column in ("debtor_name", *DETAILS, "readiness", "problem_messages"):
            table[column] = table[column].astype("object")
            table.loc[waiting, column] = LOADING
    st.dataframe(
        table,
        hide_index=True,
        column_config={
            **COLUMN_CONFIG,
            # Read-only here; text columns show "Loading…" where the choice is not known yet.
            "debtor_type": st.column_config.TextColumn(COLUMN_LABELS["debtor_type"]),
            "debtor_country": st.column_config.TextColumn(COLUMN_LABELS["debtor_country"]),
        },
        height=min(35 * (len(table) + 1) + 3, 560),
    )
