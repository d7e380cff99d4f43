"""A review row as Debitura wants it: the ``POST /cases`` body, or a bulk-import CSV row.

Pure functions, no I/O. The create body carries only fields of Debitura's
``CreateCollectionCaseRequestApiViewModel`` (the schema forbids any other) and leaves out
optional fields that are empty, so Debitura never stores an empty string where it would
otherwise know nothing. Money stays ``Decimal`` with exactly the currency's decimals; the
Debitura client writes it to JSON without passing through float.

``payload_fingerprint`` names a body by its content, so the submission ledger can tell
"the same request again" (reuse the idempotency key) from "a changed request" (a new key).
"""

from __future__ import annotations

import hashlib
import json
from collections.abc import Mapping
from datetime import date
from decimal import Decimal
from typing import Any

from mapping.case_text import comments_text, cut_text, grouped, line_items_text
from mapping.country import country_display_name
from mapping.debtor_type import COMPANY
from mapping.money import format_money, round_money
from mapping.phone import e164_or_blank
from mapping.rows import ReviewRow

# The bulk-import columns of Debitura's CSV import page, required ones first.
BULK_CSV_COLUMNS: tuple[str, ...] = (
    "InvoiceNumber", "DebtorName", "Address", "PostalCode", "City", "Country", "InvoiceDate",
    "PrincipalAmount", "CurrencyCode", "State", "Email", "PhoneNumber", "DueDate",
    "DebtorContactPerson",
)  # fmt: skip
DEFAULT_TEST_TAG = "kashflow-dashboard"
MAX_TAG_LENGTH = 100  # Debitura's limit for ``tag``


class PayloadError(ValueError):
    """The row lacks what every case needs (an amount and a currency): it cannot be sent."""


def case_payload(
    row: ReviewRow, *, test_mode: bool = False, tag: str = "", allow_pending_contracts: bool = False
) -> dict[str, Any]:
    """The exact ``POST /cases`` body for one review row (one invoice = one case).

    ``test_mode`` adds ``isTest`` and the ``tag`` that groups the test cases (Debitura stores
    them flagged as test data). ``allow_pending_contracts`` adds ``allowPendingContracts``:
    Debitura then accepts the case while the collection agreement is unsigned. Dates go as
    date-times at midnight UTC (the schema's ``date-time`` format). Raises ``PayloadError``
    when there is no amount or currency.

    >>> from mapping.debtor import Debtor
    >>> row = ReviewRow("1042", "ACME01", "OverduePartPaid", date(2026, 9, 1),
    ...     date(2026, 10, 1), "GBP", Decimal("1200.00"), Decimal("805.00"), 51,
    ...     Debtor("Company", "Acme Ltd", address="1 High St", postcode="LS1 4AB",
    ...            city="Leeds", country="GB"), ())
    >>> body = case_payload(row)
    >>> body["amountToRecover"], body["date"], body["creditorReference"]
    (Decimal('805.00'), '2026-09-01T00:00:00Z', '1042')
    >>> body["claimDescription"]
    'KashFlow invoice 1042 issued 2026-09-01, due 2026-10-01; GBP 805.00 outstanding of 1,200.00.'
    >>> sorted(body["debtor"])
    ['address', 'city', 'countryAlpha2', 'name', 'type', 'zipCode']
    """
    amount = round_money(row.amount_to_recover, row.currency)
    if amount is None or not row.currency:
        raise PayloadError(f"Invoice {row.invoice_number} has no amount to recover or no currency.")
    payload: dict[str, Any] = {
        "currencyCode": row.currency.upper(),
        "amountToRecover": amount,
    }
    if row.issued_date is not None:
        payload["date"] = _date_time(row.issued_date)
    if row.due_date is not None:
        payload["dueDate"] = _date_time(row.due_date)
    payload["creditorReference"] = row.creditor_reference
    payload["claimDescription"] = claim_description(row)
    if comments := case_comments(row):
        payload["comments"] = comments
    payload["debtor"] = debtor_payload(row)
    if test_mode:
        payload["isTest"] = True
        payload["tag"] = (tag.strip() or DEFAULT_TEST_TAG)[:MAX_TAG_LENGTH]
    if allow_pending_contracts:  # the analyst chose to send before the agreement is signed
        payload["allowPendingContracts"] = True
    return payload


def debtor_payload(row: ReviewRow) -> dict[str, str]:
    """Debitura's ``DebtorDto`` for the row's debtor; empty optional fields left out.

    ``stateAlpha2`` goes only with a US debtor (Debitura needs it there and nowhere else);
    ``phone`` only as an E.164 number (anything else goes into the comments);
    ``contactPerson`` and ``companyRegistrationNumber`` only with a company.

    >>> from mapping.debtor import Debtor
    >>> row = ReviewRow("7", "", "Overdue", None, None, "USD", None, Decimal("250.00"), 0,
    ...     Debtor("Private", "Jane Roe", email="jane@example.com", address="1 Main St",
    ...            postcode="94105", city="San Francisco", country="US", state="CA"), ())
    >>> debtor_payload(row)  # doctest: +NORMALIZE_WHITESPACE
    {'type': 'Private', 'name': 'Jane Roe', 'address': '1 Main St', 'zipCode': '94105',
     'city': 'San Francisco', 'countryAlpha2': 'US', 'stateAlpha2': 'CA',
     'email': 'jane@example.com'}
    """
    debtor = row.debtor
    country = debtor.country.strip().upper()
    fields = {
        "type": debtor.type,
        "name": debtor.name.strip(),
        "address": debtor.address.strip(),
        "zipCode": debtor.postcode.strip(),
        "city": debtor.city.strip(),
        "countryAlpha2": country,
        "stateAlpha2": debtor.state.strip().upper() if country == "US" else "",
        "email": debtor.email.strip(),
        "phone": e164_or_blank(debtor.phone, country),
        "contactPerson": contact_person(row),
        "companyRegistrationNumber": company_registration_number(row),
    }
    return {name: value for name, value in fields.items() if value}


def contact_person(row: ReviewRow) -> str:
    """Whom the partner asks for at a company debtor: the invoice's customer contact (from
    its detail), else the customer's primary contact; ``""`` for a private debtor.

    >>> from dataclasses import replace
    >>> from mapping.debtor import Debtor
    >>> from kashflow.models import InvoiceDetail
    >>> row = ReviewRow("7", "", "Overdue", None, None, "GBP", None, None, 0,
    ...     Debtor("Company", "Acme Ltd", contact_person="Sue Bell"), ())
    >>> contact_person(row), contact_person(replace(row, detail=InvoiceDetail(contact_name="Al")))
    ('Sue Bell', 'Al')
    """
    if row.debtor.type != COMPANY:
        return ""
    return (row.detail.contact_name or row.debtor.contact_person).strip()


def company_registration_number(row: ReviewRow) -> str:
    """The company debtor's VAT number: the customer record's, else the invoice's."""
    if row.debtor.type != COMPANY:
        return ""
    return (row.debtor.company_registration_number or row.detail.vat_number).strip()


def unusable_phone(row: ReviewRow) -> str:
    """The phone as typed in KashFlow when it is not a number Debitura can take, else ``""``."""
    phone = row.debtor.phone.strip()
    return "" if not phone or e164_or_blank(phone, row.debtor.country) else phone


def case_comments(row: ReviewRow) -> str:
    """Debitura's ``comments`` for the row (see ``mapping.case_text.comments_text``)."""
    return comments_text(
        row.detail,
        row.currency.upper(),
        customer_reference=row.customer_reference,
        unusable_phone=unusable_phone(row),
    )


def claim_description(row: ReviewRow) -> str:
    """What the claim is for: the invoice (number, dates, amounts) and, once its detail was
    read, what was sold, line by line; cut to Debitura's 4,000 characters.

    >>> from mapping.debtor import Debtor
    >>> from kashflow.models import InvoiceDetail, LineItem
    >>> row = ReviewRow("88", "", "Overdue", date(2026, 8, 3), None, "GBP",
    ...     Decimal("120.00"), Decimal("120.00"), 80, Debtor("Company", "K.K."), (),
    ...     detail=InvoiceDetail(line_items=(LineItem("Sash window", Decimal(1),
    ...     Decimal(100), Decimal(20)),)))
    >>> print(claim_description(row))
    KashFlow invoice 88 issued 2026-08-03; GBP 120.00 outstanding.
    What was sold:
    - Sash window: 1 × GBP 100.00 = GBP 100.00 (+ VAT GBP 20.00)
    """
    sold = line_items_text(row.detail.line_items, row.currency.upper())
    return cut_text(invoice_sentence(row) + ("\n" + sold if sold else ""))


def invoice_sentence(row: ReviewRow) -> str:
    """One factual sentence about the claim (the whole description when there are no lines).

    >>> from mapping.debtor import Debtor
    >>> row = ReviewRow("88", "", "Overdue", date(2026, 8, 3), date(2026, 9, 2), "JPY",
    ...     Decimal("150000"), Decimal("150000"), 80, Debtor("Company", "K.K."), ())
    >>> claim_description(row)
    'KashFlow invoice 88 issued 2026-08-03, due 2026-09-02; JPY 150,000 outstanding.'
    """
    dates = []
    if row.issued_date is not None:
        dates.append(f"issued {row.issued_date.isoformat()}")
    if row.due_date is not None:
        dates.append(f"due {row.due_date.isoformat()}")
    text = f"KashFlow invoice {row.invoice_number}"
    if dates:
        text += " " + ", ".join(dates)
    outstanding = grouped(row.amount_to_recover, row.currency)
    if outstanding is not None:
        text += f"; {row.currency} {outstanding} outstanding"
        gross = grouped(row.gross_amount, row.currency)
        if gross is not None and row.gross_amount != row.amount_to_recover:
            text += f" of {gross}"
    return text + "."


def payload_fingerprint(payload: Mapping[str, Any]) -> str:
    """SHA-256 of the body as canonical JSON (sorted keys, exact decimals): equal bodies,
    equal fingerprints, whatever the key order.

    >>> a = payload_fingerprint({"amountToRecover": Decimal("805.00"), "currencyCode": "GBP"})
    >>> a == payload_fingerprint({"currencyCode": "GBP", "amountToRecover": Decimal("805.00")})
    True
    >>> a == payload_fingerprint({"currencyCode": "GBP", "amountToRecover": Decimal("805.0")})
    False
    >>> len(a)
    64
    """
    text = json.dumps(
        payload, sort_keys=True, separators=(",", ":"), ensure_ascii=False, default=_canonical
    )
    return hashlib.sha256(text.encode("utf-8")).hexdigest()


# The free text read from the invoice's detail, which the Submit page and the send have and the
# Review page does not. Debitura's preview judges amount, currency and debtor, never this text.
_FREE_TEXT_FIELDS = ("claimDescription", "comments")
_FREE_TEXT_DEBTOR_FIELDS = ("contactPerson", "companyRegistrationNumber")


def judged_fingerprint(payload: Mapping[str, Any]) -> str:
    """The fingerprint of what Debitura's preview judges: the body without its free text, so
    a preview answer from Review still holds on Submit, where the detail was read.

    >>> body = {"amountToRecover": Decimal("805.00"), "debtor": {"name": "Acme Ltd"}}
    >>> told = {**body, "comments": "Paid so far", "debtor": {"name": "Acme Ltd",
    ...     "contactPerson": "Sue Bell"}}
    >>> judged_fingerprint(told) == judged_fingerprint(body) != payload_fingerprint(told)
    True
    """
    judged = {name: value for name, value in payload.items() if name not in _FREE_TEXT_FIELDS}
    debtor = judged.get("debtor")
    if isinstance(debtor, Mapping):
        judged["debtor"] = {
            name: value for name, value in debtor.items() if name not in _FREE_TEXT_DEBTOR_FIELDS
        }
    return payload_fingerprint(judged)


def _canonical(value: Any) -> str:
    # Decimals keep their scale ("805.00" and "805.0" are different requests on the wire).
    if isinstance(value, Decimal):
        return f"decimal:{value:f}"
    if isinstance(value, date):
        return f"date:{value.isoformat()}"
    raise TypeError(f"{type(value).__name__} is not part of a case payload")


def bulk_csv_row(row: ReviewRow) -> dict[str, str]:
    """The row in the columns of Debitura's bulk CSV import (``BULK_CSV_COLUMNS``).

    ``Country`` is the English country name (the import matches names, not codes);
    ``PrincipalAmount`` is digits and a decimal point only; dates are ``YYYY-MM-DD``.

    >>> from mapping.debtor import Debtor
    >>> row = ReviewRow("1042", "ACME01", "Overdue", date(2026, 9, 1), date(2026, 10, 1),
    ...     "GBP", Decimal("1200.00"), Decimal("1200.00"), 51,
    ...     Debtor("Company", "Acme Ltd", address="1 High St", postcode="LS1 4AB",
    ...            city="Leeds", country="GB"), ())
    >>> record = bulk_csv_row(row)
    >>> record["Country"], record["PrincipalAmount"], record["InvoiceDate"]
    ('United Kingdom', '1200.00', '2026-09-01')
    """
    debtor = row.debtor
    country = debtor.country.strip().upper()
    return {
        "InvoiceNumber": row.creditor_reference,
        "DebtorName": debtor.name.strip(),
        "Address": debtor.address.strip(),
        "PostalCode": debtor.postcode.strip(),
        "City": debtor.city.strip(),
        "Country": country_display_name(country) if country else "",
        "InvoiceDate": row.issued_date.isoformat() if row.issued_date else "",
        "PrincipalAmount": format_money(row.amount_to_recover, row.currency) or "",
        "CurrencyCode": row.currency.upper(),
        "State": debtor.state.strip(),
        "Email": debtor.email.strip(),
        "PhoneNumber": e164_or_blank(debtor.phone, country),
        "DueDate": row.due_date.isoformat() if row.due_date else "",
        "DebtorContactPerson": contact_person(row),  # B2B only: blank for a private debtor
    }


def _date_time(day: date) -> str:
    return f"{day.isoformat()}T00:00:00Z"
