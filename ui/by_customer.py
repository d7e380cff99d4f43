"""The review's "By customer" view: one line per debtor and currency (``mapping.by_customer``);
ticking a line selects that debtor's invoices shown, into the same selection as the grid."""

from __future__ import annotations

import hashlib
from collections.abc import Sequence

import pandas as pd
import streamlit as st

from mapping import ReviewRow
from mapping.by_customer import CustomerLine, customer_lines
from ui.review_state import ReviewState

BY_INVOICE, BY_CUSTOMER = "By invoice", "By customer"
_VIEW, _SAVED_VIEW = "review_view", "review_view_saved"

COLUMN_CONFIG = {
    "Debtor": st.column_config.TextColumn("Debtor", width=170),
    "Customer": st.column_config.TextColumn("Customer", width=80),
    "Cur.": st.column_config.TextColumn("Cur.", width=48),
    "Invoices": st.column_config.NumberColumn("Invoices", format="%d", width=70),
    "Outstanding": st.column_config.NumberColumn(
        "Outstanding", format="localized", step=0.01, width=100
    ),
    "Overdue": st.column_config.NumberColumn("Overdue", format="localized", step=0.01, width=100),
    "Oldest": st.column_config.NumberColumn(
        "Oldest (days)", help="Days overdue of the oldest invoice", format="%d", width=96
    ),
    "Ready": st.column_config.NumberColumn(
        "Ready", help="Invoices that can be sent now", format="%d", width=60
    ),
    "Blocked by": st.column_config.TextColumn(
        "Blocked by", help="What stops the others, and how many it stops", width="large"
    ),
    "Sent": st.column_config.NumberColumn(
        "Sent", help="Invoices already at Debitura (not in the amounts)", format="%d", width=50
    ),
}


def view_switch(*, entering: bool) -> str:
    """The view picked, by invoice or by customer. The choice survives a trip to another
    page: it is put back on ``entering`` the page, as the filters are."""
    if entering or _VIEW not in st.session_state:
        st.session_state[_VIEW] = st.session_state.get(_SAVED_VIEW, BY_INVOICE)
    view = st.segmented_control(
        "View", [BY_INVOICE, BY_CUSTOMER], key=_VIEW, required=True, label_visibility="collapsed"
    )
    st.session_state[_SAVED_VIEW] = view
    return view


def customer_table(state: ReviewState, rows: Sequence[ReviewRow]) -> None:
    """Draw the lines for ``rows``; a tick selects every invoice of the line, an untick
    unselects them. A line shows ticked when all its invoices are selected."""
    st.caption(
        "One line per debtor and currency. Tick a line to select all of its invoices shown; "
        "the selection is the same as in the invoice grid."
    )
    lines = customer_lines(rows)
    full = [i for i, line in enumerate(lines) if _all_selected(line, state.selected)]
    event = st.dataframe(
        _table(lines),
        key=_key(lines, full),
        hide_index=True,
        column_config=COLUMN_CONFIG,
        on_select="rerun",
        selection_mode="multi-row",
        selection_default={"selection": {"rows": full}},
        height=min(36 * (len(lines) + 1) + 3, 560),
    )
    ticked = set(event.selection.rows)
    added = [lines[i] for i in ticked - set(full)]
    removed = [lines[i] for i in set(full) - ticked]
    if added or removed:
        chosen = {number for line in added for number in line.invoice_numbers}
        dropped = {number for line in removed for number in line.invoice_numbers}
        state.select(chosen, only=chosen | dropped)


def _all_selected(line: CustomerLine, selected: set[str]) -> bool:
    return bool(line.invoice_numbers) and all(n in selected for n in line.invoice_numbers)


def _table(lines: list[CustomerLine]) -> pd.DataFrame:
    return pd.DataFrame(
        {
            "Debtor": [line.debtor_name for line in lines],
            "Customer": [line.customer_code for line in lines],
            "Cur.": [line.currency for line in lines],
            "Invoices": [line.invoices for line in lines],
            # Float for display and sorting only; the exact sums are the lines' Decimals.
            "Outstanding": [float(line.outstanding) for line in lines],
            "Overdue": [float(line.overdue) for line in lines],
            "Oldest": [line.oldest_days_overdue for line in lines],
            "Ready": [line.ready for line in lines],
            "Blocked by": [line.blocked_by for line in lines],
            "Sent": [line.sent for line in lines],
        },
        columns=list(COLUMN_CONFIG),
    )


def _key(lines: list[CustomerLine], full: list[int]) -> str:
    """A fresh widget whenever the lines or the ticks the selection implies change, so the
    table always starts from the canonical selection."""
    digest = hashlib.blake2b(digest_size=8)
    digest.update("\n".join(line.key for line in lines).encode())
    digest.update(",".join(map(str, full)).encode())
    return f"by-customer-{digest.hexdigest()}"
