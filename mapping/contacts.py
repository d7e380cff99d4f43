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
    for part in _ADDRESS_SEPARATOR.split(text):
        if "@" in part:
            return part
    raise AssertionError("unreachable: the text has an @, so one of its parts does")


def chosen_contact(customer: Customer) -> Contact | None:
    """The primary contact, else the first one.

    >>> chosen_contact(Customer.from_api({"Contacts": [{"Name": "A"},
    ...     {"Name": "B", "IsPrimary": True}]})).name
    'B'
    """
    contacts = customer.contacts
    for contact in contacts:
        if contact.is_primary:
            return contact
    return contacts[0] if contacts else None


def pick_email(customer: Customer) -> str:
    """Primary contact's email, else the first contact (in order) with one, else the top level.

    >>> pick_email(Customer.from_api({"Email": "ar@acme.com",
    ...     "Contacts": [{"Email": ""}, {"Email": "sue@acme.com"}]}))
    'sue@acme.com'
    """
    first_with_email = None
    for contact in customer.contacts:
        if contact.email:
            if contact.is_primary:
                return first_email(contact.email)
            if first_with_email is None:
                first_with_email = contact
    return first_email(first_with_email.email if first_with_email is not None else customer.email)


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
    return name_of(chosen_contact(customer))


def name_of(contact: Contact | None) -> str:
    """A contact's Name, else its first and last names; ``""`` for no contact.

    >>> name_of(None), name_of(Contact(first_name="Sue")), name_of(Contact(name="Sue Bell"))
    ('', 'Sue', 'Sue Bell')
    """
    if contact is None:
        return ""
    if contact.name:
        return contact.name
    first, last = contact.first_name, contact.last_name
    return f"{first} {last}" if first and last else first or last
