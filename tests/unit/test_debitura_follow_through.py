"""The Debitura client's reads before and after sending against canned answers: the collection
agreement's status, open tasks (all pages), a case's validation items, payments and files;
a refused key and answers that are not what the API documents."""

from __future__ import annotations

from datetime import date
from decimal import Decimal

import pytest
import responses

from debitura import (
    AuthenticationFailed,
    ContractStatus,
    DebituraClient,
    NotFound,
    RetryPolicy,
    UnexpectedResponse,
)

BASE = "https://debitura.test"
API_KEY = "live-key-follow-SECRET"
CASE_ID = "3f2b8c1e-6a0d-4f43-9a57-0d8e7b6c5a41"
FAST = RetryPolicy(attempts=2, initial_wait=0.001, max_wait=0.002, max_retry_after=0.01)


def make_client() -> DebituraClient:
    return DebituraClient(API_KEY, base_url=BASE, retry=FAST, sleep=lambda seconds: None)


@responses.activate
def test_an_unsigned_agreement_comes_with_where_to_sign_it():
    responses.add(
        responses.GET,
        f"{BASE}/contracts/debt-collection/status",
        json={
            "signed": False,
            "requiresResigning": False,
            "invalidationReason": "None",
            "termsUrl": None,
            "solutionUrl": "https://app.debitura.com/sign/sdca",
        },
    )
    status = make_client().contract_status()
    assert status == ContractStatus(signed=False, signing_url="https://app.debitura.com/sign/sdca")
    assert status.needs_signature
    assert responses.calls[0].request.headers["XApiKey"] == API_KEY


@responses.activate
def test_a_signed_agreement_to_be_signed_again_still_needs_a_signature():
    responses.add(
        responses.GET,
        f"{BASE}/contracts/debt-collection/status",
        json={"Signed": True, "RequiresResigning": True, "InvalidationReason": "NewVersion"},
    )
    status = make_client().contract_status()
    assert status.needs_signature and status.invalidation_reason == "NewVersion"


@responses.activate
def test_open_tasks_are_read_from_every_page():
    first = [{"id": f"t{i}", "type": "MoreInfoNeeded", "caseId": CASE_ID.upper()} for i in (1, 2)]
    second = [{"id": "t3", "type": "SignContract", "title": "Sign the agreement", "caseId": None}]
    responses.add(
        responses.GET,
        f"{BASE}/tasks",
        json={"page": {"totalPages": 2, "currentPage": 1}, "tasks": first},
        match=[
            responses.matchers.query_param_matcher({"status": "Open", "Page": "1", "PageSize": "2"})
        ],
    )
    responses.add(
        responses.GET,
        f"{BASE}/tasks",
        json={"page": {"totalPages": 2, "currentPage": 2}, "tasks": second},
        match=[
            responses.matchers.query_param_matcher({"status": "Open", "Page": "2", "PageSize": "2"})
        ],
    )
    tasks = make_client().open_tasks(page_size=2)
    assert [task.id for task in tasks] == ["t1", "t2", "t3"]
    assert tasks[0].case_id == CASE_ID  # matched to ledger ids whatever the letter case
    assert tasks[2].case_id == "" and tasks[2].words == "Sign the agreement"


@responses.activate
def test_a_server_that_repeats_its_task_page_does_not_loop():
    page = {"page": {"totalPages": 50}, "tasks": [{"id": "same", "type": "Generic"}]}
    responses.add(responses.GET, f"{BASE}/tasks", json=page)
    assert [task.id for task in make_client().open_tasks()] == ["same"]
    assert len(responses.calls) == 2


@responses.activate
def test_validation_items_say_what_the_case_needs():
    responses.add(
        responses.GET,
        f"{BASE}/cases/{CASE_ID}/validation",
        json={
            "needsInfo": True,
            "items": [
                {"resolutionArea": "Documents", "description": "Upload the invoice"},
                {"resolutionArea": None, "description": None},
                "not an item",
            ],
        },
    )
    validation = make_client().case_validation(CASE_ID)
    assert validation.needs_info
    assert [item.words for item in validation.items] == ["Documents: Upload the invoice"]


@responses.activate
def test_payments_keep_exact_amounts_and_their_currency():
    responses.add(
        responses.GET,
        f"{BASE}/cases/{CASE_ID}/payments",
        body=(
            '[{"id": "p1", "date": "2026-11-12T00:00:00Z", "grossAmount": 322.10,'
            ' "currency": "gbp", "method": "BankTransfer", "recipient": "CollectionPartner",'
            ' "invoice": {"status": "Active", "reference": "AB12CD34"}}]'
        ),
        content_type="application/json",
    )
    [payment] = make_client().case_payments(CASE_ID)
    assert payment.amount == Decimal("322.10") and payment.currency == "GBP"
    assert payment.date == date(2026, 11, 12)


@responses.activate
def test_files_list_names_and_document_types():
    responses.add(
        responses.GET,
        f"{BASE}/cases/{CASE_ID}/files",
        json=[{"id": "f1", "fileName": "invoice-1142.pdf", "documentType": "OriginalInvoice"}],
    )
    [attached] = make_client().case_files(CASE_ID)
    assert (attached.file_name, attached.document_type) == ("invoice-1142.pdf", "OriginalInvoice")


@pytest.mark.parametrize(
    ("path", "call"),
    [
        ("contracts/debt-collection/status", lambda c: c.contract_status()),
        ("tasks", lambda c: c.open_tasks()),
        (f"cases/{CASE_ID}/validation", lambda c: c.case_validation(CASE_ID)),
        (f"cases/{CASE_ID}/payments", lambda c: c.case_payments(CASE_ID)),
        (f"cases/{CASE_ID}/files", lambda c: c.case_files(CASE_ID)),
    ],
    ids=["contract", "tasks", "validation", "payments", "files"],
)
@responses.activate
def test_a_refused_key_is_an_authentication_failure_that_never_shows_the_key(path, call):
    responses.add(responses.GET, f"{BASE}/{path}", json={"message": "Unauthorized"}, status=401)
    with pytest.raises(AuthenticationFailed) as raised:
        call(make_client())
    assert API_KEY not in str(raised.value) and API_KEY not in repr(raised.value.__dict__)


@pytest.mark.parametrize(
    ("path", "call", "garbage"),
    [
        ("contracts/debt-collection/status", lambda c: c.contract_status(), [True]),
        ("tasks", lambda c: c.open_tasks(), "tasks"),
        (f"cases/{CASE_ID}/validation", lambda c: c.case_validation(CASE_ID), [1, 2]),
        (f"cases/{CASE_ID}/payments", lambda c: c.case_payments(CASE_ID), {"payments": []}),
        (f"cases/{CASE_ID}/files", lambda c: c.case_files(CASE_ID), 42),
    ],
    ids=["contract", "tasks", "validation", "payments", "files"],
)
@responses.activate
def test_an_answer_of_the_wrong_shape_is_unexpected(path, call, garbage):
    responses.add(responses.GET, f"{BASE}/{path}", json=garbage)
    with pytest.raises(UnexpectedResponse):
        call(make_client())


@responses.activate
def test_an_answer_that_is_not_json_is_unexpected():
    responses.add(
        responses.GET,
        f"{BASE}/cases/{CASE_ID}/payments",
        body="<html>maintenance</html>",
        content_type="text/html",
    )
    with pytest.raises(UnexpectedResponse):
        make_client().case_payments(CASE_ID)


@responses.activate
def test_a_case_debitura_no_longer_has_is_not_found():
    responses.add(
        responses.GET,
        f"{BASE}/cases/{CASE_ID}/validation",
        json={"message": "Case not found"},
        status=404,
    )
    with pytest.raises(NotFound):
        make_client().case_validation(CASE_ID)
