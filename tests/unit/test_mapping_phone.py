"""Phone numbers: which one, formatted E.164 for the debtor's country, or flagged."""

from __future__ import annotations

import pytest

from kashflow.models import Customer
from mapping import format_phone, map_debtor


@pytest.mark.parametrize(
    ("raw", "country", "text", "valid"),
    [
        ("01302 123456", "GB", "+441302123456", True),
        ("020 7946 0000", "GB", "+442079460000", True),
        ("+44 (0)20 7946 0000", "GB", "+442079460000", True),
        ("07700 900123", "GB", "+447700900123", True),
        ("(212) 555-0100", "US", "+12125550100", True),
        ("+1 212 555 0100", "GB", "+12125550100", True),
        ("01 23 45 67 89", "FR", "+33123456789", True),
        ("call first", "GB", "call first", False),
        ("123", "GB", "123", False),
        ("0113 496 0000", "", "0113 496 0000", False),  # no country to read it against
        ("", "GB", "", False),
    ],
)
def test_phones_become_e164_for_the_country_or_stay_as_typed_when_invalid(
    raw, country, text, valid
):
    assert tuple(format_phone(raw, country)) == (text, valid)


def customer(country="GB", **fields):
    return Customer.from_api({"Code": "C1", "Name": "Acme Ltd", "Addresses": [
        {"Line1": "1 High St", "Line2": "Leeds", "PostCode": "LS1 4AB", "CountryCode": country}],
        **fields})  # fmt: skip


@pytest.mark.parametrize(
    ("fields", "phone"),
    [
        ({"TelephoneNumber": "0113 496 0000", "MobileNumber": "07700 900123"}, "+441134960000"),
        ({"TelephoneNumber": "", "MobileNumber": "07700 900123"}, "+447700900123"),
        ({"Telephone": "0113 496 0000"}, "+441134960000"),
        # Then the primary contact (else the first one): its telephone, else its mobile.
        ({"Contacts": [{"Telephone": "0113 496 0001"},
                       {"Telephone": "0113 496 0002", "IsPrimary": True}]}, "+441134960002"),
        ({"Contacts": [{"Telephone": "", "Mobile": "07700 900124"}]}, "+447700900124"),
        ({"Contacts": [{"Telephone": None, "Mobile": None, "IsPrimary": True},
                       {"Telephone": "0113 496 0003"}]}, ""),
        ({}, ""),
    ],
)  # fmt: skip
def test_the_phone_comes_from_the_customer_then_the_primary_contact(fields, phone):
    assert map_debtor(customer(**fields)).debtor.phone == phone


def test_phone_is_read_against_the_debtor_country():
    draft = map_debtor(customer(country="US", TelephoneNumber="(212) 555-0100"))
    assert draft.debtor.phone == "+12125550100"


@pytest.mark.parametrize(
    ("fields", "code", "phone"),
    [
        ({"TelephoneNumber": "call first"}, "invalid_phone", "call first"),
        ({"TelephoneNumber": "12"}, "invalid_phone", "12"),
        ({}, "missing_phone", ""),
    ],
)
def test_unusable_phone_is_a_warning_and_kept_as_typed(fields, code, phone):
    draft = map_debtor(customer(**fields))
    assert draft.debtor.phone == phone
    assert code in {problem.code for problem in draft.warnings}
    assert all(problem.severity == "warning" for problem in draft.warnings)
