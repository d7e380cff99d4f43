"""The sandboxes' hostile knobs over real HTTP: redirects, trickled and gzip-bomb answers, a
status filter read differently, hostile text and invoice numbers, a company name of one's own,
and a customer balance that disagrees with its open invoices."""

from __future__ import annotations

import http.client
import json
import time
import zlib
from datetime import date
from decimal import Decimal
from urllib.parse import quote

import pytest

from sandbox.debitura_server import SANDBOX_API_KEY, DebituraSandbox, DebituraSandboxConfig
from sandbox.kashflow_server import DEMO_MEMORABLE_WORD, DEMO_PASSWORD, DEMO_USERNAME

AS_OF = date(2026, 11, 21)


def send(server, method, path, body=None, headers=None, timeout=10.0):
    """One request on a fresh connection: the response, headers read, body not yet."""
    connection = http.client.HTTPConnection("127.0.0.1", server.port, timeout=timeout)
    data = json.dumps(body).encode() if body is not None else None
    connection.request(method, path, body=data, headers=headers or {})
    return connection.getresponse()


def call(server, method, path, body=None, headers=None):
    response = send(server, method, path, body, headers)
    return response.status, json.loads(response.read() or b"null")


def login(server) -> dict[str, str]:
    step_one = call(
        server, "POST", "/v2/sessiontoken", {"UserName": DEMO_USERNAME, "Password": DEMO_PASSWORD}
    )[1]
    answer = [
        {"Position": item["Position"], "Value": DEMO_MEMORABLE_WORD[item["Position"] - 1]}
        for item in step_one["MemorableWordList"]
    ]
    body = {"TemporaryToken": step_one["TemporaryToken"], "MemorableWordList": answer}
    status, session = call(server, "PUT", "/v2/sessiontoken", body)
    assert status == 200, session
    return {"Authorization": f"KfToken {session['SessionToken']}"}


def all_rows(server, headers, path) -> list[dict]:
    rows, page = [], 1
    while True:
        separator = "&" if "?" in path else "?"
        status, body = call(
            server, "GET", f"{path}{separator}page={page}&perpage=100", None, headers
        )
        assert status == 200, body
        rows += body["Data"]
        if not body["MetaData"]["NextPageUrl"]:
            return rows
        page += 1


@pytest.fixture(params=["kashflow", "debitura"])
def any_sandbox(request, start_kashflow_sandbox, started):
    """Each sandbox, with a request that is an API call to it (login, for KashFlow)."""
    if request.param == "kashflow":
        server = start_kashflow_sandbox(invoices=40, customers=12)
        return server, ("POST", "/v2/sessiontoken", {"UserName": "x", "Password": "y"}, {})
    server = started(DebituraSandbox(DebituraSandboxConfig(today=AS_OF)))
    return server, ("POST", "/cases", {}, {"XApiKey": SANDBOX_API_KEY})


def test_redirect_to_answers_every_api_request_307_with_the_path_appended(any_sandbox):
    server, (method, path, body, headers) = any_sandbox
    server.faults.update(redirect_to="http://evil.example/steal")
    for verb, where in [(method, path), ("PUT", path), ("GET", path + "/nothing-here")]:
        response = send(server, verb, where, body, headers)
        assert response.status == 307
        assert response.getheader("Location") == "http://evil.example/steal" + where
    assert send(server, "GET", "/_sandbox/faults").status == 200  # never the control API


def test_trickle_seconds_sends_the_body_one_byte_at_a_time(any_sandbox):
    server, (method, path, body, headers) = any_sandbox
    complete = send(server, method, path, body, headers).read()
    server.faults.update(trickle_seconds=0.05)
    response = send(server, method, path, body, headers)
    assert response.status in (400, 401, 422)  # headers at once ...
    started = time.perf_counter()
    first = response.read(4)  # ... the body a byte every 50 ms
    assert time.perf_counter() - started >= 0.15
    assert first == complete[:4]
    response.close()


def test_gzip_bomb_mb_answers_gzip_that_inflates_to_that_many_megabytes(any_sandbox):
    server, (method, path, body, headers) = any_sandbox
    server.faults.update(gzip_bomb_mb=3)
    response = send(server, method, path, body, headers)
    packed = response.read()
    assert response.status == 200 and response.getheader("Content-Encoding") == "gzip"
    assert len(packed) < 100_000
    inflated = zlib.decompress(packed, 31)
    assert len(inflated) >= 3 * 1024 * 1024 and inflated.startswith(b'{"Data":["AAAA')


def test_the_hostile_knobs_are_off_by_default_and_set_over_http(any_sandbox):
    server, _ = any_sandbox
    knobs = call(server, "GET", "/_sandbox/faults")[1]
    assert (knobs["redirect_to"], knobs["trickle_seconds"], knobs["gzip_bomb_mb"]) == ("", 0.0, 0)
    changed = call(server, "PATCH", "/_sandbox/faults", {"redirect_to": "http://x.example"})
    assert changed[1]["redirect_to"] == "http://x.example"
    assert call(server, "PATCH", "/_sandbox/faults", {"redirect_to": 7})[0] == 400


def test_drop_overdue_reads_not_fully_paid_without_the_overdue_invoices(start_kashflow_sandbox):
    server = start_kashflow_sandbox(statusfilter_mode="drop_overdue")
    headers = login(server)
    rows = all_rows(server, headers, "/v2/invoices?statusfilter=NotFullyPaid")
    expected = server.dataset.invoices_with_status("Unpaid", "PartPaid")
    assert sorted(row["Number"] for row in rows) == sorted(i.number for i in expected)
    overdue = all_rows(server, headers, "/v2/invoices?statusfilter=Overdue")
    assert overdue and {row["Status"] for row in overdue} == {"Overdue"}  # other filters honoured


def test_hostile_books_carry_hostile_text_numbers_and_a_null_currency(start_kashflow_sandbox):
    server = start_kashflow_sandbox(invoices=40, customers=12, hostile=True)
    headers = login(server)
    names = {row["Name"] for row in all_rows(server, headers, "/v2/customers")}
    for name in [
        "![p](http://127.0.0.1:9/x.png)",
        "$x^2$",
        "<b>bold</b> **bold** http://evil.example",
        '=HYPERLINK("http://evil.example")',
        "\x1b]0;pwned\x07Evil\rForged\x00 Ltd",
    ]:
        assert name in names
    status, formulas = call(server, "GET", "/v2/customers/HOST04", None, headers)
    address = formulas["Addresses"][0]
    assert (address["Line1"], address["Line2"], address["Line3"]) == ("+1", "-1+2", "@SUM(1)")

    rows = all_rows(server, headers, "/v2/invoices?statusfilter=NotFullyPaid")
    numbers = [row["Number"] for row in rows]
    digits = [n for n in numbers if isinstance(n, str) and len(n) == 5000 and n.isdigit()]
    for text in ["²", "1/2", ".", "..", " 12 ", *digits]:
        assert text in numbers
        status, detail = call(server, "GET", f"/v2/invoices/{quote(text, safe='')}", None, headers)
        assert status == 200 and detail["Number"] == text
    assert len(digits) == 1  # a 5,000-digit number, as text
    shared = [number for number in numbers if numbers.count(number) == 2]
    twins = [row for row in rows if row["Number"] in shared]
    assert len(twins) == 2 and twins[0]["Id"] != twins[1]["Id"]

    (euro,) = [row for row in rows if row["Currency"] is None]
    status, customer = call(server, "GET", f"/v2/customers/{euro['CustomerCode']}", None, headers)
    assert customer["Currency"]["Code"] == "EUR"
    status, detail = call(server, "GET", f"/v2/invoices/{euro['Number']}", None, headers)
    assert detail["Currency"]["Code"] == "EUR"


def test_hostile_books_leave_the_other_books_as_they_were(start_kashflow_sandbox):
    plain = start_kashflow_sandbox(invoices=40, customers=12)
    hostile = start_kashflow_sandbox(invoices=40, customers=12, hostile=True)
    assert [i.detail for i in plain.dataset.invoices] == [
        i.detail for i in hostile.dataset.invoices if isinstance(i.number, int)
    ][: len(plain.dataset.invoices)]
    assert [c.detail for c in plain.dataset.customers] == [
        c.detail for c in hostile.dataset.customers[: len(plain.dataset.customers)]
    ]


def test_company_name_is_every_users_company(start_kashflow_sandbox):
    hostile_name = "![p](http://127.0.0.1:9/x.png) <b>Evil</b> $x^2$"
    server = start_kashflow_sandbox(invoices=5, customers=2, company_name=hostile_name)
    headers = login(server)
    details = call(server, "GET", "/v2/settings/companydetails", None, headers)[1]
    profile = call(server, "GET", "/v2/settings/profile", None, headers)[1]
    assert details["CompanyName"] == profile["CompanyName"] == hostile_name


def test_credit_customer_owes_less_than_its_open_invoices(start_kashflow_sandbox):
    server = start_kashflow_sandbox(invoices=40, customers=12, credit_customer=True)
    headers = login(server)
    owed: dict[str, Decimal] = {}
    for row in all_rows(server, headers, "/v2/invoices?statusfilter=NotFullyPaid"):
        rate = Decimal(str(row["Currency"]["ExchangeRate"]))
        due = Decimal(str(row["DueAmount"])) / rate
        owed[row["CustomerCode"]] = owed.get(row["CustomerCode"], Decimal(0)) + due
    short = [
        customer
        for customer in all_rows(server, headers, "/v2/customers")
        if Decimal(str(customer["OutstandingBalance"])) < owed.get(customer["Code"], 0) - 1
    ]
    assert len(short) == 1  # every other customer's balance is the sum of its open invoices
    (customer,) = short
    assert 0 < Decimal(str(customer["OutstandingBalance"])) < owed[customer["Code"]]
