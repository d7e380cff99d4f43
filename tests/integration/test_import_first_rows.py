"""While the import runs, the page is given its first screenful: the lowest-numbered invoices
received so far, those whose customer has not arrived marked as loading, until every one has."""

from __future__ import annotations

from kashflow import Credentials, KashFlowClient
from mapping import Policy
from sandbox.kashflow_server import (
    DEMO_MEMORABLE_WORD,
    DEMO_PASSWORD,
    DEMO_USERNAME,
    KashFlowFaults,
)
from workflow.importing import PartialImport, import_open_invoices
from workflow.review import FirstRows, FirstScreenful

DEMO = Credentials(DEMO_USERNAME, DEMO_PASSWORD, DEMO_MEMORABLE_WORD)
SCREENFUL = 20


def test_the_first_rows_come_before_the_import_ends_and_fill_in_as_customers_arrive(
    start_kashflow_sandbox,
):
    server = start_kashflow_sandbox(
        invoices=400, customers=120, faults=KashFlowFaults(latency_ms=15)
    )
    client = KashFlowClient(DEMO, base_url=server.url)
    policy = Policy(as_of=server.dataset.as_of)
    screenful = FirstScreenful(policy, SCREENFUL, submitted=set(), every=0)
    given: list[FirstRows] = []
    customers_seen: list[set[str]] = []

    def on_partial(partial: PartialImport) -> None:
        first = screenful.offer(partial)
        if first is not None:
            given.append(first)
            customers_seen.append(set(partial.customers))

    result = import_open_invoices(client, policy=policy, on_partial=on_partial)

    assert given, "no first rows were given while the import ran"
    first = given[0]
    assert first.loading  # shown before their customers were in
    assert first.progress.customers_done < first.progress.customers_total
    final = {row.invoice_number: row for row in result.rows}
    lowest = [row.invoice_number for row in result.rows[:SCREENFUL]]
    assert [row.invoice_number for row in given[-1].rows] == lowest
    assert not given[-1].loading  # every customer of the screenful arrived
    for rows, customers in zip(given, customers_seen, strict=True):
        for row in rows.rows:
            waiting = row.invoice_number in rows.loading
            assert waiting == (row.customer_code not in customers)
            if not waiting:
                assert row.debtor == final[row.invoice_number].debtor
    # Nothing is drawn twice the same: each offer differs from the one before.
    shown = [([r.invoice_number for r in g.rows], g.loading) for g in given]
    assert all(a != b for a, b in zip(shown, shown[1:], strict=False))


def test_no_partial_results_are_worked_out_unless_asked_for(kashflow_sandbox):
    client = KashFlowClient(DEMO, base_url=kashflow_sandbox.url)
    policy = Policy(as_of=kashflow_sandbox.dataset.as_of)
    result = import_open_invoices(client, policy=policy)  # no on_partial: as before
    assert len(result.rows) == len(kashflow_sandbox.dataset.open_invoice_numbers())
