"""The analyst's debtor edits: applied to one invoice's row and re-checked at once."""

from __future__ import annotations

from datetime import date

import pytest

from kashflow.models import Customer, Invoice
from mapping import Policy, apply_overrides, build_row, map_debtor

POLICY = Policy(as_of=date(2026, 11, 21))

CUSTOMER = {
    "Code": "ACME01", "Name": "Acme Widgets Ltd", "Email": "ap@acme.example",
    "TelephoneNumber": "0113 496 0000",
    "Addresses": [{"Line1": "12 High Street", "PostCode": "LS1 4AB"}],  # no city, no country
}  # fmt: skip
INVOICE = {
    "Number": 1001, "CustomerCode": "ACME01", "Status": "Overdue", "DueAmount": 805.0,
    "IssuedDate": "2026-09-01 12:00:00", "DueDate": "2026-10-01 12:00:00",
}  # fmt: skip


def make_row(customer=CUSTOMER, **options):
    debtor = map_debtor(Customer.from_api(customer) if customer is not None else None,
                        fallback_name="Acme Widgets Ltd")  # fmt: skip
    return build_row(Invoice.from_api(INVOICE), debtor, POLICY, **options)


def codes(row):
    return {problem.code for problem in row.problems}


def test_the_starting_row_has_the_problems_the_edits_fix():
    row = make_row()
    assert codes(row) == {"missing_city", "inferred_type", "default_country"}
    assert not row.eligible


def test_adding_the_missing_city_makes_the_row_eligible():
    row = apply_overrides(make_row(), {"city": " Leeds "}, POLICY)
    assert row.debtor.city == "Leeds"
    assert row.eligible
    assert codes(row) == {"inferred_type", "default_country"}
    assert row.overridden == {"city"}


@pytest.mark.parametrize(
    ("overrides", "removed", "added"),
    [
        ({"type": "Company"}, {"inferred_type"}, set()),  # confirming the guess counts
        ({"type": "private"}, {"inferred_type"}, {"needs_documents"}),
        ({"type": "Person"}, {"inferred_type"}, {"needs_documents"}),
        ({"type": "maybe"}, set(), set()),  # not a type: ignored, the guess stays
        ({"country": "GB"}, {"default_country"}, set()),
        ({"country": "United Kingdom"}, {"default_country"}, set()),
        ({"country": "uk"}, {"default_country"}, set()),
        ({"country": "XX"}, {"default_country"}, {"invalid_country", "invalid_phone"}),
        ({"country": ""}, {"default_country"}, {"invalid_country", "invalid_phone"}),
        ({"country": "US"}, {"default_country"}, {"missing_state", "invalid_phone"}),
        ({"country": "US", "state": "California"}, {"default_country"}, {"invalid_phone"}),
        ({"country": "US", "state": "Narnia"}, {"default_country"},
         {"missing_state", "invalid_phone"}),
        ({"email": ""}, set(), {"missing_email"}),
        ({"email": "not an address"}, set(), {"missing_email"}),
        ({"phone": ""}, set(), {"missing_phone"}),
        ({"phone": "call Sue"}, set(), {"invalid_phone"}),
        ({"address": ""}, set(), {"missing_address"}),
        ({"postcode": ""}, set(), {"missing_postcode"}),
        ({"name": ""}, set(), {"missing_name"}),
        ({"colour": "blue", "amount_to_recover": "1"}, set(), set()),  # unknown keys ignored
    ],
)  # fmt: skip
def test_each_edit_is_rechecked(overrides, removed, added):
    before = make_row()
    after = apply_overrides(before, overrides, POLICY)
    assert codes(after) == (codes(before) - removed) | added


def test_the_phone_is_reformatted_for_an_edited_country():
    row = make_row({**CUSTOMER, "TelephoneNumber": "1 212 555 0100"})
    assert row.debtor.phone == "1 212 555 0100"  # too long for a UK number: kept as typed
    assert "invalid_phone" in codes(row)
    edited = apply_overrides(row, {"country": "US", "state": "NY"}, POLICY)
    assert edited.debtor.phone == "+12125550100"
    assert (edited.debtor.country, edited.debtor.state) == ("US", "NY")
    assert "invalid_phone" not in codes(edited)


def test_an_edited_phone_is_formatted_e164():
    edited = apply_overrides(make_row(), {"phone": "07700 900123"}, POLICY)
    assert edited.debtor.phone == "+447700900123"


def test_any_debtor_edit_clears_customer_unavailable_but_not_already_submitted():
    row = make_row(None, already_submitted=True)
    assert {"customer_unavailable", "already_submitted"} <= codes(row)
    edited = apply_overrides(row, {"address": "1 High St", "city": "Leeds", "postcode": "LS1 4AB",
                                   "country": "GB"}, POLICY)  # fmt: skip
    assert "customer_unavailable" not in codes(edited)
    assert not edited.customer_unavailable
    assert "already_submitted" in codes(edited)
    assert edited.already_submitted and not edited.eligible


def test_applying_nothing_returns_an_equal_row():
    row = make_row()
    assert apply_overrides(row, {}, POLICY) == row
    assert apply_overrides(row, {"unknown": "x"}, POLICY) == row


def test_applying_the_same_edits_twice_changes_nothing():
    edits = {"city": "Leeds", "country": "gb", "type": "Private", "phone": "0113 496 0001"}
    once = apply_overrides(make_row(), edits, POLICY)
    twice = apply_overrides(once, edits, POLICY)
    assert twice == once
    assert twice.to_dict() == once.to_dict()


def test_later_edits_add_to_earlier_ones_and_replace_the_same_key():
    row = apply_overrides(make_row(), {"city": "Leeds", "email": "a@acme.example"}, POLICY)
    row = apply_overrides(row, {"city": "York"}, POLICY)
    assert (row.debtor.city, row.debtor.email) == ("York", "a@acme.example")
    assert row.overridden == {"city", "email"}


def test_edits_start_from_the_mapped_debtor_not_from_earlier_formatting():
    row = apply_overrides(make_row(), {"country": "US"}, POLICY)
    row = apply_overrides(row, {"country": "GB"}, POLICY)
    assert row.debtor.phone == "+441134960000"  # the number as typed, read for GB again


def test_invoice_side_problems_stay_after_an_edit():
    row = build_row(Invoice.from_api({**INVOICE, "DueDate": "2026-12-01"}),
                    map_debtor(Customer.from_api(CUSTOMER)), POLICY)  # fmt: skip
    edited = apply_overrides(row, {"city": "Leeds"}, POLICY)
    assert "not_yet_due" in codes(edited)
    assert edited.amount_to_recover == row.amount_to_recover


@pytest.mark.parametrize("empty", [None, float("nan"), "   "])
def test_none_nan_or_blank_values_clear_the_field(empty):
    edited = apply_overrides(make_row(), {"email": empty}, POLICY)
    assert edited.debtor.email == ""
    assert "missing_email" in codes(edited)
