"""The review's session state: the last import, the analyst's edits and selection.

It lives in ``st.session_state``. Edits are overrides keyed by invoice number and the
selection is a set of invoice numbers, so both survive filtering, refreshes and trips to the
Submit page. Rows and the grid's DataFrame are derived from them and rebuilt only when an
input changes.

The analyst's own work (the overrides and the ticked invoice numbers, never KashFlow's data)
is also written through to the store's draft for the company on every change, and read back
when a new browser session (a reload, a second tab) opens the same company: it is kept until
the invoice is sent or the edit reset.
"""

from __future__ import annotations

from collections.abc import Callable, Iterable, Mapping
from dataclasses import dataclass, field

import pandas as pd
import streamlit as st

from mapping import Policy, ReviewRow, apply_overrides
from mapping.frame import rows_to_frame, search_text
from store import ReviewDraft, SecretKeyError, StorageError
from ui import context
from ui.plain import as_markdown_text
from ui.session import active_connection
from workflow.audit import EDIT_RESET, EDITED, edit_details
from workflow.importing import ImportResult
from workflow.review_figures import ReviewFigures
from workflow.workspace import Workspace

_STATE_KEY = "review_state"

# Writes the draft of the given invoice numbers as the state now has them (see store.drafts).
KeepDraft = Callable[[str, set[str], Mapping[str, Mapping[str, str]], frozenset[str]], None]
# Records who changed what in the audit log: the event, and the fields changed per invoice.
RecordEdits = Callable[[str, Mapping[str, Iterable[str]]], None]


@dataclass
class ReviewState:
    account: str
    policy: Policy | None = None
    result: ImportResult | None = None
    error: str | None = None
    overrides: dict[str, dict[str, str]] = field(default_factory=dict)
    # Where each change is kept beyond this session; None keeps it in memory only.
    keep_draft: KeepDraft | None = None
    record_edits: RecordEdits | None = None
    # Why the last change could not be kept (the store failed), for the page to say so.
    draft_problem: str | None = None
    _selected: frozenset[str] = frozenset()
    # Bumped when the app changes what the grid shows (reset, select all…), so the grid
    # widget starts afresh instead of replaying its own stale cell edits.
    grid_nonce: int = 0
    _version: int = 0
    _derived_version: int = -1
    _rows: tuple[ReviewRow, ...] = ()
    _frame: pd.DataFrame | None = None
    _rows_by_number: dict[str, ReviewRow] = field(default_factory=dict)
    _figures: ReviewFigures | None = None
    _search_text: pd.Series | None = None

    # -- inputs ----------------------------------------------------------------------------

    @property
    def selected(self) -> frozenset[str]:
        """The ticked invoice numbers; assign a new set to change them (kept as a draft)."""
        return self._selected

    @selected.setter
    def selected(self, numbers: Iterable[str]) -> None:
        numbers = frozenset(numbers)
        changed = numbers ^ self._selected
        self._selected = numbers
        self._keep(changed)

    def set_import(self, result: ImportResult) -> None:
        """Show a fresh import. The selection drops the invoices it no longer has (paid or
        closed since) and, like the edits, those the ledger holds as sent."""
        self.result, self.policy, self.error = result, result.policy, None
        numbers = {row.invoice_number for row in result.rows}
        sent = {row.invoice_number for row in result.rows if row.already_submitted}
        dropped = (self._selected - numbers) | (self._selected & sent)
        # Edits of invoices missing from a listing that came up short may be needed again.
        stale = set(self.overrides) - numbers if result.listing_complete else set()
        stale |= sent & set(self.overrides)
        self._selected -= dropped
        for number in stale:
            del self.overrides[number]
        self._changed()
        self._keep(dropped | stale)

    def set_error(self, message: str) -> None:
        self.error = message

    def edit(self, edits: Mapping[str, Mapping[str, str]]) -> bool:
        """Merge grid edits into the overrides; True when anything really changed."""
        changed: dict[str, list[str]] = {}
        for number, fields in edits.items():
            current = self.overrides.setdefault(number, {})
            for key, value in fields.items():
                if current.get(key) != value:
                    current[key] = value
                    changed.setdefault(number, []).append(key)
            if not current:
                del self.overrides[number]
        if changed:
            self._changed()
            self._keep(edits)
            self._record(EDITED, changed)
        return bool(changed)

    def reset_edits(self, numbers: Iterable[str] | None = None) -> None:
        numbers = set(self.overrides) if numbers is None else set(numbers)
        reset = {}
        for number in numbers:
            fields = self.overrides.pop(number, None)
            if fields:
                reset[number] = list(fields)
        self.grid_nonce += 1
        self._changed()
        self._keep(numbers)
        self._record(EDIT_RESET, reset)

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
        self._keep(siblings)
        self._record(EDITED, {sibling: list(fields) for sibling in siblings if sibling != number})
        return len(siblings)

    def select(self, numbers: Iterable[str], *, only: Iterable[str] | None = None) -> None:
        """Tick ``numbers``; with ``only``, untick the other numbers of ``only``."""
        numbers = set(numbers)
        selected = set(self._selected)
        if only is not None:
            selected -= set(only) - numbers
        self.selected = selected | numbers
        self.grid_nonce += 1

    def clear_selection(self) -> None:
        self.selected = frozenset()
        self.grid_nonce += 1

    def forget_sent(self, numbers: Iterable[str]) -> None:
        """Sent invoices leave the selection and the draft, edits and all."""
        numbers = set(numbers)
        self._selected -= numbers
        for number in numbers:
            self.overrides.pop(number, None)
        self._changed()
        self._keep(numbers)

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

    def rows_of(self, numbers: Iterable[str]) -> list[ReviewRow]:
        """The rows of those of ``numbers`` the import has (a kept tick may be of an invoice
        paid since), without going through every row."""
        self._derive()
        found = (self._rows_by_number.get(number) for number in numbers)
        return [row for row in found if row is not None]

    @property
    def search_text(self) -> pd.Series:
        """``mapping.frame.search_text`` of ``frame``: made once, not at every search."""
        self._derive()
        if self._search_text is None:
            self._search_text = search_text(self._frame)
        return self._search_text

    @property
    def figures(self) -> ReviewFigures:
        """Totals and ageing bars of any of the rows, by position in ``frame``."""
        self._derive()
        if self._figures is None:
            self._figures = ReviewFigures(self._rows)
        return self._figures

    def _changed(self) -> None:
        self._version += 1

    def _keep(self, numbers: Iterable[str]) -> None:
        numbers = set(numbers)
        if not numbers or self.keep_draft is None:
            return
        try:
            self.keep_draft(self.account, numbers, self.overrides, self._selected)
        except (StorageError, SecretKeyError) as error:
            self.draft_problem = str(error)
        else:
            self.draft_problem = None

    def _record(self, event: str, changes: Mapping[str, Iterable[str]]) -> None:
        """Who changed what, for the audit log; a log that cannot be written is reported like
        a draft that cannot be kept (the edit itself stands)."""
        if not changes or self.record_edits is None:
            return
        try:
            self.record_edits(event, changes)
        except (StorageError, SecretKeyError) as error:
            self.draft_problem = str(error)

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
        self._figures = None  # built when first asked for
        self._search_text = None
        self._derived_version = self._version


def review_state(account: str) -> ReviewState:
    """This session's review state for ``account``; a different account starts from the
    draft kept for it (the analyst's edits and ticks of an earlier session)."""
    state = st.session_state.get(_STATE_KEY)
    if state is None or state.account != account:
        state = ReviewState(account, keep_draft=_keep_in_store, record_edits=_record_in_audit)
        try:
            draft = _workspace().drafts.load(account)
        except (StorageError, SecretKeyError) as error:
            draft, state.draft_problem = ReviewDraft(), str(error)
        state.overrides = {number: dict(fields) for number, fields in draft.overrides.items()}
        state._selected = draft.selected
        st.session_state[_STATE_KEY] = state
    return state


def kept_work_note(state: ReviewState) -> None:
    """Tell the analyst their edits and ticks outlive a reload, or why they may not."""
    if state.draft_problem:
        st.warning(
            "Your edits and selection are kept in this browser tab only: "
            + as_markdown_text(state.draft_problem),
            icon=":material/database:",
        )
    else:
        st.caption(
            "Your edits and selection are kept, through a reload or in another tab, until you "
            "send or reset them."
        )


def _keep_in_store(
    account: str,
    numbers: set[str],
    overrides: Mapping[str, Mapping[str, str]],
    selected: frozenset[str],
) -> None:
    _workspace().drafts.write(account, numbers, overrides=overrides, selected=selected)


def _record_in_audit(event: str, changes: Mapping[str, Iterable[str]]) -> None:
    connection = active_connection()
    connection_id = connection.saved.id if connection and connection.saved else None
    workspace = _workspace()
    for detail in edit_details(changes):
        workspace.audit.record(event, connection_id=connection_id, detail=detail)


def _workspace() -> Workspace:
    # The page's shared opener (it opens the workspace as the signed-in analyst, so drafts
    # are theirs), per call, not kept in the state: a sqlite3 connection stays on its own
    # thread. A store that cannot be opened stops the page with what to do; faults of the
    # drafts themselves are raised, for the state to report.
    return context.workspace()


def forget_review() -> None:
    """Drop the imported rows (the next visit to Review imports afresh), e.g. when what they
    were checked against changed."""
    st.session_state.pop(_STATE_KEY, None)


def current_review_state() -> ReviewState | None:
    """This session's review state. A new session (a reload on Submit, a second tab) has
    none yet: it is read back from the draft of the connected company and, when that has a
    selection, imported afresh so the selected rows are there to send. None when there is
    nothing to show (not connected, no import, or the import failed: it says why)."""
    state = st.session_state.get(_STATE_KEY)
    connection = active_connection()
    if state is not None or connection is None:
        return state
    state = review_state(connection.account_key)
    if state.selected:
        from ui.import_runner import run_import  # it imports this module

        run_import(connection, state)
    return state if state.result is not None else None
