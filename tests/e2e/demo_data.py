"""What the review page must show for the demo company, worked out from the sandbox's seed.

The expectations come from the demo books themselves (``sandbox.kashflow_data.generate``, the
data the demo KashFlow serves) and a handful of plain rules written here, never from the
production import under test: a bug in the import cannot make its own expectation.

The demo books are generated relative to the day the app starts (``as_of`` = today), so
everything here is relative to today too: the tests hold on any day.
"""

from __future__ import annotations

from dataclasses import dataclass
from datetime import date, datetime
from decimal import Decimal
from zoneinfo import ZoneInfo

from mapping.policy import DEFAULT_USD_RATES
from sandbox.kashflow_data import OPEN_STATUSES, InvoiceRecord, generate
from sandbox.kashflow_server import KashFlowSandboxConfig

# Debitura's minimum is USD 100; a claim of GBP 100 or more clears it at any plausible rate.
CLEARLY_ABOVE_MINIMUM_GBP = Decimal(100)
# Under USD 90 (10% under the line, our rates being estimates) the app blocks the invoice.
CLEARLY_UNDER_MINIMUM_USD = Decimal(90)
US_STATE_CODES = frozenset(
    {
        "AL", "AK", "AZ", "AR", "CA", "CO", "CT", "DE", "FL", "GA", "HI", "ID", "IL", "IN", "IA",
        "KS", "KY", "LA", "ME", "MD", "MA", "MI", "MN", "MS", "MO", "MT", "NE", "NV", "NH", "NJ",
        "NM", "NY", "NC", "ND", "OH", "OK", "OR", "PA", "RI", "SC", "SD", "TN", "TX", "UT", "VT",
        "VA", "WA", "WV", "WI", "WY", "DC",
    }
)  # fmt: skip


@dataclass(frozen=True)
class DemoInvoice:
    """One open invoice of the demo books, judged by this module's own rules."""

    invoice_number: str
    customer_code: str
    status: str
    currency: str
    due_date: date
    days_overdue: int
    home_amount: Decimal  # what is still owed, in GBP
    blocking: frozenset[str]  # problem codes that stop the row from being sent

    @property
    def eligible(self) -> bool:
        return not self.blocking


def london_today() -> date:
    """The app judges due dates by the calendar in London; so do the tests."""
    return datetime.now(ZoneInfo("Europe/London")).date()


def demo_rows(today: date | None = None) -> tuple[DemoInvoice, ...]:
    """The demo company's open invoices in the grid's order (by invoice number).

    The demo sandbox generates its books with the default seed and sizes, as of the day it
    starts; the app judges them against ``today`` in London.
    """
    today = today or london_today()
    demo = KashFlowSandboxConfig()  # what the app's demo KashFlow serves
    books = generate(
        seed=demo.seed, invoices=demo.invoices, customers=demo.customers, as_of=date.today()
    )
    rows = []
    for invoice in books.invoices:  # ascending Number, like the review grid
        if invoice.status not in OPEN_STATUSES:
            continue
        customer = books.customer(invoice.customer_code)
        address = customer.detail["Addresses"][0] if customer.detail.get("Addresses") else {}
        rows.append(
            DemoInvoice(
                invoice_number=str(invoice.number),
                customer_code=invoice.customer_code,
                status=invoice.status,
                currency=invoice.currency,
                due_date=invoice.due,
                days_overdue=max(0, (today - invoice.due).days),
                home_amount=invoice.due_amount / invoice.exchange_rate,
                blocking=frozenset(_invoice_blockers(invoice, today) | _address_blockers(address)),
            )
        )
    return tuple(rows)


def demo_customer_text() -> str:
    """Every customer code and name in the demo books (the search box also looks there): a
    test searching for part of an invoice number picks text found in none of them."""
    demo = KashFlowSandboxConfig()
    books = generate(
        seed=demo.seed, invoices=demo.invoices, customers=demo.customers, as_of=date.today()
    )
    names = [f"{c.code}\n{c.detail.get('Name', '')}" for c in books.customers]
    return "\n".join(names + [invoice.customer_name for invoice in books.invoices]).casefold()


def _invoice_blockers(invoice: InvoiceRecord, today: date) -> set[str]:
    blockers = set()
    if invoice.due > today:  # due today is fine, due tomorrow is not overdue yet
        blockers.add("not_yet_due")
    if invoice.due_amount <= 0:
        blockers.add("non_positive_amount")
    elif _usd(invoice) < CLEARLY_UNDER_MINIMUM_USD:
        blockers.add("below_minimum")
    return blockers


def _usd(invoice: InvoiceRecord) -> Decimal:
    """About how many US dollars are owed: the currency's rate, else through GBP."""
    rate = DEFAULT_USD_RATES.get(invoice.currency)
    if rate is not None:
        return invoice.due_amount * rate
    return invoice.due_amount / invoice.exchange_rate * DEFAULT_USD_RATES["GBP"]


def _address_blockers(address: dict) -> set[str]:
    """What Debitura cannot do without: a street, a town, a postcode, and a US state."""
    lines = [(address.get(key) or "").strip() for key in ("Line1", "Line2", "Line3", "Line4")]
    blockers = set()
    if not lines[0]:
        blockers.add("missing_address")
    postcode = (address.get("PostCode") or "").strip()
    if not _has_town(lines, postcode):
        blockers.add("missing_city")
    if not postcode:
        blockers.add("missing_postcode")
    country_words = {(address.get("CountryCode") or "").upper(), *(line.upper() for line in lines)}
    if country_words & {"US", "USA", "UNITED STATES"} and not any(
        line.upper() in US_STATE_CODES for line in lines
    ):
        blockers.add("missing_state")
    return blockers


def _has_town(lines: list[str], postcode: str) -> bool:
    """A town is a part of the address after the first (the next lines, or the comma parts of
    a lone line) that does not start with a house number once the postcode is taken out:
    "Leeds", "Bath BA1 1AA", "1016 DV Amsterdam", "Dublin 2". "Flat 3, 22 Harcourt Road" and
    "Unit 7 Riverside Industrial Estate" are street lines and nothing else."""
    parts = [line for line in lines if line]
    if len(parts) == 1:
        parts = [part.strip() for part in parts[0].split(",") if part.strip()]
    for part in parts[1:]:
        if postcode:
            part = part.upper().replace(postcode.upper(), "").strip()
        if part and not part[0].isdigit():
            return True
    return False


def blocking_codes(row: DemoInvoice) -> set[str]:
    return set(row.blocking)


def sendable(row: DemoInvoice) -> bool:
    """Eligible, and clearly over Debitura's minimum (its sandbox refuses smaller claims)."""
    return row.eligible and row.home_amount >= CLEARLY_ABOVE_MINIMUM_GBP
