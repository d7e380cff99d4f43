"""Runs the import with visible progress and keeps its outcome in the review state.

With ``first_rows`` the page sees the invoices as they arrive: the lowest-numbered ones are
drawn read-only under the progress bar (``ui.review_grid.loading_grid``), debtor cells marked
as loading until their customer is in, and replaced by the full grid once everything is.
"""

from __future__ import annotations

import time
from zoneinfo import ZoneInfo

import streamlit as st

from kashflow import KashFlowError
from ui import context
from ui.review_grid import loading_grid
from ui.review_state import ReviewState
from workflow.connect import ActiveConnection
from workflow.importing import ImportProgress
from workflow.review import FirstRows, import_for_review

LONDON = ZoneInfo("Europe/London")
_BAR_EVERY = 0.2  # seconds between progress-bar updates: each one is a message to the browser


def run_import(
    connection: ActiveConnection, state: ReviewState, *, first_rows: int | None = None
) -> None:
    """Fetch every open invoice now; progress in an ``st.status`` with a bar, and with
    ``first_rows``, that many of the first invoices shown while the rest arrive."""
    status = st.status("Fetching open invoices from KashFlow…", expanded=True)
    preview = st.empty()  # under the progress: the first rows, while the rest arrive
    with status:  # a spinner until the update below (leaving the block would tick it)
        bar = st.progress(0.0, text="Logging in and reading the first page…")
        shown_at = 0.0

        def show(progress: ImportProgress) -> None:
            nonlocal shown_at
            if time.monotonic() - shown_at >= _BAR_EVERY:
                shown_at = time.monotonic()
                bar.progress(progress.fraction, text=progress.describe())

        def show_first(first: FirstRows) -> None:
            with preview.container():
                st.caption(_arriving(first))
                loading_grid(first)

        if first_rows:
            # The grid's frame at once: the browser fetches the grid's code meanwhile.
            show_first(FirstRows((), frozenset(), ImportProgress(0, None, 0, 0), 0))
        try:
            result = import_for_review(
                connection,
                workspace=context.workspace(),
                on_progress=show,
                on_first_rows=show_first if first_rows else None,
                first_rows=first_rows or 0,
            )
        except KashFlowError as error:
            state.set_error(str(error))
            status.update(label="The import failed", state="error", expanded=False)
            return
        finally:
            preview.empty()
        state.set_import(result)
        status.update(label=fetched_label(state), state="complete", expanded=False)


def _arriving(first: FirstRows) -> str:
    if not first.rows:
        return "The first invoices show here as soon as KashFlow sends them."
    total = first.progress.invoices_total
    every = f"all {total:,}" if total else "all"
    return (
        f"The first {len(first.rows):,} invoices, as they arrive (the bar above counts the "
        f"rest). Ticking and editing open once {every} are in and checked."
    )


def fetched_label(state: ReviewState) -> str:
    if state.result is None:
        return ""
    at = state.result.fetched_at.astimezone(LONDON).strftime("%H:%M")
    return f"Fetched {len(state.result.rows):,} invoices at {at}"
