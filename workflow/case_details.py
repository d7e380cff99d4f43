"""Read the invoice detail of the selected invoices, so the Submit page shows each case as it
will be sent: contact person, what was sold, payment history, reminders.

Line items, payment lines, reminder letters and the customer contact's name are only in
``GET /invoices/{number}``, not in the list the import reads. The send does not use this read:
its re-check (``workflow.submit.recheck_selection``) reads each detail once more, just before
sending, and builds the body from that fresh read.
"""

from __future__ import annotations

from collections.abc import Callable, Mapping, Sequence
from concurrent.futures import ThreadPoolExecutor
from dataclasses import dataclass

from kashflow import KashFlowClient, KashFlowError
from kashflow.models import Invoice
from mapping import ReviewRow
from mapping.rows import with_detail

DEFAULT_DETAIL_CONCURRENCY = 4  # as the re-check: KashFlow is the same backend as its web app


@dataclass(frozen=True)
class CaseDetails:
    """The rows with their invoice detail, in input order.

    ``invoices``: every detail read so far, by invoice number (what was ``known`` plus this
    read), to pass back as ``known`` next time. ``failed``: invoices whose detail could not
    be read, with why; their rows are shown as imported.
    """

    rows: tuple[ReviewRow, ...]
    invoices: Mapping[str, Invoice]
    failed: tuple[tuple[str, str], ...] = ()


def read_case_details(
    client: KashFlowClient,
    rows: Sequence[ReviewRow],
    *,
    known: Mapping[str, Invoice] | None = None,
    concurrency: int = DEFAULT_DETAIL_CONCURRENCY,
    on_progress: Callable[[int, int], None] | None = None,
) -> CaseDetails:
    """Each row with its invoice's detail; details in ``known`` are not read again.

    ``on_progress(done, total)`` is called on this thread after each read.
    """
    invoices = dict(known or {})
    missing = [row.invoice_number for row in rows if row.invoice_number not in invoices]
    missing = list(dict.fromkeys(missing))
    failed: list[tuple[str, str]] = []
    if missing:
        workers = max(1, min(concurrency, len(missing)))
        with ThreadPoolExecutor(max_workers=workers, thread_name_prefix="detail") as pool:
            futures = {number: pool.submit(client.get_invoice, number) for number in missing}
            try:
                for done, (number, future) in enumerate(futures.items(), start=1):
                    try:
                        invoices[number] = future.result()
                    except KashFlowError as error:
                        failed.append((number, f"KashFlow did not give its detail: {error}"))
                    if on_progress is not None:
                        on_progress(done, len(missing))
            except BaseException:
                for future in futures.values():
                    future.cancel()
                raise
    enriched = tuple(
        with_detail(row, invoices[row.invoice_number]) if row.invoice_number in invoices else row
        for row in rows
    )
    return CaseDetails(enriched, invoices, tuple(failed))
