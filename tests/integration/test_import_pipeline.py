"""The whole import against the sandbox: every open invoice once, whatever KashFlow does."""

from __future__ import annotations

import threading
from collections import Counter
from datetime import date

import pytest

from kashflow import Credentials, KashFlowClient
from mapping import Policy
from sandbox.kashflow_server import (
    DEMO_MEMORABLE_WORD,
    DEMO_PASSWORD,
    DEMO_USERNAME,
    KashFlowFaults,
)
from workflow.importing import import_open_invoices, import_summary

DEMO = Credentials(DEMO_USERNAME, DEMO_PASSWORD, DEMO_MEMORABLE_WORD)


def run_import(server, **options):
    client = KashFlowClient(DEMO, base_url=server.url)
    policy = Policy(as_of=server.dataset.as_of)
    return client, import_open_invoices(client, policy=policy, **options)


def open_numbers(server) -> Counter:
    return Counter(str(number) for number in server.dataset.open_invoice_numbers())


def test_every_open_invoice_arrives_once_with_its_customer(kashflow_sandbox):
    client, result = run_import(kashflow_sandbox)
    assert Counter(row.invoice_number for row in result.rows) == open_numbers(kashflow_sandbox)
    assert result.listing_complete and not result.unavailable_customers
    by_number = {row.invoice_number: row for row in result.rows}
    for invoice in kashflow_sandbox.dataset.invoices:
        row = by_number.get(str(invoice.number))
        if row is not None:
            customer = kashflow_sandbox.dataset.customer(invoice.customer_code)
            assert row.debtor.name == customer.name
    codes = {row.customer_code for row in result.rows}
    assert len(result.customers) == len(codes)  # each customer fetched once
    assert client.logins == 1


def test_expiry_429s_and_paging_drift_together_lose_and_duplicate_nothing(
    start_kashflow_sandbox,
):
    server = start_kashflow_sandbox(
        faults=KashFlowFaults(
            expire_token_after_requests=20,
            rate_limit_every=9,
            rate_limit_burst=2,
            retry_after_seconds=0,
            paging_drift=1,
            latency_ms=2,
        ),
        invoices=900,
        customers=150,
        perpage_cap=25,
    )
    client, result = run_import(server, concurrency=8)
    numbers = [row.invoice_number for row in result.rows]
    assert len(numbers) == len(set(numbers))
    assert Counter(numbers) == open_numbers(server)
    assert result.listing_complete
    assert not result.unavailable_customers
    assert client.logins > 1  # tokens died mid-import and were renewed silently
    stats = server.stats_snapshot()
    assert stats["counters"].get("fault.rate_limit", 0) > 0


def test_an_ignored_status_filter_is_filtered_again_and_reported(start_kashflow_sandbox):
    server = start_kashflow_sandbox(statusfilter_mode="ignore")
    _, result = run_import(server)
    assert Counter(row.invoice_number for row in result.rows) == open_numbers(server)
    closed = Counter(
        invoice.status
        for invoice in server.dataset.invoices
        if str(invoice.number) not in open_numbers(server)
    )
    assert result.excluded == {("NA" if s == "NA" else s): n for s, n in closed.items()}
    assert "Excluded: " in import_summary(result)[3] and "Paid" in import_summary(result)[3]
    # Customers of closed invoices only are not fetched.
    open_codes = {row.customer_code for row in result.rows}
    assert set(result.customers) == open_codes


def test_customers_that_cannot_be_fetched_do_not_sink_the_import(kashflow_sandbox):
    open_rows = [
        i
        for i in kashflow_sandbox.dataset.invoices
        if str(i.number) in open_numbers(kashflow_sandbox)
    ]
    missing, garbage = sorted({i.customer_code for i in open_rows})[:2]
    kashflow_sandbox.faults.update(
        missing_customers=frozenset({missing}), garbage_customers=frozenset({garbage})
    )
    _, result = run_import(kashflow_sandbox)
    assert Counter(row.invoice_number for row in result.rows) == open_numbers(kashflow_sandbox)
    assert set(result.unavailable_customers) == {missing, garbage}
    for row in result.rows:
        codes = {problem.code for problem in row.problems}
        if row.customer_code in (missing, garbage):
            assert "customer_unavailable" in codes and not row.eligible
            assert row.debtor.name  # from the invoice's CustomerName
            assert row.debtor.address == "" and row.debtor.email == ""
        else:
            assert "customer_unavailable" not in codes


def test_progress_is_reported_on_the_calling_thread_up_to_the_totals(start_kashflow_sandbox):
    server = start_kashflow_sandbox(perpage_cap=20)
    caller = threading.current_thread()
    seen = []

    def on_progress(progress):
        assert threading.current_thread() is caller
        seen.append(progress)

    _, result = run_import(server, on_progress=on_progress)
    last = seen[-1]
    assert last.pages_done == last.pages_total
    assert last.customers_done == last.customers_total == len(result.customers)
    assert last.fraction == 1.0
    assert [p.pages_done for p in seen] == sorted(p.pages_done for p in seen)


def test_invoices_already_sent_are_marked(kashflow_sandbox):
    number = sorted(open_numbers(kashflow_sandbox))[0]
    _, result = run_import(kashflow_sandbox, submitted_invoices={number})
    row = next(row for row in result.rows if row.invoice_number == number)
    assert "already_submitted" in {problem.code for problem in row.problems}
    assert not row.eligible


def test_a_login_refused_mid_import_stops_it_with_the_reason(start_kashflow_sandbox):
    from kashflow import KashFlowError

    server = start_kashflow_sandbox(invoices=400, customers=100)
    client = KashFlowClient(
        Credentials(DEMO_USERNAME, "wrong", DEMO_MEMORABLE_WORD), base_url=server.url
    )
    with pytest.raises(KashFlowError) as raised:
        import_open_invoices(client, policy=Policy(as_of=date(2026, 11, 21)))
    assert "did not accept" in str(raised.value)
