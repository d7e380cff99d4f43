"""The review's filter widgets (sidebar) and the ``ReviewFilter`` they add up to.

The values live under the widgets' keys while the page is drawn, and are copied to a plain
session key on every run: Streamlit drops a widget's state when another page is shown, so a
trip to Submit and back restores them from that copy.
"""

from __future__ import annotations

from datetime import date

import pandas as pd
import streamlit as st

from mapping import AGEING_BUCKETS, OPEN_STATUSES
from mapping.debtor_type import DEBTOR_TYPES
from mapping.frame import SHOW_CHOICES, ReviewFilter
from mapping.status import status_words
from ui.uk_dates import DATE_INPUT_FORMAT

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
_SAVED = "review_filters_saved"  # not a widget key: survives pages that do not draw them


def clear_filters() -> None:
    """Every filter back to its default (a button callback: runs before the page redraws)."""
    # Explicit defaults, not deletion: the browser then shows the cleared values at once.
    for key, value in DEFAULTS.items():
        st.session_state[key] = value


def prepare_filters(*, entering: bool) -> None:
    """Before anything reads the filters: on ``entering`` the page from another one, put back
    the values saved on the last visit (what is left under the widget keys then is not
    reliable); and drop an amount range once its single currency is no longer the one chosen."""
    saved = st.session_state.get(_SAVED, {})
    for key, default in DEFAULTS.items():
        if entering or key not in st.session_state:
            st.session_state[key] = saved.get(key, default)
    if amount_currency() is None:
        st.session_state[KEYS["amount_from"]] = None
        st.session_state[KEYS["amount_to"]] = None


def amount_currency() -> str | None:
    """The currency amounts are compared in: the filter's, when exactly one is chosen."""
    chosen = st.session_state.get(KEYS["currencies"]) or []
    return chosen[0] if len(chosen) == 1 else None


def set_buckets(buckets: list[str]) -> None:
    """Called before the widgets are drawn (e.g. from an ageing-chart click)."""
    st.session_state[KEYS["buckets"]] = buckets


def current_filter(*, with_buckets: bool = True) -> ReviewFilter:
    """What the filters select now (the ageing chart leaves out its own bucket filter)."""
    value = st.session_state
    currency = amount_currency()
    amount = (value[KEYS["amount_from"]], value[KEYS["amount_to"]]) if currency else (None, None)
    return ReviewFilter(
        issued=_date_range(value[KEYS["issued"]]),
        due=_date_range(value[KEYS["due"]]),
        currencies=frozenset(value[KEYS["currencies"]] or ()),
        statuses=frozenset(value[KEYS["statuses"]] or ()),
        buckets=frozenset(value[KEYS["buckets"]] or ()) if with_buckets else frozenset(),
        debtor_types=frozenset(value[KEYS["debtor_types"]] or ()),
        days_overdue=(value[KEYS["days_from"]], value[KEYS["days_to"]]),
        amount=amount,
        amount_currency=currency if amount != (None, None) else "",
        show=value[KEYS["show"]],
        search=value[KEYS["search"]] or "",
    )


def filter_widgets(frame: pd.DataFrame) -> None:
    """Draw the filters in the sidebar, then keep a copy of their values for the way back."""
    # Values come from session state only (no value= arguments), so "Clear filters" and
    # chart clicks can set them without Streamlit's default-versus-state warning.
    with st.sidebar:
        st.subheader("Filters")
        st.button("Clear filters", icon=":material/filter_alt_off:", on_click=clear_filters)
        st.text_input(
            "Search", key=KEYS["search"], placeholder="Invoice, customer code or debtor name"
        )
        st.multiselect(
            "Currency", _options(frame["currency"], KEYS["currencies"]), key=KEYS["currencies"]
        )
        st.multiselect(
            "Status",
            _options(OPEN_STATUSES, KEYS["statuses"]),
            key=KEYS["statuses"],
            format_func=status_words,
        )
        st.selectbox("Show", SHOW_CHOICES, key=KEYS["show"])
        st.date_input("Issued between", key=KEYS["issued"], format=DATE_INPUT_FORMAT)
        st.date_input("Due between", key=KEYS["due"], format=DATE_INPUT_FORMAT)
        st.multiselect(
            "Days overdue bucket", _options(AGEING_BUCKETS, KEYS["buckets"]), key=KEYS["buckets"]
        )
        low_days, high_days = st.columns(2)
        low_days.number_input("Days overdue ≥", min_value=0, step=1, key=KEYS["days_from"])
        high_days.number_input("Days overdue ≤", min_value=0, step=1, key=KEYS["days_to"])
        currency = amount_currency()
        if currency:
            low_amount, high_amount = st.columns(2)
            low_amount.number_input(
                f"Outstanding ≥ ({currency})", min_value=0.0, key=KEYS["amount_from"]
            )
            high_amount.number_input(
                f"Outstanding ≤ ({currency})", min_value=0.0, key=KEYS["amount_to"]
            )
        else:
            st.caption(
                "Outstanding amount: choose one currency above to filter by amount "
                "(amounts in different currencies are not compared)."
            )
        st.multiselect(
            "Debtor type", _options(DEBTOR_TYPES, KEYS["debtor_types"]), key=KEYS["debtor_types"]
        )
    st.session_state[_SAVED] = {key: st.session_state[key] for key in DEFAULTS}


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
