"""Company or Private, inferred from the VAT number and the name, with the reason shown."""

from __future__ import annotations

import pytest

from kashflow.models import Customer
from mapping import infer_debtor_type, map_debtor

COMPANY_NAMES = [
    ("Acme Widgets Ltd", "Ltd"), ("Acme Widgets Ltd.", "Ltd."), ("ACME WIDGETS LIMITED", "LIMITED"),
    ("Tesco PLC", "PLC"), ("Smith & Jones LLP", "LLP"), ("Acme LLC", "LLC"),
    ("Abbott Inc.", "Inc."),
    ("Acme Corp", "Corp"), ("Siemens GmbH", "GmbH"), ("Allianz AG", "AG"), ("Nestlé S.A.", "S.A."),
    ("Renault SAS", "SAS"), ("Boulangerie SARL", "SARL"), ("Philips N.V.", "N.V."),
    ("Philips NV", "NV"), ("Shell B.V.", "B.V."), ("Volvo AB", "AB"), ("Volvo AB (publ)", "AB"),
    ("Maersk A/S", "A/S"), ("Lego ApS", "ApS"), ("Nokia Oy", "Oy"), ("Fiat SpA", "SpA"),
    ("Pasta Srl", "Srl"), ("Koala Pty Ltd", "Pty"), ("Community Garden CIC", "CIC"),
    ("Smith & Co", "& Co"), ("Smith &Co.", "&Co."), ("Smith and Co", "and Co"), ("Smith Co", "Co"),
    ("Smith Co. Builders", "Co."), ("Northern Group", "Group"), ("Acme Holdings", "Holdings"),
    ("Clean Services", "Services"), ("IT Solutions", "Solutions"), ("Patel Partners", "Partners"),
    ("Khan Associates", "Associates"), ("Canal Trust", "Trust"), ("Leeds City Council", "Council"),
    ("St Mary's School", "School"), ("University of Leeds", "University"),
    ("Leeds College of Music", "College"), ("Oak Academy", "Academy"),
    ("Wellcome Foundation", "Foundation"), ("Residents Association", "Association"),
    ("Royal Society", "Society"), ("Leeds Rugby Club", "Club"), ("St Anne's Church", "Church"),
    ("NHS Leeds", "NHS"), ("Leeds General Hospital", "Hospital"), ("Park Surgery", "Surgery"),
    ("Park Dental Practice", "Practice"), ("Blue Consulting", "Consulting"),
    ("Construtora Ltda", "Ltda"), ("Müller KG", "KG"), ("Sportverein e.V.", "e.V."),
    ("Telefónica S.L.", "S.L."), ("Grab Pte", "Pte"), ("The Widget Company", "Company"),
    ("Star Enterprises", "Enterprises"), ("Acme Industries", "Industries"),
    ("Acme International", "International"), ("Smith Partnership", "Partnership"),
]  # fmt: skip

PRIVATE_NAMES = [
    "Jane Doe",
    "Abbey Smith",  # "AB" only as a whole word
    "Coco Chanel",  # "Co" only as a whole word
    "Sarah Group-Jones",  # a hyphen joins words: a double-barrelled surname, not a group
    "Tom O'Company",  # an apostrophe joins words too
    "Ab Rahman",  # short legal forms count only as the last word
    "Agatha Sage",
    "Nvidia Fan",
    "Thomas Agnew",
    "Co-op Member",
    "Clubb Smith",
    "Ltdsmith Brown",
    "дравс дравс др",
    "",
]


@pytest.mark.parametrize(("name", "word"), COMPANY_NAMES)
def test_company_word_in_the_name_means_company(name, word):
    assert infer_debtor_type(name, "") == ("Company", f'name contains "{word}"')


@pytest.mark.parametrize("name", PRIVATE_NAMES)
def test_no_company_word_means_private(name):
    assert infer_debtor_type(name, "") == (
        "Private", "no VAT number and no company word in the name",
    )  # fmt: skip


@pytest.mark.parametrize(
    ("raw", "debtor_type", "reason"),
    [
        ({"VATNumber": "GB123456789"}, "Company", "VAT number GB123456789"),
        ({"VatNumber": "GB 123 4567 89"}, "Company", "VAT number GB 123 4567 89"),
        ({"vatnumber": "IE1234567T"}, "Company", "VAT number IE1234567T"),
        ({"VATNumber": ""}, "Private", "no VAT number and no company word in the name"),
        ({"VATNumber": None}, "Private", "no VAT number and no company word in the name"),
        ({"VATNumber": "N/A"}, "Private", "no VAT number and no company word in the name"),
        ({"VATNumber": "0"}, "Private", "no VAT number and no company word in the name"),
    ],
)
def test_a_vat_number_means_company_whatever_the_name(raw, debtor_type, reason):
    draft = map_debtor(Customer.from_api({"Code": "C1", "Name": "Jane Doe", **raw}))
    assert (draft.debtor.type, draft.type_reason) == (debtor_type, reason)


@pytest.mark.parametrize(
    ("raw", "message"),
    [
        ({"Name": "Acme Ltd"},
         'Debtor type guessed as Company: name contains "Ltd". Change it if wrong.'),
        ({"Name": "Jane Doe", "VatNumber": "GB123456789"},
         "Debtor type guessed as Company: VAT number GB123456789. Change it if wrong."),
        ({"Name": "Jane Doe"}, "Debtor type guessed as Private: no VAT number and no company "
         "word in the name. Change it if wrong."),
    ],
)  # fmt: skip
def test_the_inferred_type_warning_names_the_reason(raw, message):
    draft = map_debtor(Customer.from_api({"Code": "C1", **raw}))
    inferred = [problem for problem in draft.warnings if problem.code == "inferred_type"]
    assert [problem.message for problem in inferred] == [message]
    assert inferred[0].severity == "warning"


def test_name_falls_back_to_the_invoice_customer_name_then_the_display_name():
    assert map_debtor(Customer.from_api({"Code": "C1", "Name": ""}),
                      fallback_name="Acme Ltd").debtor.name == "Acme Ltd"  # fmt: skip
    assert map_debtor(Customer.from_api({"Code": "C1", "DisplayName": "Acme Ltd, LS1 4AB"})
                      ).debtor.name == "Acme Ltd, LS1 4AB"  # fmt: skip


def test_a_debtor_without_any_name_is_an_error():
    draft = map_debtor(Customer.from_api({"Code": "C1"}))
    assert "missing_name" in {problem.code for problem in draft.errors}


@pytest.mark.parametrize(
    "contact",
    [
        {"Firstname": "Sue", "LastName": "Bell"},  # the casing in KashFlow's example
        {"FirstName": "Sue", "LastName": "Bell"},  # the casing in its parameter table
        {"Name": "Sue Bell", "Firstname": "Susan"},
    ],
)
def test_a_customer_without_any_name_takes_its_contact_name(contact):
    customer = Customer.from_api({"Code": "C1", "Name": None, "Contacts": [contact]})
    assert map_debtor(customer).debtor.name == "Sue Bell"
