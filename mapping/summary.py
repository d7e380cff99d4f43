"""Figures over many rows: ageing buckets and totals per currency, exact in ``Decimal``."""

from __future__ import annotations

from collections.abc import Iterable
from dataclasses import dataclass
from decimal import Decimal
from typing import TYPE_CHECKING

from mapping.money import display_money, total
from mapping.problems import NOT_YET_DUE

if TYPE_CHECKING:
    from mapping.rows import ReviewRow

NOT_YET_DUE_BUCKET = "Not yet due"
AGEING_BUCKETS: tuple[str, ...] = (
    NOT_YET_DUE_BUCKET, "0–30", "31–60", "61–90", "91–180", "181–365", "365+",
)  # fmt: skip
_OVERDUE_BUCKETS = AGEING_BUCKETS[1:]
_BUCKET_UPPER_BOUNDS = (30, 60, 90, 180, 365)


def ageing_bucket(days_overdue: int, *, not_yet_due: bool = False) -> str:
    """The ageing bucket for a number of days overdue; invoices not due yet have their own.

    Due today counts as ``0–30`` (it is overdue tomorrow, and Debitura takes it today).

    >>> ageing_bucket(0), ageing_bucket(31), ageing_bucket(365), ageing_bucket(366)
    ('0–30', '31–60', '181–365', '365+')
    >>> ageing_bucket(0, not_yet_due=True)
    'Not yet due'
    """
    if not_yet_due:
        return NOT_YET_DUE_BUCKET
    for label, upper in zip(_OVERDUE_BUCKETS, _BUCKET_UPPER_BOUNDS, strict=False):
        if days_overdue <= upper:
            return label
    return AGEING_BUCKETS[-1]


def row_bucket(row: ReviewRow) -> str:
    """The ageing bucket of a review row: its due date is after the as-of day when the row
    carries the ``not_yet_due`` problem (days overdue is 0 both then and on the due day)."""
    return ageing_bucket(
        row.days_overdue, not_yet_due=any(found.code == NOT_YET_DUE for found in row.problems)
    )


def amount_in_invoices(amount: Decimal, currency: str, invoices: int) -> str:
    """A total as the totals table says it: never in brackets, with its count in words.

    >>> amount_in_invoices(Decimal("197973.33"), "GBP", 69)
    '197,973.33 in 69 invoices'
    >>> amount_in_invoices(Decimal("1500"), "JPY", 1), amount_in_invoices(Decimal(0), "GBP", 0)
    ('1,500 in 1 invoice', 'none')
    """
    if not invoices:
        return "none"
    return f"{display_money(amount, currency)} in {invoices} invoice{'s' if invoices != 1 else ''}"


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
    """One currency's figures over some rows: never added across currencies.

    Invoices already sent to Debitura are counted apart (``sent``), not in the others: they
    are being collected there, not here.
    """

    currency: str
    invoices: int
    outstanding: Decimal
    overdue_invoices: int
    overdue: Decimal
    eligible_invoices: int
    eligible: Decimal
    sent_invoices: int = 0
    sent: Decimal = Decimal(0)


def currency_summaries(rows: Iterable[ReviewRow]) -> list[CurrencySummary]:
    """Count, outstanding, overdue, eligible and already-sent amounts per currency.

    >>> from datetime import date
    >>> from kashflow.models import Invoice
    >>> from mapping.debtor import map_debtor
    >>> from mapping.policy import Policy
    >>> from mapping.rows import build_row
    >>> policy, debtor = Policy(date(2026, 11, 21)), map_debtor(None, fallback_name="Acme")
    >>> rows = [build_row(Invoice.from_api({"Number": n, "DueAmount": amount,
    ...     "DueDate": due, "Currency": {"Code": "GBP"}}), debtor, policy, already_submitted=sent)
    ...     for n, amount, due, sent in [(1, "10.10", "2026-10-01", False),
    ...     (2, "0.20", "2026-12-01", False), (3, "5.00", "2026-10-01", True)]]
    >>> summary = currency_summaries(rows)[0]
    >>> summary.invoices, summary.outstanding, summary.overdue_invoices, summary.overdue
    (2, Decimal('10.30'), 1, Decimal('10.10'))
    >>> summary.sent_invoices, summary.sent
    (1, Decimal('5.00'))
    """
    grouped: dict[str, list[ReviewRow]] = {}
    for row in rows:
        grouped.setdefault(row.currency, []).append(row)
    summaries = []
    for currency in sorted(grouped):
        sent = [row for row in grouped[currency] if row.already_submitted]
        group = [row for row in grouped[currency] if not row.already_submitted]
        overdue = [row for row in group if row.days_overdue > 0]
        eligible = [row for row in group if row.eligible]
        summaries.append(
            CurrencySummary(
                currency=currency,
                invoices=len(group),
                outstanding=outstanding_total(group),
                overdue_invoices=len(overdue),
                overdue=outstanding_total(overdue),
                eligible_invoices=len(eligible),
                eligible=outstanding_total(eligible),
                sent_invoices=len(sent),
                sent=outstanding_total(sent),
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
    """Invoices and amounts per ageing bucket and currency, buckets in age order. Invoices
    already sent are left out: like the totals, the chart shows what is still to collect.

    >>> ageing_bars([])
    []
    """
    grouped: dict[tuple[str, str], list[ReviewRow]] = {}
    for row in rows:
        if row.already_submitted:
            continue
        grouped.setdefault((row_bucket(row), row.currency), []).append(row)
    order = {bucket: index for index, bucket in enumerate(AGEING_BUCKETS)}
    return [
        AgeingBar(bucket, currency, len(group), outstanding_total(group))
        for (bucket, currency), group in sorted(
            grouped.items(), key=lambda item: (order[item[0][0]], item[0][1])
        )
    ]


def outstanding_total(rows: list[ReviewRow]) -> Decimal:
    """The exact sum of the rows' ``amount_to_recover`` (all in one currency: the caller's
    grouping sees to that); rows without an amount add nothing."""
    return total([row.amount_to_recover for row in rows if row.amount_to_recover is not None])
