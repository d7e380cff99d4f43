"""Seeded, deterministic demo data: the books of a made-up UK joinery firm, shaped like KashFlow.

``generate(seed, invoices, customers, as_of)`` returns a ``Dataset`` whose customers and
invoices are KashFlow REST v2 JSON-ready dicts (PascalCase keys, ``VATNumber`` on some
customers and ``VatNumber`` on others, ``Firstname``/``LastName`` contacts, dates as
``"YYYY-MM-DD 12:00:00"`` with an occasional ``" +01:00"``, money as ``Decimal`` with 4
decimals). The same arguments give the same data; dates are relative to ``as_of`` (default
today) so the demo always looks current.

Amounts follow KashFlow's conventions: ``GrossAmount``, ``NetAmount``, ``VATAmount`` and
``DueAmount`` are in the invoice's currency; ``TotalPaidAmount`` is in the home currency (GBP);
``Currency.ExchangeRate`` is foreign units per 1 GBP, so ``home = foreign / ExchangeRate``.

The first customers are hand-made to cover what the review page must cope with (KashFlow's own
documentation address, addresses without a city, postcode or country, foreign customers, private
individuals, codes that need URL encoding, contact details in odd places); the rest are drawn
from pools. Both, the company, its currencies and the records' JSON shapes are data files in
``sandbox/reference/kashflow/``.
"""

from __future__ import annotations

import itertools
import random
import uuid
from collections.abc import Mapping, Sequence
from dataclasses import dataclass, field
from datetime import date, timedelta
from decimal import ROUND_HALF_UP, Decimal
from typing import Any

from sandbox.reference_files import fill, read_csv, read_json, read_lines

HOME_CURRENCY = "GBP"

PAID, UNPAID, PART_PAID = "Paid", "Unpaid", "PartPaid"
OVERDUE, OVERDUE_PART_PAID, OVERPAID, DRAFT = "Overdue", "OverduePartPaid", "Overpaid", "NA"
STATUSES = (PAID, UNPAID, PART_PAID, OVERDUE, OVERDUE_PART_PAID, OVERPAID, DRAFT)
OPEN_STATUSES = frozenset({UNPAID, PART_PAID, OVERDUE, OVERDUE_PART_PAID})
DEFAULT_STATUS_WEIGHTS: Mapping[str, float] = {
    row["status"]: int(row["weight"]) for row in read_csv("kashflow/status_weights.csv")
}

FIRST_INVOICE_NUMBER = 1001
HISTORY_DAYS = 540  # invoices go back about 18 months
_NEVER = date(1900, 1, 1)  # KashFlow's date for "never"
_OVERDUE = (OVERDUE, OVERDUE_PART_PAID)

_CENT = Decimal("0.01")
_FOUR_DP = Decimal("0.0001")


def money(value: Decimal | int | str) -> Decimal:
    """An amount as KashFlow serialises it: 4 decimal places."""
    return Decimal(value).quantize(_FOUR_DP, rounding=ROUND_HALF_UP)


def kashflow_date(day: date | None, offset: bool = False) -> str | None:
    """``2025-09-01 12:00:00`` (KashFlow's date-only form), optionally with ``+01:00``."""
    if day is None:
        return None
    return f"{day.isoformat()} 12:00:00" + (" +01:00" if offset else "")


# The wire shapes of invoices, customers and their parts, with ``"{name}"`` placeholders.
RECORDS: dict[str, Any] = read_json("kashflow/records.json")
_HOSTILE: dict[str, Any] = read_json("kashflow/hostile.json")  # for ``generate(hostile=True)``


def fill_record(template: Any, values: Mapping[str, Any], offset: bool = False) -> Any:
    """A record from its template, every Decimal and date as KashFlow writes them: money with 4
    places, ``kashflow_date`` (with ``+01:00`` if ``offset``)."""

    def wire(value: Any) -> Any:
        if isinstance(value, Decimal):
            return money(value)
        return kashflow_date(value, offset) if isinstance(value, date) else value

    return fill(template, values, wire)


@dataclass(slots=True)
class Currency:
    """A row of ``currencies.csv`` (text), typed."""

    code: str
    name: str
    symbol: str
    rate: Decimal  # foreign units per 1 GBP
    decimals: int
    symbol_on_right: bool = False

    def __post_init__(self) -> None:
        self.rate, self.decimals = Decimal(self.rate), int(self.decimals)
        self.symbol_on_right = self.symbol_on_right in (True, "true")

    @property
    def quantum(self) -> Decimal:
        return Decimal(1).scaleb(-self.decimals)

    def as_json(self, rate: Decimal | None = None) -> dict[str, Any]:
        """As KashFlow shows it, with the invoice's own ``rate`` if given."""
        values = {name: getattr(self, name) for name in self.__slots__}
        return fill_record(RECORDS["currency"], {**values, "rate": rate or self.rate})


CURRENCIES = {row["code"]: Currency(**row) for row in read_csv("kashflow/currencies.csv")}
_EU_COUNTRIES = frozenset({"IE", "DE", "FR", "NL", "SE"})

# (Line1, Line2, Line3, Line4, PostCode, CountryCode, CountryName); None is sent as null.
Address = tuple[str | None, str | None, str | None, str | None, str | None, str | None, str | None]
_ADDRESS_KEYS = ("Line1", "Line2", "Line3", "Line4", "PostCode", "CountryCode", "CountryName")


@dataclass(slots=True)
class _CustomerSpec:
    code: str
    name: str
    address: Address
    private: bool = False
    currency: str = HOME_CURRENCY
    terms: int = 30
    vat: str = ""
    vat_key: str = "VATNumber"
    email: str = ""
    email_on: str = "top"  # top | primary | secondary | both
    phone: str = ""
    phone_on: str = "top"  # top | mobile (top MobileNumber) | primary | secondary
    contacts: tuple[tuple[str, str, str], ...] = ()  # (title, first name, last name)
    mark_primary: bool = True  # KashFlow's doc example has contacts without IsPrimary
    activity: int = 3  # relative share of the random invoices
    note: str = ""
    open_reference: str = ""  # the CustomerReference of its open invoices, if given

    @classmethod
    def from_json(cls, entry: dict[str, Any]) -> _CustomerSpec:
        """An entry of ``special_customers.json``: the fields that differ from the defaults."""
        address = tuple(entry["address"][key] for key in _ADDRESS_KEYS)
        contacts = tuple(tuple(contact) for contact in entry.get("contacts", ()))
        return cls(**{**entry, "address": address, "contacts": contacts})


# Hand-made customers, most important first (small datasets keep only the first few); the
# first has the address of KashFlow's own documentation.
_SPECIAL_CUSTOMERS = tuple(
    _CustomerSpec.from_json(entry) for entry in read_json("kashflow/special_customers.json")
)
KASHFLOW_DOC_ADDRESS: Address = _SPECIAL_CUSTOMERS[0].address

# Pools for the generated customers (order matters: seeded draws pick by position).
_TOWNS = tuple(
    (row["town"], row["county"], row["postcode_area"], tuple(row["localities"].split(";")))
    for row in read_csv("kashflow/towns.csv")
)
_STREETS = read_lines("kashflow/streets.txt")
_BUILDINGS = read_lines("kashflow/buildings.txt")
_PLACES = read_lines("kashflow/places.txt")
_TRADES = read_lines("kashflow/trades.txt")
_SUFFIXES = read_lines("kashflow/company_suffixes.txt")
_SURNAMES = read_lines("kashflow/surnames.txt")
_FIRST_NAMES = read_lines("kashflow/first_names.txt")
_TITLES = ("Mr", "Mrs", "Ms", "Miss", "Dr", "")  # "" = no title (a blank line in a file is lost)
_POSTCODE_LETTERS = "ABDEFGHJLNPQRSTUWXYZ"
_PUBLIC_BODIES = ("Primary School", "Town Council", "Community Trust")

# (description, minimum quantity, maximum quantity, unit price in GBP)
_CATALOGUE = tuple(
    (row["description"], int(row["min_quantity"]), int(row["max_quantity"]), row["unit_price_gbp"])
    for row in read_csv("kashflow/catalogue.csv")
)
_PAYMENT_REFERENCES = read_lines("kashflow/payment_references.txt")
_PHONE_FORMATS = read_lines("kashflow/phone_formats.txt")

# The demo company as GET /settings/companydetails shows it; HomeCurrency is a placeholder in
# the file, filled from the currency table so the two cannot disagree.
_COMPANY_DETAILS: dict[str, Any] = read_json("kashflow/company.json")
_COMPANY_DETAILS["HomeCurrency"] = CURRENCIES[HOME_CURRENCY].as_json()
COMPANY_NAME: str = _COMPANY_DETAILS["CompanyName"]


# --- the dataset ------------------------------------------------------------------------------


@dataclass(slots=True, eq=False)
class InvoiceRecord:
    """One invoice: typed values (for sorting and filtering) plus its two JSON shapes."""

    number: int | str  # text only in the hostile books
    customer_code: str
    customer_name: str
    customer_reference: str
    status: str
    type: str
    issued: date
    due: date
    paid: date | None
    currency: str
    exchange_rate: Decimal  # foreign units per 1 GBP, as on the invoice
    net: Decimal
    vat: Decimal
    gross: Decimal
    paid_home: Decimal
    due_amount: Decimal
    home_gross: Decimal
    summary: dict[str, Any] = field(repr=False)  # a row of GET /invoices
    detail: dict[str, Any] = field(repr=False)  # GET /invoices/{number}

    @property
    def is_open(self) -> bool:
        return self.status in OPEN_STATUSES

    @property
    def order(self) -> tuple[bool, int | str]:
        """How invoices sort by number: numbers first, then (hostile books) text numbers."""
        return isinstance(self.number, str), self.number


@dataclass(frozen=True, slots=True, eq=False)
class CustomerRecord:
    code: str
    name: str
    private: bool
    currency: str
    detail: dict[str, Any] = field(repr=False)  # GET /customers/{code}
    summary: dict[str, Any] = field(repr=False)  # a row of GET /customers


@dataclass(eq=False)
class Dataset:
    """Customers, invoices (by ascending Number) and company details, with lookups."""

    company: dict[str, Any]
    customers: tuple[CustomerRecord, ...]
    invoices: tuple[InvoiceRecord, ...]
    seed: int
    as_of: date

    def __post_init__(self) -> None:
        self.customers = tuple(self.customers)
        self.invoices = tuple(sorted(self.invoices, key=lambda invoice: invoice.order))
        self._customers_by_code = {record.code.casefold(): record for record in self.customers}
        # Two invoices may share a number (hostile books): the first one is found.
        self._invoices_by_number = {i.number: i for i in reversed(self.invoices)}

    def customer(self, code: str) -> CustomerRecord | None:
        """The customer with this code (KashFlow codes match case-insensitively)."""
        return self._customers_by_code.get(code.casefold())

    def invoice(self, number: int | str) -> InvoiceRecord | None:
        """The invoice with this number: as given ("²", " 12 "), else as a whole number."""
        if (found := self._invoices_by_number.get(number)) is not None:
            return found
        try:
            return self._invoices_by_number.get(int(number))
        except (TypeError, ValueError):
            return None

    def invoices_with_status(self, *statuses: str) -> list[InvoiceRecord]:
        return [invoice for invoice in self.invoices if invoice.status in statuses]

    def open_invoice_numbers(self) -> list[int | str]:
        """Numbers of the Unpaid, PartPaid, Overdue and OverduePartPaid invoices, ascending."""
        return [invoice.number for invoice in self.invoices if invoice.is_open]

    def invoices_of(self, customer_code: str) -> list[InvoiceRecord]:
        code = customer_code.casefold()
        return [invoice for invoice in self.invoices if invoice.customer_code.casefold() == code]


# --- generation -------------------------------------------------------------------------------


def generate(
    seed: int = 20261121,
    invoices: int = 300,
    customers: int = 80,
    as_of: date | None = None,
    status_weights: Mapping[str, float] | None = None,
    *,
    credit_notes: int | None = None,
    omit_due_amount: float = 0.0,
    hostile: bool = False,
    credit_customer: bool = False,
) -> Dataset:
    """Build the demo books. Same arguments, same data (``as_of`` defaults to today).

    ``status_weights`` maps statuses (``STATUSES``) to relative weights; every status with a
    positive weight appears at least once when there are enough invoices. ``credit_notes``
    (default: 2 when there are 40+ invoices) are part of ``invoices``. ``omit_due_amount`` is the
    share of invoices (0..1) sent without ``DueAmount``, so clients must compute it.

    ``hostile`` adds the customers of ``hostile.json`` (markdown, LaTeX, HTML, spreadsheet
    formulas and terminal escapes in their text) with open invoices numbered ``hostile.json``'s
    text numbers and a 5,000-digit one, two invoices sharing one number, and an open EUR invoice
    whose list row has ``Currency: null``; none of it changes the other books.
    ``credit_customer``: the first customer owing anything shows only half of it as its
    ``OutstandingBalance``, as with an unallocated credit note.
    """
    if invoices < 0 or customers < 1:
        raise ValueError("need invoices >= 0 and customers >= 1")
    as_of = as_of or date.today()
    weights = dict(DEFAULT_STATUS_WEIGHTS if status_weights is None else status_weights)
    unknown = set(weights) - set(STATUSES)
    if unknown or any(weight < 0 for weight in weights.values()) or not any(weights.values()):
        raise ValueError(f"status_weights needs positive weights for statuses in {STATUSES}")
    if credit_notes is None:
        credit_notes = 2 if invoices >= 40 else 0
    credit_notes = min(credit_notes, invoices)

    rng = random.Random(f"kashflow-sandbox:{seed}")
    specs = list(_SPECIAL_CUSTOMERS[:customers])
    used = {spec.code for spec in specs}
    while len(specs) < customers:
        specs.append(_random_customer(rng, used))
    drafts = _invoice_drafts(rng, specs, invoices, credit_notes, weights, as_of)
    customers, records = _assemble(rng, specs, drafts, as_of, omit_due_amount)
    if hostile:
        _add_hostile_books(customers, records, seed, as_of)
    owing = next((c for c in customers if c.detail["OutstandingBalance"] > 0), None)
    if credit_customer and owing is not None:
        balance = money((owing.detail["OutstandingBalance"] / 2).quantize(_CENT))
        owing.detail["OutstandingBalance"] = owing.summary["OutstandingBalance"] = balance
    _leave_out_some_documents(records)
    return Dataset(dict(_COMPANY_DETAILS), customers, records, seed, as_of)


NO_DOCUMENT_EVERY = 11  # every 11th open invoice (by number) has no PDF, so no Permalink


def _leave_out_some_documents(records: Sequence[InvoiceRecord]) -> None:
    """Like real books, not every invoice has a document: no rng, so the rest stays as it was."""
    open_invoices = sorted((r for r in records if r.is_open), key=lambda r: r.order)
    for index, invoice in enumerate(open_invoices):
        if index % NO_DOCUMENT_EVERY == NO_DOCUMENT_EVERY - 1:
            invoice.detail.pop("Permalink", None)


def _random_customer(rng: random.Random, used: set[str]) -> _CustomerSpec:
    private = rng.random() < 0.2
    title, first, last = rng.choice(_TITLES), rng.choice(_FIRST_NAMES), rng.choice(_SURNAMES)
    code_word = last
    if private:
        name = f"{title} {first} {last}".strip()
    else:
        place, form = rng.choice(_PLACES), rng.random()
        if form < 0.08:
            name = f"{last} & Sons Ltd"
        elif form < 0.12:
            name, code_word = f"{place} {rng.choice(_PUBLIC_BODIES)}", place
        else:
            name, code_word = f"{place} {rng.choice(_TRADES)} {rng.choice(_SUFFIXES)}", place
    code = _unique_code(code_word, used)

    town, county, area, localities = rng.choice(_TOWNS)
    street = f"{rng.randint(1, 240)} {rng.choice(_STREETS)}"
    postcode = (
        f"{area}{rng.randint(1, 28)} {rng.randint(1, 9)}"
        f"{rng.choice(_POSTCODE_LETTERS)}{rng.choice(_POSTCODE_LETTERS)}"
    )
    roll = rng.random()
    if roll < 0.05:
        postcode = postcode.lower()
    elif roll < 0.08:
        postcode = ""
    layout = rng.randrange(6)
    if layout == 0:
        lines = (street, town, county, "")
    elif layout == 1:
        lines = (street, rng.choice(localities), town, county)
    elif layout == 2:
        lines = (f"{street}, {town}" + (f", {county}" if county else ""), "", "", "")
    elif layout == 3:
        lines = (rng.choice(_BUILDINGS), street, town, "")
    elif layout == 4:
        lines = (street, town, "", rng.choice(("United Kingdom", "England", "UK")))
    else:
        lines = (street, f"{town} {postcode}".strip(), "", "")
    roll = rng.random()
    country = ("GB", "United Kingdom") if roll < 0.85 else ("", "United Kingdom")
    if roll > 0.97:
        country = ("", "")
    address: Address = (*lines, postcode, *country)

    slug = "".join(ch for ch in name.lower() if ch.isalnum() or ch == " ").split()
    if private:
        email = f"{first.lower()}.{last.lower()}@{rng.choice(('mail', 'post', 'inbox'))}.example"
    else:
        mailbox = rng.choice(("accounts", "ap", "finance", "office"))
        email = f"{mailbox}@{'-'.join(slug[:2])}.example"
    if rng.random() < 0.15:
        email = ""
    number = f"{rng.randint(0, 999):03d}"
    phone = rng.choice(_PHONE_FORMATS).format(n=number)
    if rng.random() < 0.12:
        phone = ""
    contacts = [(title if private else rng.choice(_TITLES), first, last)]
    if not private and rng.random() < 0.3:
        contacts.append((rng.choice(_TITLES), rng.choice(_FIRST_NAMES), rng.choice(_SURNAMES)))
    placements = ("top", "primary", "secondary", "both")[: 4 if len(contacts) > 1 else 2]
    vat = ""
    if not private and rng.random() < 0.6:
        digits = f"{rng.randint(100000000, 999999999)}"
        vat = rng.choice((f"GB{digits}", f"GB {digits[:3]} {digits[3:7]} {digits[7:]}"))
    return _CustomerSpec(
        code,
        name,
        address,
        private=private,
        terms=rng.choice((14, 30, 30, 30, 60)) if not private else 14,
        vat=vat,
        vat_key=rng.choice(("VATNumber", "VatNumber")),
        email=email,
        email_on=rng.choice(placements),
        phone=phone,
        phone_on=rng.choice(("top", "top", "mobile", "primary")),
        contacts=tuple(contacts),
        mark_primary=rng.random() < 0.85,
        activity=rng.choice((1, 1, 2, 3, 5, 8)),
    )


def _unique_code(word: str, used: set[str]) -> str:
    stem = "".join(ch for ch in word.upper() if ch.isalnum())[:4] or "CUST"
    codes = (f"{stem}{number:02d}" for number in itertools.count(1))
    code = next(code for code in codes if code not in used)
    used.add(code)
    return code


@dataclass(slots=True)
class _InvoiceDraft:
    spec: _CustomerSpec
    status: str
    issued: date
    due: date
    credit: bool = False
    order: float = 0.0
    # Set when the drafts are numbered, in issue order:
    number: int = 0
    customer_id: int = 0
    omit_due: bool = False  # sent without DueAmount


def _invoice_drafts(
    rng: random.Random,
    specs: list[_CustomerSpec],
    count: int,
    credit_notes: int,
    weights: dict[str, float],
    as_of: date,
) -> list[_InvoiceDraft]:
    plan: list[tuple[_CustomerSpec | None, str, bool]] = []
    uk_specs = [spec for spec in specs if spec.currency == HOME_CURRENCY] or specs
    for index in range(credit_notes):
        # One settled credit note, then open ones (a negative amount for the review page).
        spec = uk_specs[(index * 5 + 1) % len(uk_specs)]
        plan.append((spec, UNPAID if index % 2 else PAID, True))

    weighted = [status for status in STATUSES if weights.get(status, 0) > 0]
    open_weighted = [status for status in weighted if status in OPEN_STATUSES] or weighted
    # Every hand-made customer gets an open invoice, so the review page shows each case.
    for index, spec in enumerate(specs[: len(_SPECIAL_CUSTOMERS)]):
        if len(plan) >= count:
            break
        plan.append((spec, open_weighted[index % len(open_weighted)], False))
    present = {status for _, status, credit in plan if not credit}
    for status in weighted:
        if len(plan) >= count:
            break
        if status not in present:
            plan.append((None, status, False))
    statuses = rng.choices(weighted, [weights[status] for status in weighted], k=count - len(plan))
    plan.extend((None, status, False) for status in statuses)
    plan = plan[:count]

    activity = [spec.activity for spec in specs]
    drafts = []
    for spec, status, credit in plan:
        if spec is None:
            spec = rng.choices(specs, activity)[0]
        issued, due = _dates_for(rng, status, spec.terms, as_of)
        drafts.append(_InvoiceDraft(spec, status, issued, due, credit, rng.random()))
    return drafts


def _dates_for(rng: random.Random, status: str, terms: int, as_of: date) -> tuple[date, date]:
    """Issue and due dates that fit the status: Overdue* only when due < as_of."""
    if status in _OVERDUE:
        latest_overdue = max(1, HISTORY_DAYS - terms)
        days_overdue = min(latest_overdue, 1 + int(rng.expovariate(1 / 55)))
        due = as_of - timedelta(days=days_overdue)
        return due - timedelta(days=terms), due
    if status in (UNPAID, PART_PAID):
        issued = as_of - timedelta(days=rng.randint(0, terms))
    elif status == DRAFT:
        issued = as_of - timedelta(days=rng.randint(0, min(terms, 10)))
    else:
        issued = as_of - timedelta(days=rng.randint(7, HISTORY_DAYS))
    return issued, issued + timedelta(days=terms)


def _assemble(
    rng: random.Random,
    specs: list[_CustomerSpec],
    drafts: list[_InvoiceDraft],
    as_of: date,
    omit_due_amount: float,
) -> tuple[list[CustomerRecord], list[InvoiceRecord]]:
    customer_ids = {spec.code: 10500 + index * 7 for index, spec in enumerate(specs)}
    drafts.sort(key=lambda draft: (draft.issued, draft.order))
    records = []
    for index, draft in enumerate(drafts):
        draft.number = FIRST_INVOICE_NUMBER + index
        draft.customer_id = customer_ids[draft.spec.code]
        draft.omit_due = rng.random() < omit_due_amount
        records.append(_invoice_record(rng, draft, as_of))
    by_customer: dict[str, list[InvoiceRecord]] = {}
    for record in records:
        by_customer.setdefault(record.customer_code, []).append(record)
    customers = [
        _customer_record(rng, spec, customer_ids[spec.code], by_customer.get(spec.code, []), as_of)
        for spec in specs
    ]
    return customers, records


def _add_hostile_books(
    customers: list[CustomerRecord], invoices: list[InvoiceRecord], seed: int, as_of: date
) -> None:
    """The hostile customers and their open invoices (see ``generate``), from their own draws."""
    rng = random.Random(f"kashflow-sandbox:{seed}:hostile")
    specs = [_CustomerSpec.from_json(entry) for entry in _HOSTILE["customers"]]
    *texts, euro = specs
    numbers = [*_HOSTILE["invoice_numbers"], "1234567890" * 500]
    first = FIRST_INVOICE_NUMBER + len(invoices)  # the drafts' numbers, some replaced below
    shared = first + len(numbers)  # the number two invoices share
    plan = [(texts[index % len(texts)], number) for index, number in enumerate(numbers)]
    plan += [(texts[0], shared), (texts[1], shared), (euro, None)]  # None: its draft's number
    ids = {spec.code: 10500 + (len(customers) + index) * 7 for index, spec in enumerate(specs)}
    by_customer: dict[str, list[InvoiceRecord]] = {spec.code: [] for spec in specs}
    for offset, (spec, number) in enumerate(plan):
        draft = _InvoiceDraft(spec, OVERDUE, *_dates_for(rng, OVERDUE, spec.terms, as_of))
        draft.number, draft.customer_id = first + offset, ids[spec.code]
        invoice = _invoice_record(rng, draft, as_of)
        if number is not None:
            invoice.number = invoice.summary["Number"] = invoice.detail["Number"] = number
        if spec is euro:
            invoice.summary["Currency"] = None  # the list row; the customer has the currency
        invoices.append(invoice)
        by_customer[spec.code].append(invoice)
    customers.extend(
        _customer_record(rng, spec, ids[spec.code], by_customer[spec.code], as_of) for spec in specs
    )


def _guid(rng: random.Random) -> str:
    return str(uuid.UUID(int=rng.getrandbits(128), version=4))


def _address_json(address: Address, blank_as_null: bool) -> dict[str, Any]:
    return {
        key: (None if blank_as_null and not value else value)
        for key, value in zip(_ADDRESS_KEYS, address, strict=True)
    }


def _invoice_record(rng: random.Random, draft: _InvoiceDraft, as_of: date) -> InvoiceRecord:
    spec, status, number = draft.spec, draft.status, draft.number
    currency = CURRENCIES[spec.currency]
    rate = currency.rate
    if currency.code != HOME_CURRENCY:
        # The rate on the day the invoice was raised.
        rate = (rate * (1 + Decimal(rng.randint(-300, 300)) / 10000)).quantize(_FOUR_DP)
    vat_level = Decimal(20) if spec.currency == HOME_CURRENCY else Decimal(0)
    sign = -1 if draft.credit else 1

    def home(amount: Decimal) -> Decimal:
        return (amount / rate).quantize(_CENT, ROUND_HALF_UP)

    line_items, net, vat = [], Decimal(0), Decimal(0)
    for line_number, (description, low, high, price) in enumerate(
        rng.sample(_CATALOGUE, rng.randint(1, 3) if not draft.credit else 1), start=1
    ):
        quantity = Decimal(rng.randint(low, high) * sign)
        unit = (Decimal(price) * currency.rate).quantize(currency.quantum, ROUND_HALF_UP)
        line_net = (quantity * unit).quantize(currency.quantum)
        line_vat = (line_net * vat_level / 100).quantize(currency.quantum, ROUND_HALF_UP)
        net, vat = net + line_net, vat + line_vat
        line = {
            "number": line_number,
            "description": description if not draft.credit else f"Credit: {description}",
            "quantity": quantity,
            "rate": unit,
            "home_rate": home(unit),
            "vat_level": vat_level,
            "vat": line_vat,
            "home_vat": home(line_vat),
        }
        line_items.append(fill_record(RECORDS["line_item"], line))
    gross = net + vat

    paid_foreign = Decimal(0)
    if status == PAID:
        paid_foreign = gross
    elif status == OVERPAID:
        extra = (gross * Decimal(rng.choice(("0.05", "0.10", "0.20")))).quantize(currency.quantum)
        paid_foreign = gross + max(extra, currency.quantum)
    elif status in (PART_PAID, OVERDUE_PART_PAID):
        share = Decimal(rng.choice(("0.25", "0.30", "0.40", "0.50", "0.60", "0.75")))
        paid_foreign = min(
            max((gross * share).quantize(currency.quantum), currency.quantum),
            gross - currency.quantum,
        )

    payments = _payments(rng, draft, paid_foreign, gross, as_of)
    paid_date = payments[-1][0] if status in (PAID, OVERPAID) and payments else None
    overdue_days = (as_of - draft.due).days if status in _OVERDUE else 0
    offset = rng.random() < 0.07 and 4 <= draft.issued.month <= 10
    reference = ""
    if not spec.private and rng.random() < 0.45:
        reference = f"PO-{rng.randint(1000, 99999)}"
    if spec.open_reference and status in OPEN_STATUSES:
        reference = spec.open_reference
    contact = spec.contacts[0] if spec.contacts else ("", "", "")
    reminders = [draft.due + timedelta(days=after) for after in (7, 21, 45) if after < overdue_days]

    def payment_line(index: int, payment: tuple[date, Decimal, str]) -> dict[str, Any]:
        line = {"id": number * 10 + index, "number": number, "payment": payment, "guid": _guid(rng)}
        return fill_record(RECORDS["payment_line"], line, offset)

    # The typed values (named as InvoiceRecord names them) and the wire-only ones; the order of
    # the rng calls (the guids last, the invoice's first) keeps the same seed's books the same.
    values: dict[str, Any] = {
        "number": number,
        "customer_code": spec.code,
        "customer_name": spec.name,
        "customer_reference": reference,
        "status": status,
        "type": "CreditNote" if draft.credit else "Invoice",
        "issued": draft.issued,
        "due": draft.due,
        "paid": paid_date,
        "currency": currency.code,
        "exchange_rate": rate,
        "net": net,
        "vat": vat,
        "gross": gross,
        "paid_home": home(paid_foreign),
        "due_amount": gross - paid_foreign,
        "home_gross": home(gross),
        "id": 734000 + number * 3,
        "customer_id": draft.customer_id,
        "home_vat": home(vat),
        "overdue_days": overdue_days,
        "currency_json": currency.as_json(rate),
        "address": _address_json(spec.address, blank_as_null=True),
        "email_count": 1 if status != DRAFT else 0,
        "credit_control": status in _OVERDUE,
        "line_items": line_items,
        "reminder_letters": [
            {"IsSent": True, "Number": letter, "SentDate": kashflow_date(sent)}
            for letter, sent in enumerate(reminders, start=1)
        ],
        "last_payment": payments[-1][0] if payments else None,
        "spec": spec,
        "contact": contact,
        "contact_name": f"{contact[1]} {contact[2]}".strip(),
        "previous_number": number - 1 if number > FIRST_INVOICE_NUMBER else 0,
        "next_number": number + 1,
        "in_ec": spec.address[5] in _EU_COUNTRIES,
        "outside_ec": spec.address[5] not in _EU_COUNTRIES,
        "guid": _guid(rng),
        "payment_lines": [payment_line(i, payment) for i, payment in enumerate(payments, 1)],
    }
    summary = fill_record(RECORDS["invoice_row"], values, offset)
    if draft.omit_due:
        del summary["DueAmount"]
    detail = {**summary, **fill_record(RECORDS["invoice_detail"], values, offset)}
    if not draft.omit_due:
        detail["FormattedDueAmount"] = _formatted(currency, values["due_amount"])
    typed = {name: values[name] for name in InvoiceRecord.__dataclass_fields__ if name in values}
    return InvoiceRecord(**typed, summary=summary, detail=detail)


def _payments(
    rng: random.Random, draft: _InvoiceDraft, paid: Decimal, gross: Decimal, as_of: date
) -> list[tuple[date, Decimal, str]]:
    """(date, amount in invoice currency, reference) per payment, oldest first."""
    if paid == 0:
        return []
    latest = max(draft.issued, min(as_of, draft.due + timedelta(days=45)))
    span = max(0, (latest - draft.issued).days)

    def day() -> date:
        return draft.issued + timedelta(days=rng.randint(min(2, span), span))

    def ref() -> str:
        return f"{rng.choice(_PAYMENT_REFERENCES)} {draft.number}"

    if draft.status == OVERPAID:
        first = day()
        return [(first, gross, ref()), (max(first, day()), paid - gross, ref())]
    if draft.status in (PART_PAID, OVERDUE_PART_PAID) and rng.random() < 0.4 and paid > 1:
        first_amount = (paid / 2).quantize(Decimal(1) if paid == paid.to_integral() else _CENT)
        days = sorted((day(), day()))
        return [(days[0], first_amount, ref()), (days[1], paid - first_amount, ref())]
    return [(day(), paid, ref())]


def _formatted(currency: Currency, amount: Decimal) -> str:
    number = f"{abs(amount):,.{currency.decimals}f}"
    sign = "-" if amount < 0 else ""
    if currency.symbol_on_right:
        return f"{sign}{number} {currency.symbol}"
    return f"{sign}{currency.symbol}{number}"


def _customer_record(
    rng: random.Random,
    spec: _CustomerSpec,
    customer_id: int,
    invoices: list[InvoiceRecord],
    as_of: date,
) -> CustomerRecord:
    billed = [invoice for invoice in invoices if invoice.status != DRAFT]

    def home(amount: Decimal, invoice: InvoiceRecord) -> Decimal:
        return (amount / invoice.exchange_rate).quantize(_CENT, ROUND_HALF_UP)

    first_invoice = min((invoice.issued for invoice in billed), default=None)
    last_invoice = max((invoice.issued for invoice in billed), default=None)
    created = (first_invoice or as_of) - timedelta(days=rng.randint(5, 400))

    contacts = []
    for index, (title, first, last) in enumerate(spec.contacts):
        on_this = "primary" if index == 0 else "secondary"
        email_here = spec.email_on in (on_this, "both") and (index == 0 or spec.email_on != "both")
        contact = {
            "id": customer_id * 10 + index,
            "primary": index == 0,
            "receive_emails": bool(spec.email) and email_here,
            "name": f"{first} {last}".strip() or None,
            "title": title or None,
            "first": first or None,
            "last": last or None,
            "telephone": spec.phone if spec.phone_on == on_this else "",
            "email": spec.email if email_here else "",
        }
        contacts.append(fill_record(RECORDS["contact"], contact))
        if not spec.mark_primary:  # KashFlow's doc example has contacts without IsPrimary
            del contacts[-1]["IsPrimary"]

    address = _address_json(spec.address, blank_as_null=False)
    postcode = (spec.address[4] or "").strip()
    values = {
        "id": customer_id,
        "spec": spec,
        "display_name": f"{spec.name}, {postcode}" if postcode else spec.name,
        "email": spec.email if spec.email_on in ("top", "both") else "",
        "telephone": spec.phone if spec.phone_on == "top" else "",
        "mobile": spec.phone if spec.phone_on == "mobile" else "",
        "contacts": contacts,
        "address": address,
        "delivery_addresses": [dict(address)] if rng.random() < 0.5 else [],
        "currency_json": CURRENCIES[spec.currency].as_json(),
        "created": created,
        "updated": max(created, last_invoice or created),
        "first_invoice": first_invoice or _NEVER,
        "last_invoice": last_invoice or _NEVER,
        "invoice_count": len(billed),
        "invoiced_net": sum((home(i.net, i) for i in billed), Decimal(0)),
        "invoiced_vat": sum((home(i.vat, i) for i in billed), Decimal(0)),
        "total_paid": sum((i.paid_home for i in billed), Decimal(0)),
        "outstanding": sum((home(i.due_amount, i) for i in billed if i.is_open), Decimal(0)),
        "overdue": sum((home(i.due_amount, i) for i in billed if i.status in _OVERDUE), Decimal(0)),
        "auto_vat": bool(spec.vat),
        "in_ec": spec.address[5] in _EU_COUNTRIES,
        "outside_ec": spec.address[5] not in _EU_COUNTRIES | {"GB", ""},
        "guid": _guid(rng),
    }
    detail = fill_record(RECORDS["customer"], values)
    summary = {key: detail[key] for key in RECORDS["customer_row"]}
    return CustomerRecord(spec.code, spec.name, spec.private, spec.currency, detail, summary)
