"""Each of Debitura's rules, checked on a row built from realistic KashFlow JSON."""

from __future__ import annotations

from datetime import date
from decimal import Decimal

import pytest

from kashflow.models import Customer, Invoice
from mapping import ERROR_CODES, WARNING_CODES, Policy, build_row, map_debtor

POLICY = Policy(as_of=date(2026, 11, 21))

COMPANY = {
    "Code": "ACME01", "Name": "Acme Widgets Ltd", "VATNumber": "GB123456789",
    "Email": "accounts@acme.example", "TelephoneNumber": "0113 496 0000",
    "Addresses": [{"Line1": "12 High Street", "Line2": "Leeds", "Line3": "West Yorkshire",
                   "PostCode": "LS1 4AB", "CountryCode": "GB", "CountryName": "United Kingdom"}],
}  # fmt: skip
PERSON = {**COMPANY, "Code": "DOE01", "Name": "Jane Doe", "VATNumber": ""}


def row_for(invoice_fields=(), customer=COMPANY, **options):
    raw = {
        "Number": 1001, "CustomerCode": customer["Code"], "Status": "Overdue",
        "IssuedDate": "2026-09-01 12:00:00", "DueDate": "2026-10-01 12:00:00",
        "GrossAmount": 805.0, "TotalPaidAmount": 0.0, "DueAmount": 805.0,
        "Currency": {"Code": "GBP", "ExchangeRate": 1.0},
        **dict(invoice_fields),
    }  # fmt: skip
    debtor = map_debtor(Customer.from_api(customer))
    return build_row(Invoice.from_api(raw), debtor, POLICY, **options)


def codes(row):
    return {problem.code for problem in row.problems}


def messages(row, code):
    return [problem.message for problem in row.problems if problem.code == code]


def test_a_complete_overdue_company_invoice_is_eligible_with_only_the_type_guess():
    row = row_for()
    assert codes(row) == {"inferred_type"}
    assert row.eligible


@pytest.mark.parametrize(
    ("fields", "expected"),
    [
        # Due today is accepted; due tomorrow is not overdue yet.
        ({"DueDate": "2026-11-21 12:00:00"}, set()),
        ({"DueDate": "2026-11-22 12:00:00"}, {"not_yet_due"}),
        ({"IssuedDate": "2026-11-21", "DueDate": "2026-11-21"}, set()),
        ({"IssuedDate": "2026-11-22 12:00:00", "DueDate": "2026-12-22 12:00:00"},
         {"issued_in_future", "not_yet_due"}),
        ({"IssuedDate": "2026-10-05 12:00:00", "DueDate": "2026-10-01 12:00:00"},
         {"due_before_issued"}),
        # Both dates are required; "1900-01-01" is KashFlow's "no date".
        ({"IssuedDate": None}, {"missing_date"}),
        ({"DueDate": ""}, {"missing_date"}),
        ({"DueDate": "1900-01-01 12:00:00"}, {"missing_date"}),
        ({"IssuedDate": "soon"}, {"missing_date"}),
        ({"IssuedDate": None, "DueDate": None}, {"missing_date"}),
        # Debitura's creditorReference holds 50 characters.
        ({"Number": "X" * 50}, set()),
        ({"Number": "X" * 51}, {"reference_too_long"}),
        ({"DueAmount": 0}, {"non_positive_amount"}),
        ({"DueAmount": "-5.0000"}, {"non_positive_amount"}),
        ({"DueAmount": None, "GrossAmount": None}, {"non_positive_amount"}),
        ({"Currency": {"Code": "XYZ", "ExchangeRate": 1.0}}, {"invalid_currency"}),
    ],
)  # fmt: skip
def test_each_date_reference_amount_or_currency_fault_blocks_the_invoice(fields, expected):
    row = row_for(fields)
    errors = {problem.code for problem in row.problems if problem.severity == "error"}
    assert errors == expected
    assert row.eligible is (not expected)


@pytest.mark.parametrize(
    ("fields", "message"),
    [
        ({"DueDate": "2026-12-01"},
         "Due 01 Dec 2026, not overdue yet: Debitura only accepts overdue invoices."),
        ({"IssuedDate": "2026-11-30", "DueDate": "2026-12-30"},
         "Issued 30 Nov 2026, a date in the future: Debitura rejects future invoice dates."),
        ({"IssuedDate": "2026-10-05", "DueDate": "2026-10-01"},
         "Due 01 Oct 2026, before the invoice date 05 Oct 2026: correct the dates in KashFlow, "
         "then refresh."),
        ({"IssuedDate": None}, "No invoice date: Debitura needs the date the invoice was issued."),
        ({"DueDate": None}, "No due date: Debitura needs the due date."),
        ({"IssuedDate": None, "DueDate": None},
         "No invoice date and no due date: Debitura needs both."),
        ({"Number": "INV-" + "9" * 60},
         "Invoice number has 64 characters; Debitura takes at most 50."),
        ({"DueAmount": 0}, "Nothing to recover: £0.00 is outstanding."),
        ({"Currency": {"Code": "ABC"}}, 'Currency "ABC" is not an ISO 4217 code.'),
    ],
)  # fmt: skip
def test_error_messages_say_what_is_wrong_in_plain_words(fields, message):
    assert message in [problem.message for problem in row_for(fields).problems]


@pytest.mark.parametrize(
    ("options", "code"),
    [({"already_submitted": True}, "already_submitted"),
     ({"customer_unavailable": True}, "customer_unavailable")],
)  # fmt: skip
def test_row_flags_are_errors(options, code):
    row = row_for(**options)
    assert code in codes(row)
    assert not row.eligible


UNDER = "under Debitura's USD 100 minimum, so Debitura will refuse it."
NEAR = (
    "Debitura's USD 100 minimum, and the dollar figure is our estimate. Use Check with "
    "Debitura to see whether it will take it."
)
PRIVATE_DOCUMENTS = (
    "Private debtor: Debitura needs the invoice file and a claim description. The case carries "
    "a description written from the invoice and the invoice's PDF from KashFlow, when KashFlow "
    "has one (Submit says which)."
)
FILE_OR_DESCRIPTION = (
    "Debitura wants the invoice file or a claim description; the case carries a claim "
    "description written from the invoice."
)
FILE_NEEDED = (
    "Debitura needs the invoice file for a claim this size; the invoice's PDF from KashFlow is "
    "attached to the case when KashFlow has one (Submit says which)."
)


@pytest.mark.parametrize(
    ("fields", "customer", "expected"),
    [
        # GBP 75.76 is USD 100.0032, inside the 10% margin around the line: a warning.
        ({"DueAmount": "75.76"}, COMPANY,
         {"below_minimum": ("warning", f"£75.76, about USD 100: close to {NEAR}")}),
        # GBP 70 is about USD 92: just under, but our rate is an estimate.
        ({"DueAmount": 70}, COMPANY,
         {"below_minimum": ("warning", f"£70.00, about USD 92: just under {NEAR}")}),
        ({"DueAmount": 84}, COMPANY, {}),  # USD 110.88: clear of the line
        # Company documents: none under USD 2,000; a file or a description up to 10,000...
        ({"DueAmount": 1500}, COMPANY, {}),
        ({"DueAmount": 1516}, COMPANY, {"needs_documents":
            ("warning", f"£1,516.00, about USD 2,000: {FILE_OR_DESCRIPTION}")}),
        ({"DueAmount": "7575.75"}, COMPANY, {"needs_documents":  # USD 9,999.99
            ("warning", f"£7,575.75, about USD 10,000: {FILE_OR_DESCRIPTION}")}),
        # ...then at least one file.
        ({"DueAmount": 8000}, COMPANY, {"needs_documents":
            ("warning", f"£8,000.00, about USD 10,600: {FILE_NEEDED}")}),
        # A private debtor always needs a file and a description: one warning, right message.
        ({"DueAmount": 150}, PERSON, {"needs_documents": ("warning", PRIVATE_DOCUMENTS)}),
        ({"DueAmount": 20000}, PERSON, {"needs_documents": ("warning", PRIVATE_DOCUMENTS)}),
        # A currency missing from the USD table goes through the invoice's rate to GBP.
        ({"DueAmount": 3200, "Currency": {"Code": "THB", "ExchangeRate": 44}}, COMPANY,
         {"below_minimum": ("warning", f"THB 3,200.00, about USD 96: just under {NEAR}")}),
        ({"DueAmount": 4400, "Currency": {"Code": "THB", "ExchangeRate": "44.0000"}}, COMPANY, {}),
        # ...and without a rate there is no USD figure: no USD-based problems at all.
        ({"DueAmount": 50, "Currency": {"Code": "THB"}}, COMPANY, {}),
        ({"DueAmount": 5000000, "Currency": {"Code": "THB"}}, COMPANY, {}),
        ({"DueAmount": 1000000, "Currency": {"Code": "JPY"}}, COMPANY, {"needs_documents":
            ("warning", f"JPY 1,000,000, about USD 6,600: {FILE_OR_DESCRIPTION}")}),
    ],
)  # fmt: skip
def test_the_usd_value_near_the_minimum_or_asking_for_documents_warns_without_blocking(
    fields, customer, expected
):
    row = row_for(fields, customer)
    found = {
        p.code: (p.severity, p.message)
        for p in row.problems
        if p.code in ("below_minimum", "needs_documents")
    }
    assert found == expected
    assert row.eligible == all(severity == "warning" for severity, _ in expected.values())


@pytest.mark.parametrize(
    ("fields", "customer", "expected"),
    [
        # The demo's invoice 1118: GBP 54 is about USD 71, clearly under USD 100.
        ({"DueAmount": 54}, COMPANY, f"£54.00, about USD 71: {UNDER}"),
        ({"DueAmount": 68}, COMPANY, f"£68.00, about USD 89: {UNDER}"),  # USD 89.76
        ({"DueAmount": 50}, PERSON, f"£50.00, about USD 66: {UNDER}"),
        ({"DueAmount": 5000, "Currency": {"Code": "JPY"}}, COMPANY,
         f"JPY 5,000, about USD 33: {UNDER}"),
        ({"DueAmount": 75, "Currency": {"Code": "EUR"}}, COMPANY, f"€75.00, about USD 87: {UNDER}"),
        ({"DueAmount": 2200, "Currency": {"Code": "THB", "ExchangeRate": 44}}, COMPANY,
         f"THB 2,200.00, about USD 66: {UNDER}"),
        ({"DueAmount": 85, "Currency": {"Code": "USD"}}, COMPANY, f"USD 85.00: {UNDER}"),
    ],
)  # fmt: skip
def test_an_amount_clearly_under_the_minimum_is_an_error_in_its_own_currency(
    fields, customer, expected
):
    row = row_for(fields, customer)
    minimum = [p for p in row.problems if p.code == "below_minimum"]
    assert [(p.severity, p.message) for p in minimum] == [("error", expected)]
    assert not row.eligible


def test_the_margin_around_the_minimum_is_a_policy_setting():
    strict = Policy(as_of=date(2026, 11, 21), minimum_margin=Decimal(0))
    debtor = map_debtor(Customer.from_api(COMPANY))
    invoice = Invoice.from_api({"Number": 1, "DueAmount": 70, "IssuedDate": "2026-09-01",
                                "DueDate": "2026-10-01"})  # fmt: skip
    row = build_row(invoice, debtor, strict)
    assert [p.severity for p in row.problems if p.code == "below_minimum"] == ["error"]


def test_usd_rates_are_a_policy_setting():
    policy = Policy(as_of=date(2026, 11, 21), usd_rates={"GBP": Decimal("2")})
    debtor = map_debtor(Customer.from_api(COMPANY))
    invoice = Invoice.from_api({"Number": 1, "DueAmount": 60, "IssuedDate": "2026-09-01",
                                "DueDate": "2026-10-01"})  # fmt: skip
    assert {p.code for p in build_row(invoice, debtor, policy).problems} == {"inferred_type"}


@pytest.mark.parametrize(
    ("customer_changes", "expected"),
    [
        ({"Addresses": []}, {"missing_address", "missing_city", "missing_postcode"}),
        ({"Addresses": [{"Line1": "12 High Street", "PostCode": "LS1 4AB", "CountryCode": "GB"}]},
         {"missing_city"}),
        ({"Addresses": [{"Line1": "12 High Street", "Line2": "Leeds", "CountryCode": "GB"}]},
         {"missing_postcode"}),
        ({"Addresses": [{"Line1": "500 Main St", "Line2": "Springfield", "PostCode": "62701",
                         "CountryCode": "US"}]}, {"missing_state"}),
        ({"Name": "", "VATNumber": ""}, {"missing_name"}),
    ],
)  # fmt: skip
def test_a_debtor_missing_a_required_field_gets_that_error(customer_changes, expected):
    row = row_for(customer={**COMPANY, **customer_changes})
    assert {p.code for p in row.problems if p.severity == "error"} == expected


def test_every_code_has_the_severity_the_architecture_gives_it():
    architecture_errors = {
        "missing_address", "missing_city", "missing_postcode", "invalid_country",
        "missing_state", "invalid_currency", "non_positive_amount", "not_yet_due",
        "issued_in_future", "due_before_issued", "reference_too_long", "already_submitted",
        "customer_unavailable",
    }  # fmt: skip
    architecture_warnings = {
        "below_minimum", "missing_email", "missing_phone", "invalid_phone", "needs_documents",
        "inferred_type", "default_country",
    }  # fmt: skip
    # Additions: Debitura needs both dates and a debtor name, and one case per number.
    additions = {"missing_date", "missing_name", "duplicate_invoice_number"}
    assert set(ERROR_CODES) == architecture_errors | additions
    assert set(WARNING_CODES) == architecture_warnings | {"customer_has_credit"}


def test_errors_are_listed_before_warnings():
    row = row_for({"DueAmount": 50, "DueDate": "2026-12-01"}, customer={**PERSON, "Addresses": []})
    severities = [problem.severity for problem in row.problems]
    assert severities == sorted(severities)  # "error" < "warning"
    # below_minimum is the one code whose severity depends on the amount (clearly under: error).
    assert all(
        p.severity == ("error" if p.code in ERROR_CODES else "warning")
        for p in row.problems
        if p.code != "below_minimum"
    )
