"""The KashFlow client against the sandbox over real HTTP, with every fault knob switched on."""

from __future__ import annotations

import time
from concurrent.futures import ThreadPoolExecutor

import pytest

from kashflow import (
    Credentials,
    KashFlowClient,
    NotFound,
    RateLimited,
    UnexpectedResponse,
)
from sandbox.kashflow_data import OPEN_STATUSES
from sandbox.kashflow_server import (
    DEMO_MEMORABLE_WORD,
    DEMO_PASSWORD,
    DEMO_USERNAME,
    KashFlowFaults,
)

DEMO = Credentials(DEMO_USERNAME, DEMO_PASSWORD, DEMO_MEMORABLE_WORD)


def client_for(server) -> KashFlowClient:
    return KashFlowClient(DEMO, base_url=server.url)


def open_numbers(server) -> list[str]:
    return [str(number) for number in sorted(server.dataset.open_invoice_numbers())]


def numbers(listing) -> list[str]:
    return [invoice.number for invoice in listing.invoices]


def test_one_login_reads_the_company_every_open_invoice_and_a_customer(kashflow_sandbox):
    client = client_for(kashflow_sandbox)
    assert client.company().name == "Harrow & Finch Joinery Ltd"
    listing = client.list_invoices()
    assert numbers(listing) == open_numbers(kashflow_sandbox)
    assert listing.complete and listing.total_records == len(listing.invoices)
    assert {invoice.status for invoice in listing.invoices} <= set(OPEN_STATUSES)
    first = listing.invoices[0]
    assert client.get_customer(first.customer_code).code.lower() == first.customer_code.lower()
    assert client.logins == 1


def test_customers_whose_codes_need_url_encoding_are_fetched(kashflow_sandbox):
    client = client_for(kashflow_sandbox)
    awkward = [c.code for c in kashflow_sandbox.dataset.customers if not c.code.isalnum()]
    assert awkward, "the demo data should include codes with spaces, & or /"
    for code in awkward:
        assert client.get_customer(code).code == code


@pytest.mark.parametrize(
    "config",
    [
        {"perpage_cap": 30},
        {"list_shape": "bare", "perpage_cap": 40},
        {"omit_next_page_url": True},
        {"statusfilter_mode": "reject"},
        {"companydetails": "missing", "company_name_in_session": True},
    ],
    ids=["capped-pages", "bare-array", "no-next-url", "filter-rejected", "company-fallback"],
)
def test_server_variants_still_list_every_open_invoice(start_kashflow_sandbox, config):
    server = start_kashflow_sandbox(**config)
    client = client_for(server)
    assert client.company().name == "Harrow & Finch Joinery Ltd"
    listed = {invoice.number for invoice in client.list_invoices().invoices}
    assert set(open_numbers(server)) <= listed  # a rejected filter lists everything


def test_an_ignored_status_filter_returns_closed_invoices_for_the_caller_to_drop(
    start_kashflow_sandbox,
):
    server = start_kashflow_sandbox(statusfilter_mode="ignore")
    statuses = {invoice.status for invoice in client_for(server).list_invoices().invoices}
    assert "Paid" in statuses  # never trusted: the import filters statuses again


def test_paging_drift_is_repaired_by_another_pass(start_kashflow_sandbox):
    server = start_kashflow_sandbox(
        faults=KashFlowFaults(paging_drift=1), invoices=600, customers=120, perpage_cap=50
    )
    listing = client_for(server).list_invoices()
    assert numbers(listing) == open_numbers(server)
    assert listing.passes == 2 and listing.complete


@pytest.mark.parametrize(
    "knobs",
    [
        {"status_500_every": 3, "server_error_status": 503},
        {"status_500_every": 4, "server_error_status": 500},
        {"rate_limit_every": 3, "rate_limit_burst": 2, "retry_after_seconds": 0},
        {"sql_timeout_every": 3},
        {"html_error_every": 3},
        {"drop_connection_every": 4},
        {"latency_ms": 15},
    ],
    ids=["503", "500", "429-burst", "sql-timeout", "html-page", "dropped", "latency"],
)
def test_transient_faults_are_retried_and_nothing_is_lost(start_kashflow_sandbox, knobs):
    server = start_kashflow_sandbox(faults=KashFlowFaults(**knobs), perpage_cap=25)
    client = client_for(server)
    listing = client.list_invoices()
    assert numbers(listing) == open_numbers(server)
    codes = sorted({invoice.customer_code for invoice in listing.invoices})[:10]
    assert [client.get_customer(code).code for code in codes] == codes


def test_a_429_that_never_ends_becomes_rate_limited(kashflow_sandbox):
    client = client_for(kashflow_sandbox)
    client.login()
    kashflow_sandbox.faults.update(rate_limit_every=1, rate_limit_burst=1000, retry_after_seconds=0)
    with pytest.raises(RateLimited):
        client.get_customer("JENK01")


def test_token_expiry_after_requests_is_renewed_silently(start_kashflow_sandbox):
    server = start_kashflow_sandbox(faults=KashFlowFaults(expire_token_after_requests=4))
    client = client_for(server)
    listing = client.list_invoices()
    codes = sorted({invoice.customer_code for invoice in listing.invoices})
    assert len([client.get_customer(code) for code in codes]) == len(codes)
    assert client.logins > 1
    assert server.stats_snapshot()["logins"]["put_ok"] == client.logins


def test_token_expiry_after_seconds_and_idle_time_are_renewed(start_kashflow_sandbox):
    server = start_kashflow_sandbox(session_idle_timeout=0.2)
    client = client_for(server)
    client.company()
    time.sleep(0.3)  # idle past the sandbox's timeout
    assert client.company().name
    assert client.logins == 2
    server.faults.update(expire_token_after_seconds=0.1)
    client.company()
    time.sleep(0.2)
    client.company()
    assert client.logins == 3


def test_an_expiry_under_8_threads_causes_exactly_one_relogin(start_kashflow_sandbox):
    server = start_kashflow_sandbox(session_idle_timeout=0.3, faults=KashFlowFaults(latency_ms=20))
    client = client_for(server)
    codes = sorted({invoice.customer_code for invoice in client.list_invoices().invoices})[:8]
    time.sleep(0.4)  # the session dies of idleness; all 8 threads find out together
    with ThreadPoolExecutor(8) as pool:
        fetched = list(pool.map(lambda code: client.get_customer(code).code, codes))
    assert fetched == codes
    assert client.logins == 2
    assert server.stats_snapshot()["logins"]["put_ok"] == 2


def test_unfetchable_customers_raise_clear_errors(kashflow_sandbox):
    client = client_for(kashflow_sandbox)
    kashflow_sandbox.faults.update(
        missing_customers=frozenset({"JENK01"}), garbage_customers=frozenset({"SHAH01"})
    )
    with pytest.raises(NotFound):
        client.get_customer("JENK01")
    with pytest.raises(UnexpectedResponse):
        client.get_customer("SHAH01")
