"""Runs a submission from the Submit page: re-check in KashFlow, then send with progress.

Outcomes are written to session state as each arrives, so a click that interrupts the run
(Streamlit stops the script) loses nothing on screen, and the ledger already holds every
case sent; the next run settles anything left unconfirmed.
"""

from __future__ import annotations

from collections.abc import Sequence

import streamlit as st

from kashflow import KashFlowError
from mapping import ReviewRow
from store import StorageError
from ui import context
from ui.identity import current_rights
from ui.plain import as_markdown_text
from ui.review_state import ReviewState
from workflow.access import NotASubmitter
from workflow.connect import ActiveConnection
from workflow.debitura_target import DebituraTarget
from workflow.documents import DocumentSource
from workflow.submit import (
    SubmissionOutcome,
    recheck_selection,
    settle_closed_unconfirmed,
    submit_cases,
)

RUNNING = "submit_running"
OUTCOMES = "submit_outcomes"
NOTES = "submit_notes"
# The invoice numbers shown in the confirmation, then the ones confirmed: only those are sent.
CONFIRMING = "submit_confirming"
CONFIRMED = "submit_confirmed"


def ask_to_confirm(numbers: Sequence[str]) -> None:
    """Button callback ("Create N cases"): show the confirmation; nothing is sent yet."""
    st.session_state[CONFIRMING] = tuple(numbers)


def confirming() -> tuple[str, ...]:
    return st.session_state.get(CONFIRMING, ())


def cancel_confirmation() -> None:
    st.session_state.pop(CONFIRMING, None)


def start_submit() -> None:
    """Confirm button callback: the next script run sends what was confirmed, with every
    control drawn disabled (a second click finds nothing to press)."""
    if st.session_state.get(RUNNING):
        return
    st.session_state[CONFIRMED] = st.session_state.pop(CONFIRMING, ())
    st.session_state[RUNNING] = True


def confirmed_rows(rows: Sequence[ReviewRow]) -> list[ReviewRow]:
    """The rows the analyst confirmed, among those still to send."""
    numbers = set(st.session_state.get(CONFIRMED, ()))
    return [row for row in rows if row.invoice_number in numbers]


def is_running() -> bool:
    return st.session_state.get(RUNNING, False)


def run_submit(
    connection: ActiveConnection,
    state: ReviewState,
    rows: Sequence[ReviewRow],
    target: DebituraTarget,
    *,
    retry_failed: bool = False,
) -> None:
    # Kept in session state as they arrive: an interrupted run still shows what it did.
    outcomes: list[SubmissionOutcome] = []
    notes: list[str] = []
    st.session_state[OUTCOMES] = outcomes
    st.session_state[NOTES] = notes
    rights = current_rights()
    try:
        if not rights.may_submit:  # the button was disabled; a crafted rerun still gets here
            notes.append(f"Nothing was sent: only submitters can create cases. {rights.why_not}")
            return
        with st.status("Sending cases to Debitura…", expanded=True) as status:
            st.write("Checking the selected invoices in KashFlow again…")
            try:
                recheck = recheck_selection(connection.client, rows, state.policy, state.overrides)
            except KashFlowError as error:
                notes.append(f"Nothing was sent: KashFlow could not be checked. {error}")
                status.update(label="Nothing was sent", state="error")
                return
            ledger = context.workspace().ledger
            closed = {number for number, _ in recheck.dropped}
            settled = settle_closed_unconfirmed(
                [row.invoice_number for row in state.rows if row.invoice_number not in closed],
                target=target,
                ledger=ledger,
                account=connection.account_key,
            )
            notes.extend(f"{o.invoice_number}: {o.message}" for o in settled)
            notes.extend(f"{number} left out: {reason}" for number, reason in recheck.dropped)
            notes.extend(f"{number} updated: {change}" for number, change in recheck.updated)
            total = max(1, len(recheck.kept))
            bar = st.progress(0.0, text=f"0 of {len(recheck.kept)}")

            def show(outcome: SubmissionOutcome) -> None:
                outcomes.append(outcome)
                bar.progress(
                    len(outcomes) / total,
                    text=f"{len(outcomes)} of {len(recheck.kept)}: "
                    f"{as_markdown_text(outcome.invoice_number)} {outcome.label}",
                )

            try:
                report = submit_cases(
                    recheck.kept,
                    target=target,
                    ledger=ledger,
                    account=connection.account_key,
                    connection_id=connection.connection_id,
                    on_result=show,
                    retry_failed=retry_failed,
                    on_wait=lambda: st.write(
                        "Another submit is running on this data folder: waiting for it to finish…"
                    ),
                    documents=DocumentSource(connection.client, context.workspace().documents),
                    rights=rights,
                )
            except NotASubmitter as refusal:
                notes.append(str(refusal))
                status.update(label="Nothing was sent", state="error")
                return
            except StorageError as error:
                # What was sent is recorded; the rest is settled by the next run.
                notes.append(f"The run stopped: {error}")
                status.update(label="The run stopped", state="error")
                return
            notes.extend(f"{d.invoice_number}: {d.note}" for d in report.earlier_documents)
            status.update(
                label=f"Done: {report.summary()}",
                state="complete" if report.all_sent else "error",
                expanded=False,
            )
        sent = {outcome.invoice_number for outcome in report.outcomes if outcome.is_sent}
        state.forget_sent(sent)  # and from the kept draft, edits and all
    finally:
        st.session_state[RUNNING] = False
