"""Property tests: any JSON KashFlow might send maps without raising, and money stays exact."""

from __future__ import annotations

import json
import re
from datetime import date
from decimal import ROUND_HALF_UP, Decimal, localcontext

from hypothesis import HealthCheck, given, settings
from hypothesis import strategies as st

from kashflow.models import Customer, Invoice
from mapping import (
    DEBTOR_FIELDS,
    Policy,
    apply_overrides,
    build_row,
    map_debtor,
    map_invoices,
    minor_units,
)
from mapping.frame import frame_edits, rows_to_frame

POLICY = Policy(as_of=date(2026, 11, 21))
FAST = settings(max_examples=120, deadline=None, suppress_health_check=[HealthCheck.too_slow])

INVOICE_KEYS = ["Number", "InvoiceNumber", "CustomerCode", "CustomerName", "Status",
                "IssuedDate", "DueDate", "GrossAmount", "TotalPaidAmount", "DueAmount",
                "Currency", "CurrencyCode", "ExchangeRate", "Code"]  # fmt: skip
CUSTOMER_KEYS = ["Code", "Name", "DisplayName", "Email", "TelephoneNumber", "MobileNumber",
                 "VATNumber", "VatNumber", "Contacts", "Addresses", "Line1", "Line2", "Line3",
                 "Line4", "PostCode", "CountryCode", "CountryName", "IsPrimary", "Telephone",
                 "Mobile", "Firstname", "FirstName", "LastName"]  # fmt: skip
PLAUSIBLE_TEXT = st.sampled_from([
    "", " ", "Unpaid", "Overdue - Part Paid", "paid", "GB", "UK", "US", "CA", "IN", "USA",
    "United Kingdom", "South Yorkshire", "Co. Antrim", "Doncaster, South Yorkshire",
    "Leeds LS1 4AB", "LS1 4AB", "Austin TX 78701", "New York", "Georgia", "GBP", "JPY", "KWD",
    "XYZ", "2025-09-01 12:00:00", "2012-10-09 12:00:00 +05:30", "2025-09-01T00:30:00-08:00",
    "1900-01-01 12:00:00", "9999-12-31", "117.5000", "195.080000", "-1", "1e999", "NaN",
    "Acme Ltd", "Abbey Smith", "+44 113 496 0000", "call me", "a@b.c", "x" * 60, "٣",
])  # fmt: skip
SCALARS = (
    st.none() | st.booleans() | st.integers(min_value=-(10**30), max_value=10**30)
    | st.floats() | st.text(max_size=30) | PLAUSIBLE_TEXT
)  # fmt: skip


def json_like(keys):
    return st.recursive(
        SCALARS,
        lambda children: (
            st.lists(children, max_size=3)
            | st.dictionaries(st.sampled_from(keys) | st.text(max_size=6), children, max_size=6)
        ),
        max_leaves=25,
    )


def kashflow_shaped(keys):
    """Dicts with KashFlow's keys (any casing) holding anything, sometimes nested."""
    key = st.sampled_from(keys).flatmap(
        lambda name: st.sampled_from([name, name.lower(), name.upper()])
    )
    return st.dictionaries(key, json_like(keys), max_size=12) | json_like(keys)


@FAST
@given(
    raw_invoices=st.lists(kashflow_shaped(INVOICE_KEYS), max_size=6),
    raw_customers=st.lists(kashflow_shaped(CUSTOMER_KEYS), max_size=4),
    overrides=st.dictionaries(
        st.sampled_from([*DEBTOR_FIELDS, "junk"]), st.text(max_size=20) | PLAUSIBLE_TEXT
    ),
    home=st.sampled_from(["GBP", "EUR", "JPY", "XYZ", ""]),
)
def test_any_json_maps_without_raising(raw_invoices, raw_customers, overrides, home):
    policy = Policy(as_of=date(2026, 11, 21), home_currency=home)
    invoices = [Invoice.from_api(raw) for raw in raw_invoices]
    customers = {customer.code: customer for customer in map(Customer.from_api, raw_customers)}
    for customer in customers.values():
        map_debtor(customer, fallback_name="X")
    # Make some invoices meet their customers and be open, so full rows get built.
    invoices += [
        Invoice.from_api(
            {
                **(raw if isinstance(raw, dict) else {}),
                "Status": "Overdue",
                "Number": index + 1000,
                "CustomerCode": code,
            }
        )
        for index, (raw, code) in enumerate(zip(raw_invoices, customers, strict=False))
    ]
    result = map_invoices(invoices, customers, policy, unavailable_customers=list(customers)[:1])
    for row in result.rows:
        data = row.to_dict()
        json.dumps(data)
        assert data["eligible"] == (not any(p["severity"] == "error" for p in data["problems"]))
        edited = apply_overrides(row, overrides, policy)
        assert apply_overrides(edited, overrides, policy) == edited
        json.dumps(edited.to_dict())
    frame = rows_to_frame(result.rows)
    assert len(frame) == len(result.rows)
    assert frame_edits(frame, frame.copy()) == {}


@FAST
@given(invoice=kashflow_shaped(INVOICE_KEYS), customer=kashflow_shaped(CUSTOMER_KEYS))
def test_any_json_builds_a_row_for_any_customer(invoice, customer):
    row = build_row(Invoice.from_api(invoice), map_debtor(Customer.from_api(customer)), POLICY)
    json.dumps(row.to_dict())


def decimals(min_value, max_value, places):
    return st.decimals(min_value=min_value, max_value=max_value, places=places,
                       allow_nan=False, allow_infinity=False)  # fmt: skip


def as_json(value: Decimal, as_number: bool):
    """KashFlow sends numbers or strings; a JSON number is a float to Python."""
    return float(value) if as_number else format(value, "f")


def sent(value: Decimal, as_number: bool) -> Decimal:
    """The exact value the API sent: a float's shortest text, or the string itself."""
    return Decimal(repr(float(value))) if as_number else value


def expected_amount(gross, paid, rate, due, currency, home):
    with localcontext(prec=100):
        if due is not None:
            value = due
        elif not paid:
            value = gross
        else:
            value = gross - paid * (Decimal(1) if currency == home else rate)
        return value.quantize(Decimal(1).scaleb(-minor_units(currency)), rounding=ROUND_HALF_UP)


@settings(max_examples=300, deadline=None)
@given(
    gross=decimals(0, 10**9, 4),
    paid=decimals(0, 10**6, 6),
    rate=decimals(Decimal("0.0001"), 10**4, 6),
    due=st.none() | decimals(-(10**6), 10**9, 6),
    currency=st.sampled_from(["GBP", "EUR", "USD", "JPY", "KWD", "CLF", "SEK"]),
    numbers=st.tuples(st.booleans(), st.booleans(), st.booleans(), st.booleans()),
)
def test_amounts_stay_exact(gross, paid, rate, due, currency, numbers):
    raw = {
        "Number": 1, "Status": "Overdue",
        "GrossAmount": as_json(gross, numbers[0]),
        "TotalPaidAmount": as_json(paid, numbers[1]),
        "Currency": {"Code": currency, "ExchangeRate": as_json(rate, numbers[2])},
    }  # fmt: skip
    if due is not None:
        raw["DueAmount"] = as_json(due, numbers[3])
    row = build_row(Invoice.from_api(raw), map_debtor(None), POLICY)

    expected = expected_amount(
        sent(gross, numbers[0]), sent(paid, numbers[1]), sent(rate, numbers[2]),
        None if due is None else sent(due, numbers[3]), currency, POLICY.home_currency,
    )  # fmt: skip
    assert row.amount_to_recover == expected
    assert isinstance(row.amount_to_recover, Decimal)
    places = minor_units(currency)
    pattern = rf"-?\d+\.\d{{{places}}}" if places else r"-?\d+"
    data = row.to_dict()
    for text in (data["amount_to_recover"], data["gross_amount"]):
        assert re.fullmatch(pattern, text), text
    assert Decimal(data["amount_to_recover"]) == expected
