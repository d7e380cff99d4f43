"""The import as the Review page and ``cli.py invoices`` show it: every open invoice, checked
against the company's policy, with the invoices the ledger holds as sent marked as such (and
carrying Debitura's case reference, so the analyst sees which case each one became)."""

from __future__ import annotations

import heapq
import time
from collections.abc import Callable
from dataclasses import dataclass, replace
from datetime import date

from kashflow import Invoice
from kashflow.ordering import invoice_number_order
from mapping import Policy, ReviewRow, map_invoices
from store.ledger import CREATED
from workflow.connect import ActiveConnection, policy_for
from workflow.debitura_target import target_key
from workflow.importing import ImportProgress, ImportResult, PartialImport, import_open_invoices
from workflow.workspace import Workspace


def import_for_review(
    connection: ActiveConnection,
    *,
    workspace: Workspace,
    as_of: date | None = None,
    on_progress: Callable[[ImportProgress], None] | None = None,
    on_first_rows: Callable[[FirstRows], None] | None = None,
    first_rows: int = 100,
) -> ImportResult:
    """Fetch and map the open invoices; raises the client's ``KashFlowError`` on failure.

    ``on_first_rows`` (calling thread) gets the lowest-numbered ``first_rows`` invoices received
    so far, mapped with the customers fetched so far, while the import runs: a page can show
    them before the rest arrives. It is called when they would look different, at most every
    0.3 s (each call maps them and the page draws them, on the import's thread).
    """
    references = sent_case_references(connection, workspace)
    policy = policy_for(connection, as_of)
    screenful = FirstScreenful(policy, first_rows, submitted=set(references))

    def _offer(partial: PartialImport) -> None:
        rows = screenful.offer(partial)
        if rows is not None:
            on_first_rows(rows)

    result = import_open_invoices(
        connection.client,
        policy=policy,
        submitted_invoices=set(references),
        on_progress=on_progress,
        on_partial=None if on_first_rows is None else _offer,
    )
    if not any(row.invoice_number in references for row in result.rows):
        return result
    return replace(
        result,
        rows=tuple(
            replace(row, case_reference=references[row.invoice_number])
            if row.already_submitted and row.invoice_number in references
            else row
            for row in result.rows
        ),
    )


def sent_case_references(connection: ActiveConnection, workspace: Workspace) -> dict[str, str]:
    """Invoice number → Debitura's case reference (its case id when it gave no reference), for
    the invoices of this company that are cases at the configured target."""
    return {
        sent.invoice_number: sent.case_reference or sent.case_id
        for sent in workspace.ledger.list(connection.account_key, target_key(workspace))
        if sent.state == CREATED
    }


@dataclass(frozen=True)
class FirstRows:
    """The first screenful of an import under way. ``rows`` are mapped with what has arrived;
    ``loading`` names the invoices whose customer has not, so their debtor is not known yet.
    Nothing here is final: the import's checks across invoices come at the end."""

    rows: tuple[ReviewRow, ...]
    loading: frozenset[str]
    progress: ImportProgress
    received: int  # open invoices received so far


class FirstScreenful:
    """The lowest-numbered invoices received so far, mapped, when they would look different
    from the last ones given out, and at most every ``every`` seconds: mapping them, and the
    browser drawing them, cost the import's time (each invoice is compared once)."""

    def __init__(
        self, policy: Policy, size: int, *, submitted: set[str], every: float = 0.3
    ) -> None:
        self._policy, self._size, self._submitted, self._every = policy, size, submitted, every
        self._lowest: list[Invoice] = []
        self._seen = 0
        self._given_at: float | None = None
        self._given: tuple[tuple[str, ...], frozenset[str]] | None = None

    def offer(self, partial: PartialImport) -> FirstRows | None:
        """New first rows, or None when too soon since the last or nothing would change."""
        now = time.monotonic()
        if not partial.invoices:
            return None
        if self._given_at is not None and now - self._given_at < self._every:
            return None
        lowest = self._take_lowest(partial.invoices)
        waiting = frozenset(
            invoice.number
            for invoice in lowest
            if invoice.customer_code not in partial.customers
            and invoice.customer_code not in partial.failed_customers
        )
        shown = (tuple(invoice.number for invoice in lowest), waiting)
        if shown == self._given:
            return None
        self._given_at, self._given = now, shown
        mapped = map_invoices(
            lowest,
            partial.customers,
            self._policy,
            unavailable_customers=partial.failed_customers,
            submitted_invoices=self._submitted,
        )
        return FirstRows(mapped.rows, waiting, partial.progress, len(partial.invoices))

    def _take_lowest(self, invoices) -> list[Invoice]:
        if len(invoices) < self._seen:  # listed again from the start
            self._lowest, self._seen = [], 0
        fresh = invoices[self._seen :]
        self._seen = len(invoices)
        self._lowest = heapq.nsmallest(
            self._size, [*self._lowest, *fresh], key=lambda i: invoice_number_order(i.number)
        )
        return self._lowest
