"""The KashFlow sandbox over real HTTP: login, paging, fault knobs, control API and demo data."""

from __future__ import annotations

import json
import re
import threading
import time
from datetime import date
from decimal import Decimal
from urllib.parse import quote

import pytest
import requests

from jsonwire.encoding import dumps
from sandbox.faults import SQL_TIMEOUT_ERROR, SQL_TIMEOUT_MESSAGE
from sandbox.kashflow_data import (
    HOME_CURRENCY,
    KASHFLOW_DOC_ADDRESS,
    OPEN_STATUSES,
    STATUSES,
    Dataset,
    generate,
)
from sandbox.kashflow_server import (
    DEMO_MEMORABLE_WORD,
    DEMO_PASSWORD,
    DEMO_USERNAME,
    EXPIRED_PASSWORD_USERNAME,
    LOCKED_USERNAME,
    KashFlowFaults,
    KashFlowSandbox,
    KashFlowSandboxConfig,
    serve,
)

AS_OF = date(2026, 11, 21)


class FakeClock:
    """A monotonic clock the test moves by hand, so expiry tests never sleep."""

    def __init__(self) -> None:
        self.now = 1000.0

    def __call__(self) -> float:
        return self.now


@pytest.fixture(scope="module")
def dataset() -> Dataset:
    return generate(seed=7, as_of=AS_OF)


@pytest.fixture
def start_sandbox(dataset, start_kashflow_sandbox):
    def start(faults: KashFlowFaults | None = None, **config) -> KashFlowSandbox:
        config.setdefault("dataset", dataset)
        return start_kashflow_sandbox(faults, **config)

    return start


@pytest.fixture
def sandbox(start_sandbox) -> KashFlowSandbox:
    return start_sandbox()


@pytest.fixture
def http():
    with requests.Session() as session:
        yield session


def begin_login(http, server, username=DEMO_USERNAME, password=DEMO_PASSWORD):
    return http.post(
        f"{server.url}/sessiontoken", json={"UserName": username, "Password": password}
    )


def word_answer(positions, word=DEMO_MEMORABLE_WORD):
    return [{"Position": p, "Value": word[p - 1].upper()} for p in positions]


def positions_of(step_one) -> list[int]:
    return [item["Position"] for item in step_one.json()["MemorableWordList"]]


def finish_login(http, server, step_one, answer=None):
    if answer is None:
        answer = word_answer(positions_of(step_one))
    return http.put(
        f"{server.url}/sessiontoken",
        json={"TemporaryToken": step_one.json()["TemporaryToken"], "MemorableWordList": answer},
    )


def login(http, server, username=DEMO_USERNAME) -> str:
    step_two = finish_login(http, server, begin_login(http, server, username))
    assert step_two.status_code == 200, step_two.text
    return step_two.json()["SessionToken"]


def auth(token: str) -> dict[str, str]:
    return {"Authorization": f"KfToken {token}", "Accept": "application/json"}


def error_of(response) -> tuple[int, str]:
    return response.status_code, response.json()["Error"]


# --- login ------------------------------------------------------------------------------------


def test_two_step_login_asks_three_one_based_positions_and_issues_a_session(sandbox, http):
    step_one = begin_login(http, sandbox)
    assert step_one.status_code == 201
    body = step_one.json()
    positions = positions_of(step_one)
    assert len(set(positions)) == 3
    assert all(1 <= p <= len(DEMO_MEMORABLE_WORD) for p in positions)
    assert positions != sorted(positions), "positions come in KashFlow's order, not sorted"
    assert all(item["Value"] == "" for item in body["MemorableWordList"])
    assert body["IsLockedOut"] is False and body["SubscriptionExpired"] is False

    step_two = finish_login(http, sandbox, step_one)  # upper-case characters: case-insensitive
    assert step_two.status_code == 200
    assert "CompanyName" not in step_two.json()
    token = step_two.json()["SessionToken"]
    company = http.get(f"{sandbox.url}/settings/companydetails", headers=auth(token))
    assert company.json()["CompanyName"] == "Harrow & Finch Joinery Ltd"


def test_login_accepts_lower_case_keys_and_answers_in_any_order(sandbox, http):
    step_one = http.post(
        f"{sandbox.url}/sessiontoken",
        json={"username": DEMO_USERNAME.upper(), "password": DEMO_PASSWORD},
    )
    assert step_one.status_code == 201
    answer = list(reversed(word_answer(positions_of(step_one))))
    assert finish_login(http, sandbox, step_one, answer).status_code == 200


def test_zero_based_characters_are_a_wrong_memorable_word(sandbox, http):
    step_one = begin_login(http, sandbox)
    zero_based = [
        {"Position": p, "Value": DEMO_MEMORABLE_WORD[p]}
        for p in positions_of(step_one)
        if p < len(DEMO_MEMORABLE_WORD)
    ]
    response = finish_login(http, sandbox, step_one, zero_based)
    assert error_of(response) == (400, "InvalidMemorableWord")


def test_wrong_password_and_unknown_user_are_invalid_credentials(sandbox, http):
    response = begin_login(http, sandbox, password="wrong")
    assert error_of(response) == (400, "InvalidCredentials")
    assert response.json()["Message"] == "Invalid username or password."
    assert error_of(begin_login(http, sandbox, username="nobody@x.example")) == (
        400,
        "InvalidCredentials",
    )


def test_wrong_or_incomplete_memorable_word_is_rejected(sandbox, http):
    step_one = begin_login(http, sandbox)
    wrong = [{"Position": p, "Value": "z"} for p in positions_of(step_one)]
    response = finish_login(http, sandbox, step_one, wrong)
    assert error_of(response) == (400, "InvalidMemorableWord")
    assert response.json()["Message"] == "The memorable word characters are incorrect."

    step_one = begin_login(http, sandbox)
    two_of_three = word_answer(positions_of(step_one))[:2]
    assert error_of(finish_login(http, sandbox, step_one, two_of_three)) == (
        400,
        "InvalidMemorableWord",
    )


def test_consecutive_failures_lock_the_account_and_a_success_resets_the_count(start_sandbox, http):
    sandbox = start_sandbox(max_failed_logins=3)
    for _ in range(2):
        begin_login(http, sandbox, password="wrong")
    login(http, sandbox)  # resets the count
    begin_login(http, sandbox, password="wrong")
    step_one = begin_login(http, sandbox)
    finish_login(http, sandbox, step_one, [{"Position": 1, "Value": "x"}])  # a word failure
    assert error_of(begin_login(http, sandbox, password="wrong")) == (400, "InvalidCredentials")

    locked = begin_login(http, sandbox)  # the right password, too late
    assert error_of(locked) == (401, "AccountLocked")
    assert locked.json()["Message"] == "User account is locked due to invalid login attempts."
    assert sandbox.stats_snapshot()["counters"]["accounts_locked"] == 1


def test_the_locked_and_expired_password_users_are_refused(sandbox, http):
    assert error_of(begin_login(http, sandbox, LOCKED_USERNAME)) == (401, "AccountLocked")
    expired = begin_login(http, sandbox, EXPIRED_PASSWORD_USERNAME)
    assert error_of(expired) == (400, "PasswordExpired")
    assert expired.json()["Message"] == "Your password has expired."


def test_temporary_token_is_single_use_and_expires(start_sandbox, http):
    clock = FakeClock()
    sandbox = start_sandbox(temporary_token_lifetime=30, clock=clock)
    step_one = begin_login(http, sandbox)
    assert finish_login(http, sandbox, step_one).status_code == 200
    again = finish_login(http, sandbox, step_one)
    assert error_of(again) == (400, "InvalidTemporaryToken")
    assert again.json()["Message"] == "Temporary token is invalid or has expired."

    step_one = begin_login(http, sandbox)
    clock.now += 31
    assert error_of(finish_login(http, sandbox, step_one)) == (400, "InvalidTemporaryToken")


def test_session_token_expires_after_idle_time_which_slides(start_sandbox, http):
    clock = FakeClock()
    sandbox = start_sandbox(session_idle_timeout=10, clock=clock)
    headers = auth(login(http, sandbox))
    for _ in range(3):
        clock.now += 8
        assert http.get(f"{sandbox.url}/settings/profile", headers=headers).status_code == 200
    clock.now += 11
    expired = http.get(f"{sandbox.url}/settings/profile", headers=headers)
    assert error_of(expired) == (401, "InvalidSessionToken")
    assert expired.json()["Message"] == "Session token provided is invalid."


@pytest.mark.parametrize(
    "headers",
    [{}, {"Authorization": "KfToken not-a-token"}, {"Authorization": "Bearer whatever"}],
)
def test_data_calls_need_a_valid_kftoken(sandbox, http, headers):
    response = http.get(f"{sandbox.url}/invoices", headers=headers)
    assert error_of(response) == (401, "InvalidSessionToken")


def test_logout_invalidates_the_token_both_ways(sandbox, http):
    token = login(http, sandbox)
    assert http.delete(f"{sandbox.url}/sessiontoken", headers=auth(token)).status_code == 204
    assert http.get(f"{sandbox.url}/invoices", headers=auth(token)).status_code == 401

    token = login(http, sandbox)
    assert http.delete(f"{sandbox.url}/sessiontoken/{token}").status_code == 204
    assert http.get(f"{sandbox.url}/invoices", headers=auth(token)).status_code == 401


def test_token_dies_after_n_requests_and_stats_count_the_relogin(start_sandbox, http):
    sandbox = start_sandbox(faults=KashFlowFaults(expire_token_after_requests=2))
    headers = auth(login(http, sandbox))
    statuses = [http.get(f"{sandbox.url}/invoices", headers=headers).status_code for _ in range(3)]
    assert statuses == [200, 200, 401]
    headers = auth(login(http, sandbox))
    assert http.get(f"{sandbox.url}/invoices", headers=headers).status_code == 200
    assert sandbox.stats_snapshot()["logins"] == {"post": 2, "post_ok": 2, "put": 2, "put_ok": 2}


def test_token_dies_after_an_absolute_lifetime(start_sandbox, http):
    clock = FakeClock()
    sandbox = start_sandbox(faults=KashFlowFaults(expire_token_after_seconds=20), clock=clock)
    headers = auth(login(http, sandbox))
    clock.now += 15
    assert http.get(f"{sandbox.url}/invoices", headers=headers).status_code == 200
    clock.now += 5
    assert http.get(f"{sandbox.url}/invoices", headers=headers).status_code == 401


# --- settings ---------------------------------------------------------------------------------


def test_without_company_details_the_name_comes_from_the_profile_or_the_login(start_sandbox, http):
    missing = start_sandbox(companydetails="missing")
    headers = auth(login(http, missing))
    assert http.get(f"{missing.url}/settings/companydetails", headers=headers).status_code == 404
    profile = http.get(f"{missing.url}/settings/profile", headers=headers).json()
    assert profile["CompanyName"] == "Harrow & Finch Joinery Ltd"
    assert set(profile) == {"Username", "Name", "EmailId", "CompanyName"}

    no_name = start_sandbox(companydetails="no_name", company_name_in_session=True)
    step_two = finish_login(http, no_name, begin_login(http, no_name))
    assert step_two.json()["CompanyName"] == "Harrow & Finch Joinery Ltd"
    details = http.get(
        f"{no_name.url}/settings/companydetails", headers=auth(step_two.json()["SessionToken"])
    ).json()
    assert "CompanyName" not in details
    assert details["HomeCurrency"]["Code"] == "GBP"


# --- invoices: paging, sorting, filtering -----------------------------------------------------


@pytest.fixture
def token(sandbox, http) -> str:
    return login(http, sandbox)


def get_invoices(http, server, token, **params):
    return http.get(f"{server.url}/invoices", params=params, headers=auth(token))


def test_paging_envelope_walks_every_invoice_once(sandbox, http, token, dataset):
    numbers, page = [], 1
    while True:
        body = get_invoices(http, sandbox, token, page=page, perpage=40, sortby="Number").json()
        meta = body["MetaData"]
        assert meta["TotalRecords"] == len(dataset.invoices)
        assert meta["InvoiceLimitReached"] is False
        assert meta["FirstPageUrl"] == "/v2/invoices?page=1&perpage=40&sortby=Number"
        numbers += [row["Number"] for row in body["Data"]]
        if meta["NextPageUrl"] is None:
            break
        assert meta["NextPageUrl"] == f"/v2/invoices?page={page + 1}&perpage=40&sortby=Number"
        page += 1
    assert page == -(-len(dataset.invoices) // 40)
    assert meta["PreviousPageUrl"] == f"/v2/invoices?page={page - 1}&perpage=40&sortby=Number"
    assert meta["LastPageUrl"] == f"/v2/invoices?page={page}&perpage=40&sortby=Number"
    assert numbers == [invoice.number for invoice in dataset.invoices]
    past_end = get_invoices(http, sandbox, token, page=page + 1, perpage=40).json()
    assert past_end["Data"] == [] and past_end["MetaData"]["NextPageUrl"] is None


def test_perpage_defaults_to_50_and_is_silently_capped(start_sandbox, http):
    sandbox = start_sandbox()
    token = login(http, sandbox)
    assert len(get_invoices(http, sandbox, token).json()["Data"]) == 50
    capped = get_invoices(http, sandbox, token, perpage=500).json()
    assert len(capped["Data"]) == 100
    assert "perpage=100" in capped["MetaData"]["NextPageUrl"]

    small_cap = start_sandbox(perpage_cap=20)
    token = login(http, small_cap)
    assert len(get_invoices(http, small_cap, token, perpage=100).json()["Data"]) == 20


@pytest.mark.parametrize(
    ("sortby", "field", "descending"),
    [
        ("Number", "Number", False),
        ("0", "Number", False),
        ("IssuedDate", "IssuedDate", False),
        ("3", "IssuedDate", True),
        ("PaymentDueDate", "DueDate", True),
        ("duedate", "DueDate", False),
        ("CustomerName", "CustomerName", False),
        ("GrossAmount", "GrossAmount", True),
    ],
)
def test_invoices_are_sorted_by_the_sortby_field_in_either_order(
    sandbox, http, token, sortby, field, descending
):
    order = "DESC" if descending else "Asc"
    rows = get_invoices(http, sandbox, token, sortby=sortby, order=order, perpage=100).json()[
        "Data"
    ]
    values = [row[field][:10] if field.endswith("Date") else row[field] for row in rows]
    if field == "GrossAmount":
        values = [Decimal(str(value)) for value in values]
    if field == "CustomerName":
        values = [value.casefold() for value in values]
    assert values == sorted(values, reverse=descending)


def test_unknown_sortby_is_a_400(sandbox, http, token):
    assert error_of(get_invoices(http, sandbox, token, sortby="Colour")) == (400, "InvalidRequest")


def test_statusfilter_is_honoured(sandbox, http, token, dataset):
    body = get_invoices(http, sandbox, token, statusfilter="NotFullyPaid", perpage=100).json()
    assert body["MetaData"]["TotalRecords"] == len(dataset.open_invoice_numbers())
    assert {row["Status"] for row in body["Data"]} <= OPEN_STATUSES
    paid = get_invoices(http, sandbox, token, statusfilter="paid", perpage=100).json()
    assert {row["Status"] for row in paid["Data"]} == {"Paid"}
    unknown = get_invoices(http, sandbox, token, statusfilter="Mouldy")
    assert error_of(unknown) == (400, "InvalidFilter")


def test_statusfilter_can_be_ignored_or_rejected(start_sandbox, http, dataset):
    ignoring = start_sandbox(statusfilter_mode="ignore")
    body = get_invoices(http, ignoring, login(http, ignoring), statusfilter="Overdue").json()
    assert body["MetaData"]["TotalRecords"] == len(dataset.invoices)

    rejecting = start_sandbox(statusfilter_mode="reject")
    token = login(http, rejecting)
    assert error_of(get_invoices(http, rejecting, token, statusfilter="Overdue")) == (
        400,
        "InvalidFilter",
    )
    assert get_invoices(http, rejecting, token).status_code == 200


def test_the_list_can_be_a_bare_array_or_lack_its_next_page_url(start_sandbox, http):
    bare = start_sandbox(list_shape="bare")
    body = get_invoices(http, bare, login(http, bare), perpage=10).json()
    assert isinstance(body, list) and len(body) == 10 and "Number" in body[0]

    no_next = start_sandbox(omit_next_page_url=True)
    meta = get_invoices(http, no_next, login(http, no_next), perpage=10).json()["MetaData"]
    assert "NextPageUrl" not in meta and meta["TotalRecords"] > 10


def naive_pass(http, server, token, perpage=25) -> tuple[list[int], int]:
    """Page until NextPageUrl is null, as a trusting client would."""
    numbers, page = [], 1
    while True:
        body = get_invoices(http, server, token, page=page, perpage=perpage).json()
        numbers += [row["Number"] for row in body["Data"]]
        if body["MetaData"]["NextPageUrl"] is None:
            return numbers, body["MetaData"]["TotalRecords"]
        page += 1


def test_paging_drift_loses_rows_in_one_pass_and_not_the_next(start_sandbox, http, dataset):
    sandbox = start_sandbox(faults=KashFlowFaults(paging_drift=1))
    token = login(http, sandbox)
    first, total = naive_pass(http, sandbox, token)
    assert total == len(dataset.invoices)
    assert len(set(first)) == len(first) < total  # rows missed at page boundaries
    second, _ = naive_pass(http, sandbox, token)
    assert sorted(second) == [invoice.number for invoice in dataset.invoices]

    sandbox.faults.set(paging_drift=0)
    exact, _ = naive_pass(http, sandbox, token)
    assert len(exact) == total


def test_invoice_detail_adds_up_and_unknown_paths_are_404(sandbox, http, token, dataset):
    part_paid = dataset.invoices_with_status("PartPaid", "OverduePartPaid")[0]
    detail = http.get(f"{sandbox.url}/invoices/{part_paid.number}", headers=auth(token)).json()
    assert detail["Number"] == part_paid.number and detail["LineItems"]
    paid = sum(Decimal(str(line["Amount"])) for line in detail["PaymentLines"])
    assert paid + Decimal(str(detail["DueAmount"])) == Decimal(str(detail["GrossAmount"]))

    for path, message in [
        ("/invoices/999999", "Invoice not found."),
        ("/invoices/abc", "Invoice not found."),
        ("/customers/NOPE99", "Customer not found."),
    ]:
        response = http.get(sandbox.url + path, headers=auth(token))
        assert error_of(response) == (404, "NotFound")
        assert response.json()["Message"] == message
    assert http.get(f"{sandbox.url}/nothing-here", headers=auth(token)).status_code == 404


# --- customers --------------------------------------------------------------------------------


@pytest.mark.parametrize("code", ["ASH01", "JS/2024", "A&B01", "ST AID"])
def test_a_customer_is_found_by_its_url_encoded_code(sandbox, http, token, code):
    response = http.get(f"{sandbox.url}/customers/{quote(code, safe='')}", headers=auth(token))
    assert response.status_code == 200
    assert response.json()["Code"] == code


def test_paths_and_codes_are_case_insensitive(sandbox, http, token):
    response = http.get(f"{sandbox.root_url}/V2/Customers/ash01", headers=auth(token))
    assert response.json()["Code"] == "ASH01"


def test_customer_list_is_an_envelope(sandbox, http, token, dataset):
    body = http.get(
        f"{sandbox.url}/customers", params={"page": 2, "perpage": 30}, headers=auth(token)
    ).json()
    assert body["MetaData"]["TotalRecords"] == len(dataset.customers)
    assert len(body["Data"]) == 30 and {"Code", "Name"} <= set(body["Data"][0])


def test_missing_customers_are_404_and_garbage_customers_are_not_json(start_sandbox, http):
    sandbox = start_sandbox(
        faults=KashFlowFaults(missing_customers=["ash01"], garbage_customers=["PENN01"])
    )
    token = login(http, sandbox)
    assert http.get(f"{sandbox.url}/customers/ASH01", headers=auth(token)).status_code == 404
    garbage = http.get(f"{sandbox.url}/customers/PENN01", headers=auth(token))
    assert garbage.status_code == 200
    with pytest.raises(ValueError):
        garbage.json()


# --- fault knobs ------------------------------------------------------------------------------


def data_statuses(http, server, token, count) -> list[int]:
    return [get_invoices(http, server, token, perpage=1).status_code for _ in range(count)]


def test_latency_applies_to_data_not_login(start_sandbox, http):
    sandbox = start_sandbox(faults=KashFlowFaults(latency_ms=120))
    started = time.perf_counter()
    token = login(http, sandbox)
    login_time = time.perf_counter() - started
    started = time.perf_counter()
    get_invoices(http, sandbox, token)
    data_time = time.perf_counter() - started
    assert data_time >= 0.12
    assert login_time < 0.12


def test_every_nth_request_answers_a_json_5xx(start_sandbox, http):
    sandbox = start_sandbox(faults=KashFlowFaults(status_500_every=2, server_error_status=503))
    token = login(http, sandbox)
    responses = [get_invoices(http, sandbox, token, perpage=1) for _ in range(4)]
    assert [r.status_code for r in responses] == [200, 503, 200, 503]
    assert responses[1].json()["Error"] == "ServiceUnavailable"


def test_rate_limit_bursts_carry_retry_after(start_sandbox, http):
    faults = KashFlowFaults(rate_limit_every=3, rate_limit_burst=2, retry_after_seconds=7)
    sandbox = start_sandbox(faults=faults)
    token = login(http, sandbox)
    responses = [get_invoices(http, sandbox, token, perpage=1) for _ in range(8)]
    assert [r.status_code for r in responses] == [200, 200, 429, 429, 200, 429, 429, 200]
    assert responses[2].headers["Retry-After"] == "7"
    assert responses[2].json()["Error"] == "TooManyRequests"


def test_sql_timeout_is_kashflows_400(start_sandbox, http):
    sandbox = start_sandbox(faults=KashFlowFaults(sql_timeout_every=1))
    response = get_invoices(http, sandbox, login(http, sandbox))
    assert response.status_code == 400
    assert response.json() == {"Error": SQL_TIMEOUT_ERROR, "Message": SQL_TIMEOUT_MESSAGE}
    assert response.json()["Error"] == "-2146232060"


def test_the_html_error_knob_answers_a_502_html_page(start_sandbox, http):
    sandbox = start_sandbox(faults=KashFlowFaults(html_error_every=1))
    response = get_invoices(http, sandbox, login(http, sandbox))
    assert response.status_code == 502
    assert response.headers["Content-Type"].startswith("text/html")
    assert response.text.lstrip().startswith("<!DOCTYPE html>")


def test_a_connection_is_dropped_before_or_after_the_handler_ran(start_sandbox, http):
    faults = KashFlowFaults(drop_connection_every=1, faults_on_login=True)
    sandbox = start_sandbox(faults=faults)
    with pytest.raises(requests.ConnectionError):
        begin_login(http, sandbox)
    assert sandbox.stats_snapshot()["logins"]["post_ok"] == 0

    faults.update(drop_after_handler=True)
    with pytest.raises(requests.ConnectionError):
        begin_login(http, sandbox)
    stats = sandbox.stats_snapshot()
    assert stats["logins"]["post_ok"] == 1  # the work was done, the answer never arrived
    assert stats["statuses"]["dropped"] == 2


def test_faults_skip_login_unless_asked(start_sandbox, http):
    faults = KashFlowFaults(status_500_every=1)
    sandbox = start_sandbox(faults=faults)
    token = login(http, sandbox)
    assert get_invoices(http, sandbox, token).status_code == 500
    faults.update(faults_on_login=True)
    assert begin_login(http, sandbox).status_code == 500


def test_control_api_drives_faults_and_stats(sandbox, http, token):
    control = f"{sandbox.root_url}/_sandbox"
    http.post(f"{control}/reset-stats")
    knobs = http.post(f"{control}/faults", json={"status_500_every": 1}).json()
    assert knobs["status_500_every"] == 1 and knobs["latency_ms"] == 0
    assert get_invoices(http, sandbox, token).status_code == 500

    merged = http.patch(f"{control}/faults", json={"latency_ms": 5, "missing_customers": ["X1"]})
    assert merged.json()["status_500_every"] == 1 and merged.json()["missing_customers"] == ["X1"]
    assert http.post(f"{control}/faults", json={}).json()["status_500_every"] == 0
    assert get_invoices(http, sandbox, token).status_code == 200
    assert http.get(f"{control}/faults").json() == sandbox.faults.snapshot()

    bad = http.post(f"{control}/faults", json={"no_such_knob": 1})
    assert error_of(bad) == (400, "InvalidRequest") and "no_such_knob" in bad.json()["Message"]

    stats = http.get(f"{control}/stats").json()
    assert stats["routes"] == {"GET /v2/invoices": 2}  # control calls are not counted
    assert stats["statuses"] == {"200": 1, "500": 1}
    assert stats["counters"]["fault.server_error"] == 1
    assert http.post(f"{control}/reset-stats").json()["requests"] == 0


def test_keep_alive_and_concurrent_requests_overlap(start_sandbox):
    sandbox = start_sandbox(faults=KashFlowFaults(latency_ms=50))
    with requests.Session() as session:
        token = login(session, sandbox)
        response = session.get(f"{sandbox.url}/customers/ASH01", headers=auth(token))
        assert int(response.headers["Content-Length"]) == len(response.content)
        assert "close" not in response.headers.get("Connection", "").lower()

    def client() -> None:
        with requests.Session() as session:
            for _ in range(5):
                assert session.get(f"{sandbox.url}/customers/ASH01", headers=auth(token)).ok

    threads = [threading.Thread(target=client) for _ in range(8)]
    started = time.perf_counter()
    for thread in threads:
        thread.start()
    for thread in threads:
        thread.join()
    elapsed = time.perf_counter() - started
    assert elapsed < 5 * 0.050 * 2.5  # 8 clients in parallel, not one after another (2 s)


def test_serve_starts_a_running_server_for_the_cli(dataset):
    server = serve(KashFlowSandboxConfig(dataset=dataset))
    try:
        assert server.url.startswith("http://127.0.0.1:") and server.url.endswith("/v2")
        assert requests.get(f"{server.root_url}/_sandbox/stats", timeout=5).ok
    finally:
        server.stop()
    assert not server.running


# --- demo data --------------------------------------------------------------------------------


def all_json(dataset: Dataset) -> str:
    return dumps(
        {
            "company": dataset.company,
            "customers": [customer.detail for customer in dataset.customers],
            "invoices": [invoice.detail for invoice in dataset.invoices],
        }
    )


def test_same_seed_same_data_different_seed_different_data(dataset):
    assert all_json(generate(seed=7, as_of=AS_OF)) == all_json(dataset)
    assert all_json(generate(seed=8, as_of=AS_OF)) != all_json(dataset)


def test_amounts_dates_and_statuses_are_consistent(dataset):
    for invoice in dataset.invoices:
        row, rate = invoice.summary, invoice.exchange_rate
        assert row["GrossAmount"] == row["NetAmount"] + row["VATAmount"]
        paid_foreign = row["GrossAmount"] - row["DueAmount"]
        # TotalPaidAmount is in GBP: foreign paid / ExchangeRate, to the penny.
        assert abs(paid_foreign / rate - row["TotalPaidAmount"]) <= Decimal("0.005")
        assert abs(row["GrossAmount"] / rate - row["HomeCurrencyGrossAmount"]) <= Decimal("0.005")
        if invoice.status.startswith("Overdue"):
            assert invoice.due < AS_OF and row["OverdueDays"] == (AS_OF - invoice.due).days
        if invoice.status in ("Unpaid", "PartPaid", "NA"):
            assert invoice.due >= AS_OF and row["OverdueDays"] == 0
        if invoice.status in ("PartPaid", "OverduePartPaid"):
            assert 0 < row["DueAmount"] < row["GrossAmount"]
        if invoice.status == "Overpaid":
            assert row["DueAmount"] < 0
        if invoice.status in ("Paid", "Overpaid"):
            assert invoice.paid is not None and invoice.issued <= invoice.paid <= AS_OF
        assert invoice.issued >= date(2025, 5, 1)  # about 18 months of history


def test_data_covers_what_the_review_page_must_handle(dataset):
    statuses = {invoice.status for invoice in dataset.invoices}
    assert statuses == set(STATUSES)
    foreign = {i.currency for i in dataset.invoices if i.is_open and i.currency != HOME_CURRENCY}
    assert {"EUR", "USD", "JPY", "SEK"} <= foreign
    jpy = [i for i in dataset.invoices if i.currency == "JPY"]
    assert all(i.gross == i.gross.to_integral() for i in jpy)
    assert any(i.gross < 0 and i.is_open for i in dataset.invoices), "an open credit note"
    assert any(i.gross < 0 and i.status == "Paid" for i in dataset.invoices)
    assert any(i.is_open and i.due >= AS_OF for i in dataset.invoices), "open, not yet due"

    customers = [customer.detail for customer in dataset.customers]
    assert any(c.private for c in dataset.customers) and any(
        not c.private for c in dataset.customers
    )
    names = " ".join(c["Name"] for c in customers)
    kinds = ["Ltd", "Limited", "PLC", "LLP", "Group", "Services", "School", "Council", "Trust"]
    kinds += ["GmbH", "SARL", "BV", "Inc", "AB"]
    for kind in kinds:
        assert f" {kind}" in names, kind

    def emails(c):
        return [c["Email"]] + [contact["Email"] for contact in c["Contacts"]]

    def phones(c):
        contact_phones = [x["Telephone"] for x in c["Contacts"]]
        return [c["TelephoneNumber"], c["MobileNumber"], *contact_phones]

    address = [c["Addresses"][0] for c in customers]
    assert any(not any(emails(c)) for c in customers), "no email anywhere"
    assert any(not any(phones(c)) for c in customers), "no phone anywhere"
    assert any(not a["PostCode"] for a in address), "no postcode"
    assert any(not a["CountryCode"] and not a["CountryName"] and not a["Line4"] for a in address)
    assert any(not a["CountryCode"] and a["CountryName"] for a in address)
    assert any(a["PostCode"] and a["PostCode"] == a["PostCode"].lower() for a in address)
    assert any(
        not c["Email"]
        and any(x["Email"] and not x.get("IsPrimary") for x in c["Contacts"])
        and not any(x["Email"] for x in c["Contacts"] if x.get("IsPrimary"))
        for c in customers
    ), "email only on a non-primary contact"
    doc_address = dict(
        zip(
            ("Line1", "Line2", "Line3", "Line4", "PostCode", "CountryCode", "CountryName"),
            KASHFLOW_DOC_ADDRESS,
            strict=True,
        )
    )
    assert doc_address in address
    no_city = [
        a
        for a in address
        if a["Line1"] and "," not in a["Line1"] and not any((a["Line2"], a["Line3"], a["Line4"]))
    ]
    assert no_city, "an address with no city at all"
    assert any("VATNumber" in c for c in customers) and any("VatNumber" in c for c in customers)
    assert all("Firstname" in x and "LastName" in x for c in customers for x in c["Contacts"])
    us = dataset.customer("MAPL01").detail["Addresses"][0]
    assert us["CountryCode"] == "US" and us["Line3"] == "OR"


def test_json_money_has_four_decimals_and_dates_are_kashflow_style(sandbox, http, token):
    text = get_invoices(http, sandbox, token, perpage=100).text
    amounts = re.findall(
        r'"(?:GrossAmount|NetAmount|VATAmount|DueAmount|TotalPaidAmount)":([^,}]+)', text
    )
    assert len(amounts) == 500
    assert all(re.fullmatch(r"-?\d+\.\d{4}", amount) for amount in amounts)
    dates = re.findall(r'"(?:IssuedDate|DueDate)":"([^"]+)"', text)
    assert all(re.fullmatch(r"\d{4}-\d{2}-\d{2} 12:00:00( \+01:00)?", d) for d in dates)
    row = json.loads(text, parse_float=Decimal)["Data"][0]
    assert row["GrossAmount"] == row["NetAmount"] + row["VATAmount"]


def test_status_weights_and_omitted_due_amounts_shape_the_generated_books():
    books = generate(
        seed=3,
        invoices=60,
        customers=40,
        as_of=AS_OF,
        credit_notes=0,
        status_weights={"Unpaid": 1, "Overdue": 3},
        omit_due_amount=0.5,
    )
    assert {invoice.status for invoice in books.invoices} == {"Unpaid", "Overdue"}
    assert len(books.open_invoice_numbers()) == 60
    without = [i for i in books.invoices if "DueAmount" not in i.summary]
    assert 0 < len(without) < 60
