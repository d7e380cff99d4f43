"""The one submit decision: a row and its ledger entry → send, look up first, already sent,
blocked, or refused before and unchanged. The ledger is a real SQLite file."""

from __future__ import annotations

from dataclasses import replace
from datetime import date
from decimal import Decimal

import pytest

from mapping.case_payload import DEFAULT_TEST_TAG, case_payload, payload_fingerprint
from mapping.debtor import Debtor
from mapping.problems import ERROR, WARNING, Problem
from mapping.rows import ReviewRow
from store import SubmissionLedger, open_database
from workflow.debitura_target import DebituraTarget
from workflow.decision import (
    ALREADY_SENT,
    BLOCKED,
    REFUSED_UNCHANGED,
    SEND,
    decide,
    plan_submission,
)

ACCOUNT = "https://kf.example/v2|Harrow & Finch Joinery Ltd"
TARGET_KEY = "https://debitura.example"
ACME = Debtor(
    type="Company",
    name="Acme Joinery Ltd",
    email="accounts@acme.example",
    address="1 High Street",
    postcode="LS1 4AB",
    city="Leeds",
    country="GB",
)


def review_row(number: str = "1042", *, problems: tuple[Problem, ...] = ()) -> ReviewRow:
    return ReviewRow(
        invoice_number=number,
        customer_code="ACME01",
        status="Overdue",
        issued_date=date(2026, 9, 1),
        due_date=date(2026, 10, 1),
        currency="GBP",
        gross_amount=Decimal("805.00"),
        amount_to_recover=Decimal("805.00"),
        days_overdue=51,
        debtor=ACME,
        problems=problems,
    )


@pytest.fixture
def ledger(tmp_path) -> SubmissionLedger:
    return SubmissionLedger(open_database(tmp_path / "data"))


def begin(ledger: SubmissionLedger, row: ReviewRow, fingerprint: str = "fp-old"):
    return ledger.begin(
        account=ACCOUNT,
        target=TARGET_KEY,
        invoice_number=row.invoice_number,
        creditor_reference=row.invoice_number,
        payload_fingerprint=fingerprint,
    )


def decide_for(ledger: SubmissionLedger, row: ReviewRow, **options):
    existing = ledger.get(ACCOUNT, TARGET_KEY, row.invoice_number)
    return decide(row, existing, test_mode=False, tag=DEFAULT_TEST_TAG, **options)


def test_a_new_eligible_row_is_sent_with_its_exact_body(ledger):
    row = review_row()
    decision = decide_for(ledger, row)
    assert decision.action == SEND and decision.sends and not decision.look_up_first
    assert decision.payload == case_payload(row, tag=DEFAULT_TEST_TAG)
    assert decision.fingerprint == payload_fingerprint(decision.payload)


def test_a_row_the_ledger_holds_as_a_case_is_already_sent_even_with_errors(ledger):
    row = review_row(problems=(Problem("already_submitted", ERROR, "Sent before."),))
    submission = begin(ledger, row)
    ledger.mark_created(submission, case_id="c-1", case_reference="DEB-1", lifecycle="Active")
    decision = decide_for(ledger, row)
    assert decision.action == ALREADY_SENT and not decision.sends
    assert "DEB-1" in decision.message and not decision.look_up_first


def test_an_unconfirmed_earlier_send_is_looked_up_before_sending(ledger):
    row = review_row()
    begin(ledger, row)  # "sending": the answer never arrived
    decision = decide_for(ledger, row)
    assert decision.look_up_first and decision.action == SEND


def test_an_unconfirmed_send_of_a_row_that_now_has_errors_is_looked_up_then_blocked(ledger):
    row = review_row(problems=(Problem("missing_city", ERROR, "No city."),))
    begin(ledger, row)
    decision = decide_for(ledger, row)
    assert decision.look_up_first and decision.action == BLOCKED


def test_errors_block_and_warnings_do_not(ledger):
    blocked = decide_for(ledger, review_row(problems=(Problem("missing_city", ERROR, "No city."),)))
    assert blocked.action == BLOCKED and blocked.message == "No city."
    warned = decide_for(ledger, review_row(problems=(Problem("missing_phone", WARNING, "x"),)))
    assert warned.action == SEND


def test_a_body_refused_before_is_not_resent_until_it_changes_or_a_retry_is_asked(ledger):
    row = review_row()
    fingerprint = payload_fingerprint(case_payload(row, tag=DEFAULT_TEST_TAG))
    submission = begin(ledger, row, fingerprint)
    ledger.mark_failed(
        submission, error_kind="NoPartnerAvailable", error_message="No partner in GB."
    )

    unchanged = decide_for(ledger, row)
    assert unchanged.action == REFUSED_UNCHANGED and "No partner in GB." in unchanged.message
    assert decide_for(ledger, row, retry_failed=True).action == SEND
    changed = replace(row, amount_to_recover=Decimal("500.00"))
    assert decide_for(ledger, changed).action == SEND


def test_the_plan_reads_this_account_and_target_only(ledger):
    sent, fresh = review_row("1042"), review_row("1043")
    submission = begin(ledger, sent)
    ledger.mark_created(submission, case_id="c-1", case_reference="DEB-1", lifecycle="Active")
    elsewhere = DebituraTarget(client=None, key="sandbox", is_sandbox=True, test_mode=False,
                               label="sandbox")  # fmt: skip
    here = replace(elsewhere, key=TARGET_KEY)
    plan = plan_submission([sent, fresh], ledger=ledger, account=ACCOUNT, target=here)
    assert [d.action for d in plan] == [ALREADY_SENT, SEND]
    other = plan_submission([sent, fresh], ledger=ledger, account=ACCOUNT, target=elsewhere)
    assert [d.action for d in other] == [SEND, SEND]


@pytest.mark.parametrize(
    "kind",
    ["AuthenticationFailed", "DebituraUnavailable", "RateLimited", "MissingDebtCollectionContract",
     "CreditorBlocked", "IdempotencyConflict", "RequestRejected"],
)  # fmt: skip
def test_a_refusal_of_the_key_connection_or_account_is_not_remembered(ledger, kind):
    row = review_row()
    fingerprint = payload_fingerprint(case_payload(row, tag=DEFAULT_TEST_TAG))
    submission = begin(ledger, row, fingerprint)
    ledger.mark_failed(submission, error_kind=kind, error_message="Refused.")
    assert decide_for(ledger, row).action == SEND  # a plain rerun sends once it is fixed


def test_the_prefix_makes_the_creditor_reference_and_is_counted_in_its_length(ledger):
    from mapping import Policy
    from mapping.validation import MAX_REFERENCE_LENGTH, invoice_problems

    row = replace(review_row("1042"), reference_prefix="HF-")
    assert decide_for(ledger, row).payload["creditorReference"] == "HF-1042"
    errors, _ = invoice_problems(
        invoice_number="9" * (MAX_REFERENCE_LENGTH - 2),
        issued_date=date(2026, 9, 1),
        due_date=date(2026, 10, 1),
        currency="GBP",
        currency_valid=True,
        amount_to_recover=Decimal("500"),
        exchange_rate=None,
        debtor_type="Company",
        already_submitted=False,
        policy=Policy(as_of=date(2026, 11, 21), reference_prefix="HF-"),
    )
    assert [e.code for e in errors] == ["reference_too_long"]
    assert errors[0].message.startswith("Creditor reference has 51 characters")
