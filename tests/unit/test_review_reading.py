"""What the review says in words: statuses, ageing buckets, readiness, totals, the lines per
customer, and the amount filter that never compares across currencies."""

from __future__ import annotations

from dataclasses import replace
from datetime import date
from decimal import Decimal

import pytest

from kashflow.models import Customer, Invoice
from mapping import OPEN_STATUSES, Policy, map_invoices
from mapping.by_customer import customer_lines
from mapping.frame import ReviewFilter, filter_frame, rows_to_frame
from mapping.problems import INFERRED_TYPE, MISSING_EMAIL, NEEDS_DOCUMENTS, problem
from mapping.readiness import readiness
from mapping.status import status_words
from mapping.summary import (
    AGEING_BUCKETS,
    ageing_bars,
    amount_in_invoices,
    currency_summaries,
    row_bucket,
)

AS_OF = date(2026, 11, 21)
POLICY = Policy(as_of=AS_OF)
ADDRESS = {"Line1": "1 High St", "Line2": "Leeds", "PostCode": "LS1 4AB", "CountryCode": "GB"}
CUSTOMERS = {
    "ACME": Customer.from_api({"Code": "ACME", "Name": "Acme Ltd", "Email": "ap@acme.example",
                               "Telephone": "+44 113 496 0000", "Addresses": [ADDRESS]}),
    "BOLT": Customer.from_api({"Code": "BOLT", "Name": "Bolt GmbH", "Addresses": [ADDRESS]}),
    "NOWHERE": Customer.from_api({"Code": "NOWHERE", "Name": "Nowhere Ltd"}),
}  # fmt: skip


def invoice(number, customer="ACME", amount="1500.00", currency="GBP", due="2026-09-01"):
    return Invoice.from_api(
        {
            "Number": number,
            "CustomerCode": customer,
            "Status": "Overdue",
            "IssuedDate": "2026-01-01",
            "DueDate": due,
            "GrossAmount": amount,
            "DueAmount": amount,
            "Currency": {"Code": currency},
            "ExchangeRate": "1" if currency == "GBP" else "0.005" if currency == "JPY" else "1.15",
        }
    )


def review_rows(*invoices, sent=()):
    return map_invoices(invoices, CUSTOMERS, POLICY, submitted_invoices=sent).rows


def test_every_open_status_reads_as_words_not_as_an_api_name():
    words = [status_words(status) for status in OPEN_STATUSES]
    assert words == ["Unpaid", "Overdue", "Overdue, part paid", "Part paid"]
    assert status_words("SomethingNew") == "SomethingNew"  # shown as it came, never hidden


def test_invoices_not_yet_due_have_their_own_bucket_apart_from_due_today():
    tomorrow, today, month_ago = "2026-11-22", "2026-11-21", "2026-10-22"
    rows = review_rows(invoice(1, due=tomorrow), invoice(2, due=today), invoice(3, due=month_ago))
    assert [row.days_overdue for row in rows] == [0, 0, 30]
    assert [row_bucket(row) for row in rows] == ["Not yet due", "0–30", "0–30"]
    assert AGEING_BUCKETS[:2] == ("Not yet due", "0–30")
    assert [(bar.bucket, bar.invoices) for bar in ageing_bars(rows)] == [
        ("Not yet due", 1),
        ("0–30", 2),
    ]
    frame = rows_to_frame(rows)
    assert frame["ageing_bucket"].tolist() == ["Not yet due", "0–30", "0–30"]
    picked = filter_frame(frame, ReviewFilter(buckets=frozenset({"Not yet due"})))
    assert picked["invoice_number"].tolist() == ["1"]


def test_readiness_says_ready_what_to_check_what_blocks_or_which_case():
    ready, check, blocked, sent = review_rows(
        invoice(1),
        invoice(2, customer="BOLT"),
        invoice(3, customer="NOWHERE", due="2026-12-01"),
        invoice(4),
        sent={"4"},
    )
    assert readiness(replace(ready, problems=())) == "Ready"
    assert readiness(check).startswith("Ready · check: ")
    assert "no email" in readiness(check)
    assert readiness(blocked).startswith("Blocked: not yet due, ")
    assert readiness(sent) == "Sent"
    assert readiness(replace(sent, case_reference="DEB-1042")) == "Sent: case DEB-1042"


def test_the_ageing_chart_leaves_out_invoices_already_sent():
    rows = review_rows(invoice(1), invoice(2), sent={"2"})
    assert [(bar.bucket, bar.invoices) for bar in ageing_bars(rows)] == [("61–90", 1)]


def test_readiness_leaves_out_what_cannot_be_done_in_the_app():
    """Debitura asks for the invoice file after the case is created: nothing to check here."""
    (row,) = review_rows(invoice(1))
    documents = problem(NEEDS_DOCUMENTS, "Debitura will ask you for the invoice file.")
    email = problem(MISSING_EMAIL, "No email address.")
    assert readiness(replace(row, problems=(documents,))) == "Ready"
    assert readiness(replace(row, problems=(documents, email))) == "Ready · check: no email"


def test_readiness_flags_a_guessed_type_only_when_nothing_supports_it():
    """A company is guessed from a VAT number or "Ltd"; a private debtor from nothing at all."""
    (row,) = review_rows(invoice(1))
    guessed = problem(INFERRED_TYPE, "Debtor type guessed.")
    company = replace(row, debtor=replace(row.debtor, type="Company"), problems=(guessed,))
    private = replace(row, debtor=replace(row.debtor, type="Private"), problems=(guessed,))
    assert readiness(company) == "Ready"
    assert readiness(private) == "Ready · check: type guessed"


def test_totals_read_as_an_amount_in_so_many_invoices_never_in_brackets():
    assert amount_in_invoices(Decimal("197973.33"), "GBP", 69) == "197,973.33 in 69 invoices"
    assert amount_in_invoices(Decimal("293656"), "JPY", 1) == "293,656 in 1 invoice"
    assert amount_in_invoices(Decimal("-5.00"), "GBP", 1) == "-5.00 in 1 invoice"
    assert amount_in_invoices(Decimal(0), "EUR", 0) == "none"


def test_sent_invoices_leave_the_outstanding_and_overdue_totals_for_their_own():
    rows = review_rows(invoice(1, amount="1000.00"), invoice(2, amount="250.00"), sent={"2"})
    (gbp,) = currency_summaries(rows)
    assert (gbp.invoices, gbp.outstanding, gbp.overdue) == (
        1,
        Decimal("1000.00"),
        Decimal("1000.00"),
    )
    assert (gbp.sent_invoices, gbp.sent) == (1, Decimal("250.00"))


def test_one_line_per_debtor_and_currency_with_what_blocks_the_rest():
    rows = review_rows(
        invoice(1, amount="1000.00", due="2026-06-01"),
        invoice(2, amount="500.50", due="2026-12-01"),
        invoice(3, amount="200000", currency="JPY"),
        invoice(4, customer="NOWHERE", amount="300.00"),
        invoice(5, amount="700.00"),
        sent={"5"},
    )
    lines = {(line.customer_code, line.currency): line for line in customer_lines(rows)}
    assert set(lines) == {("ACME", "GBP"), ("ACME", "JPY"), ("NOWHERE", "GBP")}
    acme = lines["ACME", "GBP"]
    assert (acme.invoices, acme.outstanding, acme.overdue) == (
        2,
        Decimal("1500.50"),
        Decimal("1000.00"),
    )
    assert acme.oldest_days_overdue == (AS_OF - date(2026, 6, 1)).days
    assert (acme.ready, acme.blocked_by, acme.sent) == (1, "not yet due (1)", 1)
    assert acme.invoice_numbers == ("1", "2")  # the sent one is not offered again
    assert lines["ACME", "JPY"].outstanding == Decimal("200000")  # never added to GBP
    assert "no address (1)" in lines["NOWHERE", "GBP"].blocked_by


@pytest.mark.parametrize("currency", ["GBP", "JPY"])
def test_the_amount_filter_compares_within_its_one_currency(currency):
    rows = review_rows(
        invoice(1, amount="12000.00"),
        invoice(2, amount="9000.00"),
        invoice(3, amount="293656", currency="JPY"),
        invoice(4, amount="5000", currency="JPY"),
    )
    frame = rows_to_frame(rows)
    wanted = ReviewFilter(amount=(10_000, None), amount_currency=currency)
    shown = filter_frame(frame, wanted)["invoice_number"].tolist()
    assert shown == {"GBP": ["1"], "JPY": ["3"]}[currency]


def test_an_amount_range_without_its_currency_is_refused():
    with pytest.raises(ValueError, match="currency"):
        ReviewFilter(amount=(10_000, None))
