"""The submit decision: what happens to one selected invoice, given what the ledger holds.

One function decides, and every face asks it: the submit run (``workflow.submit``), the Submit
page's split into "to create" and "not sent", ``cli.py submit --dry-run`` and the Sent-cases
retry. The decision is made from the row and its ledger entry alone; no request is made.
"""

from __future__ import annotations

from collections.abc import Mapping, Sequence
from contextlib import suppress
from dataclasses import dataclass, field
from datetime import date
from typing import Any

from debitura import (
    BusinessRuleViolation,
    CreditorActionRequired,
    CreditorBlocked,
    IdempotencyConflict,
    ValidationFailed,
)
from mapping import ReviewRow
from mapping.case_payload import (
    PayloadError,
    case_payload,
    judged_fingerprint,
    payload_fingerprint,
)
from mapping.dates import uk_date
from mapping.problems import ERROR, join_sentences, problem_text
from store.ledger import CREATED, FAILED, SENDING, Submission, SubmissionLedger
from workflow.debitura_target import DebituraTarget
from workflow.reconcile import REFERENCE_COLLISION_KIND

# What happens to the invoice.
SEND = "send"  # POST /cases (after the look-up, when ``look_up_first``)
ALREADY_SENT = "already_sent"  # the ledger holds its case: no request
BLOCKED = "blocked"  # the row has errors: never sent
REFUSED_UNCHANGED = "refused_unchanged"  # Debitura refused this exact body before: not resent

# The ledger's error kind for a body Debitura's preview refused (nothing was sent). Unlike a
# refusal of a sent case, asking for a resend does not override it: only a changed body or a
# fresh preview that accepts it (``workflow.eligibility``) lets it go.
PREVIEW_REFUSED_KIND = "PreviewRefused"


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
    # The body, for SEND (and REFUSED_UNCHANGED: the body that was refused).
    payload: Mapping[str, Any] | None = field(default=None, repr=False)
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
    allow_pending_contracts: bool = False,
) -> SubmitDecision:
    """What a submit run does with ``row``, whose ledger entry is ``existing``.

    In order: a case in the ledger → already sent (no look-up, no request); an unconfirmed
    earlier send → look up first, then as below; errors on the row → blocked; a body
    Debitura's preview refused, unchanged → refused without a request, whatever
    ``retry_failed`` says; a body Debitura judged and refused before, unchanged → refused
    again without a request (unless ``retry_failed``; see ``REMEMBERED_REFUSALS``);
    otherwise send.
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
        return decision(BLOCKED, problem_text(errors))
    try:
        payload = case_payload(
            row, test_mode=test_mode, tag=tag, allow_pending_contracts=allow_pending_contracts
        )
    except PayloadError as error:
        return decision(BLOCKED, str(error))
    fingerprint = payload_fingerprint(payload)
    body = {"payload": payload, "fingerprint": fingerprint}
    refused_unchanged = (
        existing is not None
        and existing.state == FAILED
        and existing.payload_fingerprint == fingerprint
    )
    # A preview refusal is kept under the judged fingerprint (``workflow.eligibility``): it
    # holds whether or not the invoice's detail (the body's free text) was read.
    preview_refused = (
        existing is not None
        and existing.state == FAILED
        and existing.error_kind == PREVIEW_REFUSED_KIND
        and existing.payload_fingerprint in (fingerprint, judged_fingerprint(payload))
    )
    if preview_refused:
        return decision(REFUSED_UNCHANGED, preview_refusal_text(existing.error_message), **body)
    if refused_unchanged and existing.error_kind in REMEMBERED_REFUSALS and not retry_failed:
        message = "Not sent again: Debitura refused it before and nothing has changed since."
        return decision(REFUSED_UNCHANGED, f"{message} {existing.error_message}".strip(), **body)
    return decision(SEND, **body)


def preview_refusal_text(reason: str) -> str:
    """Why a row the preview refused is held back, and what the analyst can do about it.

    >>> print(preview_refusal_text("The amount is below the minimum"))  # doctest: +ELLIPSIS
    Debitura's preview refused it, so it is not sent: The amount is below the minimum. Change ...
    """
    said = reason.strip() or "no reason given"
    return join_sentences(
        [
            f"Debitura's preview refused it, so it is not sent: {said}",
            "Change the invoice or the debtor on Review, then Check with Debitura again.",
        ]
    )


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
            allow_pending_contracts=target.allow_pending_contracts,
        )
        for row in rows
    ]


def _already_sent(submission: Submission) -> str:
    when = ""
    if submission.sent_at:
        with suppress(ValueError):  # a damaged timestamp: said without the day
            when = f" on {uk_date(date.fromisoformat(submission.sent_at[:10]))}"
    reference = submission.case_reference or submission.case_id
    return f"Already sent to Debitura as case {reference}{when}."
