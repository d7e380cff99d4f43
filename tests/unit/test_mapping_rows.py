"""Review rows end to end: KashFlow JSON in, the architecture's JSON row out."""

from __future__ import annotations

import json
from datetime import date
from decimal import Decimal

import pytest

import mapping.rows
from kashflow.models import Customer, Invoice
from mapping import Debtor, Policy, ReviewRow, apply_overrides, build_row, map_debtor, map_invoices

POLICY = Policy(as_of=date(2026, 11, 21))

# The customer from KashFlow's documentation (abridged, verbatim values).
DOC_CUSTOMER = {
    "Code": "PDRI91", "Name": "дравс дравс др", "DisplayName": "дравс дравс др, DN3 3UB",
    "Id": 10535,
    "Contacts": [{"Email": "test@testtrick.com", "Fax": None, "Firstname": None, "LastName": None,
                  "Mobile": None, "Name": None, "Telephone": None, "Title": None, "Website": ""}],
    "Currency": {"Code": "GBP", "ExchangeRate": 1.0000, "DisplayOnRight": False},
    "Addresses": [{"Line1": "1 Ashwood Close", "Line2": "Branton",
                   "Line3": "Doncaster, South Yorkshire", "Line4": "GB", "PostCode": "DN3 3UB",
                   "CountryCode": "GB", "CountryName": "United Kingdom"}],
    "Email": "", "FaxNumber": "", "MobileNumber": "", "TelephoneNumber": "", "VATNumber": "",
    "FirstInvoiceDate": "1900-01-01 12:00:00 +05:30",
}  # fmt: skip
DOC_INVOICE = {
    "Id": 196172, "Number": 2, "CustomerCode": "PDRI91", "CustomerName": None,
    "Currency": {"Code": "GBP", "ExchangeRate": 1.0000, "Id": 0, "Name": "British Pounds"},
    "DueDate": "2012-10-09 12:00:00 +05:30", "IssuedDate": "2012-10-09 12:00:00 +05:30",
    "GrossAmount": 117.5000, "HomeCurrencyGrossAmount": 117.5000, "NetAmount": 100.0000,
    "TotalPaidAmount": 17.5000, "Status": "Part Paid", "VATAmount": 17.5000,
}  # fmt: skip


def test_doc_example_becomes_the_expected_review_row():
    result = map_invoices([Invoice.from_api(DOC_INVOICE)],
                          {"PDRI91": Customer.from_api(DOC_CUSTOMER)}, POLICY)  # fmt: skip
    assert result.rows[0].to_dict() == {
        "invoice_number": "2",
        "customer_code": "PDRI91",
        "status": "PartPaid",
        "issued_date": "2012-10-09",
        "due_date": "2012-10-09",
        "currency": "GBP",
        "gross_amount": "117.50",
        "amount_to_recover": "100.00",
        "days_overdue": 5156,
        "debtor": {
            "type": "Private",
            "name": "дравс дравс др",
            "email": "test@testtrick.com",
            "phone": "",
            "address": "1 Ashwood Close, Branton",
            "postcode": "DN3 3UB",
            "city": "Doncaster",
            "country": "GB",
            "state": "",
            "contact_person": "",
            "company_registration_number": "",
            "phone_valid": False,
        },
        "eligible": True,
        "problems": [
            {"code": "needs_documents", "severity": "warning",
             "message": "Private debtor: Debitura needs the invoice file and a claim description. "
                        "The case carries a description written from the invoice and the "
                        "invoice's PDF from KashFlow, when KashFlow has one (Submit says which)."},
            {"code": "missing_phone", "severity": "warning",
             "message": "No phone number for the debtor."},
            {"code": "inferred_type", "severity": "warning",
             "message": "Debtor type guessed as Private: no VAT number and no company word in "
                        "the name. Change it if wrong."},
        ],
    }  # fmt: skip


def test_to_dict_is_plain_json_with_exactly_the_architecture_keys():
    row = map_invoices([Invoice.from_api(DOC_INVOICE)], {}, POLICY).rows[0]
    data = row.to_dict()
    assert list(data) == [
        "invoice_number", "customer_code", "status", "issued_date", "due_date", "currency",
        "gross_amount", "amount_to_recover", "days_overdue", "debtor", "eligible", "problems",
    ]  # fmt: skip
    assert list(data["debtor"]) == [
        "type", "name", "email", "phone", "address", "postcode", "city", "country", "state",
        "contact_person", "company_registration_number", "phone_valid",
    ]  # fmt: skip
    assert all(list(problem) == ["code", "severity", "message"] for problem in data["problems"])
    assert json.loads(json.dumps(data)) == data  # no Decimal, date or tuple left


@pytest.mark.parametrize(
    ("currency", "amount", "text"),
    [("GBP", 805, "805.00"), ("JPY", 1500, "1500"), ("KWD", "12.5", "12.500"),
     ("EUR", "0.1", "0.10")],
)  # fmt: skip
def test_money_strings_have_exactly_the_currency_decimals(currency, amount, text):
    invoice = Invoice.from_api({"Number": 1, "DueAmount": amount, "GrossAmount": amount,
                                "Currency": {"Code": currency}})  # fmt: skip
    data = build_row(invoice, map_debtor(None, fallback_name="X"), POLICY).to_dict()
    assert data["amount_to_recover"] == data["gross_amount"] == text


def test_missing_dates_are_null_in_json():
    data = build_row(Invoice.from_api({"Number": 1}), map_debtor(None), POLICY).to_dict()
    assert data["issued_date"] is None and data["due_date"] is None
    assert data["days_overdue"] == 0


def test_rows_are_sorted_by_invoice_number_numerically_then_text():
    numbers = [10, "9", 100, 2, "INV-7", "A1", 1042.0]
    invoices = [Invoice.from_api({"Number": n, "Status": "Unpaid"}) for n in numbers]
    result = map_invoices(invoices, {}, POLICY)
    assert [row.invoice_number for row in result.rows] == [
        "2", "9", "10", "100", "1042", "A1", "INV-7",
    ]  # fmt: skip


def test_each_customer_is_mapped_once(monkeypatch):
    calls = []
    real_map_debtor = mapping.rows.map_debtor

    def counting_map_debtor(customer, **kwargs):
        calls.append(customer.code if customer else None)
        return real_map_debtor(customer, **kwargs)

    monkeypatch.setattr(mapping.rows, "map_debtor", counting_map_debtor)
    customers = {code: Customer.from_api({**DOC_CUSTOMER, "Code": code}) for code in "ABC"}
    invoices = [Invoice.from_api({"Number": n, "Status": "Overdue", "CustomerCode": "ABC"[n % 3]})
                for n in range(30)]  # fmt: skip
    result = map_invoices(invoices, customers, POLICY)
    assert len(result.rows) == 30
    assert sorted(calls) == ["A", "B", "C"]
    # Rows of one customer share its debtor.
    assert result.rows[0].debtor is result.rows[3].debtor


def test_unavailable_or_unknown_customers_get_the_invoice_name_and_an_error():
    invoices = [
        Invoice.from_api({"Number": 1, "Status": "Unpaid", "CustomerCode": "GONE",
                          "CustomerName": "Acme Ltd"}),
        Invoice.from_api({"Number": 2, "Status": "Unpaid", "CustomerCode": "PDRI91",
                          "CustomerName": "Branton Joinery"}),
        Invoice.from_api({"Number": 3, "Status": "Unpaid", "CustomerCode": "",
                          "CustomerName": "Walk-in"}),
    ]  # fmt: skip
    result = map_invoices(invoices, {"PDRI91": Customer.from_api(DOC_CUSTOMER)}, POLICY,
                          unavailable_customers={"PDRI91"})  # fmt: skip
    names = [row.debtor.name for row in result.rows]
    assert names == ["Acme Ltd", "Branton Joinery", "Walk-in"]
    for row in result.rows:
        assert "customer_unavailable" in {problem.code for problem in row.problems}
        assert row.customer_unavailable and not row.eligible


def test_submitted_invoices_are_flagged_not_dropped():
    invoices = [Invoice.from_api(DOC_INVOICE)]
    result = map_invoices(invoices, {"PDRI91": Customer.from_api(DOC_CUSTOMER)}, POLICY,
                          submitted_invoices=["2"])  # fmt: skip
    (row,) = result.rows
    assert row.already_submitted
    assert "already_submitted" in {problem.code for problem in row.problems}


def test_the_same_invoice_listed_twice_is_counted_once_and_reported():
    invoice = Invoice.from_api({"Number": 5, "Status": "Unpaid", "GrossAmount": 10})
    result = map_invoices([invoice, invoice], {}, POLICY)
    assert [row.gross_amount for row in result.rows] == [Decimal("10.00")]
    assert result.duplicates == 1
    assert "duplicate_invoice_number" not in {p.code for p in result.rows[0].problems}


def test_two_different_invoices_under_one_number_are_both_reported_and_blocked():
    invoices = [Invoice.from_api({"Number": 5, "Status": "Unpaid", "GrossAmount": amount,
                                  "CustomerCode": code})
                for amount, code in ((10, "ACME01"), (20, "BOLT02"))]  # fmt: skip
    result = map_invoices(invoices, {}, POLICY)
    [row] = result.rows
    duplicate = next(p for p in row.problems if p.code == "duplicate_invoice_number")
    assert duplicate.is_error and not row.eligible
    assert "customer BOLT02, 20.00" in duplicate.message  # the other one is named
    assert row.customer_code == "ACME01" and result.duplicates == 0
    edited = apply_overrides(row, {"city": "Leeds"}, POLICY)
    assert "duplicate_invoice_number" in {p.code for p in edited.problems}  # edits keep it


def test_an_invoice_whose_currency_nobody_could_tell_is_blocked():
    invoice = Invoice.from_api({**DOC_INVOICE, "Currency": None})
    [row] = map_invoices([invoice], {}, POLICY, unknown_currency={invoice.number}).rows
    currency = next(p for p in row.problems if p.code == "invalid_currency")
    assert row.currency == "" and "did not say which currency" in currency.message


def test_build_row_accepts_an_unfetched_customer_draft_without_the_flag():
    row = build_row(Invoice.from_api(DOC_INVOICE), map_debtor(None, fallback_name="X"), POLICY)
    assert row.customer_unavailable
    assert "customer_unavailable" in {problem.code for problem in row.problems}


def test_build_row_keeps_what_revalidation_needs():
    row = map_invoices([Invoice.from_api({**DOC_INVOICE, "Currency": {
        "Code": "EUR", "ExchangeRate": "1.1400"}})], {}, POLICY).rows[0]  # fmt: skip
    assert row.exchange_rate == Decimal("1.1400")
    assert row.type_reason == "no VAT number and no company word in the name"
    assert row.country_defaulted
    assert row.overridden == frozenset()
    assert isinstance(row.debtor, Debtor)


def test_rows_are_frozen():
    row = build_row(Invoice.from_api(DOC_INVOICE), map_debtor(None), POLICY)
    assert isinstance(row, ReviewRow)
    with pytest.raises(AttributeError):
        row.status = "Paid"  # type: ignore[misc]
