"""Money: minor units, half-up rounding, outstanding balance across currencies, text form."""

from __future__ import annotations

from datetime import date
from decimal import Decimal

import pytest

from kashflow.models import Invoice
from mapping import Policy, build_row, format_money, map_debtor, minor_units, round_money
from mapping.money import outstanding_balance

POLICY = Policy(as_of=date(2026, 11, 21))
DEBTOR = map_debtor(None, fallback_name="Acme Ltd")


def row_for(**fields):
    raw = {"Number": 1, "Status": "Overdue", "IssuedDate": "2026-09-01 12:00:00",
           "DueDate": "2026-10-01 12:00:00", **fields}  # fmt: skip
    return build_row(Invoice.from_api(raw), DEBTOR, POLICY)


@pytest.mark.parametrize(
    ("currency", "units"),
    [("GBP", 2), ("EUR", 2), ("USD", 2), ("JPY", 0), ("KRW", 0), ("ISK", 0), ("KWD", 3),
     ("BHD", 3), ("TND", 3), ("CLF", 4), ("XYZ", 2)],
)  # fmt: skip
def test_minor_units_follow_iso_4217(currency, units):
    assert minor_units(currency) == units


@pytest.mark.parametrize(
    ("amount", "currency", "rounded"),
    [
        ("2.005", "GBP", "2.01"),
        ("2.0049", "GBP", "2.00"),
        ("2.015", "GBP", "2.02"),
        ("-2.005", "GBP", "-2.01"),
        ("117.5000", "GBP", "117.50"),
        ("195.080000", "AUD", "195.08"),
        ("1499.5", "JPY", "1500"),
        ("1498.5", "JPY", "1499"),
        ("0.0005", "KWD", "0.001"),
        ("-0.001", "GBP", "0.00"),
        ("1E+3", "GBP", "1000.00"),
    ],
)
def test_rounding_is_half_up_to_the_currency_minor_units(amount, currency, rounded):
    assert str(round_money(Decimal(amount), currency)) == rounded


@pytest.mark.parametrize("amount", ["1E+70", "1E+999999"])
def test_amounts_too_large_to_be_real_give_none_not_an_exception(amount):
    assert round_money(Decimal(amount), "GBP") is None


@pytest.mark.parametrize(
    ("amount", "currency", "text"),
    [("805", "GBP", "805.00"), ("1500", "JPY", "1500"), ("1500.4", "JPY", "1500"),
     ("1.2345", "KWD", "1.235"), ("0", "GBP", "0.00"), ("1E+2", "EUR", "100.00"),
     ("-12.5", "GBP", "-12.50")],
)  # fmt: skip
def test_format_money_writes_exactly_the_currency_decimals(amount, currency, text):
    assert format_money(Decimal(amount), currency) == text


@pytest.mark.parametrize(
    ("fields", "currency", "expected"),
    [
        # DueAmount, when KashFlow sends it, is the outstanding balance.
        ({"GrossAmount": 1200.0, "TotalPaidAmount": 395.0, "DueAmount": 805.0}, "GBP", "805.00"),
        ({"GrossAmount": "1200.0000", "DueAmount": "805.0000"}, "GBP", "805.00"),
        # Without it: gross less paid; home currency means a rate of 1 whatever was sent.
        ({"GrossAmount": 117.5000, "TotalPaidAmount": 17.5}, "GBP", "100.00"),
        ({"GrossAmount": "117.5000", "TotalPaidAmount": None}, "GBP", "117.50"),
        (
            {
                "GrossAmount": 117.5,
                "TotalPaidAmount": 17.5,
                "Currency": {"Code": "GBP", "ExchangeRate": 0},
            },
            "GBP",
            "100.00",
        ),
        (
            {
                "GrossAmount": 117.5,
                "TotalPaidAmount": 17.5,
                "Currency": {"Code": "GBP", "ExchangeRate": 1.2},
            },
            "GBP",
            "100.00",
        ),
        # Foreign currency, part paid: TotalPaidAmount is in GBP, times the rate (EUR per GBP).
        (
            {
                "GrossAmount": 1000.0,
                "TotalPaidAmount": 100.0,
                "Currency": {"Code": "EUR", "ExchangeRate": 1.1400},
            },
            "EUR",
            "886.00",
        ),
        (
            {
                "GrossAmount": "195.080000",
                "TotalPaidAmount": "48.770000",
                "Currency": {"Code": "AUD", "ExchangeRate": "2.0000"},
            },
            "AUD",
            "97.54",
        ),
        # Half-up after conversion: 100 - 33.3333 x 1.5 = 50.00005 -> 50.00 (not float noise).
        (
            {
                "GrossAmount": 100,
                "TotalPaidAmount": "33.3333",
                "Currency": {"Code": "USD", "ExchangeRate": "1.5"},
            },
            "USD",
            "50.00",
        ),
        (
            {
                "GrossAmount": 100,
                "TotalPaidAmount": "33.33",
                "Currency": {"Code": "USD", "ExchangeRate": "1.5"},
            },
            "USD",
            "50.01",
        ),
        # JPY: zero decimals.
        (
            {
                "GrossAmount": 150000.0,
                "TotalPaidAmount": 100.0,
                "Currency": {"Code": "JPY", "ExchangeRate": 198.456},
            },
            "JPY",
            "130154",
        ),
        ({"GrossAmount": 1499.5, "Currency": {"Code": "JPY"}}, "JPY", "1500"),
        # KWD: three decimals.
        (
            {"GrossAmount": "500.1235", "Currency": {"Code": "KWD", "ExchangeRate": 0.4}},
            "KWD",
            "500.124",
        ),
    ],
)
def test_amount_to_recover_is_the_outstanding_balance(fields, currency, expected):
    row = row_for(**fields)
    assert row.currency == currency
    assert row.to_dict()["amount_to_recover"] == expected
    assert isinstance(row.amount_to_recover, Decimal)


def test_foreign_part_payment_without_a_rate_cannot_be_converted():
    row = row_for(GrossAmount=1000, TotalPaidAmount=100, Currency={"Code": "EUR"})
    assert row.amount_to_recover is None
    assert "non_positive_amount" in {problem.code for problem in row.problems}
    assert row.to_dict()["amount_to_recover"] is None


def test_foreign_invoice_not_paid_needs_no_rate():
    row = row_for(GrossAmount=1000, TotalPaidAmount=0, Currency={"Code": "EUR"})
    assert row.to_dict()["amount_to_recover"] == "1000.00"


def test_gross_amount_is_rounded_and_kept_beside_the_amount_to_recover():
    row = row_for(GrossAmount="1200.005", DueAmount="0.125")
    assert row.to_dict()["gross_amount"] == "1200.01"
    assert row.to_dict()["amount_to_recover"] == "0.13"


def test_missing_gross_amount_is_null_in_the_row():
    row = row_for(DueAmount=10)
    assert row.to_dict()["gross_amount"] is None
    assert row.to_dict()["amount_to_recover"] == "10.00"


@pytest.mark.parametrize("paid", [Decimal(0), None])
def test_unpaid_foreign_invoice_owes_its_gross(paid):
    assert outstanding_balance(
        gross_amount=Decimal("99.999"), due_amount=None, total_paid_amount=paid,
        exchange_rate=None, currency="USD", home_currency="GBP",
    ) == Decimal("100.00")  # fmt: skip
