"""Typed, frozen views of the KashFlow resources this app reads.

Each model has ``from_api(dict)``, which reads keys case-insensitively and never raises: a value
KashFlow did not send, or sent in a shape we cannot read, becomes ``""``, ``None`` or an empty
tuple, and the mapping layer reports what is missing.
"""

from __future__ import annotations

from dataclasses import dataclass
from datetime import date
from decimal import Decimal
from typing import Any

from jsonwire.fields import Fields


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
        return not any((*self.lines, self.postcode, self.country_code, self.country_name))


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
        fields = Fields(raw)
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
        return next((address for address in self.addresses if not address.is_empty), Address())


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
        fields = Fields(raw)
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
