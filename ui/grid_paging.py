"""The review grid's order and pages: which slice of the filtered invoices goes to the browser.

Only one page travels to the browser, so the order is decided here, over every invoice the
filters keep (the grid's own header sort would only sort the page). The page goes back to
the first whenever the filters, the order or the page size change.
"""

from __future__ import annotations

import math
from dataclasses import dataclass

import numpy as np
import pandas as pd
import streamlit as st

PAGE_SIZES = (100, 250, 500)
DEFAULT_PAGE_SIZE = 250
# label → (column, ascending); the frame comes in invoice-number order.
SORTS: dict[str, tuple[str, bool] | None] = {
    "Invoice number": None,
    "Most days overdue": ("days_overdue", False),
    "Due date, oldest first": ("due_date", True),
    "Outstanding, largest first": ("amount_to_recover", False),
    "Debtor name, A to Z": ("debtor_name", True),
}
KEYS = {"sort": "grid_sort", "size": "grid_page_size", "page": "grid_page"}
_SIGNATURE = "grid_page_signature"  # what the page number was chosen for


@dataclass(frozen=True)
class GridPage:
    rows: pd.DataFrame  # this page's rows, in the chosen order
    number: int  # 1-based
    pages: int
    start: int  # 0-based position of the first row in the ordered set
    total: int

    def describe(self) -> str:
        if not self.total:
            return "No rows"
        return (
            f"Rows {self.start + 1:,}–{self.start + len(self.rows):,} of {self.total:,}"
            f" · page {self.number:,} of {self.pages:,}"
        )


def ordered(frame: pd.DataFrame, positions: np.ndarray, sort: str) -> np.ndarray:
    """``positions`` (rows of ``frame``, in invoice-number order) in the order ``sort`` names;
    ties keep invoice-number order (stable sort)."""
    how = SORTS.get(sort)
    if how is None:
        return positions
    column, ascending = how
    values = frame[column].take(positions).reset_index(drop=True)
    if column == "debtor_name":
        values = values.astype("str").str.casefold()
    order = values.sort_values(ascending=ascending, kind="stable", na_position="last").index
    return positions[order.to_numpy()]


def _go(step: int) -> None:
    st.session_state[KEYS["page"]] = st.session_state.get(KEYS["page"], 1) + step


def grid_page(frame: pd.DataFrame, positions: np.ndarray, signature: str) -> GridPage:
    """Draw the order and page controls above the grid of the rows of ``frame`` at
    ``positions``; return the page to show (only its rows are taken from the frame)."""
    st.session_state.setdefault(KEYS["sort"], next(iter(SORTS)))
    st.session_state.setdefault(KEYS["size"], DEFAULT_PAGE_SIZE)
    sort_area, size_area, back, number_area, forward = st.columns(
        [5, 3, 2, 3, 2], vertical_alignment="bottom"
    )
    sort = sort_area.selectbox(
        "Sort all shown by",
        list(SORTS),
        key=KEYS["sort"],
        help="Orders every invoice the filters keep, across pages. A click on a column "
        "header sorts this page only.",
    )
    size = size_area.selectbox("Rows per page", PAGE_SIZES, key=KEYS["size"])
    pages = max(1, math.ceil(len(positions) / size))
    chosen_for = f"{signature}|{sort}|{size}"
    if st.session_state.get(_SIGNATURE) != chosen_for:
        st.session_state[KEYS["page"]] = 1  # new filters, order or size: from the top
        st.session_state[_SIGNATURE] = chosen_for
    page = min(max(1, int(st.session_state.get(KEYS["page"]) or 1)), pages)
    st.session_state[KEYS["page"]] = page
    back.button(
        "Previous",
        icon=":material/chevron_left:",
        key="grid_previous",
        disabled=page <= 1,
        on_click=_go,
        args=(-1,),
        width="stretch",
    )
    number_area.number_input(
        f"Page (of {pages:,})", min_value=1, max_value=pages, step=1, key=KEYS["page"]
    )
    forward.button(
        "Next",
        icon=":material/chevron_right:",
        key="grid_next",
        disabled=page >= pages,
        on_click=_go,
        args=(1,),
        width="stretch",
    )
    start = (page - 1) * size
    rows = frame.iloc[ordered(frame, positions, sort)[start : start + size]]
    return GridPage(rows, page, pages, start, len(positions))
