"""After sending: for each sent case, what Debitura needs from the creditor, the documents it
holds and the money recovered, read concurrently and joined onto the sent cases.

One ``GET /tasks`` (all pages) serves every case; per case, ``GET /cases/{id}/payments`` and
``/files``, and ``/validation`` only when the case says it needs information (the API's own
advice). The per-case reads run on a bounded pool, so a page of many cases is not one long
wait and a slow Debitura is not flooded. A read that fails is reported on its case; the other
cases are shown as read.
"""

from __future__ import annotations

from collections.abc import Callable, Iterable, Sequence
from concurrent.futures import ThreadPoolExecutor, as_completed
from dataclasses import dataclass, replace
from decimal import Decimal

from debitura import DebituraClient, DebituraError, Task
from store.ledger import SubmissionLedger
from workflow.debitura_target import DebituraTarget
from workflow.sent_cases import SentCase, sent_cases

DEFAULT_FOLLOW_CONCURRENCY = 8  # Debitura requests in flight at once


@dataclass(frozen=True)
class FollowThrough:
    """Debitura's account-wide answer beside the cases: tasks that belong to no single case
    (sign the agreement, add a bank account), and a failure to read the task list."""

    cases: list[SentCase]
    account_tasks: tuple[Task, ...] = ()
    tasks_error: str = ""
    listing_error: str = ""  # Debitura's case list could not be read: the ledger alone


def recovered_totals(cases: Iterable[SentCase]) -> dict[str, Decimal]:
    """Money recovered on all ``cases``, per currency (alphabetical), never added across
    currencies.

    >>> from debitura import Payment
    >>> a = SentCase("1", "created", payments=(Payment(amount=Decimal("10.50"), currency="GBP"),))
    >>> b = SentCase("2", "created", currency="EUR", payments=(Payment(amount=Decimal("4")),))
    >>> recovered_totals([a, b, a])
    {'EUR': Decimal('4'), 'GBP': Decimal('21.00')}
    """
    totals: dict[str, Decimal] = {}
    for case in cases:
        for currency, amount in case.recovered_by_currency.items():
            totals[currency] = totals.get(currency, Decimal(0)) + amount
    return dict(sorted(totals.items()))


def read_sent_cases(
    ledger: SubmissionLedger,
    target: DebituraTarget,
    *,
    account: str | None = None,
    concurrency: int = DEFAULT_FOLLOW_CONCURRENCY,
    on_progress: Callable[[int, int], None] | None = None,
) -> FollowThrough:
    """The sent cases (of one KashFlow company when ``account`` is given) with Debitura's
    current view and its follow-through: what the Sent cases page and ``cli.py cases`` show.

    When Debitura's case list cannot be read at all, the ledger's rows come back alone with
    ``listing_error`` saying why.
    """
    try:
        cases = sent_cases(ledger, target, account=account)
    except DebituraError as error:
        ledger_only = sent_cases(ledger, target, account=account, fetch_status=False)
        reason = f"Debitura's current status could not be read: {error}"
        return FollowThrough(ledger_only, listing_error=reason)
    return follow_sent_cases(cases, target.client, concurrency=concurrency, on_progress=on_progress)


def follow_sent_cases(
    cases: Sequence[SentCase],
    client: DebituraClient,
    *,
    concurrency: int = DEFAULT_FOLLOW_CONCURRENCY,
    on_progress: Callable[[int, int], None] | None = None,
) -> FollowThrough:
    """``cases`` with tasks, validation items, files and payments read from Debitura.

    Only cases Debitura holds are read (sent, and found at Debitura). ``on_progress(done,
    total)`` is called on this thread as each case finishes, so a page can draw a bar.
    """
    followed = [i for i, case in enumerate(cases) if case.found_at_debitura]
    total = len(followed)
    if on_progress is not None:
        on_progress(0, total)
    if not followed:
        return FollowThrough(list(cases))
    tasks_error = ""
    try:
        tasks = client.open_tasks()
    except DebituraError as error:
        tasks, tasks_error = [], f"Debitura's open tasks could not be read: {error}"
    by_case: dict[str, list[Task]] = {}
    for task in tasks:
        by_case.setdefault(task.case_id, []).append(task)
    result = list(cases)
    with ThreadPoolExecutor(max(1, concurrency), thread_name_prefix="follow") as pool:
        futures = {pool.submit(_read_case, client, cases[i]): i for i in followed}
        for done, future in enumerate(as_completed(futures), start=1):
            index = futures[future]
            case = future.result()
            case_tasks = tuple(task.words for task in by_case.get(case.case_id.lower(), ()))
            notes = [case.message, tasks_error] if tasks_error else [case.message]
            result[index] = replace(
                case,
                open_tasks=case_tasks,
                message=" ".join(note for note in notes if note),
            )
            if on_progress is not None:
                on_progress(done, total)
    return FollowThrough(result, tuple(by_case.get("", ())), tasks_error)


def _read_case(client: DebituraClient, case: SentCase) -> SentCase:
    """One case's payments, files and (when it needs information) validation items; what
    could not be read is said in the case's message."""
    problems = []
    payments, files, validation = case.payments, case.documents, case.validation_items
    try:
        payments = tuple(client.case_payments(case.case_id))
    except DebituraError as error:
        problems.append(f"Payments could not be read: {error}")
    try:
        attached = client.case_files(case.case_id)
        files = tuple(f.file_name or f.document_type or f.id for f in attached)
    except DebituraError as error:
        problems.append(f"Documents could not be read: {error}")
    if case.needs_info or case.lifecycle == "NeedsAdditionalDetails":
        try:
            items = client.case_validation(case.case_id).items
            validation = tuple(item.words for item in items)
        except DebituraError as error:
            problems.append(f"What Debitura needs could not be read: {error}")
    message = " ".join(part for part in (case.message, *problems) if part)
    return replace(
        case,
        payments=payments,
        documents=files,
        validation_items=validation,
        message=message,
        followed=not problems,
    )
