"""Which email address the debtor gets."""

from __future__ import annotations

import pytest

from kashflow.models import Customer
from mapping import map_debtor, pick_email


@pytest.mark.parametrize(
    ("raw", "email"),
    [
        # The primary contact's email first...
        ({"Email": "top@acme.com", "Contacts": [
            {"Email": "first@acme.com"}, {"Email": "primary@acme.com", "IsPrimary": True}]},
         "primary@acme.com"),
        # ...else the first contact, in list order, that has one...
        ({"Email": "top@acme.com", "Contacts": [
            {"Email": "", "IsPrimary": True}, {"Email": None}, {"Email": "second@acme.com"},
            {"Email": "third@acme.com"}]}, "second@acme.com"),
        # ...else the customer's own Email.
        ({"Email": "top@acme.com", "Contacts": [{"Email": ""}]}, "top@acme.com"),
        ({"Email": "top@acme.com"}, "top@acme.com"),
        ({"Email": "", "Contacts": []}, ""),
        ({"Email": None}, ""),
        # The KashFlow doc example: a contact with only an email.
        ({"Contacts": [{"Email": "test@testtrick.com", "Firstname": None, "LastName": None}]},
         "test@testtrick.com"),
        # Several addresses or a display name in one field: the first address.
        ({"Email": "ap@acme.com; boss@acme.com"}, "ap@acme.com"),
        ({"Email": "Accounts <ap@acme.com>"}, "ap@acme.com"),
        # isPrimary spelt differently or as 1 still counts (models read keys case-insensitively).
        ({"Contacts": [{"Email": "a@acme.com"}, {"email": "b@acme.com", "isprimary": 1}]},
         "b@acme.com"),
    ],
)  # fmt: skip
def test_the_email_is_the_primary_contacts_then_another_contacts_then_the_customers(raw, email):
    assert pick_email(Customer.from_api(raw)) == email


@pytest.mark.parametrize(
    ("raw", "warning"),
    [({"Email": ""}, "No email address for the debtor."),
     ({"Email": "n/a"}, 'Email "n/a" does not look like an email address.')],
)  # fmt: skip
def test_missing_or_unusable_email_is_a_warning(raw, warning):
    draft = map_debtor(Customer.from_api({"Code": "C1", "Name": "Acme Ltd", **raw}))
    messages = {p.message for p in draft.warnings if p.code == "missing_email"}
    assert messages == {warning}
