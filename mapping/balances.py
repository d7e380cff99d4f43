"""Cross-checking the open invoices against each customer's own balance, for free.

Every customer record carries ``OutstandingBalance``: all it owes, in the home currency. The
open invoices that arrived for it should add up to about that:

- more owed than the invoices here: the (filtered) invoice list is short; list again;
- less owed: a credit note or an unallocated payment. Its invoices get a
  ``customer_has_credit`` warning with the amount, so nobody collects money the debtor does
  not owe.
"""

from __future__ import annotations

from collections.abc import Iterable, Mapping
from dataclasses import dataclass, field
from decimal import Decimal

from kashflow.models import Customer, Invoice
from mapping.currency import invoice_currency
from mapping.money import divide, money_text, total
from mapping.problems import CUSTOMER_HAS_CREDIT, Problem, problem
from mapping.rows import invoice_outstanding
from mapping.status import canonical_status, is_open_status

# Rounding on each invoice's home-currency figure: a difference within a penny an invoice is
# no difference.
_PER_INVOICE_TOLERANCE = Decimal("0.01")


@dataclass(frozen=True)
class BalanceCheck:
    """Customers whose balance says the list is short, and warnings for those in credit."""

    owing_more: tuple[str, ...] = ()  # customer codes
    credit_problems: Mapping[str, tuple[Problem, ...]] = field(default_factory=dict)


def check_balances(
    invoices: Iterable[Invoice], customers: Mapping[str, Customer], home_currency: str
) -> BalanceCheck:
    """Compare each fetched customer's ``OutstandingBalance`` with its open invoices here.

    A customer is skipped when its balance is unknown or some open invoice of its has no
    home-currency figure (a foreign invoice without a rate).

    >>> from kashflow.models import Customer, Invoice
    >>> def open_invoice(number, due):
    ...     return Invoice.from_api({"Number": number, "CustomerCode": "ACME01",
    ...         "Status": "Overdue", "DueAmount": due, "Currency": {"Code": "GBP"}})
    >>> invoices = [open_invoice(1, 100), open_invoice(2, 150)]
    >>> check_balances(invoices, {"ACME01": Customer("ACME01", outstanding_balance=400)},
    ...     "GBP").owing_more
    ('ACME01',)
    >>> check = check_balances(invoices, {"ACME01": Customer("ACME01", name="Acme Ltd",
    ...     outstanding_balance=Decimal(200))}, "GBP")
    >>> check.credit_problems["ACME01"][0].message[:60]
    'KashFlow shows Acme Ltd owing £200.00 in all, £50.00 less th'
    """
    by_customer: dict[str, list[Decimal | None]] = {}
    for invoice in invoices:
        if is_open_status(canonical_status(invoice.status)):
            amount = home_outstanding(invoice, home_currency)
            by_customer.setdefault(invoice.customer_code, []).append(amount)
    owing_more: list[str] = []
    credit: dict[str, tuple[Problem, ...]] = {}
    for code, amounts in by_customer.items():
        customer = customers.get(code)
        balance = customer.outstanding_balance if customer else None
        if balance is None or None in amounts:
            continue
        open_total = total(amounts)  # type: ignore[arg-type]
        tolerance = _PER_INVOICE_TOLERANCE * len(amounts)
        if balance > open_total + tolerance:
            owing_more.append(code)
        elif balance < open_total - tolerance:
            credit[code] = (_credit_problem(customer, balance, open_total, home_currency),)
    return BalanceCheck(tuple(owing_more), credit)


def home_outstanding(invoice: Invoice, home_currency: str) -> Decimal | None:
    """What is still owed on ``invoice``, in the home currency; ``None`` when not known.

    >>> home_outstanding(Invoice.from_api({"Number": 1, "DueAmount": 116,
    ...     "Currency": {"Code": "EUR", "ExchangeRate": 1.16}}), "GBP")
    Decimal('100')
    """
    currency, _ = invoice_currency(invoice.currency_code, home_currency)
    owed = invoice_outstanding(invoice, currency, home_currency)
    if owed is None or currency == home_currency.strip().upper():
        return owed
    return None if invoice.exchange_rate is None else divide(owed, invoice.exchange_rate)


def _credit_problem(
    customer: Customer, balance: Decimal, open_total: Decimal, home_currency: str
) -> Problem:
    name = customer.name or customer.code
    currency = home_currency.strip().upper()
    difference = open_total - balance
    return problem(
        CUSTOMER_HAS_CREDIT,
        f"KashFlow shows {name} owing {money_text(balance, currency)} in all, "
        f"{money_text(difference, currency)} less than its open invoices here "
        f"({money_text(open_total, currency)}): a credit note or an unallocated "
        "payment. Check it in KashFlow before collecting, so nobody is asked for money they "
        "do not owe.",
    )
