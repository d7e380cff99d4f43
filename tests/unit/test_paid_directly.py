"""Paid directly: which KashFlow payments count (after the case was created), what the partner
is told, and the notice record that makes the telling happen once."""

from __future__ import annotations

from datetime import date
from decimal import Decimal

import pytest
from sqlite_utils import Database

from kashflow.models import Invoice
from store.database import open_store
from store.ledger import Submission
from store.payment_notices import (
    FAILED,
    SENDING,
    SENT,
    PaymentNoticeError,
    PaymentNotices,
    ensure_payment_notices_schema,
)
from workflow.paid_directly import (
    CREDITED,
    PAID,
    PART_PAID,
    notice_message,
    payments_after_case,
)

CASE_DAY = date(2026, 11, 10)


def submission(sent_at: str = "2026-11-10T09:30:00+00:00") -> Submission:
    return Submission(
        id=1,
        kashflow_account="demo|Harrow",
        debitura_target="sandbox",
        invoice_number="1042",
        creditor_reference="HF-1042",
        idempotency_key="k",
        payload_fingerprint="f",
        state="created",
        case_id="case-1",
        case_reference="Q8OAXF3W",
        sent_at=sent_at,
    )


def invoice(*payments: dict, due: str = "305.00", currency: str = "GBP") -> Invoice:
    return Invoice.from_api(
        {
            "Number": 1042,
            "Status": "Paid" if Decimal(due) == 0 else "PartPaid",
            "GrossAmount": 805,
            "DueAmount": due,
            "Currency": {"Code": currency},
            "PaymentLines": list(payments),
        }
    )


def line(day: str, amount: str, **extra) -> dict:
    return {"Id": extra.pop("Id", 7), "Date": f"{day} 12:00:00", "Amount": amount, **extra}


def test_a_payment_on_or_after_the_case_day_counts_and_one_before_does_not():
    found = payments_after_case(
        invoice(
            line("2026-11-09", "100.00", Id=1),  # before: already out of the case's amount
            line("2026-11-10", "200.00", Id=2),  # the day the case was made
            line("2026-11-12", "300.00", Id=3),
        ),
        submission(),
    )
    assert [(p.payment.payment_id, p.payment_key) for p in found] == [("2", "id:2"), ("3", "id:3")]


def test_the_case_day_is_londons_not_utcs():
    # 23:30 UTC on 31 Jul is 00:30 on 1 Aug in London (BST): a payment of 31 Jul came first.
    summer = submission(sent_at="2026-07-31T23:30:00+00:00")
    found = payments_after_case(invoice(line("2026-07-31", "10.00")), summer)
    assert found == []


@pytest.mark.parametrize(
    ("due", "credit", "kind"),
    [("0.00", False, PAID), ("305.00", False, PART_PAID), ("0.00", True, CREDITED)],
)
def test_paid_part_paid_and_credited_are_told_apart(due, credit, kind):
    payment_line = line("2026-11-12", "500.00", IsPaymentCreditNote=credit)
    (found,) = payments_after_case(invoice(payment_line, due=due), submission())
    assert found.kind == kind


def test_the_summary_reads_as_the_page_shows_it():
    (paid,) = payments_after_case(invoice(line("2026-11-12", "500"), due="0"), submission())
    assert paid.summary == "paid in KashFlow on 12 Nov 2026: GBP 500.00"
    (part,) = payments_after_case(invoice(line("2026-11-12", "500")), submission())
    assert part.summary == "paid in KashFlow on 12 Nov 2026: GBP 500.00; balance now GBP 305.00"


def test_refunds_and_lines_without_a_date_or_amount_are_not_payments():
    found = payments_after_case(
        invoice(line("2026-11-12", "-50.00"), {"Id": 9, "Amount": "5"}, {"Id": 8, "Date": "x"}),
        submission(),
    )
    assert found == []


def test_a_payment_without_an_id_is_known_by_its_date_and_amount():
    (found,) = payments_after_case(
        invoice({"Date": "2026-11-12", "Amount": "500.0000"}), submission()
    )
    assert found.payment_key == "2026-11-12|500"


def test_the_message_gives_date_amount_reference_balance_and_the_notice_reference():
    payment_line = line("2026-11-12", "500", Reference="BACS\x1b[31m HF 1042", Note="")
    (found,) = payments_after_case(invoice(payment_line), submission())
    message = notice_message(found, "KF-PAY-0123456789")
    assert message == (
        "Paid directly to the creditor. The debtor paid GBP 500.00 directly to us on "
        "12 Nov 2026 against invoice HF-1042.\n"
        "Payment reference in our books: BACS[31m HF 1042.\n"
        "Outstanding balance now: GBP 305.00. Please collect only this amount.\n"
        "(Notice KF-PAY-0123456789 from our accounts in KashFlow.)"
    )


def test_a_settled_invoice_asks_the_partner_to_stop_and_a_credit_says_so():
    credit = line("2026-11-12", "805", IsPaymentCreditNote=True)
    (found,) = payments_after_case(invoice(credit, due="0"), submission())
    message = notice_message(found, "KF-PAY-X")
    assert message.startswith(
        "Paid directly to the creditor. A credit note of GBP 805.00 was applied to invoice "
        "HF-1042 on 12 Nov 2026."
    )
    assert "GBP 0.00. The invoice is settled: please stop collecting it." in message


# --- the notice record ---------------------------------------------------------------------


@pytest.fixture
def notices(tmp_path, engine) -> PaymentNotices:
    """On a real SQLite file and a real PostgreSQL database (the ``engine`` fixture)."""
    return PaymentNotices(open_store(tmp_path / "data", database_url=engine))


def test_a_table_made_on_its_own_in_memory_takes_notices_too():
    database = Database(memory=True)
    ensure_payment_notices_schema(database)
    assert PaymentNotices(database).begin(**KEY, case_id="c").sent_by == "local"


KEY = dict(account="a", target="t", invoice_number="1042", payment_key="id:7")


def test_a_notice_is_sending_before_the_request_and_sent_is_final(notices):
    notice = notices.begin(**KEY, case_id="case-1")
    assert notice.state == SENDING and notice.notice_ref.startswith("KF-PAY-")
    sent = notices.mark_sent(notice, chat_id="chat-1")
    assert sent.state == SENT and sent.chat_id == "chat-1" and sent.sent_at
    with pytest.raises(PaymentNoticeError):
        notices.begin(**KEY, case_id="case-1")


def test_an_unknown_outcome_keeps_its_key_and_a_failure_gets_a_new_one(notices):
    first = notices.begin(**KEY, case_id="case-1")
    notices.mark_unknown(first, error_message="no answer")
    again = notices.begin(**KEY, case_id="case-1")
    assert again.state == SENDING and again.notice_ref == first.notice_ref
    assert again.attempts == 2
    failed = notices.mark_failed(again, error_message="400")
    assert failed.state == FAILED
    retried = notices.begin(**KEY, case_id="case-1")
    assert retried.state == SENDING and retried.idempotency_key != first.idempotency_key
    assert retried.error_message == ""


def test_each_payment_of_an_invoice_has_its_own_notice(notices):
    notices.begin(**KEY, case_id="case-1")
    notices.begin(**{**KEY, "payment_key": "id:8"}, case_id="case-1")
    assert len(notices.of_account("a", "t")) == 2
