"""Ask Debitura's preview whether the selected invoices would be accepted, and remember its
refusals so that no face (the Submit page, Sent cases' retry, ``cli.py submit``) sends a body
the preview refused while it is unchanged.

A refusal is recorded in the submission ledger as a ``failed`` row that never sent anything
(``workflow.decision.PREVIEW_REFUSED_KIND``, with the body's fingerprint); ``decide`` then holds
the row back. A later preview that accepts the same invoice clears it. Answers are keyed by the
body's fingerprint, so an edit on Review makes an earlier answer stale instead of wrong.
"""

from __future__ import annotations

from collections.abc import Iterable, Mapping, Sequence
from dataclasses import dataclass
from typing import Any

from kashflow import KashFlowClient
from mapping import ReviewRow
from mapping.case_payload import PayloadError, case_payload, judged_fingerprint
from mapping.rows import invoice_sort_key
from store.ledger import CREATED, FAILED, SubmissionLedger
from workflow.case_details import read_case_details
from workflow.debitura_target import DebituraTarget
from workflow.decision import (
    PREVIEW_REFUSED_KIND,
    REFUSED_UNCHANGED,
    REMEMBERED_REFUSALS,
    SEND,
    decide,
)
from workflow.submit import PreviewOutcome, preview_payloads

PREVIEW_ACCEPTED_NOTE = "Debitura's preview now accepts it; not sent yet."


@dataclass(frozen=True)
class EligibilityAnswer:
    """Debitura's preview of one invoice's body, as it was when asked."""

    invoice_number: str
    # Of the body previewed (``judged_fingerprint``): a different body means a stale answer.
    fingerprint: str
    preview: PreviewOutcome

    @property
    def refused(self) -> bool:
        """Debitura said no to the case itself (not: the preview could not be asked)."""
        return not self.preview.eligible and not self.preview.error

    @property
    def eligible(self) -> bool:
        return self.preview.eligible and not self.preview.error


def body_fingerprint(row: ReviewRow, target: DebituraTarget) -> str:
    """The judged fingerprint of the body a submit would send for ``row`` now; ``""`` without
    one (the same with or without the invoice's detail read)."""
    try:
        return judged_fingerprint(case_payload(row, test_mode=target.test_mode, tag=target.tag))
    except PayloadError:
        return ""


def check_with_debitura(
    rows: Sequence[ReviewRow],
    *,
    target: DebituraTarget,
    ledger: SubmissionLedger,
    account: str,
    connection_id: int | None = None,
) -> dict[str, EligibilityAnswer]:
    """``POST /cases/preview`` for every row a submit could send (not the blocked, not the
    cases already sent), keyed by invoice number; a refusal is recorded in the ledger, an
    acceptance clears an earlier refusal. Nothing is created at Debitura.

    A row held back because the preview refused it before is asked again: Debitura's answer
    may have changed (a partner added, a contract signed).
    """
    entries = {entry.invoice_number: entry for entry in ledger.list(account, target.key)}
    bodies: dict[str, Mapping[str, Any]] = {}
    fingerprints: dict[str, str] = {}
    references: dict[str, str] = {}
    for row in rows:
        number = row.invoice_number
        plan = decide(
            row, entries.get(number), test_mode=target.test_mode, tag=target.tag, retry_failed=True
        )
        if plan.action in (SEND, REFUSED_UNCHANGED) and plan.payload is not None:
            bodies[number] = plan.payload
            fingerprints[number] = judged_fingerprint(plan.payload)
            references[number] = row.creditor_reference
    outcomes = preview_payloads(bodies, target)
    answers = {}
    for number, outcome in outcomes.items():
        answer = EligibilityAnswer(number, fingerprints[number], outcome)
        answers[number] = answer
        if answer.refused:
            ledger.record_refusal_unsent(
                account=account,
                target=target.key,
                invoice_number=number,
                creditor_reference=references[number],
                payload_fingerprint=answer.fingerprint,
                error_kind=PREVIEW_REFUSED_KIND,
                error_message=outcome.message or "Debitura has no collection partner for it.",
                connection_id=connection_id,
                test_mode=target.test_mode,
            )
        elif answer.eligible:
            ledger.clear_refusal_unsent(
                account,
                target.key,
                number,
                error_kind=PREVIEW_REFUSED_KIND,
                note=PREVIEW_ACCEPTED_NOTE,
            )
    return {
        row.invoice_number: answers[row.invoice_number]
        for row in rows
        if row.invoice_number in answers
    }


def count_text(answers: Iterable[EligibilityAnswer]) -> str:
    """Debitura's answers counted: ``"60 eligible · 3 refused"`` (and any not answered).

    >>> from workflow.submit import PreviewOutcome
    >>> count_text([EligibilityAnswer("1", "f", PreviewOutcome("1", True)),
    ...     EligibilityAnswer("2", "g", PreviewOutcome("2", False)),
    ...     EligibilityAnswer("3", "h", PreviewOutcome("3", False, error="Timed out."))])
    '1 eligible · 1 refused · 1 not answered'
    """
    answers = list(answers)
    eligible = sum(answer.eligible for answer in answers)
    refused = sum(answer.refused for answer in answers)
    parts = [f"{eligible} eligible", f"{refused} refused"]
    unanswered = len(answers) - eligible - refused
    if unanswered:
        parts.append(f"{unanswered} not answered")
    return " · ".join(parts)


def retry_candidates(
    rows: Sequence[ReviewRow] | None,
    *,
    target: DebituraTarget,
    ledger: SubmissionLedger,
    account: str,
    client: KashFlowClient | None = None,
) -> list[str]:
    """Invoice numbers the Sent cases page may offer to send again: not a case yet, and not
    a refusal that would only repeat itself. A body Debitura (or its preview) refused is
    offered once it has changed (``rows``, the current review, says so); without the current
    rows nobody can tell, so it is not offered.

    A refused send was built from the invoice's detail (what was sold, payments), which the
    review's rows lack; with ``client`` the detail of each refused invoice is read first, so
    that an unchanged invoice compares equal and is not offered."""
    by_number = {row.invoice_number: row for row in rows or ()}
    entries = [entry for entry in ledger.list(account, target.key) if entry.state != CREATED]
    judged = {
        entry.invoice_number
        for entry in entries
        if entry.state == FAILED
        and (entry.error_kind in REMEMBERED_REFUSALS or entry.error_kind == PREVIEW_REFUSED_KIND)
    }
    refused_rows = [by_number[number] for number in judged if number in by_number]
    if client is not None and refused_rows:
        by_number |= {
            row.invoice_number: row for row in read_case_details(client, refused_rows).rows
        }
    offered = []
    for entry in entries:
        if entry.invoice_number in judged:
            row = by_number.get(entry.invoice_number)
            if row is None:
                continue
            plan = decide(
                row,
                entry,
                test_mode=target.test_mode,
                tag=target.tag,
                allow_pending_contracts=target.allow_pending_contracts,
            )
            if plan.action == REFUSED_UNCHANGED:
                continue
        offered.append(entry.invoice_number)
    return sorted(offered, key=invoice_sort_key)
