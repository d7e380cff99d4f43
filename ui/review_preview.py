"""Debitura's preview for the selection ("Check with Debitura"), shared by Review and Submit.

The answers live in one session-state place, keyed by company, destination and invoice
number, each with the fingerprint of the body it judged: Review and Submit read the same
answers, and an edit (a new body) makes an answer stale instead of wrong. Refusals are also
remembered in the ledger by ``workflow.eligibility``, so no face sends what the preview refused.
"""

from __future__ import annotations

from collections.abc import Sequence

import streamlit as st

from debitura import DebituraError
from mapping import ReviewRow
from mapping.rows import invoice_sort_key
from store import StorageError
from ui import context
from ui.plain import as_markdown_text
from ui.review_state import ReviewState
from ui.submissions import debitura_target
from workflow.connect import ActiveConnection
from workflow.debitura_target import DebituraTarget
from workflow.eligibility import (
    EligibilityAnswer,
    body_fingerprint,
    check_with_debitura,
    count_text,
)

ANSWERS = "debitura_preview_answers"
_BATCH = 8  # invoices asked per step of the progress bar


def stored_answers(
    rows: Sequence[ReviewRow], target: DebituraTarget, account: str
) -> dict[str, EligibilityAnswer]:
    """The answers still valid for ``rows`` as they are now (same body as when asked)."""
    answers = st.session_state.get(ANSWERS, {})
    valid = {}
    for row in rows:
        answer = answers.get((account, target.key, row.invoice_number))
        if answer is not None and answer.fingerprint == body_fingerprint(row, target):
            valid[row.invoice_number] = answer
    return valid


def ask_debitura(
    rows: Sequence[ReviewRow], connection: ActiveConnection, target: DebituraTarget
) -> None:
    """Preview ``rows`` at Debitura with a progress bar, and keep the answers."""
    answers = st.session_state.setdefault(ANSWERS, {})
    ledger = context.workspace().ledger
    with st.status(f"Asking Debitura about {len(rows)} invoices…", expanded=True) as status:
        bar = st.progress(0.0, text=f"0 of {len(rows)}")
        done = 0
        try:
            for start in range(0, len(rows), _BATCH):
                batch = rows[start : start + _BATCH]
                found = check_with_debitura(
                    batch,
                    target=target,
                    ledger=ledger,
                    account=connection.account_key,
                    connection_id=connection.connection_id,
                )
                for number, answer in found.items():
                    answers[(connection.account_key, target.key, number)] = answer
                done += len(batch)
                bar.progress(done / max(1, len(rows)), text=f"{done} of {len(rows)}")
        except (DebituraError, StorageError) as error:
            status.update(label="Debitura could not be asked", state="error")
            st.error(f"Debitura's preview could not be asked: {as_markdown_text(error)}")
            return
        status.update(label="Debitura answered", state="complete", expanded=False)


def answer_words(answer: EligibilityAnswer | None) -> str:
    """One invoice's answer in words, for a list or a Reason column."""
    if answer is None:
        return "Not asked yet."
    preview = answer.preview
    if preview.error:
        return f"Not answered: {preview.error}"
    if answer.refused:
        return f"Refused: {preview.message}"
    if preview.signatures:
        needed = ", ".join(signature.what for signature in preview.signatures)
        return f"Eligible once signed: {needed}."
    partner = f" by {preview.partner}" if preview.partner else ""
    return f"Eligible: would be taken{partner}."


def review_preview(connection: ActiveConnection, state: ReviewState) -> None:
    """The Review page's "Check with Debitura" for the selection: a button, then the count
    and each invoice's answer in words."""
    target = debitura_target()
    # A kept tick of an invoice no longer open has no row: it is not asked about.
    selected = state.rows_of(sorted(state.selected, key=invoice_sort_key))
    askable = [row for row in selected if row.eligible]
    blocked = [row.invoice_number for row in selected if not row.eligible]
    st.caption(
        "Debitura's preview says, for each selected invoice without errors, whether it would "
        "take the case, which partner, at what fee. Nothing is sent."
    )
    if st.button(
        f"Check with Debitura ({len(askable)} selected)",
        disabled=not askable,
        icon=":material/travel_explore:",
        key="review_check_with_debitura",
    ):
        ask_debitura(askable, connection, target)
    if blocked:
        st.markdown(
            f"Not asked, blocked here first ({len(blocked)}): "
            + ", ".join(as_markdown_text(number) for number in blocked)
        )
    answers = stored_answers(askable, target, connection.account_key)
    if not answers:
        return
    st.markdown(f"**{count_text(answers.values())}**")
    for row in askable:
        answer = answers.get(row.invoice_number)
        if answer is not None and not answer.eligible:
            st.markdown(
                f"- **{as_markdown_text(row.invoice_number)}**: "
                f"{as_markdown_text(answer_words(answer))}"
            )
