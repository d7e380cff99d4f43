"""The review's totals per currency and ageing bars for any subset of the rows, fast.

``mapping.summary`` says what the figures are, row by row; at 50,000 rows that costs a few
tenths of a second on every filter change. Here each row's facts are read once into arrays
(when the rows change), and a subset's figures are numpy masks over them: the same
``CurrencySummary`` and ``AgeingBar`` values, sums still exact (``Decimal``, never float).
"""

from __future__ import annotations

from collections.abc import Sequence
from decimal import Decimal

import numpy as np

from mapping import AGEING_BUCKETS, ReviewRow
from mapping.money import total
from mapping.summary import AgeingBar, CurrencySummary, row_bucket


class ReviewFigures:
    """Figures over ``rows``; a subset is given by positions in ``rows``."""

    def __init__(self, rows: Sequence[ReviewRow]) -> None:
        self._currency = np.array([row.currency for row in rows], dtype=object)
        self._amount = np.array([row.amount_to_recover for row in rows], dtype=object)
        self._has_amount = np.array([row.amount_to_recover is not None for row in rows], bool)
        self._sent = np.array([row.already_submitted for row in rows], dtype=bool)
        self._eligible = np.array([row.eligible for row in rows], dtype=bool)
        self._overdue = np.array([row.days_overdue > 0 for row in rows], dtype=bool)
        order = {bucket: index for index, bucket in enumerate(AGEING_BUCKETS)}
        self._bucket = np.array([order[row_bucket(row)] for row in rows], dtype=np.int8)

    def summaries(self, positions: np.ndarray) -> list[CurrencySummary]:
        """As ``mapping.summary.currency_summaries`` of the rows at ``positions``."""
        currency, amount, has_amount = self._take(positions)
        sent, eligible = self._sent[positions], self._eligible[positions]
        overdue = self._overdue[positions]
        summaries = []
        for code in sorted(set(currency.tolist())):
            mine = currency == code
            group = mine & ~sent
            summaries.append(
                CurrencySummary(
                    currency=code,
                    invoices=int(group.sum()),
                    outstanding=_sum(amount, group & has_amount),
                    overdue_invoices=int((group & overdue).sum()),
                    overdue=_sum(amount, group & overdue & has_amount),
                    eligible_invoices=int((group & eligible).sum()),
                    eligible=_sum(amount, group & eligible & has_amount),
                    sent_invoices=int((mine & sent).sum()),
                    sent=_sum(amount, mine & sent & has_amount),
                )
            )
        return summaries

    def bars(self, positions: np.ndarray) -> list[AgeingBar]:
        """As ``mapping.summary.ageing_bars`` of the rows at ``positions``."""
        currency, amount, has_amount = self._take(positions)
        kept = ~self._sent[positions]
        bucket = self._bucket[positions]
        bars = []
        for index, label in enumerate(AGEING_BUCKETS):
            in_bucket = kept & (bucket == index)
            if not in_bucket.any():
                continue
            for code in sorted(set(currency[in_bucket].tolist())):
                group = in_bucket & (currency == code)
                bars.append(
                    AgeingBar(label, code, int(group.sum()), _sum(amount, group & has_amount))
                )
        return bars

    def _take(self, positions: np.ndarray) -> tuple[np.ndarray, np.ndarray, np.ndarray]:
        return self._currency[positions], self._amount[positions], self._has_amount[positions]


def _sum(amounts: np.ndarray, mask: np.ndarray) -> Decimal:
    return total(amounts[mask].tolist())
