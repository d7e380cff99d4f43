"""The case currency: the invoice's own, checked against ISO 4217; blank means home currency."""

from __future__ import annotations

from datetime import date

import pytest

from kashflow.models import Invoice
from mapping import Policy, build_row, invoice_currency, is_valid_currency, map_debtor

DEBTOR = map_debtor(None, fallback_name="Acme Ltd")


@pytest.mark.parametrize(
    ("raw", "home", "expected"),
    [
        ("GBP", "GBP", ("GBP", True)),
        (" eur ", "GBP", ("EUR", True)),
        ("jpy", "GBP", ("JPY", True)),
        ("", "GBP", ("GBP", True)),
        ("", "eur", ("EUR", True)),
        ("XYZ", "GBP", ("XYZ", False)),
        ("£", "GBP", ("£", False)),
        ("Pounds", "GBP", ("POUNDS", False)),
        ("XAU", "GBP", ("XAU", False)),  # gold is ISO 4217 but not invoice money
    ],
)
def test_the_invoice_currency_is_normalised_defaults_to_home_and_flags_non_iso_codes(
    raw, home, expected
):
    assert invoice_currency(raw, home) == expected


@pytest.mark.parametrize("code", ["GBP", "EUR", "USD", "JPY", "KWD", "SEK", "THB", "ZAR"])
def test_real_currencies_are_valid(code):
    assert is_valid_currency(code)


@pytest.mark.parametrize(
    ("fields", "home", "currency", "invalid"),
    [
        ({"Currency": {"Code": "EUR", "ExchangeRate": 1.14}}, "GBP", "EUR", False),
        ({"Currency": {"Code": "usd"}}, "GBP", "USD", False),
        ({"CurrencyCode": "SEK"}, "GBP", "SEK", False),
        ({"Currency": None}, "GBP", "GBP", False),
        ({}, "EUR", "EUR", False),
        ({"Currency": {"Code": ""}}, "GBP", "GBP", False),
        ({"Currency": {"Code": "XYZ"}}, "GBP", "XYZ", True),
    ],
)
def test_row_currency_is_never_converted(fields, home, currency, invalid):
    invoice = Invoice.from_api({"Number": 1, "GrossAmount": "100.0000", **fields})
    row = build_row(invoice, DEBTOR, Policy(as_of=date(2026, 11, 21), home_currency=home))
    assert row.currency == currency
    assert row.to_dict()["amount_to_recover"].startswith("100")
    codes = {problem.code for problem in row.problems}
    assert ("invalid_currency" in codes) is invalid
