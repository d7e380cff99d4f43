"""Settling the currency of open invoices whose list row does not say.

KashFlow's list rows often carry ``Currency: null``. The customer's record, fetched anyway,
usually tells; where it does not and the amounts are not plainly in the home currency, the
invoice's own detail is read (on the import's pool). An invoice nobody can place stays
unknown and is blocked: a EUR invoice is never shown, filtered or sent as GBP.
"""

from __future__ import annotations

from collections.abc import Callable, Mapping, Sequence
from concurrent.futures import Future
from dataclasses import dataclass, replace

from kashflow import Customer, Invoice, KashFlowError
from mapping.currency import list_row_currency
from mapping.status import canonical_status, is_open_status


@dataclass(frozen=True)
class SettledInvoices:
    invoices: tuple[Invoice, ...]  # in the input order, with a currency code where one is known
    unknown: frozenset[str]  # numbers of open invoices whose currency nobody could tell
    details_read: int  # invoice details fetched to find out


def settle_currencies(
    invoices: Sequence[Invoice],
    customers: Mapping[str, Customer],
    home_currency: str,
    read_detail: Callable[[str], Future[Invoice]],
) -> SettledInvoices:
    """Each open invoice with its currency code filled in from its customer, or from its
    detail (``read_detail(number)``, started for all of them before any is awaited)."""
    settled = list(invoices)
    pending: dict[int, Future[Invoice]] = {}
    for index, invoice in enumerate(invoices):
        if invoice.currency_code or not is_open_status(canonical_status(invoice.status)):
            continue
        customer = customers.get(invoice.customer_code)
        code = _currency(invoice, customer.currency_code if customer else "", home_currency)
        if code is None:
            pending[index] = read_detail(invoice.number)
        else:
            settled[index] = replace(invoice, currency_code=code)
    unknown = set()
    for index, future in pending.items():
        invoice = invoices[index]
        try:
            detail = future.result()
        except KashFlowError:
            detail = None
        code = None if detail is None else _currency(detail, "", home_currency)
        if code is None:
            unknown.add(invoice.number)
        else:
            rate = detail.exchange_rate or invoice.exchange_rate
            settled[index] = replace(invoice, currency_code=code, exchange_rate=rate)
    return SettledInvoices(tuple(settled), frozenset(unknown), len(pending))


def _currency(invoice: Invoice, customer_currency: str, home_currency: str) -> str | None:
    return list_row_currency(
        invoice_code=invoice.currency_code,
        customer_code=customer_currency,
        gross_amount=invoice.gross_amount,
        home_currency_gross_amount=invoice.home_currency_gross_amount,
        exchange_rate=invoice.exchange_rate,
        home_currency=home_currency,
    )
