"""``GET /invoices/{number}`` detail: line items, payment lines, reminder letters, contact name
and permalink, read loosely (missing arrays, nulls, numbers as strings, odd casings)."""

from __future__ import annotations

from datetime import date
from decimal import Decimal

import pytest
import responses

from kashflow.models import Invoice, InvoiceDetail
from tests.unit.kashflow_fakes import BASE, add_login, make_client

# KashFlow's own documentation example of an invoice detail (abridged, as in the spec).
DOC_DETAIL = {
    "Number": 2,
    "Currency": {"Code": "GBP"},
    "CustomerReference": None,
    "LineItems": [{
        "ApplyTax1": False, "NominalCode": 2341, "Description": "", "Number": 1,
        "ProductCode": "510", "ProductName": "Mobile", "Quantity": 10.0000, "Rate": 10.0000,
        "Tax1Amount": 0.0000, "VATAmount": 17.5000, "VATExempt": 0, "VATLevel": 17.5000,
    }],
    "PaymentLines": [{
        "AccountId": 55166, "Amount": 110.5000, "Id": 2, "InvoiceNumber": 0,
        "Date": "2012-10-09 12:00:00 +05:30", "Method": 409844, "Note": "Test Payment",
        "Permalink": "/v2/documents/invoice/payment/3a22b041-8d45-496a-946d-bd2252a0d28c",
    }],
    "VATNumber": "",
    "Permalink": "/v2/documents/invoice/3a22b041-8d45-496a-946d-bd2252a0d28c",
    "ReminderLetters": [{"IsSent": True, "Number": 3, "SentDate": "2012-07-30 12:00:00"}],
}  # fmt: skip


@responses.activate
def test_the_documented_detail_is_read_through_the_client():
    add_login(responses.mock)
    responses.add(responses.GET, f"{BASE}/invoices/2", json=DOC_DETAIL)
    detail = make_client().get_invoice("2").detail
    (item,) = detail.line_items
    assert (item.product_name, item.quantity, item.rate) == ("Mobile", Decimal(10), Decimal(10))
    assert item.vat_amount == Decimal("17.5000") and item.vat_exempt is False  # 0, not a bool
    (payment,) = detail.payment_lines
    assert (payment.date, payment.amount, payment.note) == (
        date(2012, 10, 9),
        Decimal("110.5000"),
        "Test Payment",
    )
    (letter,) = detail.reminder_letters
    assert (letter.number, letter.sent_date, letter.is_sent) == ("3", date(2012, 7, 30), True)
    assert detail.permalink == "/v2/documents/invoice/3a22b041-8d45-496a-946d-bd2252a0d28c"


@pytest.mark.parametrize(
    "raw",
    [
        {"Number": 5},  # no detail keys at all (a list row)
        {"Number": 5, "LineItems": None, "PaymentLines": None, "ReminderLetters": None},
        {"Number": 5, "LineItems": "n/a", "PaymentLines": {}, "ReminderLetters": [None, 3]},
    ],
)
def test_missing_null_or_malformed_arrays_read_as_empty(raw):
    detail = Invoice.from_api(raw).detail
    assert detail == InvoiceDetail()


def test_numbers_as_strings_lower_case_keys_and_flags_as_text_are_read():
    detail = Invoice.from_api({
        "number": "9",
        "lineitems": [{"description": "Stair rail", "quantity": "3", "rate": "1,250.50",
                       "vatamount": "750.30", "vatexempt": "1"}],
        "paymentlines": [{"amount": "100", "date": "2026-10-01T00:00:00"}],
        "reminderletters": [{"number": "1", "sentdate": "2026-10-08 12:00:00"}],  # no IsSent
        "vatnumber": "GB123456789",
    }).detail  # fmt: skip
    (item,) = detail.line_items
    assert (item.quantity, item.rate, item.vat_exempt) == (Decimal(3), Decimal("1250.50"), True)
    assert detail.payment_lines[0].amount == Decimal(100)
    assert detail.payment_lines[0].date == date(2026, 10, 1)
    assert detail.reminder_letters[0].is_sent  # a sent date without the flag counts as sent
    assert detail.vat_number == "GB123456789"


@pytest.mark.parametrize(
    ("fields", "name"),
    [
        ({"CustomerContactName": "Sue Bell", "CustomerContactFirstName": "X"}, "Sue Bell"),
        ({"CustomerContactName": "", "CustomerContactFirstName": "Sue",
          "CustomerContactLastName": "Bell"}, "Sue Bell"),
        ({"CustomerContactName": None, "CustomerContactLastName": "Bell"}, "Bell"),
        ({"CustomerContactName": "  "}, ""),
    ],
)  # fmt: skip
def test_the_contact_name_is_the_full_name_else_first_and_last(fields, name):
    assert Invoice.from_api({"Number": 1, **fields}).detail.contact_name == name


def test_a_list_row_and_its_detail_are_the_same_invoice_apart_from_the_detail():
    row = Invoice.from_api({"Number": 2, "GrossAmount": 117.5})
    detail = Invoice.from_api({**DOC_DETAIL, "GrossAmount": 117.5})
    assert row.permalink == "" and detail.permalink.startswith("/v2/documents/invoice/")
    assert (row.number, row.gross_amount) == (detail.number, detail.gross_amount)
