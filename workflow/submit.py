"""Submit: re-check the selected invoices in KashFlow, then send each as one Debitura case,
exactly once.

Exactly once rests on three things together:

1. The ledger (``store.ledger``) records every submission *before* its request leaves
   (``sending``) and its answer as soon as it arrives, each change committed before the next
   network call. A run stopped in between (a crash, Ctrl+C, a stopped page, a dropped
   connection) leaves ``sending``: outcome unknown.
2. An unknown outcome is resolved before anything is sent again: the case is looked up by its
   creditor reference (the invoice number); found means it is recorded, not sent again.
3. Every request carries an ``Idempotency-Key`` (kept for a resend of the same body) and a
   unique ``creditorReference``, so even a request that crosses a still-running one cannot
   create a second case: Debitura replays its first answer or refuses the duplicate, and a
   refused duplicate is looked up and recorded too.

Network calls may run on a small pool; everything that touches the ledger runs on the calling
thread (sqlite connections stay on their thread), and results are reported in input order.
"""

from __future__ import annotations

import logging
from collections.abc import Callable, Collection, Generator, Mapping, Sequence
from concurrent.futures import FIRST_COMPLETED, Future, ThreadPoolExecutor, wait
from dataclasses import dataclass, replace
from datetime import date
from decimal import Decimal
from functools import partial
from typing import Any

from debitura import (
    AuthenticationFailed,
    Case,
    CreditorBlocked,
    DebituraError,
    DebituraUnavailable,
    DuplicateReference,
    IdempotencyConflict,
    MissingDebtCollectionContract,
    Preview,
    lifecycle_label,
)
from kashflow import KashFlowClient, KashFlowError, NotFound
from kashflow.models import InvoiceDetail
from mapping import Policy, ReviewRow, apply_overrides, build_row
from mapping.case_payload import PayloadError, case_payload
from mapping.dates import uk_date
from mapping.money import format_money, money_text
from mapping.problems import ERROR, Problem
from mapping.rows import with_detail
from mapping.status import canonical_status, is_open_status, status_words
from store.ledger import Submission, SubmissionLedger
from workflow import decision as decisions
from workflow.access import LOCAL_RIGHTS, Rights
from workflow.debitura_target import DebituraTarget
from workflow.documents import DocumentOutcome, DocumentSource, attach_unfinished, document_steps
from workflow.reconcile import REFERENCE_COLLISION_KIND, case_differences

log = logging.getLogger(__name__)

DEFAULT_RECHECK_CONCURRENCY = 4
# Eight in flight: 1,000 cases at 50 ms take 6.8-7.2 s, 7.6-7.9x the sequential run and 1.1x
# the floor (bench/bench_submit.py). Sixteen would halve that, but Debitura documents no rate
# limit to spend a bigger burst against, and with documents the same pool reads invoice PDFs
# from KashFlow, whose guidance is to keep concurrency low (its busiest known client runs 8).
DEFAULT_SUBMIT_CONCURRENCY = 8
UNKNOWN_STREAK_LIMIT = 3  # unanswered cases in a row before the rest wait for another run

# The error a row gets when it could not be re-checked just before sending. Not one of the
# import's problem codes: it only ever exists between the re-check and the send.
RECHECK_FAILED = "recheck_failed"

# Outcome statuses.
CREATED = "created"  # a new case
RECONCILED = "reconciled"  # the case already existed at Debitura; now recorded
ALREADY_SENT = "already_sent"  # the ledger says it is a case; no request made
BLOCKED = "blocked"  # the row has errors: never sent
FAILED = "failed"  # Debitura refused it; recorded, not retried automatically
UNKNOWN = "unknown"  # no answer: checked before anything is sent again
# Debitura has a case under this reference that is not this invoice's: not sent, not claimed.
REFERENCE_COLLISION = "reference_collision"
SKIPPED = "skipped"  # not attempted: the run stopped early (see the message)
STATUSES = (
    CREATED,
    RECONCILED,
    ALREADY_SENT,
    BLOCKED,
    FAILED,
    REFERENCE_COLLISION,
    UNKNOWN,
    SKIPPED,
)
STATUS_LABELS = {
    CREATED: "created",
    RECONCILED: "reconciled",
    ALREADY_SENT: "already sent",
    BLOCKED: "blocked",
    FAILED: "failed",
    REFERENCE_COLLISION: "reference in use",
    UNKNOWN: "unknown",
    SKIPPED: "not sent",
}
SENT_STATUSES = frozenset({CREATED, RECONCILED, ALREADY_SENT})
UNKNOWN_MESSAGE = "Debitura did not confirm; it will be checked before anything is sent again."

# Refusals that hold for every case of the creditor: the run stops instead of repeating them.
_ACCOUNT_WIDE = (AuthenticationFailed, CreditorBlocked, MissingDebtCollectionContract)


# --- re-check ---------------------------------------------------------------------------------


@dataclass(frozen=True)
class RecheckResult:
    """The selection after a fresh look at KashFlow.

    ``kept``: the rows to submit, in input order (a row that could not be re-checked is kept
    with a ``recheck_failed`` error, so it is reported and not sent). ``dropped``: invoices
    that no longer need collecting, with the reason. ``updated``: rows rebuilt because the
    invoice changed, with what changed ("amount 805.00 → 500.00").
    """

    kept: tuple[ReviewRow, ...]
    dropped: tuple[tuple[str, str], ...] = ()
    updated: tuple[tuple[str, str], ...] = ()


def recheck_selection(
    client: KashFlowClient,
    rows: Sequence[ReviewRow],
    policy: Policy,
    overrides: Mapping[str, Mapping[str, str]] | None = None,
    *,
    concurrency: int = DEFAULT_RECHECK_CONCURRENCY,
) -> RecheckResult:
    """Fetch each selected invoice again (``GET /invoices/{number}``) just before sending.

    Paid, credited or otherwise closed since the import: dropped. Amount, dates, currency or
    status changed: rebuilt from the fresh invoice and the row's mapped debtor, with the
    user's debtor edits (the row's own plus ``overrides[number]``) applied again. Unchanged:
    kept. Not fetched: kept, blocked. Nothing is sent that was not re-checked.
    """
    overrides = overrides or {}
    kept: list[ReviewRow] = []
    dropped: list[tuple[str, str]] = []
    updated: list[tuple[str, str]] = []
    if not rows:
        return RecheckResult(())
    workers = max(1, min(concurrency, len(rows)))
    with ThreadPoolExecutor(max_workers=workers, thread_name_prefix="recheck") as pool:
        futures = [pool.submit(client.get_invoice, row.invoice_number) for row in rows]
        try:
            for row, future in zip(rows, futures, strict=True):
                number = row.invoice_number
                edits = {**dict(row.overrides), **dict(overrides.get(number, {}))}
                try:
                    invoice = future.result()
                except NotFound:
                    dropped.append((number, "KashFlow no longer has this invoice."))
                    continue
                except KashFlowError as error:
                    kept.append(_not_rechecked(apply_overrides(row, edits, policy), error))
                    continue
                status = canonical_status(invoice.status)
                if not is_open_status(status):
                    dropped.append((number, _closed_reason(status or invoice.status)))
                    continue
                if not invoice.currency_code and row.currency:
                    # The import settled it (from the customer record); the detail is blank.
                    invoice = replace(invoice, currency_code=row.currency)
                fresh = build_row(
                    invoice,
                    row.base_debtor,
                    policy,
                    already_submitted=row.already_submitted,
                    currency_known=bool(invoice.currency_code) or row.currency_valid,
                    import_problems=row.import_problems,
                )
                changes = _changes(row, fresh)
                if changes:
                    kept.append(apply_overrides(fresh, edits, policy))
                    updated.append((number, "; ".join(changes)))
                else:
                    # The case body's line items, payments and contact come from this read:
                    # one detail read per invoice per send.
                    kept.append(apply_overrides(with_detail(row, invoice), edits, policy))
        except BaseException:
            for future in futures:
                future.cancel()
            raise
    return RecheckResult(tuple(kept), tuple(dropped), tuple(updated))


def _not_rechecked(row: ReviewRow, error: Exception) -> ReviewRow:
    reason = Problem(
        RECHECK_FAILED,
        ERROR,
        f"Could not check this invoice in KashFlow just before sending, so it was not sent "
        f"({error}). Try again.",
    )
    return replace(row, problems=(reason, *row.problems))


def _closed_reason(status: str) -> str:
    if status in ("Paid", "Overpaid"):
        return f"Paid in KashFlow since the import ({status}): nothing to collect."
    if status in ("Credited", "Void"):
        return f"{status} in KashFlow since the import: nothing to collect."
    return f"No longer open in KashFlow (status {status or 'blank'}): not sent."


def _changes(old: ReviewRow, new: ReviewRow) -> list[str]:
    """What about the invoice changed, in words (amounts with their currency, UK dates)."""
    changes = []
    if old.currency != new.currency:
        changes.append(f"currency {old.currency} → {new.currency}")
    if old.amount_to_recover != new.amount_to_recover:
        changes.append(
            f"amount {money_text(old.amount_to_recover, old.currency)} → "
            f"{money_text(new.amount_to_recover, new.currency)}"
        )
    if old.gross_amount != new.gross_amount:
        changes.append(
            f"invoice total {money_text(old.gross_amount, old.currency)} → "
            f"{money_text(new.gross_amount, new.currency)}"
        )
    if old.issued_date != new.issued_date:
        changes.append(f"invoice date {_day(old.issued_date)} → {_day(new.issued_date)}")
    if old.due_date != new.due_date:
        changes.append(f"due date {_day(old.due_date)} → {_day(new.due_date)}")
    if old.status != new.status:
        changes.append(f"status {status_words(old.status)} → {status_words(new.status)}")
    return changes


def _day(day: date | None) -> str:
    return uk_date(day) if day is not None else "none"


# --- submit -----------------------------------------------------------------------------------


@dataclass(frozen=True)
class SubmissionOutcome:
    """What happened to one invoice in a submit run."""

    invoice_number: str
    status: str  # one of STATUSES
    case_reference: str = ""
    case_id: str = ""
    message: str = ""
    # The invoice PDF's fate, when the run attaches documents and the invoice is a case.
    document: DocumentOutcome | None = None

    @property
    def label(self) -> str:
        return STATUS_LABELS[self.status]

    @property
    def is_sent(self) -> bool:
        """The invoice is a case at Debitura (new, found there, or sent before)."""
        return self.status in SENT_STATUSES


@dataclass(frozen=True)
class SubmitReport:
    """Every outcome of a run, in input order, and counts per status."""

    outcomes: tuple[SubmissionOutcome, ...]
    # Documents of cases sent in earlier runs, finished in this one (not among ``outcomes``).
    earlier_documents: tuple[DocumentOutcome, ...] = ()

    @property
    def documents(self) -> tuple[DocumentOutcome, ...]:
        """Every invoice PDF this run dealt with: its own cases' first, then earlier ones."""
        own = tuple(outcome.document for outcome in self.outcomes if outcome.document)
        return own + self.earlier_documents

    @property
    def counts(self) -> dict[str, int]:
        counts = dict.fromkeys(STATUSES, 0)
        for outcome in self.outcomes:
            counts[outcome.status] += 1
        return counts

    @property
    def unconfirmed(self) -> bool:
        """Some outcome is unknown: run again (nothing is sent twice) to settle it."""
        return any(outcome.status == UNKNOWN for outcome in self.outcomes)

    @property
    def all_sent(self) -> bool:
        return all(outcome.is_sent for outcome in self.outcomes)

    def summary(self) -> str:
        """The counts in words, zeros left out: ``3 created, 1 already sent, 1 blocked``."""
        counts = self.counts.items()
        parts = [f"{count} {STATUS_LABELS[status]}" for status, count in counts if count]
        return ", ".join(parts) or "nothing to send"


@dataclass(frozen=True)
class _Done:
    """A case's final outcome, and whether the whole run must stop because of it."""

    outcome: SubmissionOutcome
    stop_reason: str = ""


# A case's steps: yields network calls (run on the pool), receives their results (or has their
# exception thrown in), returns the outcome. Ledger work happens between the yields.
_Steps = Generator[Callable[[], Any], Any, _Done]


def submit_cases(
    rows: Sequence[ReviewRow],
    *,
    target: DebituraTarget,
    ledger: SubmissionLedger,
    account: str,
    connection_id: int | None = None,
    on_result: Callable[[SubmissionOutcome], None] | None = None,
    concurrency: int = DEFAULT_SUBMIT_CONCURRENCY,
    retry_failed: bool = False,
    on_wait: Callable[[], None] | None = None,
    documents: DocumentSource | None = None,
    rights: Rights = LOCAL_RIGHTS,
) -> SubmitReport:
    """Send each row as one Debitura case, at most once, and record it in the ledger.

    Per row, in order: already a case in the ledger → ``already_sent`` (no request); errors on
    the row → ``blocked``; an earlier unknown outcome → looked up first (found: ``reconciled``);
    refused before with the same details → ``failed`` again without a request, unless
    ``retry_failed``; otherwise ``POST /cases``: ``created``, ``reconciled`` (Debitura already
    had it), ``failed`` (refused: the API's reason in words) or ``unknown`` (no answer).

    ``on_result`` is called on this thread for each outcome, in input order. An exception from
    it (or anything else) stops the run; submissions in flight stay ``sending`` and are
    settled by the next run. A refused API key, a blocked account or an unsigned collection
    agreement stops the run too (the rest ``skipped``), as do ``UNKNOWN_STREAK_LIMIT``
    unanswered cases in a row.

    With ``documents``, every row that is a case (created now, found, or sent before) gets
    the invoice's PDF attached exactly once (``workflow.documents``; its outcome in
    ``SubmissionOutcome.document``), and documents earlier runs left unfinished are finished.

    The run holds the data folder's submit lock: while another run holds it, ``on_wait`` is
    called once and this one waits (``store.SubmitInProgress`` if it waits too long).

    ``rights`` are the acting user's (the app passes the signed-in user's; the CLI acts as
    the local user): one who is not a submitter gets ``NotASubmitter`` and nothing is sent.
    """
    rights.require_submitter("create cases")
    concurrency = max(1, concurrency)
    unique: dict[str, ReviewRow] = {}
    for row in rows:
        unique.setdefault(row.invoice_number, row)
    ordered = list(unique.values())
    sender = _Sender(target, ledger, account, connection_id, retry_failed, documents)
    # Two runs on one data folder would both decide "not sent yet": they take turns.
    with ledger.submit_lock(on_wait=on_wait):
        report = _send_all(ordered, sender, on_result, concurrency)
        if documents is None:
            return report
        earlier = attach_unfinished(
            source=documents,
            client=target.client,
            account=account,
            target=target.key,
            skip=unique,
        )
        return replace(report, earlier_documents=tuple(earlier))


def _send_all(
    ordered: list[ReviewRow],
    sender: _Sender,
    on_result: Callable[[SubmissionOutcome], None] | None,
    concurrency: int,
) -> SubmitReport:
    """The run itself: each row's steps on the pool, outcomes emitted in input order.

    Rounds: the answers that arrived are recorded and new cases begun, all of the round's
    ledger changes committed at once (``SubmissionLedger.grouped``), and only then do the
    round's requests leave and its outcomes get reported. Each case's "sending" row is still
    committed before its request leaves and its outcome after its answer, but the pool no
    longer waits for one synced commit per row.
    """
    results: list[SubmissionOutcome | None] = [None] * len(ordered)
    emitted = 0
    stop_reason = ""
    unknown_streak = 0

    def finish(index: int, done: _Done) -> None:
        nonlocal stop_reason, unknown_streak
        results[index] = done.outcome
        if done.outcome.status == UNKNOWN:
            unknown_streak += 1
            if unknown_streak >= UNKNOWN_STREAK_LIMIT and not stop_reason:
                stop_reason = (
                    f"Debitura did not answer {unknown_streak} cases in a row, so the rest were "
                    "not sent. Try again in a few minutes."
                )
        elif done.outcome.status in (CREATED, RECONCILED, FAILED, REFERENCE_COLLISION):
            unknown_streak = 0
        if done.stop_reason and not stop_reason:
            stop_reason = done.stop_reason

    def emit() -> None:
        nonlocal emitted
        while emitted < len(results) and results[emitted] is not None:
            outcome = results[emitted]
            emitted += 1
            if on_result is not None:
                on_result(outcome)

    with ThreadPoolExecutor(max_workers=concurrency, thread_name_prefix="debitura") as pool:
        running: dict[Future, tuple[int, _Steps]] = {}
        recorded: list[tuple[Callable[[], Any], int, _Steps]] = []  # to send after the commit

        def advance(index: int, steps: _Steps, value: Any = None, error: Exception | None = None):
            try:
                call = steps.send(value) if error is None else steps.throw(error)
            except StopIteration as stop:
                finish(index, stop.value)
                return
            recorded.append((call, index, steps))

        position = 0
        finished: set[Future] = set()
        try:
            while True:
                with sender.ledger.grouped():
                    interrupted: BaseException | None = None
                    for future in sorted(finished, key=lambda f: running[f][0]):
                        index, steps = running.pop(future)
                        try:
                            value = future.result()
                        except Exception as error:  # noqa: BLE001 - thrown into the case's steps
                            advance(index, steps, error=error)
                        except BaseException as stop:  # Ctrl+C in a worker: the others' answers
                            interrupted = interrupted or stop  # are recorded before it ends the run
                        else:
                            advance(index, steps, value)
                    if interrupted is not None:
                        raise interrupted
                    while position < len(ordered) and len(running) + len(recorded) < concurrency:
                        index, position = position, position + 1
                        if stop_reason:
                            message = f"Not sent: {stop_reason}"
                            skipped = SubmissionOutcome(
                                ordered[index].invoice_number, SKIPPED, message=message
                            )
                            finish(index, _Done(skipped))
                        else:
                            advance(index, sender.steps(ordered[index]))
                for call, index, steps in recorded:
                    running[pool.submit(call)] = (index, steps)
                recorded.clear()
                emit()
                if not running:
                    break
                finished, _ = wait(running, return_when=FIRST_COMPLETED)
        except BaseException:
            # Requests already sent finish on their own; their rows stay "sending" until the
            # next run looks them up. Nothing new starts.
            for future in running:
                future.cancel()
            raise
    return SubmitReport(tuple(outcome for outcome in results if outcome is not None))


class _Sender:
    """The steps of one case: ledger work on the calling thread, requests yielded."""

    def __init__(
        self,
        target: DebituraTarget,
        ledger: SubmissionLedger,
        account: str,
        connection_id: int | None,
        retry_failed: bool,
        documents: DocumentSource | None = None,
    ) -> None:
        self.target = target
        self.client = target.client
        self.ledger = ledger
        self.account = account
        self.connection_id = connection_id
        self.retry_failed = retry_failed
        self.documents = documents

    def steps(self, row: ReviewRow) -> _Steps:
        """The case's steps, then (for a case, with documents on) its invoice PDF's."""
        done = yield from self._case_steps(row)
        outcome = done.outcome
        if self.documents is None or not outcome.is_sent or not outcome.case_id:
            return done
        # The re-check just read the detail (``row.detail``); a row not re-checked has none.
        read = row.detail != InvoiceDetail()
        document = yield from document_steps(
            row.invoice_number,
            outcome.case_id,
            source=self.documents,
            client=self.client,
            account=self.account,
            target=self.target.key,
            permalink=row.detail.permalink if read else None,
        )
        message = f"{outcome.message} {document.note}".strip()
        return replace(done, outcome=replace(outcome, message=message, document=document))

    def _case_steps(self, row: ReviewRow) -> _Steps:
        number = row.invoice_number
        plan = decisions.decide(
            row,
            self.ledger.get(self.account, self.target.key, number),
            test_mode=self.target.test_mode,
            tag=self.target.tag,
            retry_failed=self.retry_failed,
            allow_pending_contracts=self.target.allow_pending_contracts,
        )
        if plan.look_up_first:
            # An earlier request may have created the case: look before anything else, under
            # the reference it was sent with.
            sent_as = plan.existing.creditor_reference or number
            find = partial(self.client.find_case_by_creditor_reference, sent_as)
            try:
                found = yield find
            except DebituraUnavailable as error:
                return _Done(SubmissionOutcome(number, UNKNOWN, message=_unknown(error)))
            except DebituraError as error:
                return self._refused_lookup(number, error)
            if found is not None:
                return self._adopt(plan.existing, found, row, existed_before=False)
        if plan.action == decisions.ALREADY_SENT:
            existing = plan.existing
            return _Done(
                SubmissionOutcome(
                    number,
                    ALREADY_SENT,
                    existing.case_reference,
                    existing.case_id,
                    plan.message,
                )
            )
        if plan.action == decisions.BLOCKED:
            return _Done(SubmissionOutcome(number, BLOCKED, message=plan.message))
        if plan.action == decisions.REFUSED_UNCHANGED:
            return _Done(SubmissionOutcome(number, FAILED, message=plan.message))

        submission = self.ledger.begin(
            account=self.account,
            target=self.target.key,
            invoice_number=number,
            creditor_reference=row.creditor_reference,
            payload_fingerprint=plan.fingerprint,
            connection_id=self.connection_id,
            test_mode=self.target.test_mode,
        )
        create = partial(
            self.client.create_case, plan.payload, idempotency_key=submission.idempotency_key
        )
        try:
            case = yield create
        except (DuplicateReference, IdempotencyConflict) as refusal:
            # The reference (or the key) was used already: the case may well be there.
            find = partial(self.client.find_case_by_creditor_reference, row.creditor_reference)
            try:
                found = yield find
            except DebituraError as error:
                self.ledger.mark_unknown(
                    submission, error_kind=type(error).__name__, error_message=str(error)
                )
                return _Done(SubmissionOutcome(number, UNKNOWN, message=_unknown(error)))
            if found is None:
                return self._failed(submission, refusal)
            return self._adopt(submission, found, row, existed_before=True)
        except DebituraUnavailable as error:
            self.ledger.mark_unknown(
                submission, error_kind=type(error).__name__, error_message=str(error)
            )
            return _Done(SubmissionOutcome(number, UNKNOWN, message=_unknown(error)))
        except DebituraError as refusal:
            return self._failed(submission, refusal)
        self.ledger.mark_created(
            submission, case_id=case.id, case_reference=case.reference, lifecycle=case.lifecycle
        )
        return _Done(
            SubmissionOutcome(number, CREATED, case.reference, case.id, _created_message(case))
        )

    def _failed(self, submission: Submission, error: DebituraError) -> _Done:
        self.ledger.mark_failed(
            submission, error_kind=type(error).__name__, error_message=str(error)
        )
        outcome = SubmissionOutcome(submission.invoice_number, FAILED, message=str(error))
        stop = ""
        if isinstance(error, _ACCOUNT_WIDE):
            stop = f"Debitura refused invoice {submission.invoice_number} for a reason that holds "
            stop += f"for every case: {error}"
        return _Done(outcome, stop)

    def _refused_lookup(self, number: str, error: DebituraError) -> _Done:
        # The ledger row stays "sending": the lookup, not the case, was refused.
        stop = ""
        if isinstance(error, AuthenticationFailed):
            stop = f"Debitura refused the API key: {error}"
        message = f"Could not check whether an earlier send created this case: {error}"
        return _Done(SubmissionOutcome(number, FAILED, message=message), stop)

    def _adopt(
        self, submission: Submission, case: Case, row: ReviewRow, *, existed_before: bool
    ) -> _Done:
        """Record a case found at Debitura under this invoice's reference when it is this
        invoice's case (see ``workflow.reconcile``); otherwise refuse to claim it."""
        number = submission.invoice_number
        try:
            body = case_payload(row, test_mode=self.target.test_mode, tag=self.target.tag)
        except PayloadError:
            differences = ["this invoice has no amount or currency to compare"]
        else:
            # Compared under the reference it was sent with (the prefix may have changed since).
            sent_as = submission.creditor_reference or body["creditorReference"]
            differences = case_differences(
                case, {**body, "creditorReference": sent_as}, sent_earlier=not existed_before
            )
        if differences:
            other = case.reference or case.id
            message = (
                f"Debitura already has case {other} under creditor reference "
                f"{case.creditor_reference or number}, and it is not this invoice's: "
                f"{'; '.join(differences)}. Nothing was sent and nothing recorded as sent. "
                "If several KashFlow companies share this Debitura account, give this "
                "connection a creditor-reference prefix."
            )
            self.ledger.mark_failed(
                submission, error_kind=REFERENCE_COLLISION_KIND, error_message=message
            )
            return _Done(
                SubmissionOutcome(number, REFERENCE_COLLISION, case.reference, case.id, message)
            )
        self.ledger.mark_created(
            submission, case_id=case.id, case_reference=case.reference, lifecycle=case.lifecycle
        )
        if existed_before:
            message = (
                f"It already existed at Debitura as case {case.reference}: recorded, nothing new "
                "created."
            )
        else:
            message = (
                f"An earlier send had created case {case.reference} without confirming it: "
                "recorded, not sent again."
            )
            owed = row.amount_to_recover
            if case.amount is not None and owed is not None and case.amount != owed:
                message += (
                    f" KashFlow now shows {format_money(owed, row.currency)} {row.currency} "
                    f"outstanding, the case {format_money(case.amount, row.currency)}: update the "
                    "amount at Debitura."
                )
        return _Done(SubmissionOutcome(number, RECONCILED, case.reference, case.id, message))


def _created_message(case: Case) -> str:
    message = f"Case {case.reference} created ({lifecycle_label(case.lifecycle)})."
    signing = case.signing_url or case.solution_url
    if signing:
        message += f" Debitura waits for a signature: {signing}"
    return message


def _unknown(error: Exception) -> str:
    reason = str(error).split(". ")[0].rstrip(".")
    return f"{UNKNOWN_MESSAGE} ({reason}.)" if reason else UNKNOWN_MESSAGE


# --- unconfirmed sends of invoices no longer open ------------------------------------------

CLOSED_BEFORE_CONFIRMED = "ClosedBeforeConfirmed"  # the ledger's error kind (not remembered)


def settle_closed_unconfirmed(
    open_numbers: Collection[str],
    *,
    target: DebituraTarget,
    ledger: SubmissionLedger,
    account: str,
) -> list[SubmissionOutcome]:
    """Settle every send nobody confirmed whose invoice is no longer open in KashFlow (paid,
    credited, removed): no run would select it again, so it is looked up now.

    Found at Debitura: recorded as sent (a case exists, for a paid invoice: the outcome says
    to withdraw it). Not there: recorded as not sent, so it is sent again should it reopen.
    A lookup that fails leaves it unconfirmed for the next run.
    """
    open_numbers = set(open_numbers)
    outcomes = []
    for submission in ledger.unresolved(account, target.key):
        number = submission.invoice_number
        if number in open_numbers:
            continue  # the run itself looks it up first
        try:
            case = target.client.find_case_by_creditor_reference(
                submission.creditor_reference or number
            )
        except DebituraError as error:
            log.info("Could not settle the unconfirmed send of %s: %s", number, error)
            continue
        if case is not None and case.creditor_reference != (
            submission.creditor_reference or number
        ):
            case = None  # folded to ours by Debitura, but another invoice's reference
        if case is None:
            ledger.mark_failed(
                submission,
                error_kind=CLOSED_BEFORE_CONFIRMED,
                error_message="No longer open in KashFlow, and Debitura has no case for it.",
            )
            continue
        ledger.mark_created(
            submission, case_id=case.id, case_reference=case.reference, lifecycle=case.lifecycle
        )
        message = (
            f"An earlier send created case {case.reference}, but the invoice is no longer open "
            "in KashFlow (paid or closed): withdraw the case at Debitura if nothing is owed."
        )
        outcomes.append(SubmissionOutcome(number, RECONCILED, case.reference, case.id, message))
    return outcomes


# --- preview ----------------------------------------------------------------------------------


@dataclass(frozen=True)
class RequiredSignature:
    """Something to sign or verify before Debitura accepts the case."""

    what: str
    url: str = ""


@dataclass(frozen=True)
class PreviewOutcome:
    """``POST /cases/preview`` for one row: would it be accepted, by whom, at what fee."""

    invoice_number: str
    eligible: bool
    partner: str = ""
    jurisdiction: str = ""
    fee_percent: Decimal | None = None
    signatures: tuple[RequiredSignature, ...] = ()
    message: str = ""
    error: str = ""  # the preview itself failed (in words); the other fields are empty

    @property
    def can_submit(self) -> bool:
        return self.eligible and not self.signatures and not self.error

    @classmethod
    def from_preview(cls, invoice_number: str, preview: Preview) -> PreviewOutcome:
        return cls(
            invoice_number,
            preview.is_eligible,
            partner=preview.partner_name,
            jurisdiction=preview.jurisdiction,
            fee_percent=preview.success_fee,
            signatures=tuple(
                RequiredSignature(action.message or action.type, action.solution_url)
                for action in preview.blocking_actions
            ),
            message=preview.message,
        )


def preview_cases(
    rows: Sequence[ReviewRow],
    target: DebituraTarget,
    *,
    concurrency: int = DEFAULT_SUBMIT_CONCURRENCY,
) -> dict[str, PreviewOutcome]:
    """Ask Debitura whether each row would be accepted; nothing is created or recorded."""
    outcomes: dict[str, PreviewOutcome] = {}
    payloads: dict[str, Mapping[str, Any]] = {}
    for row in rows:
        number = row.invoice_number
        try:
            payloads[number] = case_payload(row, test_mode=target.test_mode, tag=target.tag)
        except PayloadError as error:
            outcomes[number] = PreviewOutcome(number, False, error=str(error))
    outcomes.update(preview_payloads(payloads, target, concurrency=concurrency))
    return {row.invoice_number: outcomes[row.invoice_number] for row in rows}


def preview_payloads(
    payloads: Mapping[str, Mapping[str, Any]],
    target: DebituraTarget,
    *,
    concurrency: int = DEFAULT_SUBMIT_CONCURRENCY,
) -> dict[str, PreviewOutcome]:
    """``POST /cases/preview`` for each body (keyed by invoice number), on a small pool."""
    outcomes: dict[str, PreviewOutcome] = {}
    with ThreadPoolExecutor(max_workers=max(1, concurrency), thread_name_prefix="preview") as pool:
        pending = {
            number: pool.submit(target.client.preview_case, payload)
            for number, payload in payloads.items()
        }
        for number, future in pending.items():
            try:
                outcomes[number] = PreviewOutcome.from_preview(number, future.result())
            except DebituraError as error:
                outcomes[number] = PreviewOutcome(number, False, error=str(error))
    return outcomes
