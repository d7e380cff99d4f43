"""Splitting KashFlow's Line1-Line4 into Debitura's street line, city and US state."""

from __future__ import annotations

import pytest

from kashflow.models import Customer
from mapping import is_uk_county, map_debtor, split_address, us_state_code
from mapping.address import tidy_postcode

CASES = [
    # The KashFlow documentation's customer: "GB" dropped, county dropped from the last line.
    (("1 Ashwood Close", "Branton", "Doncaster, South Yorkshire", "GB"), "DN3 3UB", "GB",
     ("1 Ashwood Close, Branton", "Doncaster", "", "")),
    # Empty lines are skipped wherever they are.
    (("", "12 High Street", "", "Leeds"), "LS1 4AB", "GB", ("12 High Street", "Leeds", "", "")),
    # Only Line1, with commas: the last comma part is the city.
    (("12 High St, Leeds",), "LS1 4AB", "GB", ("12 High St", "Leeds", "", "")),
    (("Flat 2, 10 Mill Rd, Leeds, West Yorkshire, UK",), "LS1 4AB", "GB",
     ("Flat 2, 10 Mill Rd", "Leeds", "", "")),
    # Only a street: no city (an error the analyst fixes), never the street as a city.
    (("12 High St",), "LS1 4AB", "GB", ("12 High St", "", "", "")),
    (("Unit 4", "12 Mill Road"), "LS1 4AB", "GB", ("Unit 4, 12 Mill Road", "", "", "")),
    # Lines repeating the postcode or the country are dropped; a trailing postcode is cut off.
    (("Unit 3", "Leeds", "LS1 4AB", "United Kingdom"), "LS1 4AB", "GB",
     ("Unit 3", "Leeds", "", "")),
    (("Unit 3", "Leeds LS1 4AB"), "LS1 4AB", "GB", ("Unit 3", "Leeds", "", "")),
    (("Unit 3", "Leeds ls14ab"), "LS1 4AB", "GB", ("Unit 3", "Leeds", "", "")),
    # UK nations and names of the UK.
    (("1 Rose St", "Edinburgh", "Scotland"), "EH2 2PR", "GB", ("1 Rose St", "Edinburgh", "", "")),
    (("1 Bute St", "Cardiff", "Wales"), "CF10 5AL", "GB", ("1 Bute St", "Cardiff", "", "")),
    (("1 Main St", "Belfast", "Co. Antrim", "Northern Ireland"), "BT1 5GS", "GB",
     ("1 Main St", "Belfast", "", "")),
    (("1 Mill Lane", "Bath", "Somerset", "England", "Great Britain"), "BA1 1AA", "GB",
     ("1 Mill Lane", "Bath", "", "")),
    (("1 Mill Lane", "Bath", "U.K."), "BA1 1AA", "GB", ("1 Mill Lane", "Bath", "", "")),
    # Counties, full and abbreviated; a city that shares a county's name stays.
    (("1 Station Rd", "Hitchin", "Herts"), "SG5 1AB", "GB", ("1 Station Rd", "Hitchin", "", "")),
    (("1 Station Rd", "Fleet", "Hants"), "GU51 3AA", "GB", ("1 Station Rd", "Fleet", "", "")),
    (("1 Piccadilly", "Manchester", "Greater Manchester"), "M1 1AA", "GB",
     ("1 Piccadilly", "Manchester", "", "")),
    (("Unit 3", "Mill Lane", "Durham", "County Durham"), "DH1 3HP", "GB",
     ("Unit 3, Mill Lane", "Durham", "", "")),
    (("Unit 3", "Mill Lane", "Durham", "Co Durham"), "DH1 3HP", "GB",
     ("Unit 3, Mill Lane", "Durham", "", "")),
    # Short towns are not mistaken for country codes.
    (("1 High St", "Ely"), "CB7 4AA", "GB", ("1 High St", "Ely", "", "")),
    (("1 High St", "Rye"), "TN31 7AA", "GB", ("1 High St", "Rye", "", "")),
    (("1 High St", "Ayr"), "KA7 1AA", "GB", ("1 High St", "Ayr", "", "")),
    # Postcode typed on a line instead of the PostCode field: found and moved.
    (("12 High St", "Leeds LS1 4AB"), "", "GB", ("12 High St", "Leeds", "", "LS1 4AB")),
    (("12 High St", "Leeds", "ls1 4ab"), "", "GB", ("12 High St", "Leeds", "", "LS1 4AB")),
    # Other countries: their own name or code is dropped.
    (("5 Rue de Rivoli", "Paris", "France"), "75001", "FR", ("5 Rue de Rivoli", "Paris", "", "")),
    (("5 Rue de Rivoli", "Paris", "FR"), "75001", "FR", ("5 Rue de Rivoli", "Paris", "", "")),
    (("Hauptstr. 1", "Berlin", "Deutschland"), "10115", "DE", ("Hauptstr. 1", "Berlin", "", "")),
    # US: the state comes from a line, a comma part or a trailing code.
    (("500 Main St", "Springfield, IL 62701"), "", "US",
     ("500 Main St", "Springfield", "IL", "62701")),
    (("500 Main St", "Austin TX"), "78701", "US", ("500 Main St", "Austin", "TX", "")),
    (("500 Main St", "Austin", "Texas", "USA"), "78701", "US", ("500 Main St", "Austin", "TX", "")),
    (("1 Peachtree St", "Atlanta", "Georgia"), "30301", "US",
     ("1 Peachtree St", "Atlanta", "GA", "")),
    (("1 Main St", "Brooklyn", "New York", "United States"), "11201", "US",
     ("1 Main St", "Brooklyn", "NY", "")),
    (("1 Main St", "New York, NY 10001"), "", "US", ("1 Main St", "New York", "NY", "10001")),
    (("1600 Pennsylvania Ave", "Washington", "DC"), "20500", "US",
     ("1600 Pennsylvania Ave", "Washington", "DC", "")),
    (("1 Main St", "Lebanon, PA"), "17042", "US", ("1 Main St", "Lebanon", "PA", "")),
    # "IN" is India's code and Indiana's: on a US address it is the state, not dropped.
    (("1 Main St", "Springfield", "IN"), "46201", "US", ("1 Main St", "Springfield", "IN", "")),
    # A state only for US debtors.
    (("1 Main St", "Toronto", "ON"), "M5H 2N2", "CA", ("1 Main St, Toronto", "ON", "", "")),
    # Much of Europe writes the postcode before the town, on the same line as the street.
    (("Storgatan 5, 753 20 Uppsala",), "753 20", "SE", ("Storgatan 5", "Uppsala", "", "")),
    (("Keizersgracht 221", "1016 DV Amsterdam"), "1016 DV", "NL",
     ("Keizersgracht 221", "Amsterdam", "", "")),
    (("14 rue des Tanneurs, 69002 Lyon",), "69002", "FR", ("14 rue des Tanneurs", "Lyon", "", "")),
    # A number that merely starts like the postcode is not it.
    (("12 Main St", "12345 Oaks"), "1234", "DE", ("12 Main St, 12345 Oaks", "", "", "")),
    # Nothing usable.
    (("", "", "", ""), "", "GB", ("", "", "", "")),
    (("GB", "United Kingdom"), "DN3 3UB", "GB", ("", "", "", "")),
]  # fmt: skip


@pytest.mark.parametrize(("lines", "postcode", "country", "expected"), CASES)
def test_address_lines_split_into_street_city_and_state(lines, postcode, country, expected):
    assert tuple(split_address(lines, postcode, country)) == expected


@pytest.mark.parametrize(
    ("text", "is_county"),
    [("South Yorkshire", True), ("Greater Manchester", True), ("Co. Antrim", True),
     ("County Antrim", True), ("co antrim", True), ("County Durham", True), ("Herts", True),
     ("Hants", True), ("HERTFORDSHIRE", True), ("Tyne & Wear", True), ("Isle of Wight", True),
     ("Glamorgan", True), ("Perth and Kinross", True), ("Co. Dublin", True),
     ("Durham", False), ("Antrim", False), ("Doncaster", False), ("London", False),
     ("Cardiff", False), ("Stirling", False), ("", False)],
)  # fmt: skip
def test_uk_counties_are_recognised_and_towns_are_not(text, is_county):
    assert is_uk_county(text) is is_county


@pytest.mark.parametrize(
    ("text", "code"),
    [("CA", "CA"), ("ca", "CA"), ("California", "CA"), ("US-CA", "CA"), ("new york", "NY"),
     ("D.C.", "DC"), ("Puerto Rico", "PR"), ("Kent", ""), ("", "")],
)  # fmt: skip
def test_us_states_are_found_by_code_or_name(text, code):
    assert us_state_code(text) == code


def test_debtor_takes_the_postcode_field_over_one_found_on_a_line():
    customer = Customer.from_api({"Code": "C1", "Name": "Acme Ltd", "Addresses": [
        {"Line1": "12 High St", "Line2": "Leeds LS2 9JT", "PostCode": "LS1 4AB",
         "CountryCode": "GB"}]})  # fmt: skip
    debtor = map_debtor(customer).debtor
    assert (debtor.address, debtor.city, debtor.postcode) == (
        "12 High St",
        "Leeds LS2 9JT",
        "LS1 4AB",
    )


def test_debtor_uses_the_first_non_empty_address():
    customer = Customer.from_api(
        {
            "Code": "C1",
            "Name": "Acme Ltd",
            "Addresses": [
                {"Line1": None, "PostCode": ""},
                {
                    "Line1": "12 High St",
                    "Line2": "Leeds",
                    "PostCode": "LS1 4AB",
                    "CountryCode": "GB",
                },
            ],
        }
    )
    debtor = map_debtor(customer).debtor
    assert (debtor.address, debtor.city, debtor.postcode) == ("12 High St", "Leeds", "LS1 4AB")


def test_us_debtor_without_a_state_is_an_error():
    customer = Customer.from_api({"Code": "C1", "Name": "Acme Inc", "Addresses": [
        {"Line1": "500 Main St", "Line2": "Springfield", "PostCode": "62701",
         "CountryCode": "US"}]})  # fmt: skip
    draft = map_debtor(customer)
    assert draft.debtor.state == ""
    assert "missing_state" in {problem.code for problem in draft.errors}


@pytest.mark.parametrize(
    ("postcode", "country", "expected"),
    [("gl50 2pu", "GB", "GL50 2PU"), ("dn33ub", "GB", "DN3 3UB"), ("SW1A1AA", "GB", "SW1A 1AA"),
     (" bt1  5gs ", "GB", "BT1 5GS"), ("ec1a 1bb", "IM", "EC1A 1BB"), ("75320", "SE", "75320"),
     ("1016  dv", "NL", "1016 dv"), ("not a code", "GB", "not a code"), ("", "GB", "")],
)  # fmt: skip
def test_postcodes_are_tidied_as_the_post_office_writes_them(postcode, country, expected):
    assert tidy_postcode(postcode, country) == expected
