"""Which invoices the review shows: the sidebar filters and the ageing chart, read together.

The chart is drawn from the rows every other filter keeps (its own bucket filter aside), and a
click on it sets the bucket filter before the sidebar widgets are drawn.
"""

from __future__ import annotations

from dataclasses import dataclass
from functools import cached_property

import numpy as np
import streamlit as st

from mapping import ReviewRow
from mapping.frame import ReviewFilter, filter_positions
from ui.review_filters import (
    KEYS,
    current_filter,
    filter_widgets,
    prepare_filters,
    set_buckets,
)
from ui.review_panels import ageing_chart
from ui.review_state import ReviewState


@dataclass(frozen=True)
class ShownInvoices:
    """The invoices the filters keep, as positions in the state's frame: a filter change
    takes the columns and the page it shows, not every column of every invoice kept."""

    review_filter: ReviewFilter
    positions: np.ndarray  # positions in the state's frame, in invoice-number order
    state: ReviewState

    @cached_property
    def numbers(self) -> list[str]:
        return self.state.frame["invoice_number"].take(self.positions).tolist()

    @cached_property
    def eligible_numbers(self) -> list[str]:
        eligible = self.state.frame["eligible"].to_numpy(dtype=bool)[self.positions]
        return [number for number, ok in zip(self.numbers, eligible, strict=True) if ok]

    @cached_property
    def rows(self) -> list[ReviewRow]:
        """The rows themselves: built only when asked (50,000 of them cost a little)."""
        return [self.state.row(number) for number in self.numbers]


def filters_and_chart(state: ReviewState, *, entering: bool) -> ShownInvoices:
    """Draw the ageing chart (here) and the filters (sidebar); return what they keep."""
    prepare_filters(entering=entering)
    charted_filter = current_filter(with_buckets=False)
    searched = state.search_text if charted_filter.search.strip() else None  # made once
    charted = filter_positions(state.frame, charted_filter, searched=searched)
    bars = state.figures.bars(charted)
    clicked = ageing_chart(bars, picked=st.session_state[KEYS["buckets"]])
    if clicked is not None:
        set_buckets(clicked)
        st.rerun()  # redraw the chart under the key of its new selection (see ageing_chart)
    filter_widgets(state.frame)
    review_filter = current_filter()
    if not review_filter.buckets:  # the chart's rows are the grid's
        return ShownInvoices(review_filter, charted, state)
    shown = filter_positions(state.frame, review_filter, searched=searched)
    return ShownInvoices(review_filter, shown, state)
