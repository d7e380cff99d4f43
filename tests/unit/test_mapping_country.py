"""The debtor's country: code, then name, then an address line, then GB with a warning."""

from __future__ import annotations

import pytest

from kashflow.models import Customer
from mapping import country_from_text, map_debtor, resolve_country


@pytest.mark.parametrize(
    ("code", "name", "lines", "expected"),
    [
        ("GB", "United Kingdom", (), ("GB", "code")),
        ("gb", "", (), ("GB", "code")),
        ("UK", "", (), ("GB", "code")),
        (" IE ", "", (), ("IE", "code")),
        ("GBR", "", (), ("GB", "code")),
        ("", "United Kingdom", (), ("GB", "name")),
        ("", "UK", (), ("GB", "name")),
        ("", "Great Britain", (), ("GB", "name")),
        ("", "England", (), ("GB", "name")),
        ("", "Scotland", (), ("GB", "name")),
        ("", "Wales", (), ("GB", "name")),
        ("", "Northern Ireland", (), ("GB", "name")),
        ("", "united states", (), ("US", "name")),
        ("", "United States of America", (), ("US", "name")),
        ("", "Deutschland", (), ("DE", "name")),
        ("XX", "France", (), ("FR", "name")),  # an invalid code does not win over a good name
        ("", "", ("5 Rue X", "Paris", "France"), ("FR", "address")),
        ("", "", ("1 Main St", "Cork, Ireland"), ("IE", "address")),
        ("", "", ("1 Main St", "Austin", "TX"), ("GB", "default")),  # "TX" is not a country
        ("", "Narnia", (), ("Narnia", "unreadable")),  # given but unreadable: never GB
        ("", "", (), ("GB", "default")),
    ],
)
def test_the_country_comes_from_the_code_then_the_name_then_an_address_line_else_gb(
    code, name, lines, expected
):
    # Models strip text; the resolver is given what from_api would give.
    assert tuple(resolve_country(code.strip(), name, lines)) == expected


@pytest.mark.parametrize(
    ("text", "alpha_2"),
    [("gb", "GB"), ("uk", "GB"), ("U.K.", "GB"), ("United Kingdom", "GB"), ("fr", "FR"),
     ("FRA", "FR"), ("Viet Nam", "VN"), ("Vietnam", "VN"), ("Korea, Republic of", "KR"),
     ("826", ""), ("XX", ""), ("", "")],
)  # fmt: skip
def test_country_from_text_accepts_codes_and_names(text, alpha_2):
    assert country_from_text(text) == alpha_2


@pytest.mark.parametrize(
    ("address", "country", "warned"),
    [
        ({"CountryCode": "FR", "CountryName": "France"}, "FR", False),
        ({"CountryCode": "", "CountryName": "Ireland"}, "IE", False),
        ({"CountryCode": None, "CountryName": None, "Line4": "United Kingdom"}, "GB", False),
        ({"CountryCode": "", "CountryName": ""}, "GB", True),
        ({}, "GB", True),
    ],
)
def test_default_country_is_gb_with_a_warning(address, country, warned):
    customer = Customer.from_api(
        {
            "Code": "C1",
            "Name": "Acme Ltd",
            "Addresses": [
                {"Line1": "1 High St", "Line2": "Town", "PostCode": "AB1 2CD", **address}
            ],
        }
    )
    draft = map_debtor(customer)
    assert draft.debtor.country == country
    assert draft.country_defaulted is warned
    assert ("default_country" in {problem.code for problem in draft.warnings}) is warned


def test_unfetched_customer_gets_the_default_country_with_a_warning():
    draft = map_debtor(None, fallback_name="Acme Ltd")
    assert draft.debtor.country == "GB"
    assert "default_country" in {problem.code for problem in draft.warnings}
