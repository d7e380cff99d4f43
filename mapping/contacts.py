"""Which email and phone number of a KashFlow customer to give Debitura."""

from __future__ import annotations

import re

from kashflow.models import Contact, Customer

_ADDRESS_SEPARATOR = re.compile(r"[;,\s<>]+")


def first_email(text: str) -> str:
    """The first address when a field holds several ("a@x.com; b@x.com") or a display name.

    Text without any ``@`` is returned as it is, for validation to flag.

    >>> first_email(" accounts@acme.co.uk; boss@acme.co.uk"), first_email("Sue <sue@acme.com>")
    ('accounts@acme.co.uk', 'sue@acme.com')
    >>> first_email(""), first_email("n/a")
    ('', 'n/a')
    """
    if "@" not in text:
        return text.strip()
    return next(part for part in _ADDRESS_SEPARATOR.split(text) if "@" in part)


def chosen_contact(customer: Customer) -> Contact | None:
    """The primary contact, else the first one.

    >>> chosen_contact(Customer.from_api({"Contacts": [{"Name": "A"},
    ...     {"Name": "B", "IsPrimary": True}]})).name
    'B'
    """
    contacts = customer.contacts
    return next((c for c in contacts if c.is_primary), contacts[0] if contacts else None)


def pick_email(customer: Customer) -> str:
    """Primary contact's email, else the first contact (in order) with one, else the top level.

    >>> pick_email(Customer.from_api({"Email": "ar@acme.com",
    ...     "Contacts": [{"Email": ""}, {"Email": "sue@acme.com"}]}))
    'sue@acme.com'
    """
    primary = next((c for c in customer.contacts if c.is_primary and c.email), None)
    if primary is not None:
        return first_email(primary.email)
    with_email = next((c for c in customer.contacts if c.email), None)
    return first_email(with_email.email if with_email is not None else customer.email)


def pick_phone(customer: Customer) -> str:
    """Customer telephone, else mobile, else the chosen contact's telephone, else its mobile.

    >>> pick_phone(Customer.from_api({"TelephoneNumber": "",
    ...     "Contacts": [{"Mobile": "07700 900123"}]}))
    '07700 900123'
    """
    if customer.telephone or customer.mobile:
        return customer.telephone or customer.mobile
    contact = chosen_contact(customer)
    if contact is None:
        return ""
    return contact.telephone or contact.mobile


def contact_name(customer: Customer) -> str:
    """The chosen contact's name: its Name, else first and last name (``Firstname`` or
    ``FirstName``: KashFlow spells it both ways).

    >>> contact_name(Customer.from_api({"Contacts": [{"Firstname": "Sue", "LastName": "Bell"}]}))
    'Sue Bell'
    """
    contact = chosen_contact(customer)
    if contact is None:
        return ""
    return contact.name or " ".join(
        part for part in (contact.first_name, contact.last_name) if part
    )
