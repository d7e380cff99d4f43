"""The submit decision: what happens to one selected invoice, given what the ledger holds.

One function decides, and every face asks it: the submit run (``workflow.submit``), the Submit
page's split into "to create" and "not sent", ``cli.py submit --dry-run`` and the Sent-cases
retry. The decision is made from the row and its ledger entry alone; no request is made.
"""

from __future__ import annotations

from collections.abc import Mapping, Sequence
from dataclasses import dataclass, field
from typing import Any

from debitura import (
    BusinessRuleViolation,
    CreditorActionRequired,
    CreditorBlocked,
    IdempotencyConflict,
    ValidationFailed,
)
from mapping import ReviewRow
from mapping.case_payload import PayloadError, case_payload, payload_fingerprint
from mapping.problems import ERROR
from store.ledger import CREATED, FAILED, SENDING, Submission, SubmissionLedger
from workflow.debitura_target import DebituraTarget
from workflow.reconcile import REFERENCE_COLLISION_KIND

# What happens to the invoice.
SEND = "send"  # POST /cases (after the look-up, when ``look_up_first``)
ALREADY_SENT = "already_sent"  # the ledger holds its case: no request
BLOCKED = "blocked"  # the row has errors: never sent
REFUSED_UNCHANGED = "refused_unchanged"  # Debitura refused this exact body before: not resent


def _with_subclasses(*roots: type) -> frozenset[str]:
    names: set[str] = set()
    for root in roots:
        names.add(root.__name__)
        names |= _with_subclasses(*root.__subclasses__())
    return frozenset(names)


# Debitura's judgement on the case itself (its details, a business rule about it, a reference
# taken by another case) is remembered: the same body is not sent again until it changes or a
# resend is asked for. A refusal of the API key, of the connection or of the creditor's account
# (blocked, an agreement to sign) is not: once fixed, a plain rerun sends.
REMEMBERED_REFUSALS = (
    _with_subclasses(ValidationFailed, BusinessRuleViolation)
    - _with_subclasses(CreditorBlocked, CreditorActionRequired, IdempotencyConflict)
) | {REFERENCE_COLLISION_KIND}


@dataclass(frozen=True)
class SubmitDecision:
    """One invoice's fate in a submit run, before any request."""

    invoice_number: str
    action: str  # SEND, ALREADY_SENT, BLOCKED or REFUSED_UNCHANGED
    message: str = ""  # why, in words (empty for SEND)
    # An earlier send was never confirmed: look for its case at Debitura before acting.
    look_up_first: bool = False
    payload: Mapping[str, Any] | None = field(default=None, repr=False)  # the body, for SEND
    fingerprint: str = ""
    existing: Submission | None = None

    @property
    def sends(self) -> bool:
        return self.action == SEND


def decide(
    row: ReviewRow,
    existing: Submission | None,
    *,
    test_mode: bool,
    tag: str,
    retry_failed: bool = False,
) -> SubmitDecision:
    """What a submit run does with ``row``, whose ledger entry is ``existing``.

    In order: a case in the ledger → already sent (no look-up, no request); an unconfirmed
    earlier send → look up first, then as below; errors on the row → blocked; a body Debitura
    judged and refused before, unchanged → refused again without a request (unless
    ``retry_failed``; see ``REMEMBERED_REFUSALS``); otherwise send.
    """
    number = row.invoice_number
    if existing is not None and existing.state == CREATED:
        return SubmitDecision(number, ALREADY_SENT, _already_sent(existing), existing=existing)
    look_up_first = existing is not None and existing.state == SENDING

    def decision(action: str, message: str = "", **fields: Any) -> SubmitDecision:
        return SubmitDecision(
            number, action, message, look_up_first=look_up_first, existing=existing, **fields
        )

    errors = [problem for problem in row.problems if problem.severity == ERROR]
    if errors:
        return decision(BLOCKED, "; ".join(f"{p.code}: {p.message}" for p in errors))
    try:
        payload = case_payload(row, test_mode=test_mode, tag=tag)
    except PayloadError as error:
        return decision(BLOCKED, str(error))
    fingerprint = payload_fingerprint(payload)
    if (
        existing is not None
        and existing.state == FAILED
        and existing.error_kind in REMEMBERED_REFUSALS
        and existing.payload_fingerprint == fingerprint
        and not retry_failed
    ):
        message = "Not sent again: Debitura refused it before and nothing has changed since."
        return decision(REFUSED_UNCHANGED, f"{message} {existing.error_message}".strip())
    return decision(SEND, payload=payload, fingerprint=fingerprint)


def plan_submission(
    rows: Sequence[ReviewRow],
    *,
    ledger: SubmissionLedger,
    account: str,
    target: DebituraTarget,
    retry_failed: bool = False,
) -> list[SubmitDecision]:
    """``decide`` for each row against this account's and target's ledger entries (read in
    one query: the Submit page plans on every rerun)."""
    entries = {entry.invoice_number: entry for entry in ledger.list(account, target.key)}
    return [
        decide(
            row,
            entries.get(row.invoice_number),
            test_mode=target.test_mode,
            tag=target.tag,
            retry_failed=retry_failed,
        )
        for row in rows
    ]


def _already_sent(submission: Submission) -> str:
    when = f" on {submission.sent_at[:10]}" if submission.sent_at else ""
    reference = submission.case_reference or submission.case_id
    return f"Already sent to Debitura as case {reference}{when}."
