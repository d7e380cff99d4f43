"""Both clients against a hostile or broken server, with canned answers (`responses`):
redirects are errors, logout takes either form, paging ends, odd invoice numbers neither crash
the sort nor turn into other addresses, retries keep to a budget, and bodies to a size cap.
(Real sockets, trickles and gzip bombs: tests/integration/test_client_hardening_http.py.)"""

from __future__ import annotations

import gzip
import json
import logging
import time

import pytest
import requests
import responses
from hypothesis import given
from hypothesis import strategies as st

from debitura import DebituraClient, DebituraError, DebituraUnavailable
from debitura import RequestRejected as DebituraRequestRejected
from debitura import UnexpectedResponse as DebituraUnexpectedResponse
from kashflow import (
    Credentials,
    KashFlowError,
    KashFlowUnavailable,
    RequestRejected,
    RetryPolicy,
    UnexpectedResponse,
)
from kashflow.ordering import invoice_number_order
from tests.unit.kashflow_fakes import BASE, add_login, calls_to, make_client

DEBITURA = "https://debitura.test"
API_KEY = "live-key-5f3a9c1e-SECRET"
NO_WAIT = RetryPolicy(attempts=4, initial_wait=0, max_wait=0, max_retry_after=0)
REDIRECTS = [301, 302, 303, 307, 308]
# Where a hostile redirect points: credentials and a token in it must never be shown.
EVIL = "https://mallory:hunter2@evil.example/steal?token=abc123#frag"
EVIL_SHOWN = "https://evil.example/steal"
CHALLENGE = {
    "TemporaryToken": "temp-1",
    "MemorableWordList": [{"Position": p, "Value": ""} for p in (3, 4, 6)],
}


def debitura_client(**options) -> DebituraClient:
    options.setdefault("retry", NO_WAIT)
    options.setdefault("sleep", lambda seconds: None)
    return DebituraClient(API_KEY, base_url=DEBITURA, **options)


def redirect(status: int, location: str | None = EVIL) -> dict:
    headers = {"Location": location} if location is not None else {}
    return {"status": status, "headers": headers, "body": ""}


def only_own_addresses(base: str) -> None:
    """Every request went to ``base``: the redirect target never got one."""
    assert all(call.request.url.startswith(base) for call in responses.mock.calls)


def assert_redirect_message(error: Exception, service: str, setting: str) -> None:
    message = str(error)
    assert message == (
        f"{service} answered with a redirect to {EVIL_SHOWN}; check {setting}. "
        "Nothing was sent there."
    )
    for secret in ("mallory", "hunter2", "abc123", "frag", "token"):
        assert secret not in message


# --- 1. redirects -----------------------------------------------------------------------------


@pytest.mark.parametrize("status", REDIRECTS)
@responses.activate
def test_a_redirected_password_step_is_an_error_naming_the_target_and_never_retried(status):
    responses.add(responses.POST, f"{BASE}/sessiontoken", **redirect(status))
    with pytest.raises(KashFlowError) as raised:
        make_client().login()
    assert not isinstance(raised.value, KashFlowUnavailable)  # not "try again later"
    assert_redirect_message(raised.value, "KashFlow", "KASHFLOW_BASE_URL")
    assert raised.value.status == status
    assert len(calls_to(responses.mock, "POST", "sessiontoken")) == 1
    assert calls_to(responses.mock, "PUT", "sessiontoken") == []
    only_own_addresses(BASE)


@pytest.mark.parametrize("status", REDIRECTS)
@responses.activate
def test_a_redirected_memorable_word_step_is_an_error_and_never_retried(status):
    responses.add(responses.POST, f"{BASE}/sessiontoken", json=CHALLENGE, status=201)
    responses.add(responses.PUT, f"{BASE}/sessiontoken", **redirect(status))
    with pytest.raises(KashFlowError) as raised:
        make_client().login()
    assert_redirect_message(raised.value, "KashFlow", "KASHFLOW_BASE_URL")
    assert len(calls_to(responses.mock, "POST", "sessiontoken")) == 1
    assert len(calls_to(responses.mock, "PUT", "sessiontoken")) == 1
    only_own_addresses(BASE)


@pytest.mark.parametrize("status", REDIRECTS)
@pytest.mark.parametrize(
    ("path", "call"),
    [
        ("customers/C1", lambda client: client.get_customer("C1")),
        ("invoices/42", lambda client: client.get_invoice("42")),
        ("invoices", lambda client: client.list_invoices()),
        ("settings/companydetails", lambda client: client.company()),
    ],
    ids=["customer", "invoice", "listing", "company"],
)
@responses.activate
def test_a_redirected_data_call_is_an_error_and_never_retried(status, path, call):
    add_login(responses.mock)
    responses.add(responses.GET, f"{BASE}/{path}", **redirect(status))
    with pytest.raises(KashFlowError) as raised:
        call(make_client())
    assert not isinstance(raised.value, KashFlowUnavailable | RequestRejected)
    assert_redirect_message(raised.value, "KashFlow", "KASHFLOW_BASE_URL")
    assert "token-1" not in str(raised.value)
    assert len(calls_to(responses.mock, "GET", f"{BASE}/{path}(\\?|$)")) == 1
    only_own_addresses(BASE)


@responses.activate
def test_a_redirect_without_an_address_still_says_what_to_check():
    responses.add(responses.POST, f"{BASE}/sessiontoken", **redirect(302, location=None))
    with pytest.raises(KashFlowError) as raised:
        make_client().login()
    assert str(raised.value) == (
        "KashFlow answered with a redirect (HTTP 302) without a readable address; check "
        "KASHFLOW_BASE_URL. Nothing was sent elsewhere."
    )


@responses.activate
def test_a_relative_redirect_is_shown_against_the_api_host_without_its_query():
    responses.add(
        responses.POST, f"{BASE}/sessiontoken", **redirect(307, "/v3/login?session=abc\r\n")
    )
    with pytest.raises(KashFlowError) as raised:
        make_client().login()
    assert "redirect to https://kf.test/v3/login;" in str(raised.value)
    assert "abc" not in str(raised.value)


@responses.activate
def test_secrets_a_server_echoes_into_its_redirect_are_not_shown():
    credentials = Credentials("ann@example.com", "p w!x-Secret", "pineapple")
    responses.add(
        responses.POST,
        f"{BASE}/sessiontoken",
        **redirect(307, "https://evil.example/p w!x-Secret/p%20w%21x-Secret/pineapple"),
    )
    with pytest.raises(KashFlowError) as raised:
        make_client(credentials).login()
    assert str(raised.value).startswith(
        "KashFlow answered with a redirect to https://evil.example/***/***/***;"
    )


@responses.activate
def test_a_session_token_echoed_into_a_redirect_is_not_shown():
    add_login(responses.mock, session_tokens=("sess-7f3e",))
    responses.add(responses.GET, f"{BASE}/customers/C1", **redirect(302, "/sess-7f3e/x"))
    with pytest.raises(KashFlowError) as raised:
        make_client().get_customer("C1")
    assert "sess-7f3e" not in str(raised.value)
    assert "redirect to https://kf.test/***/x;" in str(raised.value)


@responses.activate
def test_an_api_key_echoed_into_a_redirect_is_not_shown():
    responses.add(responses.GET, f"{DEBITURA}/cases/c-1", **redirect(308, f"/keys/{API_KEY}"))
    with pytest.raises(DebituraError) as raised:
        debitura_client().get_case("c-1")
    assert API_KEY not in str(raised.value)
    assert "redirect to https://debitura.test/keys/***;" in str(raised.value)


@pytest.mark.parametrize("status", REDIRECTS)
@pytest.mark.parametrize(
    ("method", "path", "call"),
    [
        ("GET", "cases/c-1", lambda client: client.get_case("c-1")),
        ("GET", "cases", lambda client: client.list_cases()),
        ("POST", "cases/preview", lambda client: client.preview_case({"currencyCode": "GBP"})),
        (
            "POST",
            "cases",
            lambda client: client.create_case({"creditorReference": "1"}, idempotency_key="k"),
        ),
    ],
    ids=["get", "list", "preview", "create"],
)
@responses.activate
def test_a_redirected_debitura_call_is_an_error_and_never_retried(status, method, path, call):
    responses.add(method, f"{DEBITURA}/{path}", **redirect(status))
    with pytest.raises(DebituraError) as raised:
        call(debitura_client())
    assert not isinstance(raised.value, DebituraUnavailable | DebituraRequestRejected)
    assert_redirect_message(raised.value, "Debitura", "DEBITURA_BASE_URL")
    assert API_KEY not in str(raised.value)
    assert len(responses.mock.calls) == 1
    only_own_addresses(DEBITURA)


# --- 2. logout --------------------------------------------------------------------------------


def logged_in(token: str = "token-1"):
    add_login(responses.mock, session_tokens=(token,))
    client = make_client()
    client.login()
    return client


@responses.activate
def test_logout_deletes_the_token_by_its_path_url_encoded():
    client = logged_in("a/b c+d?")
    responses.add(responses.DELETE, f"{BASE}/sessiontoken/a%2Fb%20c%2Bd%3F", status=204)
    client.logout()
    deletes = calls_to(responses.mock, "DELETE", "sessiontoken")
    assert [call.request.url for call in deletes] == [f"{BASE}/sessiontoken/a%2Fb%20c%2Bd%3F"]


@pytest.mark.parametrize("status", [404, 405])
@responses.activate
def test_logout_falls_back_to_the_header_form_when_the_path_form_is_unknown(status):
    client = logged_in()
    responses.add(responses.DELETE, f"{BASE}/sessiontoken/token-1", status=status)
    responses.add(responses.DELETE, f"{BASE}/sessiontoken", status=204)
    client.logout()
    deletes = [call.request for call in calls_to(responses.mock, "DELETE", "sessiontoken")]
    assert [request.url for request in deletes] == [
        f"{BASE}/sessiontoken/token-1",
        f"{BASE}/sessiontoken",
    ]
    assert deletes[1].headers["Authorization"] == "KfToken token-1"


@pytest.mark.parametrize(
    "answers",
    [
        [{"status": 500}],
        [{"body": requests.ConnectionError("reset")}],
        [{"status": 302, "headers": {"Location": EVIL}}],
        [{"status": 404}, {"status": 500}],
        [{"status": 405}, {"body": requests.ConnectionError("reset")}],
    ],
    ids=["5xx", "dropped", "redirect", "fallback-5xx", "fallback-dropped"],
)
@responses.activate
def test_logout_never_raises_and_never_logs_the_token(answers, caplog):
    secret_token = "9f1c-secret-session-token"
    client = logged_in(secret_token)
    urls = [f"{BASE}/sessiontoken/{secret_token}", f"{BASE}/sessiontoken"]
    for url, answer in zip(urls, answers, strict=False):
        responses.add(responses.DELETE, url, **answer)
    with caplog.at_level(logging.DEBUG):
        client.logout()  # no exception
    assert len(calls_to(responses.mock, "DELETE", "sessiontoken")) == len(answers)
    assert secret_token not in caplog.text
    client.logout()  # the token is forgotten: nothing more is sent
    assert len(calls_to(responses.mock, "DELETE", "sessiontoken")) == len(answers)


@responses.activate
def test_a_token_that_cannot_be_a_path_segment_is_logged_out_by_header_only():
    client = logged_in("..")
    responses.add(responses.DELETE, f"{BASE}/sessiontoken", status=204)
    client.logout()
    deletes = calls_to(responses.mock, "DELETE", "sessiontoken")
    assert [call.request.url for call in deletes] == [f"{BASE}/sessiontoken"]


# --- 3. paging that never ends ----------------------------------------------------------------


def serve_the_same_page(body, *, limit: int = 20) -> list:
    """Every page request gets ``body``; more than ``limit`` requests fail the test at once."""
    requested: list = []

    def same_page(request):
        requested.append(request.url)
        if len(requested) > limit:
            raise AssertionError(f"the client asked for more than {limit} pages")
        return 200, {}, json.dumps(body)

    add_login(responses.mock)
    responses.add_callback(responses.GET, f"{BASE}/invoices", callback=same_page)
    return requested


ROWS = [{"Number": n, "Status": "Unpaid"} for n in (7, 8, 9)]


@pytest.mark.parametrize(
    "body",
    [
        ROWS,  # a bare array: no TotalRecords, no NextPageUrl
        {"MetaData": {"NextPageUrl": "/v2/invoices?page=2"}, "Data": ROWS},
        {"MetaData": {"TotalRecords": None}, "Data": ROWS * 40},  # a full page, repeated
    ],
    ids=["bare", "next-page-url-forever", "full-page"],
)
@responses.activate
def test_a_server_that_ignores_page_is_asked_twice_and_its_rows_kept_once(body):
    requested = serve_the_same_page(body)
    listing = make_client().list_invoices()
    assert [invoice.number for invoice in listing.invoices] == ["7", "8", "9"]
    assert len(requested) == 2
    assert listing.pages_fetched == 2


@responses.activate
def test_a_server_that_ignores_page_but_promises_more_rows_stops_after_each_pass():
    body = {"MetaData": {"TotalRecords": 250, "NextPageUrl": "/v2/invoices?page=2"}, "Data": ROWS}
    requested = serve_the_same_page(body, limit=400)
    listing = make_client().list_invoices()
    assert [invoice.number for invoice in listing.invoices] == ["7", "8", "9"]
    assert not listing.complete  # short of the promised 250: reported, not hidden
    # Each of the 3 passes: pages 1..84 that TotalRecords implies (3 rows a page), one more.
    assert len(requested) <= 3 * 85


# --- 4. invoice numbers as KashFlow may send them ---------------------------------------------

ODD_NUMBERS = ["²", "1" * 5000, "1/2", ".", "..", " ", "", "١٢", "10", "9", "010", "A-1"]


@responses.activate
def test_odd_invoice_numbers_neither_crash_the_sort_nor_get_lost():
    add_login(responses.mock)
    rows = [{"Number": number, "Status": "Unpaid"} for number in ODD_NUMBERS]

    def first_page_only(request):
        return 200, {}, json.dumps(rows if "page=1&" in request.url else [])

    responses.add_callback(responses.GET, f"{BASE}/invoices", callback=first_page_only)
    listing = make_client().list_invoices()
    numbers = [invoice.number for invoice in listing.invoices]
    assert numbers[:4] == ["9", "010", "10", "1" * 5000]  # digits first, in numeric order
    assert set(numbers) == {"²", "1" * 5000, "1/2", ".", "..", "١٢", "10", "9", "010", "A-1"}
    assert listing.rows_without_number == 2  # " " and "" name no invoice


@given(st.lists(st.text(max_size=30) | st.from_regex(r"\A[0-9]{1,40}\Z") | st.just("9" * 5000)))
def test_the_invoice_order_is_total_and_never_raises(numbers):
    once = sorted(numbers, key=invoice_number_order)
    assert sorted(reversed(numbers), key=invoice_number_order) == once  # same order either way
    assert sorted(once, key=invoice_number_order) == once


@pytest.mark.parametrize("number", [".", "..", "", "   "])
@pytest.mark.parametrize("lookup", ["get_invoice", "get_customer"])
@responses.activate
def test_an_identifier_that_is_no_path_segment_is_refused_without_sending(lookup, number):
    with pytest.raises(RequestRejected) as raised:
        getattr(make_client(), lookup)(number)
    assert "Nothing was sent" in str(raised.value)
    assert len(responses.mock.calls) == 0


@pytest.mark.parametrize(
    ("number", "path"),
    [
        ("a/b?c#d", "invoices/a%2Fb%3Fc%23d"),
        ("%2E%2E", "invoices/%252E%252E"),
        ("²", "invoices/%C2%B2"),
        ("1 2", "invoices/1%202"),
    ],
)
@responses.activate
def test_an_invoice_number_is_one_fully_encoded_path_segment(number, path):
    add_login(responses.mock)
    responses.add(responses.GET, f"{BASE}/{path}", json={"Number": number})
    assert make_client().get_invoice(number).number == number
    assert calls_to(responses.mock, "GET", "invoices")[0].request.url == f"{BASE}/{path}"


@responses.activate
def test_a_customer_code_is_one_fully_encoded_path_segment():
    add_login(responses.mock)
    responses.add(responses.GET, f"{BASE}/customers/..%2Fsettings", json={"Code": "../settings"})
    assert make_client().get_customer("../settings").code == "../settings"


@pytest.mark.parametrize(
    "call",
    [
        lambda client: client.get_case(".."),
        lambda client: client.find_case_by_creditor_reference("."),
        lambda client: client.advance_test_case("..", "Active"),
    ],
    ids=["case", "reference", "advance"],
)
@responses.activate
def test_debitura_refuses_dot_segments_without_sending(call):
    with pytest.raises(DebituraRequestRejected) as raised:
        call(debitura_client())
    assert "Nothing was sent" in str(raised.value)
    assert len(responses.mock.calls) == 0


# --- 5. a total budget across retries ---------------------------------------------------------


@responses.activate
def test_retries_stop_when_the_budget_is_spent():
    add_login(responses.mock)
    responses.add(responses.GET, f"{BASE}/customers/C1", status=503)
    policy = RetryPolicy(attempts=1000, initial_wait=0.05, max_wait=0.05, total_seconds=0.5)
    client = make_client(retry=policy, sleep=time.sleep)
    started = time.monotonic()
    with pytest.raises(KashFlowUnavailable):
        client.get_customer("C1")
    assert time.monotonic() - started < 2.0
    assert len(calls_to(responses.mock, "GET", "customers")) < 30


def test_the_budget_and_the_deadline_must_be_positive():
    with pytest.raises(ValueError):
        RetryPolicy(total_seconds=0)
    with pytest.raises(ValueError):
        make_client(attempt_deadline=0)


# --- 6. answers too large ---------------------------------------------------------------------


@responses.activate
def test_an_answer_past_the_cap_is_refused_and_not_fetched_again():
    add_login(responses.mock)
    responses.add(responses.GET, f"{BASE}/customers/C1", json={"Code": "C1", "Note": "x" * 5000})
    with pytest.raises(UnexpectedResponse) as raised:
        make_client(max_answer_bytes=4096).get_customer("C1")
    assert str(raised.value).startswith("KashFlow sent more than 4 KB for one answer;")
    assert len(calls_to(responses.mock, "GET", "customers")) == 1


@responses.activate
def test_an_answer_within_the_cap_is_read_whole():
    add_login(responses.mock)
    responses.add(responses.GET, f"{BASE}/customers/C1", json={"Code": "C1", "Note": "x" * 3000})
    assert make_client(max_answer_bytes=4096).get_customer("C1").code == "C1"


@responses.activate
def test_the_cap_counts_the_inflated_size_not_the_gzip_size():
    inflated = json.dumps({"id": "c-1", "padding": " " * (3 * 1024 * 1024)}).encode()
    responses.add(
        responses.GET,
        f"{DEBITURA}/cases/c-1",
        body=gzip.compress(inflated),
        headers={"Content-Encoding": "gzip", "Content-Type": "application/json"},
    )
    with pytest.raises(DebituraUnexpectedResponse) as raised:
        debitura_client(max_answer_bytes=1024 * 1024).get_case("c-1")
    assert str(raised.value) == (
        "Debitura sent more than 1 MB for one answer; the rest was not read. Check "
        "DEBITURA_BASE_URL; if it is right, try again later."
    )
    assert len(responses.mock.calls) == 1


@responses.activate
def test_a_too_large_answer_to_a_case_creation_leaves_the_outcome_unknown():
    responses.add(responses.POST, f"{DEBITURA}/cases", json={"id": "c-1", "x": "y" * 5000})
    with pytest.raises(DebituraUnexpectedResponse) as raised:
        debitura_client(max_answer_bytes=1024).create_case(
            {"creditorReference": "1"}, idempotency_key="k"
        )
    assert raised.value.outcome_unknown  # the case may exist: look it up before resending
    assert len(responses.mock.calls) == 1
