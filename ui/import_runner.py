"""Runs the import with visible progress and keeps its outcome in the review state."""

from __future__ import annotations

from zoneinfo import ZoneInfo

import streamlit as st

from kashflow import KashFlowError
from ui import context
from ui.review_state import ReviewState
from workflow.connect import ActiveConnection
from workflow.importing import ImportProgress
from workflow.review import import_for_review

LONDON = ZoneInfo("Europe/London")


def run_import(connection: ActiveConnection, state: ReviewState) -> None:
    """Fetch every open invoice now; progress in an ``st.status`` with a bar."""
    with st.status("Fetching open invoices from KashFlow…", expanded=True) as status:
        bar = st.progress(0.0, text="Logging in and reading the first page…")

        def show(progress: ImportProgress) -> None:
            bar.progress(progress.fraction, text=progress.describe())

        try:
            result = import_for_review(connection, workspace=context.workspace(), on_progress=show)
        except KashFlowError as error:
            state.set_error(str(error))
            status.update(label="The import failed", state="error", expanded=False)
            return
        state.set_import(result)
        status.update(label=fetched_label(state), state="complete", expanded=False)


def fetched_label(state: ReviewState) -> str:
    if state.result is None:
        return ""
    at = state.result.fetched_at.astimezone(LONDON).strftime("%H:%M")
    return f"Fetched {len(state.result.rows)} invoices at {at}"
