"""The review's filter widgets (sidebar) and the ``ReviewFilter`` they add up to."""

from __future__ import annotations

from datetime import date

import pandas as pd
import streamlit as st

from mapping import AGEING_BUCKETS, OPEN_STATUSES
from mapping.debtor_type import DEBTOR_TYPES
from mapping.frame import SHOW_CHOICES, ReviewFilter

DEFAULTS = {
    "filter_search": "",
    "filter_currencies": [],
    "filter_statuses": [],
    "filter_buckets": [],
    "filter_debtor_types": [],
    "filter_issued": (),
    "filter_due": (),
    "filter_days_from": None,
    "filter_days_to": None,
    "filter_amount_from": None,
    "filter_amount_to": None,
    "filter_show": SHOW_CHOICES[0],
}
KEYS = {
    "search": "filter_search",
    "currencies": "filter_currencies",
    "statuses": "filter_statuses",
    "buckets": "filter_buckets",
    "debtor_types": "filter_debtor_types",
    "issued": "filter_issued",
    "due": "filter_due",
    "days_from": "filter_days_from",
    "days_to": "filter_days_to",
    "amount_from": "filter_amount_from",
    "amount_to": "filter_amount_to",
    "show": "filter_show",
}


def clear_filters() -> None:
    # Explicit defaults, not deletion: the browser then shows the cleared values at once.
    for key, value in DEFAULTS.items():
        st.session_state[key] = value


def set_buckets(buckets: list[str]) -> None:
    """Called before the widgets are drawn (e.g. from an ageing-chart click)."""
    st.session_state[KEYS["buckets"]] = buckets


def filter_widgets(frame: pd.DataFrame) -> ReviewFilter:
    """Draw the filters in the sidebar and return what they select."""
    # Values come from session state only (no value= arguments), so "Clear filters" and
    # chart clicks can set them without Streamlit's default-versus-state warning.
    for key, default in DEFAULTS.items():
        st.session_state.setdefault(key, default)
    with st.sidebar:
        st.subheader("Filters")
        if st.button("Clear filters", icon=":material/filter_alt_off:"):
            clear_filters()
        search = st.text_input(
            "Search", key=KEYS["search"], placeholder="Invoice, customer code or debtor name"
        )
        currencies = st.multiselect(
            "Currency", _options(frame["currency"], KEYS["currencies"]), key=KEYS["currencies"]
        )
        statuses = st.multiselect(
            "Status", _options(OPEN_STATUSES, KEYS["statuses"]), key=KEYS["statuses"]
        )
        show = st.selectbox("Show", SHOW_CHOICES, key=KEYS["show"])
        issued = st.date_input("Issued between", key=KEYS["issued"], format="YYYY-MM-DD")
        due = st.date_input("Due between", key=KEYS["due"], format="YYYY-MM-DD")
        buckets = st.multiselect(
            "Days overdue bucket", _options(AGEING_BUCKETS, KEYS["buckets"]), key=KEYS["buckets"]
        )
        low_days, high_days = st.columns(2)
        days_from = low_days.number_input("Days overdue ≥", min_value=0, step=1,
                                          key=KEYS["days_from"])  # fmt: skip
        days_to = high_days.number_input("Days overdue ≤", min_value=0, step=1,
                                         key=KEYS["days_to"])  # fmt: skip
        low_amount, high_amount = st.columns(2)
        amount_from = low_amount.number_input("Amount ≥", min_value=0.0, key=KEYS["amount_from"])
        amount_to = high_amount.number_input("Amount ≤", min_value=0.0, key=KEYS["amount_to"])
        debtor_types = st.multiselect(
            "Debtor type", _options(DEBTOR_TYPES, KEYS["debtor_types"]), key=KEYS["debtor_types"]
        )
    return ReviewFilter(
        issued=_date_range(issued),
        due=_date_range(due),
        currencies=frozenset(currencies),
        statuses=frozenset(statuses),
        buckets=frozenset(buckets),
        debtor_types=frozenset(debtor_types),
        days_overdue=(days_from, days_to),
        amount=(amount_from, amount_to),
        show=show,
        search=search,
    )


def _options(values, key: str) -> list[str]:
    """The choices in the data, plus any still selected (a refresh may have dropped them)."""
    chosen = st.session_state.get(key) or []
    present = values.dropna().unique().tolist() if isinstance(values, pd.Series) else list(values)
    ordered = list(dict.fromkeys([*present, *chosen]))
    return ordered if not isinstance(values, pd.Series) else sorted(ordered)


def _date_range(value) -> tuple[date | None, date | None]:
    """A date_input range while being picked can hold zero, one or two dates."""
    if isinstance(value, date):
        return (value, value)
    picked = list(value or ())
    if len(picked) == 1:
        return (picked[0], None)
    if len(picked) == 2:
        return (picked[0], picked[1])
    return (None, None)
