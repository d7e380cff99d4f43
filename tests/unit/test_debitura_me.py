"""``DebituraClient.me()`` (``GET /me``) against canned answers: who a key belongs to, and
every way the check can fail without the key leaking."""

from __future__ import annotations

import pytest
import responses

from debitura import (
    AuthenticationFailed,
    Creditor,
    DebituraClient,
    DebituraError,
    DebituraUnavailable,
    RetryPolicy,
    UnexpectedResponse,
)

BASE = "https://debitura.test"
API_KEY = "live-key-77c0e2-SECRET"
FAST = RetryPolicy(attempts=3, initial_wait=0.001, max_wait=0.002, max_retry_after=0.01)
ME = {
    "id": "0b7f4a52-1d7e-4c1a-9f55-3c1e2d4a5b6c",
    "companyName": "Harrow & Finch Joinery Ltd",
    "companyRegistrationNumber": "GB123456789",
    "address": "4 Canal Wharf",
    "zipCode": "LS11 5PS",
    "city": "Leeds",
    "state": None,
    "country": "United Kingdom",
    "officeEmail": "accounts@harrowfinch.example",
    "officePhone": "+441132000000",
}


def make_client() -> DebituraClient:
    return DebituraClient(API_KEY, base_url=BASE, retry=FAST, sleep=lambda seconds: None)


@responses.activate
def test_me_sends_the_key_in_its_header_and_returns_the_creditor():
    responses.add(responses.GET, f"{BASE}/me", json=ME)
    creditor = make_client().me()
    assert creditor == Creditor(
        company_name="Harrow & Finch Joinery Ltd",
        id=ME["id"],
        company_registration_number="GB123456789",
        address="4 Canal Wharf",
        zip_code="LS11 5PS",
        city="Leeds",
        state="",
        country="United Kingdom",
        office_email="accounts@harrowfinch.example",
        office_phone="+441132000000",
    )
    request = responses.calls[0].request
    assert request.headers["XApiKey"] == API_KEY
    assert API_KEY not in request.url


@pytest.mark.parametrize("status", [401, 403, 404])
@responses.activate
def test_a_refused_key_is_authentication_failed_and_not_retried(status):
    body = {"error": "Unauthorized", "message": f"The key {API_KEY} is not valid."}
    responses.add(responses.GET, f"{BASE}/me", status=status, json=body)
    with pytest.raises(AuthenticationFailed) as caught:
        make_client().me()
    assert caught.value.status == status
    assert API_KEY not in str(caught.value) + caught.value.api_message
    assert len(responses.calls) == 1


@responses.activate
def test_a_redirect_is_not_followed_and_the_key_goes_nowhere_else():
    responses.add(
        responses.GET,
        f"{BASE}/me",
        status=302,
        headers={"Location": "https://elsewhere.test/me"},
    )
    responses.add(responses.GET, "https://elsewhere.test/me", json=ME)
    with pytest.raises(DebituraError) as caught:
        make_client().me()
    assert not isinstance(caught.value, AuthenticationFailed | DebituraUnavailable)
    assert [call.request.url for call in responses.calls] == [f"{BASE}/me"]
    assert API_KEY not in str(caught.value)


@responses.activate
def test_a_page_that_is_not_data_is_an_unexpected_response():
    responses.add(
        responses.GET, f"{BASE}/me", body="<html>Welcome</html>", content_type="text/html"
    )
    with pytest.raises(UnexpectedResponse):
        make_client().me()


@pytest.mark.parametrize(
    "body", [{"id": ME["id"]}, {"companyName": ""}, ["Harrow & Finch Joinery Ltd"], "x"]
)
@responses.activate
def test_an_answer_naming_no_company_is_an_unexpected_response(body):
    responses.add(responses.GET, f"{BASE}/me", json=body)
    with pytest.raises(UnexpectedResponse) as caught:
        make_client().me()
    assert "names no creditor" in str(caught.value)
