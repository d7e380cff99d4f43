"""Figures over many rows: ageing buckets and totals per currency, exact in ``Decimal``."""

from __future__ import annotations

from collections.abc import Iterable
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
