"""The Debitura client against canned answers: headers, exact bodies, errors, retries, paging."""

from __future__ import annotations

import json
from decimal import Decimal

import pytest
import requests
import responses

from debitura import (
    AuthenticationFailed,
    BusinessRuleViolation,
    Case,
    CreditorActionRequired,
    CreditorBlocked,
    DebituraClient,
    DebituraError,
    DebituraUnavailable,
    DuplicateCreditorReference,
    DuplicateReference,
    IdempotencyConflict,
    MissingDebtCollectionContract,
    MissingKycVerification,
    MissingPowerOfAttorney,
    NoPartnerAvailable,
    NotFound,
    Preview,
    RateLimited,
    RequestRejected,
    RetryPolicy,
    UnexpectedResponse,
    UnsupportedCountry,
    UnsupportedCurrency,
    ValidationFailed,
    lifecycle_label,
    preview_request,
)

BASE = "https://debitura.test"
API_KEY = "live-key-5f3a9c1e-SECRET"
FAST = RetryPolicy(attempts=4, initial_wait=0.001, max_wait=0.002, max_retry_after=60)
CASE_ID = "6f1c2b9e-3a4d-4e5f-8a7b-1c2d3e4f5a6b"

PAYLOAD = {
    "currencyCode": "GBP",
    "amountToRecover": Decimal("1234.50"),
    "date": "2026-08-01",
    "dueDate": "2026-08-31",
    "creditorReference": "INV-1042",
    "claimDescription": "Joinery work, invoice 1042",
    "debtor": {
        "type": "Company",
        "name": "Acme Fittings Ltd",
        "address": "12 Mill Lane",
        "zipCode": "LS1 4AB",
        "city": "Leeds",
        "countryAlpha2": "GB",
        "email": "accounts@acme.example",
    },
}

INVOICE_DTO = {
    "id": CASE_ID,
    "dateCreated": "2026-11-21T09:15:02.123Z",
    "reference": "Q8OAXF3W",
    "creditorReference": "INV-1042",
    "grossAmount": 1234.50,
    "remainder": 1234.50,
    "currency": "GBP",
    "isTestCase": True,
    "lifecycle": "PendingVerification",
    "date": "2026-08-01T00:00:00",
    "dueDate": "2026-08-31T00:00:00",
    "closeCode": None,
    "debtor": {"type": "Company", "name": "Acme Fittings Ltd", "countryAlpha2": "GB"},
    "collectionPartner": {"name": "Harland & Crewe Recoveries Ltd"},
    "preLegalSuccessFee": 12.0,
    "validation": {"needsInfo": False},
}


def make_client(**kwargs) -> DebituraClient:
    kwargs.setdefault("retry", FAST)
    kwargs.setdefault("sleep", lambda seconds: None)
    return DebituraClient(API_KEY, base_url=BASE, **kwargs)


def business(type_: str, message: str, solution_url: str | None = None) -> dict:
    return {
        "businessErrors": [{"type": type_, "message": message, "solutionUrl": solution_url}],
        "signingHandoff": None,
    }


# --- headers and bodies -----------------------------------------------------------------------


@responses.activate
def test_create_sends_the_key_the_idempotency_key_and_json():
    responses.add(responses.POST, f"{BASE}/cases", json=INVOICE_DTO)
    make_client().create_case(PAYLOAD, idempotency_key="submission-7")
    request = responses.calls[0].request
    assert request.headers["XApiKey"] == API_KEY
    assert request.headers["Idempotency-Key"] == "submission-7"
    assert request.headers["Accept"] == "application/json"
    assert request.headers["Content-Type"].startswith("application/json")


@responses.activate
def test_reads_and_preview_carry_no_idempotency_key():
    responses.add(responses.GET, f"{BASE}/cases/{CASE_ID}", json=INVOICE_DTO)
    responses.add(responses.POST, f"{BASE}/cases/preview", json={"result": {"isEligible": True}})
    client = make_client()
    client.get_case(CASE_ID)
    client.preview_case(PAYLOAD)
    for call in responses.calls:
        assert call.request.headers["XApiKey"] == API_KEY
        assert call.request.headers["Accept"] == "application/json"
        assert "Idempotency-Key" not in call.request.headers


@responses.activate
def test_the_body_is_sent_exactly_with_decimal_amounts_unrounded():
    responses.add(responses.POST, f"{BASE}/cases", json=INVOICE_DTO)
    payload = {
        **PAYLOAD,
        "amountToRecover": Decimal("1234.50"),
        "amountToRecoverOver12Months": Decimal("0.10"),
        "amountToRecoverOver24Months": Decimal("0"),
    }
    make_client().create_case(payload, idempotency_key="k")
    raw = responses.calls[0].request.body.decode("utf-8")
    assert '"amountToRecover":1234.50' in raw
    assert '"amountToRecoverOver12Months":0.10' in raw
    assert json.loads(raw, parse_float=Decimal) == payload


@responses.activate
def test_create_returns_a_typed_case():
    responses.add(responses.POST, f"{BASE}/cases", json=INVOICE_DTO)
    case = make_client().create_case(PAYLOAD, idempotency_key="k")
    assert case.id == CASE_ID
    assert case.reference == "Q8OAXF3W"
    assert case.creditor_reference == "INV-1042"
    assert case.amount == Decimal("1234.50") and isinstance(case.amount, Decimal)
    assert case.lifecycle == "PendingVerification"
    assert case.lifecycle_label == "Pending verification"
    assert case.debtor_name == "Acme Fittings Ltd"
    assert case.is_test and case.partner_name == "Harland & Crewe Recoveries Ltd"
    assert case.created is not None and case.created.year == 2026
    assert str(case.due_date) == "2026-08-31"


def test_models_read_keys_case_insensitively_and_lifecycle_labels():
    case = Case.from_api(
        {
            "Id": CASE_ID,
            "Reference": "ABCD1234",
            "GrossAmount": "99.90",
            "Lifecycle": "More Info Required",
            "IsTestCase": "true",
        }
    )
    assert case.id == CASE_ID and case.reference == "ABCD1234"
    assert case.amount == Decimal("99.90")
    assert case.lifecycle == "NeedsAdditionalDetails" and case.is_test
    assert lifecycle_label("Leads") == "Collecting quotes"
    closed = Case.from_api(
        {"id": "x", "lifecycle": "Closed", "closeCode": "Paid", "grossAmount": 100, "remainder": 0}
    )
    assert closed.is_recovered and closed.status_label == "Closed (Paid)"
    assert closed.recovered_amount == Decimal(100)


def test_idempotency_key_is_required():
    client = make_client()
    with pytest.raises(ValueError):
        client.create_case(PAYLOAD, idempotency_key="")
    with pytest.raises(ValueError):
        client.create_case(PAYLOAD, idempotency_key="x" * 256)


# --- errors -----------------------------------------------------------------------------------


@responses.activate
def test_legacy_400_maps_fields_to_messages():
    responses.add(
        responses.POST,
        f"{BASE}/cases",
        status=400,
        json={
            "currencyCode": ["Invalid currency code: XYZ"],
            "debtor.countryAlpha2": ["CountryAlpha2 must be a valid ISO alpha-2 code."],
        },
    )
    with pytest.raises(ValidationFailed) as caught:
        make_client().create_case(PAYLOAD, idempotency_key="k")
    error = caught.value
    assert error.status == 400
    assert error.field_errors == {
        "currencyCode": ("Invalid currency code: XYZ",),
        "debtor.countryAlpha2": ("CountryAlpha2 must be a valid ISO alpha-2 code.",),
    }
    assert "currency: Invalid currency code: XYZ" in str(error)
    assert "debtor country" in str(error)
    assert "nothing was created" in str(error)
    assert len(responses.calls) == 1


@responses.activate
def test_api_error_response_dto_400_is_read_too():
    responses.add(
        responses.POST,
        f"{BASE}/cases",
        status=400,
        json={
            "error": "ValidationFailed",
            "message": "Due date cannot be in the future.",
            "businessErrors": [
                {
                    "type": "dueDate",
                    "message": "Due date cannot be in the future.",
                    "solutionUrl": None,
                }
            ],
        },
    )
    with pytest.raises(ValidationFailed) as caught:
        make_client().create_case(PAYLOAD, idempotency_key="k")
    assert caught.value.field_errors == {"dueDate": ("Due date cannot be in the future.",)}
    assert "due date: Due date cannot be in the future." in str(caught.value)


@responses.activate
def test_problem_details_and_message_only_400s_are_validation_failures():
    responses.add(
        responses.POST,
        f"{BASE}/cases",
        status=400,
        json={
            "title": "One or more validation errors occurred.",
            "status": 400,
            "errors": {"Debtor.City": ["The City field is required."]},
        },
    )
    responses.add(
        responses.POST,
        f"{BASE}/cases",
        status=400,
        json={"error": "Bad Request", "message": "Debtor is required."},
    )
    client = make_client()
    with pytest.raises(ValidationFailed) as first:
        client.create_case(PAYLOAD, idempotency_key="k")
    assert first.value.field_errors == {"Debtor.City": ("The City field is required.",)}
    with pytest.raises(ValidationFailed) as second:
        client.create_case(PAYLOAD, idempotency_key="k")
    assert second.value.field_errors == {"": ("Debtor is required.",)}


SOLUTION = "https://app.debitura.test/contracts/sdca"


@pytest.mark.parametrize(
    ("body", "expected", "words"),
    [
        (
            business(
                "NoPartnerAvailable",
                "We don't have an exclusive pre-legal partner in the provided jurisdiction.",
            ),
            NoPartnerAvailable,
            "no collection partner",
        ),
        (
            {
                "BusinessRule": [
                    "We don't have an exclusive pre-legal partner in the provided jurisdiction"
                ]
            },
            NoPartnerAvailable,
            "do not send it again",
        ),
        (
            business("DuplicateReference", "A case with this creditor reference already exists."),
            DuplicateReference,
            "INV-1042",
        ),
        (
            business("DuplicateCreditorReference", "Creditor reference already used."),
            DuplicateCreditorReference,
            "Look the existing case up",
        ),
        (
            business("IdempotencyConflict", "Idempotency key reused with a different body."),
            IdempotencyConflict,
            "idempotency key",
        ),
        (
            business("MissingDebtCollectionContract", "The SDCA is not signed.", SOLUTION),
            MissingDebtCollectionContract,
            f"Sign the agreement at {SOLUTION}",
        ),
        (
            business("MissingPowerOfAttorney", "PoA needed.", "https://sign.test/poa"),
            MissingPowerOfAttorney,
            "https://sign.test/poa",
        ),
        (
            business("MissingKycVerification", "KYC needed.", "https://sign.test/kyc"),
            MissingKycVerification,
            "https://sign.test/kyc",
        ),
        (business("CreditorBlocked", "Account blocked."), CreditorBlocked, "Contact Debitura"),
        (
            business("UnsupportedCountry", "Country not supported."),
            UnsupportedCountry,
            "this country",
        ),
        (
            business("UnsupportedCurrency", "Currency not supported."),
            UnsupportedCurrency,
            "this currency",
        ),
        (
            business("SomethingNew", "A rule we have never seen."),
            BusinessRuleViolation,
            "A rule we have never seen.",
        ),
    ],
)
@responses.activate
def test_422_business_rules_become_their_own_classes(body, expected, words):
    responses.add(responses.POST, f"{BASE}/cases", status=422, json=body)
    with pytest.raises(expected) as caught:
        make_client().create_case(PAYLOAD, idempotency_key="k")
    error = caught.value
    assert type(error) is expected
    assert error.status == 422 and error.errors
    assert words in str(error)
    assert len(responses.calls) == 1  # business rules are never retried


@responses.activate
def test_contract_errors_keep_the_solution_url_and_list_every_error():
    responses.add(
        responses.POST,
        f"{BASE}/cases",
        status=422,
        json={
            "businessErrors": [
                {
                    "type": "MissingDebtCollectionContract",
                    "message": "Sign the SDCA.",
                    "solutionUrl": SOLUTION,
                },
                {
                    "type": "MissingPowerOfAttorney",
                    "message": "Sign the PoA.",
                    "solutionUrl": "https://sign.test/poa",
                },
            ],
            "signingHandoff": {"combinedSigningUrl": "https://sign.test/all"},
        },
    )
    with pytest.raises(CreditorActionRequired) as caught:
        make_client().create_case(PAYLOAD, idempotency_key="k")
    error = caught.value
    assert isinstance(error, MissingDebtCollectionContract)
    assert error.kind == "MissingDebtCollectionContract"
    assert error.solution_url == SOLUTION
    assert error.signing_url == "https://sign.test/all"
    assert [e.type for e in error.errors] == [
        "MissingDebtCollectionContract",
        "MissingPowerOfAttorney",
    ]
    assert "https://sign.test/poa" in str(error)


@pytest.mark.parametrize("status", [401, 403])
@responses.activate
def test_a_refused_key_is_authentication_failed(status):
    responses.add(
        responses.GET,
        f"{BASE}/cases/{CASE_ID}",
        status=status,
        json={"error": "Unauthorized", "message": "Invalid API key."},
    )
    with pytest.raises(AuthenticationFailed) as caught:
        make_client().get_case(CASE_ID)
    assert caught.value.status == status
    assert "DEBITURA_API_KEY" in str(caught.value)
    assert len(responses.calls) == 1


@responses.activate
def test_unknown_creditor_reference_is_none_and_the_reference_is_url_encoded():
    responses.add(
        responses.GET,
        f"{BASE}/cases/by-creditor-reference/KF%2F10%2042",
        status=404,
        json={"error": "NotFound", "message": "No case found with this creditor reference"},
    )
    assert make_client().find_case_by_creditor_reference("KF/10 42") is None
    assert responses.calls[0].request.url.endswith("/cases/by-creditor-reference/KF%2F10%2042")


@responses.activate
def test_a_known_creditor_reference_returns_the_case():
    responses.add(responses.GET, f"{BASE}/cases/by-creditor-reference/INV-1042", json=INVOICE_DTO)
    case = make_client().find_case_by_creditor_reference("INV-1042")
    assert case is not None and case.id == CASE_ID


@responses.activate
def test_an_html_404_is_not_taken_for_no_case():
    responses.add(
        responses.GET,
        f"{BASE}/cases/by-creditor-reference/INV-1",
        status=404,
        body="<html><body>Not Found</body></html>",
        content_type="text/html",
    )
    with pytest.raises(RequestRejected) as caught:
        make_client().find_case_by_creditor_reference("INV-1")
    assert "DEBITURA_BASE_URL" in str(caught.value)


@responses.activate
def test_get_case_404_is_not_found():
    responses.add(
        responses.GET,
        f"{BASE}/cases/{CASE_ID}",
        status=404,
        json={"error": "NotFound", "message": "Case not found."},
    )
    with pytest.raises(NotFound):
        make_client().get_case(CASE_ID)


# --- retries ----------------------------------------------------------------------------------


@responses.activate
def test_5xx_is_retried_with_the_same_idempotency_key_and_body_then_succeeds():
    responses.add(responses.POST, f"{BASE}/cases", status=502, json={"error": "BadGateway"})
    responses.add(
        responses.POST,
        f"{BASE}/cases",
        status=503,
        body="<html>down</html>",
        content_type="text/html",
    )
    responses.add(
        responses.POST,
        f"{BASE}/cases",
        status=500,
        json={"error": "InternalServerError", "message": "An error has occurred."},
    )
    responses.add(responses.POST, f"{BASE}/cases", json=INVOICE_DTO)
    case = make_client().create_case(PAYLOAD, idempotency_key="submission-7")
    assert case.id == CASE_ID
    assert len(responses.calls) == 4
    assert {call.request.headers["Idempotency-Key"] for call in responses.calls} == {"submission-7"}
    assert len({call.request.body for call in responses.calls}) == 1


@pytest.mark.parametrize("status", [400, 404, 409, 422])
@responses.activate
def test_4xx_is_never_retried(status):
    responses.add(
        responses.POST,
        f"{BASE}/cases",
        status=status,
        json={"error": "Nope", "message": "Refused."},
    )
    with pytest.raises(DebituraError):
        make_client().create_case(PAYLOAD, idempotency_key="k")
    assert len(responses.calls) == 1


@responses.activate
def test_connection_errors_and_timeouts_are_retried():
    responses.add(responses.POST, f"{BASE}/cases", body=requests.ConnectionError("reset"))
    responses.add(responses.POST, f"{BASE}/cases", body=requests.ReadTimeout("slow"))
    responses.add(responses.POST, f"{BASE}/cases", json=INVOICE_DTO)
    assert make_client().create_case(PAYLOAD, idempotency_key="k").id == CASE_ID
    assert len(responses.calls) == 3
    assert {call.request.headers["Idempotency-Key"] for call in responses.calls} == {"k"}


@responses.activate
def test_exhausted_retries_raise_unavailable_with_the_outcome_unknown():
    responses.add(responses.POST, f"{BASE}/cases", body=requests.ConnectionError("reset"))
    with pytest.raises(DebituraUnavailable) as caught:
        make_client().create_case(PAYLOAD, idempotency_key="k")
    assert len(responses.calls) == FAST.attempts
    assert caught.value.outcome_unknown
    assert "creditor reference" in str(caught.value)


@responses.activate
def test_exhausted_5xx_on_a_read_is_unavailable():
    responses.add(responses.GET, f"{BASE}/cases/{CASE_ID}", status=504, body="")
    with pytest.raises(DebituraUnavailable) as caught:
        make_client().get_case(CASE_ID)
    assert caught.value.status == 504 and not caught.value.outcome_unknown
    assert len(responses.calls) == FAST.attempts


@pytest.mark.parametrize("status", [429, 503])
@responses.activate
def test_retry_after_is_honoured(status):
    responses.add(
        responses.GET,
        f"{BASE}/cases/{CASE_ID}",
        status=status,
        headers={"Retry-After": "7"},
        json={"error": "Slow down"},
    )
    responses.add(responses.GET, f"{BASE}/cases/{CASE_ID}", json=INVOICE_DTO)
    waits: list[float] = []
    make_client(sleep=waits.append).get_case(CASE_ID)
    assert waits == [7.0]


@responses.activate
def test_retry_after_is_capped_and_a_persistent_429_is_rate_limited():
    responses.add(
        responses.GET,
        f"{BASE}/cases/{CASE_ID}",
        status=429,
        headers={"Retry-After": "3600"},
        json={"error": "TooManyRequests"},
    )
    waits: list[float] = []
    with pytest.raises(RateLimited) as caught:
        make_client(sleep=waits.append).get_case(CASE_ID)
    assert waits == [60.0] * (FAST.attempts - 1)
    assert caught.value.retry_after == 3600.0


@responses.activate
def test_a_success_that_is_not_json_is_unexpected():
    responses.add(
        responses.GET,
        f"{BASE}/cases/{CASE_ID}",
        body="<html>maintenance</html>",
        content_type="text/html",
    )
    with pytest.raises(UnexpectedResponse):
        make_client(retry=RetryPolicy(attempts=2, initial_wait=0.001, max_wait=0.001)).get_case(
            CASE_ID
        )
    assert len(responses.calls) == 2


# --- paging -----------------------------------------------------------------------------------


def page_of(start: int, count: int, *, total: int, page: int, size: int) -> dict:
    return {
        "page": {
            "totalResults": total,
            "pageSize": size,
            "currentPage": page,
            "responseCount": count,
            "totalPages": -(-total // size),
        },
        "cases": [
            {**INVOICE_DTO, "id": f"case-{n}", "creditorReference": f"INV-{n}"}
            for n in range(start, start + count)
        ],
    }


@responses.activate
def test_list_cases_fetches_every_page():
    for page, (start, count) in enumerate([(0, 100), (100, 100), (200, 37)], start=1):
        responses.add(
            responses.GET,
            f"{BASE}/cases",
            json=page_of(start, count, total=237, page=page, size=100),
            match=[
                responses.matchers.query_param_matcher(
                    {
                        "page": str(page),
                        "pageSize": "100",
                        "sort": "DateCreated:asc",
                        "statuses": "Active,NeedsAdditionalDetails",
                    }
                )
            ],
        )
    cases = make_client().list_cases(statuses=["Active", "More Info Required"])
    assert [case.creditor_reference for case in cases] == [f"INV-{n}" for n in range(237)]
    assert len(responses.calls) == 3


@responses.activate
def test_list_cases_copes_with_a_capped_page_size_and_missing_totals():
    # The server serves 50 per page whatever is asked, and says nothing about totals.
    def rows(start, count):
        return [{**INVOICE_DTO, "id": f"c{n}"} for n in range(start, start + count)]

    responses.add(responses.GET, f"{BASE}/cases", json={"cases": rows(0, 50)})
    responses.add(responses.GET, f"{BASE}/cases", json={"cases": rows(50, 50)})
    responses.add(responses.GET, f"{BASE}/cases", json={"cases": rows(100, 3)})
    responses.add(responses.GET, f"{BASE}/cases", json={"cases": []})
    cases = make_client().list_cases()
    assert len(cases) == 103 and len({case.id for case in cases}) == 103


@responses.activate
def test_list_cases_stops_when_the_server_ignores_the_page_number():
    responses.add(responses.GET, f"{BASE}/cases", json=[{**INVOICE_DTO, "id": "only"}])
    assert [case.id for case in make_client().list_cases()] == ["only"]
    assert len(responses.calls) == 2


@responses.activate
def test_list_cases_never_asks_for_more_than_100():
    responses.add(
        responses.GET,
        f"{BASE}/cases",
        json={"page": {"totalResults": 0, "totalPages": 0}, "cases": []},
    )
    make_client().list_cases(page_size=500)
    assert "pageSize=100" in responses.calls[0].request.url


# --- preview ----------------------------------------------------------------------------------


PREVIEW_ANSWER = {
    "result": {
        "isEligible": True,
        "ineligibilityReason": None,
        "partnerAssignment": {
            "collectionPartnerId": "0b5c",
            "partnerName": "Pacific Coast LLC",
            "partnerCountry": "US",
        },
        "requiredActions": [
            {
                "type": "MissingDebtCollectionContract",
                "message": "Sign the SDCA.",
                "solutionUrl": SOLUTION,
                "isBlocking": True,
            }
        ],
        "jurisdiction": {
            "id": 7,
            "name": "United States - California",
            "countryAlpha2": "US",
            "stateAlpha2": "US-CA",
        },
        "pricingPreview": {
            "baseSuccessFeePercentage": 20.0,
            "ageSurchargePercentage": 8.0,
            "totalSuccessFeePercentage": 28.0,
            "currencyCode": "USD",
            "pricingSource": "Standard agreement",
            "pricingSourceDescription": "28% success fee",
        },
        "requiresKycVerification": False,
        "hasKycOnFile": True,
        "signingHandoff": {"combinedSigningUrl": "https://sign.test/all"},
    }
}


@responses.activate
def test_preview_sends_only_the_eligibility_inputs_and_parses_the_answer():
    responses.add(responses.POST, f"{BASE}/cases/preview", json=PREVIEW_ANSWER)
    payload = {
        **PAYLOAD,
        "currencyCode": "USD",
        "debtor": {**PAYLOAD["debtor"], "countryAlpha2": "US", "stateAlpha2": "ca"},
    }
    preview = make_client().preview_case(payload)
    sent = json.loads(responses.calls[0].request.body, parse_float=Decimal)
    assert sent == {
        "amountToRecover": Decimal("1234.50"),
        "currencyCode": "USD",
        "debtor": {"type": "Company", "countryAlpha2": "US", "stateAlpha2": "CA"},
        "dueDate": "2026-08-31",
    }
    assert isinstance(preview, Preview)
    assert preview.is_eligible and not preview.can_submit
    assert preview.partner_name == "Pacific Coast LLC"
    assert preview.jurisdiction == "United States - California"
    assert preview.success_fee == Decimal("28.0") and preview.age_surcharge == Decimal("8.0")
    assert preview.required_actions[0].solution_url == SOLUTION
    assert SOLUTION in preview.message


def test_preview_request_prefers_age_buckets_over_the_due_date():
    body = preview_request(
        {
            **PAYLOAD,
            "amountToRecoverOver12Months": Decimal("500"),
            "amountToRecoverOver24Months": Decimal("100"),
            "debtor": {**PAYLOAD["debtor"], "type": "Person"},
        }
    )
    assert "dueDate" not in body
    assert body["amountToRecoverOver12Months"] == Decimal("500")
    assert body["debtor"] == {"type": "Private", "countryAlpha2": "GB"}
    assert set(body) <= {
        "amountToRecover",
        "currencyCode",
        "debtor",
        "dueDate",
        "amountToRecoverOver6Months",
        "amountToRecoverOver12Months",
        "amountToRecoverOver24Months",
    }


def test_an_ineligible_preview_says_why():
    preview = Preview.from_api(
        {
            "result": {
                "isEligible": False,
                "ineligibilityReason": "We don't have an exclusive pre-legal partner.",
            }
        }
    )
    assert not preview.can_submit
    assert preview.message == "We don't have an exclusive pre-legal partner."


# --- the API key stays secret -----------------------------------------------------------------


def test_the_key_is_not_in_the_client_repr():
    client = make_client()
    assert API_KEY not in repr(client) and API_KEY not in str(client)


@responses.activate
def test_the_key_never_appears_in_errors_even_when_the_api_echoes_it():
    responses.add(
        responses.GET,
        f"{BASE}/cases/{CASE_ID}",
        status=401,
        json={"error": "Unauthorized", "message": f"Key {API_KEY} is not valid."},
    )
    responses.add(
        responses.POST, f"{BASE}/cases", status=400, json={"apiKey": [f"{API_KEY} rejected"]}
    )
    responses.add(
        responses.POST,
        f"{BASE}/cases/preview",
        status=422,
        json=business("SomethingNew", f"bad key {API_KEY}"),
    )
    client = make_client()
    raised = []
    for call in (
        lambda: client.get_case(CASE_ID),
        lambda: client.create_case(PAYLOAD, idempotency_key="k"),
        lambda: client.preview_case(PAYLOAD),
    ):
        with pytest.raises(DebituraError) as caught:
            call()
        raised.append(caught.value)
    for error in raised:
        shown = " ".join(
            [str(error), repr(error), error.api_message, repr(error.api_body), repr(vars(error))]
        )
        assert API_KEY not in shown
