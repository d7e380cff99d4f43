"""Typed, frozen views of the KashFlow resources this app reads.

Each model has ``from_api(dict)``, which reads keys case-insensitively and never raises: a value
KashFlow did not send, or sent in a shape we cannot read, becomes ``""``, ``None`` or an empty
tuple, and the mapping layer reports what is missing.
"""

from __future__ import annotations

from collections.abc import Callable, Mapping
from dataclasses import dataclass
from datetime import date
from decimal import Decimal
from sys import intern
from typing import Any, TypeVar

from jsonwire.fields import Fields, to_date, to_decimal, to_flag, to_text
from kashflow.frozen import slot_builder
from kashflow.json_keys import KeyReader

_Item = TypeVar("_Item")


@dataclass(frozen=True, slots=True)
class Address:
    line1: str = ""
    line2: str = ""
    line3: str = ""
    line4: str = ""
    postcode: str = ""
    country_code: str = ""
    country_name: str = ""

    @classmethod
    def from_api(cls, raw: Any) -> Address:
        """The same as ``from_fields(Fields(raw))``, faster for a dict (see ``KeyReader``)."""
        line1, line2, line3, line4, postcode, code, name = _ADDRESS_KEYS.values(raw)
        return _new_address(  # the fields in order: see the builders below
            _text(line1),  # line1
            _text(line2),  # line2
            _text(line3),  # line3
            _text(line4),  # line4
            _text(postcode),  # postcode
            _text(code),  # country_code
            _text(name),  # country_name
        )

    @classmethod
    def from_fields(cls, fields: Fields) -> Address:
        return cls(
            line1=fields.text("Line1"),
            line2=fields.text("Line2"),
            line3=fields.text("Line3"),
            line4=fields.text("Line4"),
            postcode=fields.text("PostCode", "Postcode", "ZipCode"),
            country_code=fields.text("CountryCode"),
            country_name=fields.text("CountryName", "Country"),
        )

    @property
    def lines(self) -> tuple[str, str, str, str]:
        return (self.line1, self.line2, self.line3, self.line4)

    @property
    def is_empty(self) -> bool:
        return not (
            self.line1
            or self.line2
            or self.line3
            or self.line4
            or self.postcode
            or self.country_code
            or self.country_name
        )


NO_ADDRESS = Address()  # shared: a frozen value, so one serves every customer without one


@dataclass(frozen=True, slots=True)
class Contact:
    name: str = ""
    first_name: str = ""
    last_name: str = ""
    email: str = ""
    telephone: str = ""
    mobile: str = ""
    is_primary: bool = False

    @classmethod
    def from_api(cls, raw: Any) -> Contact:
        """The same as ``from_fields(Fields(raw))``, faster for a dict (see ``KeyReader``)."""
        name, first_name, last_name, email, telephone, mobile, primary = _CONTACT_KEYS.values(raw)
        return _new_contact(  # the fields in order: see the builders below
            _text(name),  # name
            _text(first_name),  # first_name
            _text(last_name),  # last_name
            _text(email),  # email
            _text(telephone),  # telephone
            _text(mobile),  # mobile
            to_flag(primary),  # is_primary
        )

    @classmethod
    def from_fields(cls, fields: Fields) -> Contact:
        return cls(
            name=fields.text("Name"),
            first_name=fields.text("FirstName"),
            last_name=fields.text("LastName"),
            email=fields.text("Email"),
            telephone=fields.text("Telephone", "TelephoneNumber"),
            mobile=fields.text("Mobile", "MobileNumber"),
            is_primary=fields.flag("IsPrimary"),
        )


@dataclass(frozen=True, slots=True)
class Customer:
    """``GET /customers/{code}``: the full customer record."""

    code: str
    name: str = ""
    display_name: str = ""
    email: str = ""
    telephone: str = ""
    mobile: str = ""
    vat_number: str = ""
    currency_code: str = ""
    contacts: tuple[Contact, ...] = ()
    addresses: tuple[Address, ...] = ()
    outstanding_balance: Decimal | None = None  # everything the customer owes, home currency

    @classmethod
    def from_api(cls, raw: Any) -> Customer:
        """The customer in a ``GET /customers/{code}`` answer; the same as
        ``from_fields(Fields(raw))``, faster for a dict (see ``KeyReader``)."""
        (code, name, display_name, email, telephone, mobile, vat_number, currency, contacts,
         addresses, balance) = _CUSTOMER_KEYS.values(raw)  # fmt: skip
        return _new_customer(  # the fields in order: see the builders below
            _label(code),  # code
            _text(name),  # name
            _text(display_name),  # display_name
            _text(email),  # email
            _text(telephone),  # telephone
            _text(mobile),  # mobile
            _text(vat_number),  # vat_number
            _text(_CURRENCY_KEYS.values(currency)[0]),  # currency_code
            _objects(contacts, Contact.from_api),  # contacts
            _objects(addresses, Address.from_api),  # addresses
            _decimal(balance),  # outstanding_balance
        )

    @classmethod
    def from_fields(cls, fields: Fields) -> Customer:
        """The straightforward reader, name by name."""
        return cls(
            code=fields.text("Code"),
            name=fields.text("Name"),
            display_name=fields.text("DisplayName"),
            email=fields.text("Email"),
            telephone=fields.text("TelephoneNumber", "Telephone"),
            mobile=fields.text("MobileNumber", "Mobile"),
            vat_number=fields.text("VATNumber"),
            currency_code=fields.object("Currency").text("Code"),
            contacts=tuple(Contact.from_fields(item) for item in fields.objects("Contacts")),
            addresses=tuple(Address.from_fields(item) for item in fields.objects("Addresses")),
            outstanding_balance=fields.decimal("OutstandingBalance"),
        )

    @property
    def billing_address(self) -> Address:
        """The first address that has anything in it (KashFlow keeps the billing one first)."""
        for address in self.addresses:  # a loop, not next(generator): read once per customer
            if not address.is_empty:
                return address
        return NO_ADDRESS


@dataclass(frozen=True, slots=True)
class LineItem:
    """One line of an invoice: what was sold. ``rate`` is the unit price, net of VAT, in the
    invoice's currency."""

    description: str = ""
    quantity: Decimal | None = None
    rate: Decimal | None = None
    vat_amount: Decimal | None = None
    vat_exempt: bool = False
    product_name: str = ""

    @classmethod
    def from_fields(cls, fields: Fields) -> LineItem:
        return cls(
            description=fields.text("Description"),
            quantity=fields.decimal("Quantity"),
            rate=fields.decimal("Rate"),
            vat_amount=fields.decimal("VATAmount"),
            vat_exempt=fields.flag("VATExempt"),  # a bool, or 0/1 in KashFlow's own example
            product_name=fields.text("ProductName"),
        )


@dataclass(frozen=True, slots=True)
class PaymentLine:
    """A payment KashFlow recorded against the invoice, in the invoice's currency."""

    date: date | None = None
    amount: Decimal | None = None
    reference: str = ""
    note: str = ""
    payment_id: str = ""  # KashFlow's id of the payment ("" when it sent none)
    is_credit_note: bool = False  # a credit note applied to the invoice, not money received

    @classmethod
    def from_fields(cls, fields: Fields) -> PaymentLine:
        return cls(
            date=fields.date("Date", "PaymentDate"),
            amount=fields.decimal("Amount"),
            reference=fields.text("Reference"),
            note=fields.text("Note"),
            payment_id=fields.identifier("Id"),
            is_credit_note=fields.flag("IsPaymentCreditNote"),
        )


@dataclass(frozen=True, slots=True)
class ReminderLetter:
    """A reminder letter KashFlow's credit control sent (or prepared: ``is_sent``)."""

    number: str = ""
    sent_date: date | None = None
    is_sent: bool = False

    @classmethod
    def from_fields(cls, fields: Fields) -> ReminderLetter:
        sent_date = fields.date("SentDate", "Date")
        # Without an IsSent flag, a letter with a sent date counts as sent.
        flag = fields.get("IsSent")
        is_sent = fields.flag("IsSent") if flag is not None else sent_date is not None
        return cls(number=fields.text("Number"), sent_date=sent_date, is_sent=is_sent)


@dataclass(frozen=True, slots=True)
class InvoiceDetail:
    """What only ``GET /invoices/{number}`` carries (a list row leaves it empty): line items,
    payment lines, reminder letters, the customer contact's name, the VAT number and the
    permalink of the invoice's document (``/v2/documents/invoice/<guid>``, as KashFlow wrote
    it: relative, with or without the leading slash).
    """

    line_items: tuple[LineItem, ...] = ()
    payment_lines: tuple[PaymentLine, ...] = ()
    reminder_letters: tuple[ReminderLetter, ...] = ()
    contact_name: str = ""
    vat_number: str = ""
    permalink: str = ""

    @classmethod
    def from_api(cls, raw: Any) -> InvoiceDetail:
        """
        >>> detail = InvoiceDetail.from_api({"customerContactFirstName": "Sue",
        ...     "CustomerContactLastName": "Bell", "LineItems": None, "VatNumber": "GB1"})
        >>> detail.contact_name, detail.line_items, detail.vat_number
        ('Sue Bell', (), 'GB1')
        """
        fields = Fields(raw)
        contact = fields.text("CustomerContactName") or " ".join(
            part
            for part in (
                fields.text("CustomerContactFirstName", "CustomerContactFirstname"),
                fields.text("CustomerContactLastName"),
            )
            if part
        )
        detail = cls(
            line_items=tuple(LineItem.from_fields(item) for item in fields.objects("LineItems")),
            payment_lines=tuple(
                PaymentLine.from_fields(item) for item in fields.objects("PaymentLines")
            ),
            reminder_letters=tuple(
                ReminderLetter.from_fields(item) for item in fields.objects("ReminderLetters")
            ),
            contact_name=contact,
            vat_number=fields.text("VATNumber"),
            permalink=fields.text("Permalink"),
        )
        # A list row has none of it: such rows share one empty detail (fewer objects kept).
        return NO_DETAIL if detail == NO_DETAIL else detail


NO_DETAIL = InvoiceDetail()


@dataclass(frozen=True, slots=True)
class Invoice:
    """One row of ``GET /invoices`` (or ``GET /invoices/{number}``), as far as this app needs it.

    Money is in the invoice's currency except ``total_paid_amount``, which KashFlow reports in
    the company's home currency.
    """

    number: str
    customer_code: str = ""
    customer_name: str = ""
    status: str = ""
    issued_date: date | None = None
    due_date: date | None = None
    paid_date: date | None = None
    currency_code: str = ""
    exchange_rate: Decimal | None = None
    net_amount: Decimal | None = None
    gross_amount: Decimal | None = None
    total_paid_amount: Decimal | None = None
    due_amount: Decimal | None = None
    home_currency_gross_amount: Decimal | None = None
    customer_reference: str = ""
    # Empty for a list row; ``GET /invoices/{number}`` fills it (see ``InvoiceDetail``).
    detail: InvoiceDetail = NO_DETAIL

    @classmethod
    def from_api(cls, raw: Any) -> Invoice:
        """An invoice from a list row or ``GET /invoices/{number}``; the same as
        ``from_fields(Fields(raw))``, faster for a dict (see ``KeyReader``)."""
        (number, customer_code, customer_name, status, issued, due, paid, currency,
         currency_code, exchange_rate, net, gross, total_paid, due_amount, home_gross,
         customer_reference, *detail) = _INVOICE_KEYS.values(raw)  # fmt: skip
        code, rate = _CURRENCY_KEYS.values(currency)
        return _new_invoice(  # the fields in order: see the builders below
            _identifier(number),  # number
            _label(customer_code),  # customer_code
            _text(customer_name),  # customer_name
            _label(status),  # status
            _date(issued),  # issued_date
            _date(due),  # due_date
            _date(paid),  # paid_date
            _label(code) or _label(currency_code),  # currency_code
            _decimal(rate) or _decimal(exchange_rate),  # exchange_rate
            _decimal(net),  # net_amount
            _decimal(gross),  # gross_amount
            _decimal(total_paid),  # total_paid_amount
            _decimal(due_amount),  # due_amount
            _decimal(home_gross),  # home_currency_gross_amount
            _text(customer_reference),  # customer_reference
            # A list row has no detail keys: it shares the one empty detail.
            NO_DETAIL if detail.count(None) == len(detail) else InvoiceDetail.from_api(raw),
        )

    @classmethod
    def from_fields(cls, fields: Fields) -> Invoice:
        """The straightforward reader, name by name."""
        currency = fields.object("Currency")
        return cls(
            number=fields.identifier("Number", "InvoiceNumber"),
            customer_code=fields.text("CustomerCode"),
            customer_name=fields.text("CustomerName"),
            status=fields.text("Status"),
            issued_date=fields.date("IssuedDate", "InvoiceDate"),
            due_date=fields.date("DueDate", "PaymentDueDate"),
            paid_date=fields.date("PaidDate"),
            currency_code=currency.text("Code") or fields.text("CurrencyCode"),
            exchange_rate=currency.decimal("ExchangeRate") or fields.decimal("ExchangeRate"),
            net_amount=fields.decimal("NetAmount"),
            gross_amount=fields.decimal("GrossAmount"),
            total_paid_amount=fields.decimal("TotalPaidAmount"),
            due_amount=fields.decimal("DueAmount"),
            home_currency_gross_amount=fields.decimal("HomeCurrencyGrossAmount"),
            customer_reference=fields.text("CustomerReference"),
            detail=InvoiceDetail.from_api(fields),
        )

    @property
    def permalink(self) -> str:
        """The invoice document's permalink (detail only; ``""`` from a list row)."""
        return self.detail.permalink


@dataclass(frozen=True, slots=True)
class Company:
    """The connected KashFlow company, as shown to the user on connect."""

    name: str
    home_currency: str = ""


# -- fast readers for dicts from JSON (what the client gets); see ``KeyReader`` -----------------

# Model(...) at a fraction of the cost (see kashflow.frozen), called with the fields in order:
# matching a dozen keywords to their names would take back half of what the builder saves.
_new_address = slot_builder(Address)
_new_contact = slot_builder(Contact)
_new_customer = slot_builder(Customer)
_new_invoice = slot_builder(Invoice)

_ADDRESS_KEYS = KeyReader(
    ("Line1",), ("Line2",), ("Line3",), ("Line4",), ("PostCode", "Postcode", "ZipCode"),
    ("CountryCode",), ("CountryName", "Country"),
)  # fmt: skip
_CONTACT_KEYS = KeyReader(
    ("Name",), ("FirstName",), ("LastName",), ("Email",), ("Telephone", "TelephoneNumber"),
    ("Mobile", "MobileNumber"), ("IsPrimary",),
)  # fmt: skip
_CUSTOMER_KEYS = KeyReader(
    ("Code",), ("Name",), ("DisplayName",), ("Email",), ("TelephoneNumber", "Telephone"),
    ("MobileNumber", "Mobile"), ("VATNumber",), ("Currency",), ("Contacts",), ("Addresses",),
    ("OutstandingBalance",),
)  # fmt: skip
_CURRENCY_KEYS = KeyReader(("Code",), ("ExchangeRate",))
_INVOICE_KEYS = KeyReader(
    ("Number", "InvoiceNumber"), ("CustomerCode",), ("CustomerName",), ("Status",),
    ("IssuedDate", "InvoiceDate"), ("DueDate", "PaymentDueDate"), ("PaidDate",), ("Currency",),
    ("CurrencyCode",), ("ExchangeRate",), ("NetAmount",), ("GrossAmount",),
    ("TotalPaidAmount",), ("DueAmount",), ("HomeCurrencyGrossAmount",), ("CustomerReference",),
    # What InvoiceDetail reads: when none of it was sent, the row has no detail.
    ("LineItems",), ("PaymentLines",), ("ReminderLetters",), ("CustomerContactName",),
    ("CustomerContactFirstName", "CustomerContactFirstname"), ("CustomerContactLastName",),
    ("VATNumber",), ("Permalink",),
)  # fmt: skip


def _text(value: Any) -> str:
    """``to_text``, with the common case (a string) first."""
    return value.strip() if value.__class__ is str else to_text(value)


def _label(value: Any) -> str:
    """``_text`` for what a ledger repeats on many rows (a customer code, a status, a currency
    code): one shared string per value, which later look-ups compare by identity alone."""
    return intern(_text(value))


def _identifier(value: Any) -> str:
    """``Fields.identifier`` on a value: spaces kept, blank means none."""
    if isinstance(value, str):
        return value if value.strip() else ""
    return to_text(value)


def _decimal(value: Any) -> Decimal | None:
    """``to_decimal``, with the common cases (a JSON number, read as Decimal or float) first."""
    if value.__class__ is Decimal:
        return value if value.is_finite() else None
    if value.__class__ is float:
        number = Decimal(repr(value))  # as to_decimal: the shortest text that round-trips
        return number if number.is_finite() else None
    return to_decimal(value)


_NOT_READ = object()
_DATES: dict[str, date | None] = {}
_MOST_DATES = 16384  # a ledger has a few thousand distinct date strings; more are read, not kept


def _date(value: Any) -> date | None:
    """``to_date``, remembered per date string (a ledger repeats its dates many times)."""
    if value.__class__ is not str:
        return to_date(value)
    found = _DATES.get(value, _NOT_READ)
    if found is _NOT_READ:
        found = to_date(value)
        if len(_DATES) < _MOST_DATES:
            _DATES[value] = found
    return found  # type: ignore[return-value]


def _objects(value: Any, parse: Callable[[Any], _Item]) -> tuple[_Item, ...]:
    """``Fields.objects`` parsed: the JSON objects of a list, anything else left out."""
    if not isinstance(value, list):
        return ()
    return tuple(parse(item) for item in value if isinstance(item, Mapping))
