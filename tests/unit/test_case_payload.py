"""Review row → Debitura ``POST /cases`` body and bulk-import CSV row (pure functions)."""

from __future__ import annotations

import csv
import io
from datetime import date
from decimal import Decimal

import pytest

from jsonwire.encoding import dumps
from mapping.case_payload import (
    BULK_CSV_COLUMNS,
    DEFAULT_TEST_TAG,
    PayloadError,
    bulk_csv_row,
    case_payload,
    payload_fingerprint,
)
from mapping.debtor import Debtor
from mapping.rows import ReviewRow
from workflow.export import bulk_import_csv

# Debitura's CreateCollectionCaseRequestApiViewModel and DebtorDto (additionalProperties false).
CREATE_FIELDS = {
    "currencyCode", "date", "dueDate", "comments", "claimDescription", "creditorReference",
    "debtor", "creditorDivisionId", "amountToRecover", "amountToRecoverOver6Months",
    "amountToRecoverOver12Months", "amountToRecoverOver24Months", "skipDebituraVerification",
    "skipCreationEmails", "allowPendingContracts", "isTest", "tag", "collectionPartnerId",
    "assignedUserEmail", "returnUrl",
}  # fmt: skip
DEBTOR_FIELDS = {
    "type", "name", "contactPerson", "companyRegistrationNumber", "address", "zipCode", "city",
    "state", "stateAlpha2", "countryAlpha2", "country", "email", "phone",
}  # fmt: skip

ACME = Debtor(
    "Company", "Acme Joinery Ltd", email="accounts@acme.example", phone="+441132496000",
    address="1 High Street", postcode="LS1 4AB", city="Leeds", country="GB",
)  # fmt: skip


def review_row(
    number: str = "1042",
    *,
    currency: str = "GBP",
    gross: str | None = "1200.00",
    amount: str | None = "805.00",
    issued: date | None = date(2026, 9, 1),
    due: date | None = date(2026, 10, 1),
    debtor: Debtor = ACME,
) -> ReviewRow:
    return ReviewRow(
        number, "ACME01", "OverduePartPaid", issued, due, currency,
        None if gross is None else Decimal(gross), None if amount is None else Decimal(amount),
        51, debtor, (),
    )  # fmt: skip


def test_the_body_has_every_case_field_from_the_row():
    body = case_payload(review_row())
    assert body == {
        "currencyCode": "GBP",
        "amountToRecover": Decimal("805.00"),
        "date": "2026-09-01T00:00:00Z",
        "dueDate": "2026-10-01T00:00:00Z",
        "creditorReference": "1042",
        "claimDescription": "KashFlow invoice 1042 issued 2026-09-01, due 2026-10-01; "
        "GBP 805.00 outstanding of 1,200.00.",
        "debtor": {
            "type": "Company",
            "name": "Acme Joinery Ltd",
            "address": "1 High Street",
            "zipCode": "LS1 4AB",
            "city": "Leeds",
            "countryAlpha2": "GB",
            "email": "accounts@acme.example",
            "phone": "+441132496000",
        },
    }


@pytest.mark.parametrize(
    ("currency", "amount", "wire"),
    [
        ("GBP", "805", "805.00"),
        ("GBP", "2.005", "2.01"),
        ("JPY", "150000", "150000"),
        ("JPY", "1499.5", "1500"),
        ("KWD", "12.3456", "12.346"),
        ("EUR", "0.10", "0.10"),
    ],
)
def test_amounts_go_out_exactly_with_the_currency_decimals(currency, amount, wire):
    body = case_payload(review_row(currency=currency, amount=amount, gross=amount))
    assert isinstance(body["amountToRecover"], Decimal)
    assert f'"amountToRecover":{wire},' in dumps(body)


@pytest.mark.parametrize(
    ("debtor", "expected"),
    [
        (
            Debtor("Private", "Jane Roe", address="1 Main St", postcode="94105",
                   city="San Francisco", country="US", state="CA"),
            {"type": "Private", "name": "Jane Roe", "address": "1 Main St", "zipCode": "94105",
             "city": "San Francisco", "countryAlpha2": "US", "stateAlpha2": "CA"},
        ),
        (  # a state only matters for the US
            Debtor("Company", "Bau GmbH", address="Hauptstr. 1", postcode="10115",
                   city="Berlin", country="DE", state="Berlin"),
            {"type": "Company", "name": "Bau GmbH", "address": "Hauptstr. 1",
             "zipCode": "10115", "city": "Berlin", "countryAlpha2": "DE"},
        ),
        (  # empty optional fields are left out, not sent as ""
            Debtor("Company", "Bare Ltd", country="gb"),
            {"type": "Company", "name": "Bare Ltd", "countryAlpha2": "GB"},
        ),
    ],
)  # fmt: skip
def test_the_debtor_object_carries_the_debtor_and_leaves_out_empty_fields(debtor, expected):
    assert case_payload(review_row(debtor=debtor))["debtor"] == expected


def test_only_fields_of_the_schema_are_sent_even_in_test_mode():
    for body in (case_payload(review_row()), case_payload(review_row(), test_mode=True)):
        assert set(body) <= CREATE_FIELDS
        assert set(body["debtor"]) <= DEBTOR_FIELDS


def test_test_mode_adds_is_test_and_a_tag_and_only_then():
    assert "isTest" not in case_payload(review_row()) and "tag" not in case_payload(review_row())
    body = case_payload(review_row(), test_mode=True)
    assert (body["isTest"], body["tag"]) == (True, DEFAULT_TEST_TAG)
    assert case_payload(review_row(), test_mode=True, tag="run-7")["tag"] == "run-7"
    assert len(case_payload(review_row(), test_mode=True, tag="x" * 300)["tag"]) == 100


@pytest.mark.parametrize(
    ("row", "sentence"),
    [
        (review_row(), "KashFlow invoice 1042 issued 2026-09-01, due 2026-10-01; "
                       "GBP 805.00 outstanding of 1,200.00."),
        (review_row(amount="1200.00"), "KashFlow invoice 1042 issued 2026-09-01, "
                                       "due 2026-10-01; GBP 1,200.00 outstanding."),
        (review_row(currency="JPY", gross="1500000", amount="250000"),
         "KashFlow invoice 1042 issued 2026-09-01, due 2026-10-01; JPY 250,000 outstanding "
         "of 1,500,000."),
    ],
)  # fmt: skip
def test_the_claim_description_is_one_factual_sentence(row, sentence):
    assert case_payload(row)["claimDescription"] == sentence


def test_missing_dates_are_left_out_and_a_missing_amount_cannot_be_sent():
    body = case_payload(review_row(issued=None, due=None))
    assert "date" not in body and "dueDate" not in body
    with pytest.raises(PayloadError, match="1042"):
        case_payload(review_row(amount=None))


def test_the_fingerprint_names_the_content_not_the_key_order():
    body = case_payload(review_row())
    reordered = dict(reversed(list(body.items())))
    assert payload_fingerprint(body) == payload_fingerprint(reordered)
    changes = [
        case_payload(review_row(amount="805.01")),
        case_payload(review_row(), test_mode=True),
        case_payload(review_row(debtor=Debtor("Company", "Acme Joinery Ltd", country="GB"))),
    ]
    assert len({payload_fingerprint(body), *map(payload_fingerprint, changes)}) == 4


@pytest.mark.parametrize(
    ("debtor", "currency", "amount", "country", "state"),
    [
        (ACME, "GBP", "805.00", "United Kingdom", ""),
        (Debtor("Private", "Jane Roe", address="1 Main St", postcode="94105",
                city="San Francisco", country="US", state="CA"),
         "USD", "12345.60", "United States", "CA"),
        (Debtor("Company", "Bau GmbH", address="Hauptstr. 1", postcode="10115",
                city="Berlin", country="DE"), "EUR", "1234567.89", "Germany", ""),
        (Debtor("Company", "Kabushiki", address="1-1", postcode="100-0001", city="Tokyo",
                country="JP"), "JPY", "150000", "Japan", ""),
    ],
)  # fmt: skip
def test_bulk_csv_rows_use_debituras_columns(debtor, currency, amount, country, state):
    row = review_row(debtor=debtor, currency=currency, amount=amount, gross=amount)
    record = bulk_csv_row(row)
    assert tuple(record) == BULK_CSV_COLUMNS
    assert record["Country"] == country
    assert record["PrincipalAmount"] == amount  # numbers only: no symbol, no separators
    assert record["CurrencyCode"] == currency
    assert record["State"] == state
    assert (record["InvoiceDate"], record["DueDate"]) == ("2026-09-01", "2026-10-01")
    assert record["InvoiceNumber"] == "1042" and record["DebtorName"] == debtor.name
    assert record["PostalCode"] == debtor.postcode and record["City"] == debtor.city
    assert record["DebtorContactPerson"] == ""


def test_bulk_csv_file_round_trips_commas_and_quotes():
    tricky = Debtor(
        "Company", 'The "Oak" Works, Ltd', address="Unit 4, Mill Lane", postcode="YO1 8AS",
        city="York", country="GB",
    )  # fmt: skip
    text = bulk_import_csv([review_row(), review_row("1043", debtor=tricky)])
    records = list(csv.DictReader(io.StringIO(text)))
    assert [r["InvoiceNumber"] for r in records] == ["1042", "1043"]
    assert records[1]["DebtorName"] == 'The "Oak" Works, Ltd'
    assert records[1]["Address"] == "Unit 4, Mill Lane"
    assert text.splitlines()[0] == ",".join(BULK_CSV_COLUMNS)
