"""The review's session state: the last import, the analyst's edits and selection.

All of it lives in ``st.session_state`` (memory, this browser session only). Edits are
overrides keyed by invoice number and the selection is a set of invoice numbers, so both
survive filtering, refreshes and trips to the Submit page. Rows and the grid's DataFrame are
derived from them and rebuilt only when an input changes.
"""

from __future__ import annotations

from collections.abc import Iterable, Mapping
from dataclasses import dataclass, field

import pandas as pd
import streamlit as st

from mapping import Policy, ReviewRow, apply_overrides
from mapping.frame import rows_to_frame
from workflow.importing import ImportResult

_STATE_KEY = "review_state"


@dataclass
class ReviewState:
    account: str
    policy: Policy | None = None
    result: ImportResult | None = None
    error: str | None = None
    overrides: dict[str, dict[str, str]] = field(default_factory=dict)
    selected: set[str] = field(default_factory=set)
    # Bumped when the app changes what the grid shows (reset, select all…), so the grid
    # widget starts afresh instead of replaying its own stale cell edits.
    grid_nonce: int = 0
    _version: int = 0
    _derived_version: int = -1
    _rows: tuple[ReviewRow, ...] = ()
    _frame: pd.DataFrame | None = None
    _rows_by_number: dict[str, ReviewRow] = field(default_factory=dict)

    # -- inputs ----------------------------------------------------------------------------

    def set_import(self, result: ImportResult) -> None:
        self.result, self.policy, self.error = result, result.policy, None
        self._changed()

    def set_error(self, message: str) -> None:
        self.error = message

    def edit(self, edits: Mapping[str, Mapping[str, str]]) -> bool:
        """Merge grid edits into the overrides; True when anything really changed."""
        changed = False
        for number, fields in edits.items():
            current = self.overrides.setdefault(number, {})
            for key, value in fields.items():
                if current.get(key) != value:
                    current[key] = value
                    changed = True
            if not current:
                del self.overrides[number]
        if changed:
            self._changed()
        return changed

    def reset_edits(self, numbers: Iterable[str] | None = None) -> None:
        if numbers is None:
            self.overrides.clear()
        else:
            for number in numbers:
                self.overrides.pop(number, None)
        self.grid_nonce += 1
        self._changed()

    def apply_to_customer(self, number: str) -> int:
        """Copy one invoice's edits to every invoice of its customer; returns how many."""
        source = self.row(number)
        fields = dict(self.overrides.get(number, {}))
        siblings = [
            row.invoice_number for row in self.rows if row.customer_code == source.customer_code
        ]
        for sibling in siblings:
            self.overrides[sibling] = dict(fields)
        self.grid_nonce += 1
        self._changed()
        return len(siblings)

    def select(self, numbers: Iterable[str], *, only: Iterable[str] | None = None) -> None:
        """Tick ``numbers``; with ``only``, untick the other numbers of ``only``."""
        numbers = set(numbers)
        if only is not None:
            self.selected -= set(only) - numbers
        self.selected |= numbers
        self.grid_nonce += 1

    def clear_selection(self) -> None:
        self.selected.clear()
        self.grid_nonce += 1

    # -- derived ---------------------------------------------------------------------------

    @property
    def rows(self) -> tuple[ReviewRow, ...]:
        self._derive()
        return self._rows

    @property
    def frame(self) -> pd.DataFrame:
        self._derive()
        return self._frame

    def row(self, number: str) -> ReviewRow:
        self._derive()
        return self._rows_by_number[number]

    def _changed(self) -> None:
        self._version += 1

    def _derive(self) -> None:
        if self._derived_version == self._version:
            return
        rows: tuple[ReviewRow, ...] = self.result.rows if self.result else ()
        if self.overrides and self.policy is not None:
            rows = tuple(
                apply_overrides(row, self.overrides[row.invoice_number], self.policy)
                if row.invoice_number in self.overrides
                else row
                for row in rows
            )
        self._rows = rows
        self._rows_by_number = {row.invoice_number: row for row in rows}
        self._frame = rows_to_frame(rows)
        # The selection only ever names invoices this import has.
        self.selected &= set(self._rows_by_number)
        self._derived_version = self._version


def review_state(account: str) -> ReviewState:
    """This session's review state for ``account``; a different account starts afresh."""
    state = st.session_state.get(_STATE_KEY)
    if state is None or state.account != account:
        state = ReviewState(account)
        st.session_state[_STATE_KEY] = state
    return state


def forget_review() -> None:
    """Drop the imported rows (the next visit to Review imports afresh), e.g. when what they
    were checked against changed."""
    st.session_state.pop(_STATE_KEY, None)


def current_review_state() -> ReviewState | None:
    return st.session_state.get(_STATE_KEY)
