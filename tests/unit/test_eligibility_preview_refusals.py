"""A body Debitura's preview refused is remembered in the ledger and held back by the one submit
decision (whatever a resend asks), until the body changes or a fresh preview accepts it; and
the messages shown for several problems read as sentences."""

from __future__ import annotations

from dataclasses import replace
from decimal import Decimal
from types import SimpleNamespace

import pytest

from debitura import NotFound
from kashflow.models import InvoiceDetail, LineItem
from mapping.case_payload import (
    DEFAULT_TEST_TAG,
    case_payload,
    judged_fingerprint,
    payload_fingerprint,
)
from mapping.money import totals_by_currency
from mapping.problems import ERROR, WARNING, Problem, join_sentences, problem_text
from store.ledger import CREATED, FAILED
from tests.unit.test_submit_decision import ACCOUNT, TARGET_KEY, begin, decide_for, review_row
from tests.unit.test_submit_decision import ledger as ledger  # noqa: F401 - the fixture
from workflow.debitura_target import DebituraTarget
from workflow.decision import PREVIEW_REFUSED_KIND, REFUSED_UNCHANGED, SEND
from workflow.eligibility import check_with_debitura, retry_candidates
from workflow.submit import submit_cases


def fingerprint_of(row) -> str:
    return payload_fingerprint(case_payload(row, tag=DEFAULT_TEST_TAG))


def refuse_in_preview(ledger, row, reason="No partner in Russia."):
    return ledger.record_refusal_unsent(
        account=ACCOUNT,
        target=TARGET_KEY,
        invoice_number=row.invoice_number,
        creditor_reference=row.invoice_number,
        payload_fingerprint=fingerprint_of(row),
        error_kind=PREVIEW_REFUSED_KIND,
        error_message=reason,
    )


class FakePreviews:
    """A Debitura client whose preview refuses the listed invoice numbers; it records what is
    created (nothing must be)."""

    def __init__(self, refuse: set[str]) -> None:
        self.refuse = refuse
        self.created: list[str] = []

    def preview_case(self, payload):
        refused = payload["creditorReference"] in self.refuse
        return SimpleNamespace(
            is_eligible=not refused,
            partner_name="" if refused else "UK Partner",
            jurisdiction="United Kingdom",
            success_fee=None if refused else Decimal("10"),
            blocking_actions=(),
            message="No partner for this case." if refused else "10% success fee.",
        )

    def create_case(self, payload, *, idempotency_key):
        self.created.append(payload["creditorReference"])
        raise AssertionError("nothing refused by the preview may be sent")

    def find_case_by_creditor_reference(self, reference):
        raise NotFound("none")


def target_with(client) -> DebituraTarget:
    return DebituraTarget(
        client=client, key=TARGET_KEY, is_sandbox=True, test_mode=False, label="sandbox"
    )


def test_a_preview_refusal_holds_the_same_body_back_even_when_a_resend_is_asked(ledger):
    row = review_row()
    entry = refuse_in_preview(ledger, row)
    assert entry.state == FAILED and entry.attempts == 0
    for retry_failed in (False, True):
        decision = decide_for(ledger, row, retry_failed=retry_failed)
        assert decision.action == REFUSED_UNCHANGED
        assert decision.message.startswith(
            "Debitura's preview refused it, so it is not sent: No partner in Russia. Change"
        )
    changed = replace(row, amount_to_recover=Decimal("500.00"))
    assert decide_for(ledger, changed).action == SEND


def test_a_preview_refusal_never_overwrites_a_case_or_an_unconfirmed_send(ledger):
    row = review_row()
    begin(ledger, row, fingerprint_of(row))  # sending: the case may exist
    assert refuse_in_preview(ledger, row) is None
    submission = ledger.get(ACCOUNT, TARGET_KEY, row.invoice_number)
    ledger.mark_created(submission, case_id="c-1", case_reference="DEB-1")
    assert refuse_in_preview(ledger, row) is None
    assert ledger.get(ACCOUNT, TARGET_KEY, row.invoice_number).state == CREATED


def test_checking_records_refusals_and_a_later_acceptance_clears_them(ledger):
    refused, accepted = review_row("1042"), review_row("1043")
    client = FakePreviews({"1042"})
    answers = check_with_debitura(
        [refused, accepted], target=target_with(client), ledger=ledger, account=ACCOUNT
    )
    assert answers["1042"].refused and answers["1043"].eligible
    # Kept under what the preview judges: the same with or without the invoice's detail.
    judged = judged_fingerprint(case_payload(refused, tag=DEFAULT_TEST_TAG))
    assert answers["1042"].fingerprint == judged
    assert ledger.get(ACCOUNT, TARGET_KEY, "1042").error_kind == PREVIEW_REFUSED_KIND
    assert ledger.get(ACCOUNT, TARGET_KEY, "1043") is None  # acceptance records nothing

    client.refuse = set()  # Debitura now has a partner: asking again clears the refusal
    check_with_debitura([refused], target=target_with(client), ledger=ledger, account=ACCOUNT)
    assert ledger.get(ACCOUNT, TARGET_KEY, "1042") is None
    assert decide_for(ledger, refused).action == SEND


def test_the_submit_run_does_not_send_what_the_preview_refused(ledger):
    row = review_row()
    refuse_in_preview(ledger, row)
    client = FakePreviews(set())
    report = submit_cases(
        [row], target=target_with(client), ledger=ledger, account=ACCOUNT, retry_failed=True
    )
    assert [o.status for o in report.outcomes] == ["failed"]
    assert "preview refused it" in report.outcomes[0].message
    assert client.created == []


def test_sent_cases_offers_a_refusal_again_only_once_the_body_changed(ledger):
    refused, failed_account_wide = review_row("1042"), review_row("1043")
    refuse_in_preview(ledger, refused)
    submission = begin(ledger, failed_account_wide, fingerprint_of(failed_account_wide))
    ledger.mark_failed(submission, error_kind="MissingDebtCollectionContract", error_message="x")
    target = target_with(FakePreviews(set()))

    def offered(rows):
        return retry_candidates(rows, target=target, ledger=ledger, account=ACCOUNT)

    assert offered([refused, failed_account_wide]) == ["1043"]
    assert offered(None) == ["1043"]  # without the current rows a refusal is not offered
    changed = replace(refused, amount_to_recover=Decimal("500.00"))
    assert offered([changed, failed_account_wide]) == ["1042", "1043"]


@pytest.mark.parametrize(
    ("messages", "joined"),
    [
        (["No city: add one in the grid.", "No postcode: add one in the grid."],
         "No city: add one in the grid. No postcode: add one in the grid."),
        (["Refused.", "Refused."], "Refused."),  # said once
        (["Not answered;", "Try again"], "Not answered. Try again."),  # no ".;", full stops
        ([], ""),
    ],
)  # fmt: skip
def test_messages_join_as_sentences_without_doubles_or_semicolons_after_full_stops(
    messages, joined
):
    text = join_sentences(messages)
    assert text == joined
    assert ".;" not in text


def test_problem_text_keeps_only_the_severity_asked_for():
    problems = [
        Problem("missing_city", ERROR, "No city: add one in the grid."),
        Problem("missing_phone", WARNING, "No phone number for the debtor."),
        Problem("missing_city", ERROR, "No city: add one in the grid."),
    ]
    assert problem_text(problems, ERROR) == "No city: add one in the grid."
    assert problem_text(problems) == (
        "No city: add one in the grid. No phone number for the debtor."
    )


def test_totals_are_per_currency_never_added_across_currencies():
    amounts = [("GBP", Decimal("45000")), ("EUR", Decimal("2000")), ("GBP", Decimal("321.10")),
               ("JPY", Decimal("150000"))]  # fmt: skip
    assert totals_by_currency(amounts) == "GBP 45,321.10 · EUR 2,000.00 · JPY 150,000"


def test_a_refusal_from_review_still_holds_on_submit_once_the_invoice_detail_is_read(ledger):
    """Review previews the body without the invoice's detail; Submit builds it with what was
    sold and the payment history. The preview judged neither, so its refusal still holds."""
    on_review = review_row("1042")
    client = FakePreviews({"1042"})
    check_with_debitura([on_review], target=target_with(client), ledger=ledger, account=ACCOUNT)
    detail = InvoiceDetail(line_items=(LineItem("Oak door", Decimal(1), Decimal(300)),))
    on_submit = replace(on_review, detail=detail, customer_reference="PO-88")
    assert payload_fingerprint(case_payload(on_submit)) != fingerprint_of(on_review)
    assert decide_for(ledger, on_submit).action == REFUSED_UNCHANGED
