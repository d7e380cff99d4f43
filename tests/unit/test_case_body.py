"""The case body from KashFlow's invoice detail and customer: contact person, company
registration number, E.164-only phone, what was sold, and the history in the comments."""

from __future__ import annotations

import csv
import io
from dataclasses import replace
from datetime import date

import pytest

from kashflow.models import Customer, Invoice, InvoiceDetail, LineItem, PaymentLine, ReminderLetter
from mapping.case_payload import bulk_csv_row, case_payload
from mapping.case_text import MAX_CASE_TEXT, cut_text, text_length
from mapping.debtor import map_debtor
from mapping.policy import Policy
from mapping.rows import ReviewRow, apply_overrides, build_row, with_detail
from workflow.export import bulk_import_csv

POLICY = Policy(as_of=date(2026, 11, 21))

CUSTOMER = {
    "Code": "ACME01",
    "Name": "Acme Joinery Ltd",
    "VatNumber": "GB 123 4567 89",
    "TelephoneNumber": "ask for Sue",
    "Email": "accounts@acme.example",
    "Contacts": [
        {"Firstname": "Al", "LastName": "Other"},
        {"Firstname": "Sue", "LastName": "Bell", "IsPrimary": True},
    ],
    "Addresses": [{"Line1": "1 High Street", "Line2": "Leeds", "PostCode": "LS1 4AB",
                   "CountryCode": "GB"}],
}  # fmt: skip

INVOICE = {
    "Number": 1042,
    "CustomerCode": "ACME01",
    "Status": "OverduePartPaid",
    "IssuedDate": "2026-09-01 12:00:00",
    "DueDate": "2026-10-01 12:00:00",
    "GrossAmount": 1200.0,
    "DueAmount": 805.0,
    "Currency": {"Code": "GBP"},
    "CustomerReference": "PO-88",
}

DETAIL = {
    **INVOICE,
    "CustomerContactName": "Jo Finch",
    "LineItems": [
        {"Description": "Oak door, fitted", "Quantity": 2.0, "Rate": 300.0, "VATAmount": 120.0},
        {"Description": "Brass handles", "Quantity": "4", "Rate": "100", "VATAmount": 80},
    ],
    "PaymentLines": [
        {"Date": "2026-10-20 12:00:00", "Amount": 95.0, "Reference": "BACS 1042"},
        {"Date": "2026-10-12 12:00:00", "Amount": 300.0},
    ],
    "ReminderLetters": [
        {"IsSent": True, "Number": 1, "SentDate": "2026-10-08 12:00:00"},
        {"IsSent": True, "Number": 2, "SentDate": "2026-10-22 12:00:00"},
        {"IsSent": False, "Number": 3, "SentDate": None},
    ],
}


def imported_row(customer: dict | None = None) -> ReviewRow:
    """The row as the import builds it: from the list row and the customer record."""
    debtor = map_debtor(Customer.from_api(customer or CUSTOMER))
    return build_row(Invoice.from_api(INVOICE), debtor, POLICY)


def sent_row(customer: dict | None = None, detail: dict | None = None) -> ReviewRow:
    """The row as the send builds it: with the invoice's detail read."""
    return with_detail(imported_row(customer), Invoice.from_api(detail or DETAIL))


def test_a_company_case_names_its_contact_and_vat_number_and_leaves_a_bad_phone_out():
    debtor = case_payload(sent_row())["debtor"]
    assert debtor["contactPerson"] == "Jo Finch"  # the invoice's own contact first
    assert debtor["companyRegistrationNumber"] == "GB 123 4567 89"
    assert "phone" not in debtor


def test_without_an_invoice_contact_the_customers_primary_contact_is_named():
    assert case_payload(imported_row())["debtor"]["contactPerson"] == "Sue Bell"
    no_name = {**DETAIL, "CustomerContactName": ""}
    assert case_payload(sent_row(detail=no_name))["debtor"]["contactPerson"] == "Sue Bell"
    first_last = {**no_name, "CustomerContactFirstName": "Jo", "CustomerContactLastName": "F"}
    assert case_payload(sent_row(detail=first_last))["debtor"]["contactPerson"] == "Jo F"


def test_without_any_contact_or_vat_number_those_fields_are_left_out():
    bare = {**CUSTOMER, "Contacts": [], "VatNumber": ""}
    debtor = case_payload(sent_row(bare, {**DETAIL, "CustomerContactName": ""}))["debtor"]
    assert "contactPerson" not in debtor and "companyRegistrationNumber" not in debtor


def test_the_invoice_vat_number_is_used_when_the_customer_has_none():
    bare = {**CUSTOMER, "VatNumber": ""}
    body = case_payload(sent_row(bare, {**DETAIL, "VATNumber": "IE6388047V"}))
    assert body["debtor"]["companyRegistrationNumber"] == "IE6388047V"


def test_a_private_debtor_gets_no_contact_person_or_registration_number():
    row = replace(sent_row(), debtor=replace(sent_row().debtor, type="Private"))
    debtor = case_payload(row)["debtor"]
    assert "contactPerson" not in debtor and "companyRegistrationNumber" not in debtor


@pytest.mark.parametrize(
    ("typed", "sent"),
    [("0113 496 0123", "+441134960123"), ("+44 20 7946 0000", "+442079460000"),
     ("ask for Sue", None), ("01242 555 0123", None), ("12", None)],
)  # fmt: skip
def test_the_phone_goes_only_as_e164_and_otherwise_into_the_comments(typed, sent):
    body = case_payload(sent_row({**CUSTOMER, "TelephoneNumber": typed}))
    assert body["debtor"].get("phone") == sent
    in_comments = f"Phone in KashFlow (not a usable number): {typed}." in body["comments"]
    assert in_comments == (sent is None)


def test_the_warning_says_what_kashflow_had_for_the_phone():
    (warning,) = [p for p in imported_row().problems if p.code == "invalid_phone"]
    assert warning.severity == "warning"
    assert warning.message == (
        'Phone "ask for Sue" in KashFlow is not a number: left out, and kept in the case comments.'
    )


def test_the_claim_description_lists_what_was_sold_with_the_invoice_and_its_dates():
    assert case_payload(sent_row())["claimDescription"] == (
        "KashFlow invoice 1042 issued 2026-09-01, due 2026-10-01; "
        "GBP 805.00 outstanding of 1,200.00.\n"
        "What was sold:\n"
        "- Oak door, fitted: 2 × GBP 300.00 = GBP 600.00 (+ VAT GBP 120.00)\n"
        "- Brass handles: 4 × GBP 100.00 = GBP 400.00 (+ VAT GBP 80.00)"
    )


def test_line_amounts_are_in_the_invoice_currency_with_its_decimals():
    detail = {**DETAIL, "Currency": {"Code": "JPY"},
              "LineItems": [{"Description": "Shoji panel", "Quantity": 3, "Rate": 50000.0,
                             "VATExempt": 1, "VATAmount": 0}]}  # fmt: skip
    row = replace(sent_row(detail=detail), currency="JPY")
    assert case_payload(row)["claimDescription"].endswith(
        "- Shoji panel: 3 × JPY 50,000 = JPY 150,000"
    )


def test_without_line_items_the_description_is_the_one_sentence():
    body = case_payload(sent_row(detail={**DETAIL, "LineItems": None}))
    assert body["claimDescription"] == (
        "KashFlow invoice 1042 issued 2026-09-01, due 2026-10-01; "
        "GBP 805.00 outstanding of 1,200.00."
    )


def test_the_comments_carry_payments_reminders_the_customers_reference_and_the_phone():
    assert case_payload(sent_row())["comments"] == (
        "Paid so far (KashFlow): GBP 300.00 on 12 Oct 2026; "
        "GBP 95.00 on 20 Oct 2026 (ref. BACS 1042).\n"
        "Reminder letters sent from KashFlow: letter 1 on 08 Oct 2026; letter 2 on 22 Oct 2026.\n"
        "Customer's reference: PO-88.\n"
        "Phone in KashFlow (not a usable number): ask for Sue."
    )


def test_a_case_with_no_history_sends_no_comments():
    clean = {**CUSTOMER, "TelephoneNumber": "0113 496 0123"}
    quiet = {**DETAIL, "PaymentLines": [], "ReminderLetters": None, "CustomerReference": ""}
    row = replace(sent_row(clean, quiet), customer_reference="")
    assert "comments" not in case_payload(row)


def test_long_texts_are_cut_cleanly_to_4000_characters():
    many = [{"Description": f"Skirting board {n} metre run, primed", "Quantity": 1, "Rate": 9}
            for n in range(400)]  # fmt: skip
    payments = [{"Date": "2026-10-01", "Amount": 1, "Reference": "x" * 30}] * 300
    body = case_payload(sent_row(detail={**DETAIL, "LineItems": many, "PaymentLines": payments}))
    for text in (body["claimDescription"], body["comments"]):
        assert text_length(text) <= MAX_CASE_TEXT
        assert text.endswith("…") and not text.endswith(" …")
    assert body["claimDescription"].startswith("KashFlow invoice 1042")


def test_the_cut_counts_as_debitura_does_and_never_splits_a_character():
    text = "🪵 " * 3000  # each log is two UTF-16 units
    cut = cut_text(text)
    assert text_length(cut) <= MAX_CASE_TEXT and cut.endswith("🪵…")
    assert cut_text("a" * MAX_CASE_TEXT) == "a" * MAX_CASE_TEXT


def test_the_bulk_csv_names_the_contact_and_keeps_only_a_usable_phone():
    record = bulk_csv_row(sent_row())
    assert record["DebtorContactPerson"] == "Jo Finch"
    assert record["PhoneNumber"] == ""
    text = bulk_import_csv([sent_row({**CUSTOMER, "TelephoneNumber": "0113 496 0123"})])
    (parsed,) = csv.DictReader(io.StringIO(text))
    assert parsed["PhoneNumber"] == "+441134960123"


def test_the_review_row_json_has_what_the_import_knows():
    debtor = imported_row().to_dict()["debtor"]
    assert debtor["contact_person"] == "Sue Bell"
    assert debtor["company_registration_number"] == "GB 123 4567 89"
    assert (debtor["phone"], debtor["phone_valid"]) == ("ask for Sue", False)
    good = imported_row({**CUSTOMER, "TelephoneNumber": "0113 496 0123"}).to_dict()["debtor"]
    assert (good["phone"], good["phone_valid"]) == ("+441134960123", True)


def test_detail_parts_are_rendered_from_typed_values():
    row = replace(
        imported_row(),
        detail=InvoiceDetail(
            line_items=(LineItem("Survey"),),
            payment_lines=(PaymentLine(date(2026, 10, 2), None),),
            reminder_letters=(ReminderLetter("", date(2026, 10, 9), True),),
        ),
    )
    body = case_payload(row)
    assert body["claimDescription"].endswith("What was sold:\n- Survey")
    assert body["comments"].startswith(
        "Paid so far (KashFlow): an amount not given on 02 Oct 2026.\n"
        "Reminder letters sent from KashFlow: a letter on 09 Oct 2026."
    )


def test_edits_to_the_debtor_keep_its_contact_and_registration_number():
    edited = apply_overrides(sent_row(), {"phone": "0113 496 0123", "city": "York"}, POLICY)
    debtor = case_payload(edited)["debtor"]
    assert (debtor["phone"], debtor["contactPerson"]) == ("+441134960123", "Jo Finch")
    assert debtor["companyRegistrationNumber"] == "GB 123 4567 89"
    assert "Phone in KashFlow" not in case_payload(edited)["comments"]
