"""Figures over many rows: ageing buckets and totals per currency, exact in ``Decimal``."""

from __future__ import annotations

from collections.abc import Iterable
from dataclasses import dataclass
from decimal import Decimal
from typing import TYPE_CHECKING

from mapping.money import total

if TYPE_CHECKING:
    from mapping.rows import ReviewRow

AGEING_BUCKETS: tuple[str, ...] = ("0–30", "31–60", "61–90", "91–180", "181–365", "365+")
_BUCKET_UPPER_BOUNDS = (30, 60, 90, 180, 365)


def ageing_bucket(days_overdue: int) -> str:
    """The ageing bucket for a number of days overdue (0 and negative count as ``0–30``).

    >>> ageing_bucket(0), ageing_bucket(31), ageing_bucket(365), ageing_bucket(366)
    ('0–30', '31–60', '181–365', '365+')
    """
    for label, upper in zip(AGEING_BUCKETS, _BUCKET_UPPER_BOUNDS, strict=False):
        if days_overdue <= upper:
            return label
    return AGEING_BUCKETS[-1]


def totals_by_currency(
    rows: Iterable[ReviewRow], *, eligible_only: bool = False
) -> dict[str, Decimal]:
    """Sum of ``amount_to_recover`` per currency, currencies in alphabetical order.

    Amounts are never added across currencies, and never through float.

    >>> from datetime import date
    >>> from kashflow.models import Invoice
    >>> from mapping.debtor import map_debtor
    >>> from mapping.policy import Policy
    >>> from mapping.rows import build_row
    >>> policy, debtor = Policy(date(2026, 11, 21)), map_debtor(None, fallback_name="Acme")
    >>> rows = [build_row(Invoice.from_api({"Number": n, "DueAmount": amount,
    ...     "Currency": {"Code": code}}), debtor, policy)
    ...     for n, amount, code in [(1, "0.10", "GBP"), (2, "0.20", "GBP"), (3, "1500", "JPY")]]
    >>> totals_by_currency(rows)
    {'GBP': Decimal('0.30'), 'JPY': Decimal('1500')}
    """
    amounts: dict[str, list[Decimal]] = {}
    for row in rows:
        if row.amount_to_recover is None or (eligible_only and not row.eligible):
            continue
        amounts.setdefault(row.currency, []).append(row.amount_to_recover)
    return {currency: total(amounts[currency]) for currency in sorted(amounts)}


@dataclass(frozen=True, slots=True)
class CurrencySummary:
    """One currency's figures over some rows: never added across currencies."""

    currency: str
    invoices: int
    outstanding: Decimal
    overdue_invoices: int
    overdue: Decimal
    eligible_invoices: int
    eligible: Decimal


def currency_summaries(rows: Iterable[ReviewRow]) -> list[CurrencySummary]:
    """Count, outstanding, overdue and eligible amounts per currency, alphabetically.

    >>> from datetime import date
    >>> from kashflow.models import Invoice
    >>> from mapping.debtor import map_debtor
    >>> from mapping.policy import Policy
    >>> from mapping.rows import build_row
    >>> policy, debtor = Policy(date(2026, 11, 21)), map_debtor(None, fallback_name="Acme")
    >>> rows = [build_row(Invoice.from_api({"Number": n, "DueAmount": amount,
    ...     "DueDate": due, "Currency": {"Code": "GBP"}}), debtor, policy)
    ...     for n, amount, due in [(1, "10.10", "2026-10-01"), (2, "0.20", "2026-12-01")]]
    >>> summary = currency_summaries(rows)[0]
    >>> summary.invoices, summary.outstanding, summary.overdue_invoices, summary.overdue
    (2, Decimal('10.30'), 1, Decimal('10.10'))
    """
    grouped: dict[str, list[ReviewRow]] = {}
    for row in rows:
        grouped.setdefault(row.currency, []).append(row)
    summaries = []
    for currency in sorted(grouped):
        group = grouped[currency]
        overdue = [row for row in group if row.days_overdue > 0]
        eligible = [row for row in group if row.eligible]
        summaries.append(
            CurrencySummary(
                currency=currency,
                invoices=len(group),
                outstanding=_sum(group),
                overdue_invoices=len(overdue),
                overdue=_sum(overdue),
                eligible_invoices=len(eligible),
                eligible=_sum(eligible),
            )
        )
    return summaries


@dataclass(frozen=True, slots=True)
class AgeingBar:
    bucket: str
    currency: str
    invoices: int
    amount: Decimal


def ageing_bars(rows: Iterable[ReviewRow]) -> list[AgeingBar]:
    """Invoices and amounts per ageing bucket and currency, buckets in age order.

    >>> ageing_bars([])
    []
    """
    grouped: dict[tuple[str, str], list[ReviewRow]] = {}
    for row in rows:
        grouped.setdefault((ageing_bucket(row.days_overdue), row.currency), []).append(row)
    order = {bucket: index for index, bucket in enumerate(AGEING_BUCKETS)}
    return [
        AgeingBar(bucket, currency, len(group), _sum(group))
        for (bucket, currency), group in sorted(
            grouped.items(), key=lambda item: (order[item[0][0]], item[0][1])
        )
    ]


def _sum(rows: list[ReviewRow]) -> Decimal:
    return total([row.amount_to_recover for row in rows if row.amount_to_recover is not None])
