"""The Debitura client against the Debitura sandbox over real HTTP, faults included."""

from __future__ import annotations

import copy
from datetime import date, timedelta
from decimal import Decimal

import pytest
import requests

from debitura import (
    NO_RETRIES,
    AuthenticationFailed,
    DebituraClient,
    DebituraUnavailable,
    DuplicateReference,
    IdempotencyConflict,
    MissingDebtCollectionContract,
    MissingKycVerification,
    NoPartnerAvailable,
    RateLimited,
    RetryPolicy,
    UnsupportedCurrency,
    ValidationFailed,
)
from sandbox.debitura_server import (
    SANDBOX_API_KEY,
    DebituraFaults,
    DebituraSandbox,
    DebituraSandboxConfig,
)

# The sandbox's "today" for its date rules: a fixed day, so the payloads below (dated relative
# to it) are judged the same on every day the suite runs.
TODAY = date(2026, 11, 21)
FAST = RetryPolicy(attempts=5, initial_wait=0.001, max_wait=0.005, max_retry_after=0.01)


@pytest.fixture
def start_sandbox(started):
    def start(faults: DebituraFaults | None = None, **config) -> DebituraSandbox:
        config.setdefault("today", TODAY)
        return started(DebituraSandbox(DebituraSandboxConfig(**config), faults))

    return start


@pytest.fixture
def sandbox(start_sandbox) -> DebituraSandbox:
    return start_sandbox()


def client_for(server: DebituraSandbox, retry: RetryPolicy = FAST, **kwargs) -> DebituraClient:
    return DebituraClient(SANDBOX_API_KEY, base_url=server.url, retry=retry, **kwargs)


def case_payload(reference: str = "INV-1042", **changes) -> dict:
    payload = {
        "currencyCode": "GBP",
        "amountToRecover": Decimal("805.00"),
        "date": (TODAY - timedelta(days=75)).isoformat(),
        "dueDate": (TODAY - timedelta(days=45)).isoformat(),
        "creditorReference": reference,
        "claimDescription": "Joinery work, invoice " + reference,
        "debtor": {
            "type": "Company",
            "name": "Acme Fittings Ltd",
            "address": "12 Mill Lane",
            "zipCode": "LS1 4AB",
            "city": "Leeds",
            "countryAlpha2": "GB",
            "email": "accounts@acme.example",
            "phone": "+44 113 496 0000",
        },
    }
    if "debtor" in changes and changes["debtor"] is None:  # no debtor at all
        del payload["debtor"], changes["debtor"]
    debtor_changes = changes.pop("debtor", {})
    payload.update(changes)
    for name, value in debtor_changes.items():
        if value is None:
            payload["debtor"].pop(name, None)
        else:
            payload["debtor"][name] = value
    return {name: value for name, value in payload.items() if value is not None}


# --- the happy path ---------------------------------------------------------------------------


def test_create_then_find_get_and_list(sandbox):
    client = client_for(sandbox)
    created = client.create_case(case_payload(), idempotency_key="sub-1")
    assert len(created.reference) == 8 and created.reference.isupper()
    assert created.lifecycle == "PendingVerification"
    assert created.amount == Decimal("805.00") and created.currency == "GBP"
    assert created.debtor_name == "Acme Fittings Ltd"
    assert created.partner_name and created.success_fee is not None

    found = client.find_case_by_creditor_reference("INV-1042")
    assert found == created
    assert client.get_case(created.id) == created
    assert client.list_cases() == [created]
    assert client.find_case_by_creditor_reference("INV-9999") is None


def test_references_that_need_url_encoding_round_trip(sandbox):
    client = client_for(sandbox)
    created = client.create_case(case_payload("KF/2026 #7"), idempotency_key="sub-2")
    assert client.find_case_by_creditor_reference("KF/2026 #7").id == created.id


def test_a_wrong_key_is_refused(sandbox):
    client = DebituraClient("not-the-key", base_url=sandbox.url, retry=FAST)
    with pytest.raises(AuthenticationFailed):
        client.list_cases()


# --- duplicates and idempotency ---------------------------------------------------------------


def test_a_second_case_with_the_same_creditor_reference_is_a_duplicate(sandbox):
    client = client_for(sandbox)
    client.create_case(case_payload(), idempotency_key="sub-1")
    with pytest.raises(DuplicateReference) as caught:
        client.create_case(case_payload(), idempotency_key="sub-2")
    assert "INV-1042" in str(caught.value)
    assert len(sandbox.cases()) == 1


def test_the_same_idempotency_key_and_body_replays_the_same_case(sandbox):
    client = client_for(sandbox)
    first = client.create_case(case_payload(), idempotency_key="sub-1")
    again = client.create_case(case_payload(), idempotency_key="sub-1")
    assert again == first
    assert len(sandbox.cases()) == 1
    assert sandbox.stats_snapshot()["cases"]["replays"] == 1


def test_the_same_idempotency_key_with_another_body_is_a_conflict(sandbox):
    client = client_for(sandbox)
    client.create_case(case_payload(), idempotency_key="sub-1")
    with pytest.raises(IdempotencyConflict):
        client.create_case(case_payload(amountToRecover=Decimal("806.00")), idempotency_key="sub-1")
    assert len(sandbox.cases()) == 1


def test_field_errors_are_not_stored_against_the_idempotency_key(sandbox):
    client = client_for(sandbox)
    with pytest.raises(ValidationFailed):
        client.create_case(case_payload(currencyCode="XYZ"), idempotency_key="sub-1")
    fixed = client.create_case(case_payload(), idempotency_key="sub-1")
    assert sandbox.case_by_reference("INV-1042")["id"] == fixed.id


# --- validation -------------------------------------------------------------------------------

TOMORROW = (TODAY + timedelta(days=1)).isoformat()


@pytest.mark.parametrize(
    ("changes", "field"),
    [
        ({"currencyCode": "XYZ"}, "currencyCode"),
        ({"currencyCode": None}, "currencyCode"),
        ({"amountToRecover": Decimal("0")}, "amountToRecover"),
        ({"amountToRecover": Decimal("-5.00")}, "amountToRecover"),
        ({"amountToRecover": "805.00"}, "amountToRecover"),
        ({"date": TOMORROW, "dueDate": TOMORROW}, "date"),
        ({"date": None}, "date"),
        ({"dueDate": TOMORROW}, "dueDate"),
        ({"dueDate": (TODAY - timedelta(days=90)).isoformat()}, "dueDate"),  # before date
        ({"dueDate": "31/08/2026"}, "dueDate"),
        ({"debtor": None}, "debtor"),
        ({"debtor": {"type": "Person"}}, "debtor.type"),
        ({"debtor": {"type": None}}, "debtor.type"),
        ({"debtor": {"name": " "}}, "debtor.name"),
        ({"debtor": {"address": None}}, "debtor.address"),
        ({"debtor": {"city": None}}, "debtor.city"),
        ({"debtor": {"zipCode": None}}, "debtor.zipCode"),
        ({"debtor": {"countryAlpha2": "UK"}}, "debtor.countryAlpha2"),
        ({"debtor": {"countryAlpha2": None}}, "debtor.countryAlpha2"),
        ({"debtor": {"countryAlpha2": None, "country": "Englandshire"}}, "debtor.country"),
        ({"debtor": {"countryAlpha2": "US", "state": None}}, "debtor.stateAlpha2"),
        ({"debtor": {"countryAlpha2": "US", "stateAlpha2": "Bavaria"}}, "debtor.stateAlpha2"),
        ({"debtor": {"email": "not-an-address"}}, "debtor.email"),
        ({"debtor": {"fax": "0113 496 0001"}}, "debtor.fax"),
        ({"creditorReference": "X" * 51}, "creditorReference"),
        ({"claimDescription": "x" * 4001}, "claimDescription"),
        ({"comments": "x" * 4001}, "comments"),
        ({"tag": "t" * 101}, "tag"),
        ({"assignedUserEmail": "nobody"}, "assignedUserEmail"),
        ({"invoiceLines": []}, "invoiceLines"),
        ({"amountToRecoverOver12Months": Decimal("100")}, "amountToRecoverOver12Months"),
        (
            {
                "amountToRecoverOver12Months": Decimal("100"),
                "amountToRecoverOver24Months": Decimal("200"),
            },
            "amountToRecoverOver24Months",
        ),
        (
            {
                "amountToRecoverOver12Months": Decimal("900"),
                "amountToRecoverOver24Months": Decimal("0"),
            },
            "amountToRecoverOver12Months",
        ),
        ({"isTest": "yes"}, "isTest"),
    ],
)
def test_each_field_rule_is_a_400_that_creates_nothing(sandbox, changes, field):
    client = client_for(sandbox)
    with pytest.raises(ValidationFailed) as caught:
        client.create_case(case_payload(**copy.deepcopy(changes)), idempotency_key="sub-1")
    assert field in caught.value.field_errors, caught.value.field_errors
    assert caught.value.status == 400
    assert sandbox.cases() == []
    assert sandbox.stats_snapshot()["routes"]["POST /cases"] == 1  # never retried


@pytest.mark.parametrize(
    "changes",
    [
        {"dueDate": TODAY.isoformat()},  # due today is accepted
        {"date": TODAY.isoformat(), "dueDate": TODAY.isoformat()},
        {"date": f"{(TODAY - timedelta(days=75)).isoformat()}T00:00:00Z"},
        {"debtor": {"countryAlpha2": None, "country": "United Kingdom"}},
        {"debtor": {"countryAlpha2": "us", "stateAlpha2": "US-CA"}},
        {"debtor": {"countryAlpha2": "US", "state": "California"}},
        {"debtor": {"type": "private", "name": "Jane Doe"}},
        {
            "amountToRecoverOver6Months": Decimal("700"),
            "amountToRecoverOver12Months": Decimal("300"),
            "amountToRecoverOver24Months": Decimal("100"),
        },
        {"isTest": True, "tag": "run-1", "allowPendingContracts": True},
    ],
)
def test_valid_variants_are_accepted(sandbox, changes):
    case = client_for(sandbox).create_case(
        case_payload(**copy.deepcopy(changes)), idempotency_key="sub-1"
    )
    assert case.id and len(sandbox.cases()) == 1


def test_the_api_error_dto_shape_of_400_is_read_too(start_sandbox):
    server = start_sandbox(validation_error_shape="api_error")
    with pytest.raises(ValidationFailed) as caught:
        client_for(server).create_case(case_payload(currencyCode="XYZ"), idempotency_key="k")
    assert caught.value.field_errors == {"currencyCode": ("Invalid currency code: XYZ",)}
    assert "Invalid currency code: XYZ" in str(caught.value)


# --- business rules ---------------------------------------------------------------------------


@pytest.mark.parametrize(
    ("changes", "expected"),
    [
        ({"debtor": {"countryAlpha2": "RU"}}, NoPartnerAvailable),
        ({"currencyCode": "JPY", "amountToRecover": 10000}, NoPartnerAvailable),  # < USD 100
        ({"amountToRecover": Decimal("50.00")}, NoPartnerAvailable),
        ({"currencyCode": "XAU"}, UnsupportedCurrency),
    ],
)
def test_cases_without_a_partner_are_refused(sandbox, changes, expected):
    with pytest.raises(expected):
        client_for(sandbox).create_case(case_payload(**changes), idempotency_key="k")
    assert sandbox.cases() == []


def test_an_unsigned_agreement_is_refused_with_where_to_sign(start_sandbox):
    server = start_sandbox(DebituraFaults(missing_contract=True))
    client = client_for(server)
    with pytest.raises(MissingDebtCollectionContract) as caught:
        client.create_case(case_payload(), idempotency_key="sub-1")
    url = caught.value.solution_url
    assert url.startswith(server.url + "/sign/") and url in str(caught.value)

    pending = client.create_case(
        case_payload("INV-2", allowPendingContracts=True), idempotency_key="sub-2"
    )
    assert pending.lifecycle == "PendingContractSigning" and pending.solution_url

    assert requests.get(url, timeout=5).status_code == 200  # "signing" in the sandbox
    with pytest.raises(MissingDebtCollectionContract):  # the 422 was stored against sub-1
        client.create_case(case_payload(), idempotency_key="sub-1")
    assert client.create_case(case_payload(), idempotency_key="sub-3").lifecycle == (
        "PendingVerification"
    )


def test_missing_kyc_is_not_bypassed_by_allowing_pending_contracts(start_sandbox):
    server = start_sandbox(DebituraFaults(missing_kyc=True))
    with pytest.raises(MissingKycVerification) as caught:
        client_for(server).create_case(
            case_payload(allowPendingContracts=True), idempotency_key="k"
        )
    assert caught.value.solution_url


# --- preview ----------------------------------------------------------------------------------


def test_preview_is_eligible_with_a_partner_and_a_fee(sandbox):
    preview = client_for(sandbox).preview_case(case_payload())
    assert preview.is_eligible and preview.can_submit
    assert preview.partner_name and preview.jurisdiction == "United Kingdom"
    assert preview.success_fee is not None and preview.success_fee > 0
    assert sandbox.cases() == []


def test_preview_of_a_us_debtor_names_the_state_jurisdiction(sandbox):
    payload = case_payload(
        currencyCode="USD",
        amountToRecover=Decimal("2500.00"),
        debtor={"countryAlpha2": "US", "stateAlpha2": "CA"},
    )
    preview = client_for(sandbox).preview_case(payload)
    assert preview.jurisdiction == "United States - California"
    assert preview.jurisdiction_state == "US-CA"


def test_preview_says_no_partner_and_lists_required_signatures(start_sandbox):
    server = start_sandbox(DebituraFaults(missing_contract=True, missing_power_of_attorney=True))
    client = client_for(server)
    refused = client.preview_case(case_payload(debtor={"countryAlpha2": "IR"}))
    assert not refused.is_eligible and "partner" in refused.message
    tiny = client.preview_case(case_payload(amountToRecover=Decimal("20.00")))
    assert not tiny.is_eligible and "minimum" in tiny.message
    needs_signing = client.preview_case(case_payload())
    assert needs_signing.is_eligible and not needs_signing.can_submit
    assert [action.type for action in needs_signing.required_actions] == [
        "MissingDebtCollectionContract",
        "MissingPowerOfAttorney",
    ]
    assert all(a.solution_url.startswith(server.url) for a in needs_signing.required_actions)


# --- lifecycle and test endpoints -------------------------------------------------------------


def test_advancing_a_test_case_shows_in_the_list(sandbox):
    client = client_for(sandbox)
    test_case = client.create_case(case_payload(isTest=True, tag="run-7"), idempotency_key="a")
    other = client.create_case(case_payload("INV-2"), idempotency_key="b")
    assert client.advance_test_case(test_case.id, "Active") == "Active"
    assert [c.id for c in client.list_cases(statuses=["Active"])] == [test_case.id]
    assert client.advance_test_case(test_case.id, "Closed:Paid", amount=Decimal("805.00")) == (
        "Closed:Paid"
    )
    closed = client.get_case(test_case.id)
    assert closed.is_recovered and closed.remainder == Decimal("0.00")
    assert closed.status_label == "Closed (Paid)"
    assert {c.id for c in client.list_cases(statuses=["PendingVerification"])} == {other.id}
    with pytest.raises(ValidationFailed):  # production cases cannot be advanced
        client.advance_test_case(other.id, "Active")
    client.delete_test_cases("run-7")
    assert [c.id for c in client.list_cases()] == [other.id]


def test_list_pages_through_every_case(sandbox):
    client = client_for(sandbox)
    for n in range(205):
        client.create_case(case_payload(f"INV-{n}"), idempotency_key=f"k{n}")
    sandbox.stats.reset()
    cases = client.list_cases()
    assert [c.creditor_reference for c in cases] == [f"INV-{n}" for n in range(205)]
    assert sandbox.stats_snapshot()["routes"]["GET /cases"] == 3


# --- faults -----------------------------------------------------------------------------------


def test_a_5xx_storm_then_success_creates_exactly_one_case(start_sandbox):
    server = start_sandbox(DebituraFaults(fail_next_creates=3, server_error_status=503))
    case = client_for(server).create_case(case_payload(), idempotency_key="sub-1")
    assert [c["id"] for c in server.cases()] == [case.id]
    assert server.stats_snapshot()["cases"]["create_calls"] == 4


def test_a_5xx_storm_longer_than_the_retries_is_unavailable(start_sandbox):
    server = start_sandbox(DebituraFaults(fail_next_creates=10))
    with pytest.raises(DebituraUnavailable) as caught:
        client_for(server).create_case(case_payload(), idempotency_key="sub-1")
    assert caught.value.outcome_unknown and server.cases() == []


def test_a_lost_answer_without_retries_fails_but_the_case_exists_once(start_sandbox):
    server = start_sandbox(DebituraFaults(drop_after_store_every=1))
    client = client_for(server, retry=NO_RETRIES)
    with pytest.raises(DebituraUnavailable) as caught:
        client.create_case(case_payload(), idempotency_key="sub-1")
    assert caught.value.outcome_unknown
    assert len(server.cases()) == 1
    found = client.find_case_by_creditor_reference("INV-1042")  # reads are not dropped
    assert found is not None and found.id == server.cases()[0]["id"]


def test_a_lost_answer_with_retries_returns_the_same_case_by_replay(start_sandbox):
    server = start_sandbox(DebituraFaults(drop_after_store_every=1))
    case = client_for(server).create_case(case_payload(), idempotency_key="sub-1")
    assert [c["id"] for c in server.cases()] == [case.id]
    stats = server.stats_snapshot()
    assert stats["cases"]["replays"] == 1 and stats["cases"]["dropped_after_store"] == 1
    assert stats["routes"]["POST /cases"] == 2


def test_generic_drop_after_handler_aimed_at_create_only(start_sandbox):
    faults = DebituraFaults(
        drop_connection_every=1, drop_after_handler=True, faults_only_on=["POST /cases"]
    )
    server = start_sandbox(faults)
    client = client_for(server)
    # Every answer to POST /cases is lost, so even retries fail, but never make a second case.
    with pytest.raises(DebituraUnavailable):
        client.create_case(case_payload(), idempotency_key="sub-1")
    assert len(server.cases()) == 1
    assert server.stats_snapshot()["cases"]["replays"] == FAST.attempts - 1
    assert client.find_case_by_creditor_reference("INV-1042") is not None


def test_an_html_error_page_is_retried(start_sandbox):
    server = start_sandbox(DebituraFaults(html_error_every=2, faults_only_on=["/cases/{id}"]))
    client = client_for(server)
    created = client.create_case(case_payload(), idempotency_key="sub-1")
    assert client.get_case(created.id) == created  # request 1 of the route: fine
    assert client.get_case(created.id) == created  # request 2: HTML 502, retried
    assert server.stats_snapshot()["counters"]["fault.html_error"] == 1


def test_429_retry_after_is_honoured_then_rate_limited(start_sandbox):
    server = start_sandbox(
        DebituraFaults(rate_limit_every=1, retry_after_seconds=2, faults_only_on=["GET /cases"])
    )
    waits: list[float] = []
    client = client_for(
        server, retry=RetryPolicy(attempts=3, max_retry_after=30), sleep=waits.append
    )
    with pytest.raises(RateLimited):
        client.list_cases()
    assert waits == [2.0, 2.0]


def test_knobs_can_be_aimed_over_http_and_inspected(sandbox):
    answer = requests.patch(
        sandbox.root_url + "/_sandbox/faults",
        json={"faults_only_on": ["POST /cases"], "drop_after_store_every": 1},
        timeout=5,
    )
    assert answer.status_code == 200 and answer.json()["faults_only_on"] == ["POST /cases"]
    case = client_for(sandbox).create_case(case_payload(), idempotency_key="sub-1")
    assert sandbox.case_by_reference("inv-1042")["id"] == case.id  # references fold case
    stats = requests.get(sandbox.root_url + "/_sandbox/stats", timeout=5).json()
    assert stats["cases"] == {
        "stored": 1,
        "created": 1,
        "create_calls": 2,
        "replays": 1,
        "idempotency_conflicts": 0,
        "validation_errors": 0,
        "business_errors": 0,
        "dropped_after_store": 1,
    }
