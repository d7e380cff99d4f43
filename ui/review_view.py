"""Which invoices the review shows: the sidebar filters and the ageing chart, read together.

The chart is drawn from the rows every other filter keeps (its own bucket filter aside), and a
click on it sets the bucket filter before the sidebar widgets are drawn.
"""

from __future__ import annotations

from dataclasses import dataclass
from functools import cached_property

import numpy as np
import pandas as pd
import streamlit as st

from mapping import ReviewRow
from mapping.frame import ReviewFilter, filter_frame
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
    review_filter: ReviewFilter
    frame: pd.DataFrame  # the grid's rows (index: positions in the state's frame)
    state: ReviewState

    @cached_property
    def numbers(self) -> list[str]:
        return self.frame["invoice_number"].tolist()

    @cached_property
    def rows(self) -> list[ReviewRow]:
        """The rows themselves: built only when asked (50,000 of them cost a little)."""
        return [self.state.row(number) for number in self.numbers]

    @property
    def positions(self) -> np.ndarray:
        return self.frame.index.to_numpy()


def filters_and_chart(state: ReviewState, *, entering: bool) -> ShownInvoices:
    """Draw the ageing chart (here) and the filters (sidebar); return what they keep."""
    prepare_filters(entering=entering)
    charted = filter_frame(state.frame, current_filter(with_buckets=False))
    bars = state.figures.bars(charted.index.to_numpy())
    clicked = ageing_chart(bars, picked=st.session_state[KEYS["buckets"]])
    if clicked is not None:
        set_buckets(clicked)
        st.rerun()  # redraw the chart under the key of its new selection (see ageing_chart)
    filter_widgets(state.frame)
    review_filter = current_filter()
    if not review_filter.buckets:  # the chart's rows are the grid's
        return ShownInvoices(review_filter, charted, state)
    return ShownInvoices(review_filter, filter_frame(state.frame, review_filter), state)
