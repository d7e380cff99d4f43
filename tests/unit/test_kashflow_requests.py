"""Data calls: headers, company name fallbacks, customers, re-login on expiry and retries."""

from __future__ import annotations

import random
import threading
from concurrent.futures import ThreadPoolExecutor
from decimal import Decimal

import pytest
import requests
import responses

from kashflow import (
    KashFlowUnavailable,
    NotFound,
    RateLimited,
    RequestRejected,
    RetryPolicy,
    SessionExpired,
    UnexpectedResponse,
)
from tests.unit.kashflow_fakes import BASE, add_login, calls_to, make_client

INVALID_TOKEN = {"Error": "InvalidSessionToken", "Message": "Session token provided is invalid."}
SQL_TIMEOUT = {"Error": "-2146232060", "Message": "Execution Timeout Expired."}


@responses.activate
def test_data_calls_carry_the_session_token_and_ask_for_json():
    add_login(responses.mock)
    responses.add(responses.GET, f"{BASE}/settings/companydetails", json={"CompanyName": "Acme"})
    make_client().company()
    request = calls_to(responses.mock, "GET", "companydetails")[0].request
    assert request.headers["Authorization"] == "KfToken token-1"
    assert request.headers["Accept"] == "application/json"


@responses.activate
def test_company_name_and_home_currency_come_from_company_details():
    add_login(responses.mock, company_name="Old Name")
    responses.add(
        responses.GET,
        f"{BASE}/settings/companydetails",
        json={"CompanyName": "Harrow & Finch Ltd", "HomeCurrency": {"Code": "GBP"}},
    )
    company = make_client().company()
    assert (company.name, company.home_currency) == ("Harrow & Finch Ltd", "GBP")


@responses.activate
def test_company_name_falls_back_to_the_login_answer():
    add_login(responses.mock, company_name="From Login Ltd")
    responses.add(responses.GET, f"{BASE}/settings/companydetails", status=404, json={})
    assert make_client().company().name == "From Login Ltd"
    assert calls_to(responses.mock, "GET", "settings/profile") == []


@responses.activate
def test_company_name_falls_back_to_the_profile_then_the_account_list():
    add_login(responses.mock)
    responses.add(responses.GET, f"{BASE}/settings/companydetails", json={"DateFormat": "x"})
    responses.add(responses.GET, f"{BASE}/settings/profile", json={"Username": "ann"})
    responses.add(
        responses.GET,
        f"{BASE}/settings",
        json={"Accounts": [{"Username": "ann", "CompanyName": "Listed Ltd"}]},
    )
    assert make_client().company().name == "Listed Ltd"


@responses.activate
def test_customer_code_is_url_encoded_and_money_is_exact():
    add_login(responses.mock)
    responses.add(
        responses.GET,
        f"{BASE}/customers/A%26B%2001%2FX",
        body='{"Code": "A&B 01/X", "Name": "A&B", "OutstandingBalance": 195.080000}',
    )
    customer = make_client().get_customer("A&B 01/X")
    assert customer.code == "A&B 01/X"
    assert calls_to(responses.mock, "GET", "customers")[0].request.path_url.endswith(
        "/customers/A%26B%2001%2FX"
    )


@responses.activate
def test_invoice_amounts_never_pass_through_float():
    add_login(responses.mock)
    responses.add(
        responses.GET,
        f"{BASE}/invoices/7",
        body='{"Number": 7, "GrossAmount": 0.1000, "DueAmount": 1234567.890001}',
    )
    invoice = make_client().get_invoice("7")
    assert invoice.gross_amount == Decimal("0.1000")
    assert invoice.due_amount == Decimal("1234567.890001")


@responses.activate
def test_missing_customer_is_not_found():
    add_login(responses.mock)
    responses.add(
        responses.GET,
        f"{BASE}/customers/NOPE",
        json={"Error": "NotFound", "Message": "Customer not found."},
        status=404,
    )
    with pytest.raises(NotFound) as raised:
        make_client().get_customer("NOPE")
    assert raised.value.status == 404 and raised.value.api_message == "Customer not found."


@responses.activate
def test_expired_token_causes_one_login_and_one_replay():
    add_login(responses.mock)
    responses.add(responses.GET, f"{BASE}/customers/C1", json=INVALID_TOKEN, status=401)
    responses.add(responses.GET, f"{BASE}/customers/C1", json={"Code": "C1"})
    client = make_client()
    assert client.get_customer("C1").code == "C1"
    assert client.logins == 2
    tokens = [
        call.request.headers["Authorization"] for call in calls_to(responses.mock, "GET", "C1")
    ]
    assert tokens == ["KfToken token-1", "KfToken token-2"]


@responses.activate
def test_token_rejected_again_after_relogin_is_session_expired():
    add_login(responses.mock)
    responses.add(responses.GET, f"{BASE}/customers/C1", json=INVALID_TOKEN, status=401)
    client = make_client()
    with pytest.raises(SessionExpired):
        client.get_customer("C1")
    assert client.logins == 2  # one re-login, never a loop
    assert len(calls_to(responses.mock, "GET", "C1")) == 2


@responses.activate
def test_a_401_storm_under_8_threads_causes_exactly_one_relogin():
    add_login(responses.mock)
    state = {"valid": "token-2"}
    lock = threading.Lock()
    arrived = threading.Barrier(8)

    def customer(request):
        token = request.headers["Authorization"].removeprefix("KfToken ")
        if token == "token-1":
            arrived.wait(timeout=5)  # all 8 threads hold the dead token at once
            return 401, {}, '{"Error": "InvalidSessionToken"}'
        with lock:
            assert token == state["valid"]
        return 200, {}, '{"Code": "C"}'

    responses.add_callback(
        responses.GET, f"{BASE}/customers/C", callback=customer, content_type="application/json"
    )
    client = make_client()
    client.login()
    with ThreadPoolExecutor(8) as pool:
        results = list(pool.map(lambda _: client.get_customer("C").code, range(8)))
    assert results == ["C"] * 8
    assert client.logins == 2  # the first login and exactly one renewal
    assert len(calls_to(responses.mock, "PUT", "sessiontoken")) == 2


@pytest.mark.parametrize(
    "failure",
    [
        {"status": 500, "body": "oops"},
        {"status": 502, "body": "<html>Bad gateway</html>"},
        {"status": 503, "json": {"Message": "down"}},
        {"status": 504, "body": ""},
        {"status": 400, "json": SQL_TIMEOUT},
        {"status": 200, "body": "<html>maintenance</html>"},
        {"body": requests.ConnectionError("reset")},
        {"body": requests.ReadTimeout("slow")},
    ],
)
@responses.activate
def test_transient_failures_are_retried(failure):
    add_login(responses.mock)
    responses.add(responses.GET, f"{BASE}/customers/C1", **failure)
    responses.add(responses.GET, f"{BASE}/customers/C1", json={"Code": "C1"})
    assert make_client().get_customer("C1").code == "C1"
    assert len(calls_to(responses.mock, "GET", "C1")) == 2


@responses.activate
def test_retry_after_is_honoured_and_capped():
    add_login(responses.mock)
    responses.add(responses.GET, f"{BASE}/customers/C1", status=429, headers={"Retry-After": "3"})
    responses.add(
        responses.GET, f"{BASE}/customers/C1", status=429, headers={"Retry-After": "3600"}
    )
    responses.add(responses.GET, f"{BASE}/customers/C1", json={"Code": "C1"})
    waits: list[float] = []
    policy = RetryPolicy(attempts=5, initial_wait=0.01, max_wait=0.01, max_retry_after=30)
    make_client(retry=policy, sleep=waits.append).get_customer("C1")
    assert waits == [3.0, 30.0]


@responses.activate
def test_backoff_grows_exponentially_within_the_cap():
    """Full jitter: the n-th wait is drawn from [0, min(cap, initial * 2 ** (n - 1))].

    One run can draw small waits by chance, so many runs are compared (with a fixed seed, so
    the test is repeatable): the windows must widen 1 s → 2 s → 4 s and stop at the 4 s cap.
    A backoff that never waits, or waits the same every time, fails.
    """
    runs = 40
    policy = RetryPolicy(attempts=6, initial_wait=1, max_wait=4)
    per_attempt: list[list[float]] = [[] for _ in range(5)]
    saved = random.getstate()
    random.seed(20261130)
    try:
        for _ in range(runs):
            responses.mock.reset()
            add_login(responses.mock)
            for _ in range(5):
                responses.add(responses.GET, f"{BASE}/customers/C1", status=503)
            responses.add(responses.GET, f"{BASE}/customers/C1", json={"Code": "C1"})
            waits: list[float] = []
            make_client(retry=policy, sleep=waits.append).get_customer("C1")
            assert len(waits) == 5
            assert all(0 <= wait <= 4 for wait in waits)
            assert waits[0] <= 1 and waits[1] <= 2  # full jitter under 1 s, 2 s, then the 4 s cap
            for attempt, wait in enumerate(waits):
                per_attempt[attempt].append(wait)
    finally:
        random.setstate(saved)

    windows = [1, 2, 4, 4, 4]
    for attempt, (waits, window) in enumerate(zip(per_attempt, windows, strict=True)):
        assert max(waits) <= window, f"wait {attempt + 1} exceeds its {window} s window"
    # Each window is wider than the one before until the cap: some waits use the extra room.
    assert max(per_attempt[1]) > 1 and max(per_attempt[2]) > 2
    assert max(max(waits) for waits in per_attempt[2:]) > 3  # the 4 s cap is reached
    means = [sum(waits) / runs for waits in per_attempt]
    assert means[0] < means[1] < means[2]  # on average each wait is longer than the last
    assert 0.3 < means[0] < 0.7 and 0.7 < means[1] < 1.3 and 1.5 < means[2] < 2.5


@pytest.mark.parametrize(
    ("failure", "error"),
    [
        ({"status": 429}, RateLimited),
        ({"status": 503}, KashFlowUnavailable),
        ({"status": 200, "body": "<html/>"}, UnexpectedResponse),
        ({"body": requests.ConnectionError("down")}, KashFlowUnavailable),
    ],
)
@responses.activate
def test_retries_give_up_with_a_clear_error(failure, error):
    add_login(responses.mock)
    responses.add(responses.GET, f"{BASE}/customers/C1", **failure)
    with pytest.raises(error):
        make_client().get_customer("C1")
    assert len(calls_to(responses.mock, "GET", "C1")) == 4


@responses.activate
def test_other_client_errors_are_not_retried():
    add_login(responses.mock)
    responses.add(
        responses.GET,
        f"{BASE}/customers/C1",
        json={"Error": "BadRequest", "Message": "Bad code"},
        status=400,
    )
    with pytest.raises(RequestRejected) as raised:
        make_client().get_customer("C1")
    assert "Bad code" in str(raised.value)
    assert len(calls_to(responses.mock, "GET", "C1")) == 1


@responses.activate
def test_a_non_json_404_points_at_the_base_url():
    add_login(responses.mock)
    responses.add(responses.GET, f"{BASE}/customers/C1", body="<html>Not Found</html>", status=404)
    with pytest.raises(NotFound):
        make_client().get_customer("C1")
    assert len(calls_to(responses.mock, "GET", "C1")) == 1


@responses.activate
def test_logout_deletes_the_session_token_as_the_spec_names_it():
    """``DELETE /sessiontoken/{token}`` (the spec's form), with the token in the header too."""
    add_login(responses.mock)
    responses.add(responses.DELETE, f"{BASE}/sessiontoken/token-1", status=200)
    client = make_client()
    client.login()
    client.logout()
    [delete] = calls_to(responses.mock, "DELETE", "sessiontoken")
    assert delete.request.url == f"{BASE}/sessiontoken/token-1"
    assert delete.request.headers["Authorization"] == "KfToken token-1"


@responses.activate
def test_logout_falls_back_to_the_header_form_when_the_path_form_is_unknown():
    add_login(responses.mock)
    responses.add(responses.DELETE, f"{BASE}/sessiontoken/token-1", status=405)
    responses.add(responses.DELETE, f"{BASE}/sessiontoken", status=200)
    client = make_client()
    client.login()
    client.logout()
    urls = [call.request.url for call in calls_to(responses.mock, "DELETE", "sessiontoken")]
    assert urls == [f"{BASE}/sessiontoken/token-1", f"{BASE}/sessiontoken"]
