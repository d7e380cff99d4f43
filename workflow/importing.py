"""Import: every open invoice from KashFlow, each customer's full record, mapped to review rows.

Pages of invoices and customer records are fetched through one bounded pool sharing one
client, so an expired session mid-import is renewed once and every request carries on. A
customer that cannot be fetched does not sink the import: its invoices arrive with the
``customer_unavailable`` error. Nothing fetched here is written anywhere; the result lives in
the caller's memory only.
"""

from __future__ import annotations

import logging
import queue
import time
from collections import Counter
from collections.abc import Callable, Collection, Mapping, Sequence
from concurrent.futures import Future, ThreadPoolExecutor
from dataclasses import dataclass, field
from datetime import UTC, datetime
from itertools import islice

from kashflow import (
    Customer,
    Invoice,
    KashFlowClient,
    KashFlowUnavailable,
    ListingProgress,
    NotFound,
    RequestRejected,
)
from mapping import MappingResult, Policy, ReviewRow, map_invoices
from mapping.balances import check_balances
from mapping.status import canonical_status, is_open_status
from workflow.currencies import settle_currencies

log = logging.getLogger(__name__)

DEFAULT_CONCURRENCY = 8


@dataclass(frozen=True)
class ImportProgress:
    """How far an import is; ``pages_total`` is None until KashFlow has said how many rows."""

    pages_done: int
    pages_total: int | None
    customers_done: int
    customers_total: int
    invoices_total: int | None = None  # what KashFlow said it lists, once it has

    @property
    def fraction(self) -> float:
        """A rough share of the work done, for a progress bar (pages and customers alike)."""
        total = (self.pages_total or self.pages_done + 1) + self.customers_total
        return min(1.0, (self.pages_done + self.customers_done) / total) if total else 0.0

    def describe(self) -> str:
        pages = f"{self.pages_done} of {self.pages_total}" if self.pages_total else self.pages_done
        return f"Invoice pages {pages} · customers {self.customers_done} of {self.customers_total}"


@dataclass(frozen=True)
class PartialImport:
    """What an import has so far, for a page to draw while the rest arrives.

    ``invoices`` are the open invoices received (arrival order: the lowest numbers first, as
    KashFlow lists by number); ``customers`` the records fetched so far. Both are live views
    owned by the import: read them in the callback, do not keep them.
    """

    progress: ImportProgress
    invoices: Sequence[Invoice]
    customers: Mapping[str, Customer]
    failed_customers: Collection[str]  # codes that could not be fetched (so far)


@dataclass(frozen=True)
class ImportResult:
    rows: tuple[ReviewRow, ...]
    fetched_at: datetime
    invoices_listed: int
    excluded: Mapping[str, int]
    unknown_statuses: Mapping[str, int]
    unavailable_customers: Mapping[str, str]  # customer code → why it could not be fetched
    listing_complete: bool
    total_records: int | None
    rows_without_number: int
    requests: int
    seconds: float
    policy: Policy  # what the rows were checked against (as-of date, home currency)
    notes: tuple[str, ...] = ()  # what the import had to do differently, in words
    customers: Mapping[str, Customer] = field(repr=False, default_factory=dict)


def import_open_invoices(
    client: KashFlowClient,
    *,
    policy: Policy,
    submitted_invoices: Collection[str] = (),
    concurrency: int = DEFAULT_CONCURRENCY,
    on_progress: Callable[[ImportProgress], None] | None = None,
    on_partial: Callable[[PartialImport], None] | None = None,
) -> ImportResult:
    """Fetch, then map. ``on_progress`` is called on the calling thread only (Streamlit-safe),
    and so is ``on_partial``, with the invoices and customers received so far, each time
    either grows (the caller decides how often to draw them).

    Raises the client's ``KashFlowError`` when the invoice list itself cannot be read or the
    login is refused; per-customer failures are reported in the result instead.
    """
    started = time.monotonic()
    requests_before = client.requests_sent
    notes: list[str] = []
    fetcher = _CustomerFetcher(client)
    listing_progress = ListingProgress(0, None, 0, None)
    received: list[Invoice] = []  # open invoices so far, for ``on_partial``

    def report() -> None:
        progress = fetcher.progress(listing_progress)
        if on_progress is not None:
            on_progress(progress)
        if on_partial is not None:
            on_partial(PartialImport(progress, received, fetcher.arrived, fetcher.failures))

    def on_rows(invoices: list[Invoice], progress: ListingProgress) -> None:
        nonlocal listing_progress
        listing_progress = progress
        for invoice in invoices:
            # The server's status filter is not trusted, so closed invoices can arrive here;
            # their customers are not worth a request.
            if is_open_status(canonical_status(invoice.status)):
                fetcher.request(invoice.customer_code)
                received.append(invoice)
        report()

    with ThreadPoolExecutor(max_workers=concurrency, thread_name_prefix="kashflow") as pool:
        fetcher.pool = pool

        def list_and_settle(**filter_option):
            listing = client.list_invoices(submit=pool.submit, on_rows=on_rows, **filter_option)
            fetcher.wait_all(report)
            settled = settle_currencies(
                listing.invoices,
                fetcher.customers,
                policy.home_currency,
                lambda number: pool.submit(client.get_invoice, number),
            )
            balances = check_balances(settled.invoices, fetcher.customers, policy.home_currency)
            return listing, settled, balances

        try:
            listing, settled, balances = list_and_settle()
            if balances.owing_more and listing.status_filter:
                received.clear()  # listed again, whole
                # Customers owe more than their open invoices here: KashFlow's filter may have
                # left some out. The whole list costs more requests and misses nothing.
                notes.append(_short_list_note(listing.status_filter, balances.owing_more))
                listing, settled, balances = list_and_settle(status_filter=None)
        except BaseException:
            fetcher.cancel()
            raise

    mapped: MappingResult = map_invoices(
        settled.invoices,
        fetcher.customers,
        policy,
        unavailable_customers=fetcher.failures.keys(),
        submitted_invoices=submitted_invoices,
        unknown_currency=settled.unknown,
        customer_problems=balances.credit_problems,
    )
    result = ImportResult(
        rows=mapped.rows,
        fetched_at=datetime.now(UTC),
        invoices_listed=len(listing.invoices),
        excluded=dict(mapped.excluded),
        unknown_statuses=dict(mapped.unknown_statuses),
        unavailable_customers=dict(fetcher.failures),
        listing_complete=listing.complete,
        total_records=listing.total_records,
        rows_without_number=listing.rows_without_number + mapped.skipped_without_number,
        requests=client.requests_sent - requests_before,
        seconds=time.monotonic() - started,
        policy=policy,
        notes=tuple(notes),
        customers=dict(fetcher.customers),
    )
    log.info(
        "Imported %d open invoices (%d listed, %d customers, %d unavailable) in %.1f s",
        len(result.rows),
        result.invoices_listed,
        len(fetcher.customers),
        len(fetcher.failures),
        result.seconds,
    )
    return result


def _short_list_note(status_filter: str, customers: tuple[str, ...]) -> str:
    shown = ", ".join(customers[:5])
    if len(customers) > 5:
        shown += f" and {len(customers) - 5} more"
    return (
        f"KashFlow's list filtered by {status_filter} looked short: {shown} owe more than "
        "their open invoices in it. Every invoice was listed instead, so none is missed."
    )


def import_summary(result: ImportResult) -> list[str]:
    """Plain-words lines about an import: counts per status and currency, exclusions, gaps."""
    rows = result.rows
    eligible = sum(row.eligible for row in rows)
    lines = [
        f"Imported {len(rows)} open invoices of {result.invoices_listed} listed "
        f"in {result.seconds:.1f} s ({result.requests} requests); {eligible} eligible, "
        f"{len(rows) - eligible} with blocking problems.",
        "Per status: " + _counts(Counter(row.status for row in rows)),
        "Per currency: " + _counts(Counter(row.currency for row in rows)),
        "Excluded: " + (_counts(Counter(result.excluded)) or "none"),
    ]
    lines.extend(result.notes)
    if result.unknown_statuses:
        lines.append("Unknown statuses (excluded): " + _counts(Counter(result.unknown_statuses)))
    if result.unavailable_customers:
        codes = ", ".join(sorted(result.unavailable_customers))
        lines.append(f"Customers that could not be fetched: {codes}")
    if not result.listing_complete:
        lines.append(
            f"Warning: KashFlow reported {result.total_records} invoices but only "
            f"{result.invoices_listed} arrived after several passes; run again to retry."
        )
    return lines


def _counts(counter: Counter) -> str:
    return ", ".join(f"{key or '(blank)'} {count}" for key, count in sorted(counter.items()))


class _CustomerFetcher:
    """Fetches each customer once, on the shared pool; results are read on the caller's thread.

    Each future tells a queue when it finishes, so waiting costs one step per customer
    however many are still pending (waiting on the pending set again at every wake-up made a
    50,000-invoice import quadratic).
    """

    def __init__(self, client: KashFlowClient) -> None:
        self._client = client
        self.pool: ThreadPoolExecutor | None = None
        self._futures: dict[str, Future[Customer]] = {}
        self._finished: queue.SimpleQueue[str] = queue.SimpleQueue()
        self._finished_count = 0  # futures seen on the queue (caller's thread only)
        self._collected = 0  # futures (in request order) whose results have been read
        self.customers: dict[str, Customer] = {}
        self.failures: dict[str, str] = {}
        # Customers as they finish (caller's thread), for a page drawing partial results;
        # ``customers`` is filled once all are in, with the retries.
        self.arrived: dict[str, Customer] = {}

    def request(self, code: str) -> None:
        if code in self._futures or code in self.failures:
            return
        if not code:
            self.failures[code] = "The invoice names no customer code."
            return
        future = self.pool.submit(self._client.get_customer, code)
        self._futures[code] = future
        future.add_done_callback(lambda _done, code=code: self._finished.put(code))

    def progress(self, listing: ListingProgress) -> ImportProgress:
        self._count_finished(block=False)
        return ImportProgress(
            pages_done=listing.pages_fetched,
            pages_total=listing.pages_expected,
            customers_done=self._finished_count,
            customers_total=len(self._futures),
            invoices_total=listing.total_records,
        )

    def wait_all(self, report: Callable[[], None]) -> None:
        while self._finished_count < len(self._futures):
            self._count_finished(block=True)
            report()
        again: dict[str, Future[Customer]] = {}
        for code, future in islice(self._futures.items(), self._collected, None):
            try:
                self.customers[code] = future.result()
            except KashFlowUnavailable as error:
                if getattr(error, "retryable", True):
                    # Throttling or a hiccup under many parallel requests: one more try, all
                    # at once, so that a few silent customers cost one deadline, not one each.
                    again[code] = self.pool.submit(self._client.get_customer, code)
                else:
                    self._give_up(code, error)
            except (NotFound, RequestRejected) as error:
                self._give_up(code, error)
        self._collected = len(self._futures)
        for code, future in again.items():
            try:
                self.customers[code] = future.result()
            except (NotFound, RequestRejected, KashFlowUnavailable) as error:
                self._give_up(code, error)

    def _count_finished(self, *, block: bool) -> None:
        """Take every finished future off the queue; with ``block``, wait for at least one."""
        if block:
            self._arrive(self._finished.get())
        while True:
            try:
                code = self._finished.get_nowait()
            except queue.Empty:
                return
            self._arrive(code)

    def _arrive(self, code: str) -> None:
        self._finished_count += 1
        future = self._futures[code]
        if not future.cancelled() and future.exception() is None:
            self.arrived[code] = future.result()

    def _give_up(self, code: str, error: Exception) -> None:
        # One customer's bad record must not sink the import; its invoices say why.
        log.warning("Customer %s could not be fetched: %s", code, error)
        self.failures[code] = str(error)

    def cancel(self) -> None:
        for future in self._futures.values():
            future.cancel()
