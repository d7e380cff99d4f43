"""The review's totals per currency and ageing bars for any subset of the rows, fast.

``mapping.summary`` says what the figures are, row by row; at 50,000 rows that costs a few
tenths of a second on every filter change. Here each row's facts are read once into arrays
(when the rows change), and a subset's figures are numpy masks over them: the same
``CurrencySummary`` and ``AgeingBar`` values, sums still exact (never float): amounts are
whole numbers of their smallest decimal place, summed as 64-bit integers (``ExactAmounts``),
or as ``Decimal`` when an account's amounts could overflow them.
"""

from __future__ import annotations

from collections.abc import Sequence
from decimal import MAX_PREC, Context, Decimal

import numpy as np

from mapping import AGEING_BUCKETS, ReviewRow
from mapping.money import total
from mapping.summary import AgeingBar, CurrencySummary, row_bucket

_EXACT = Context(prec=MAX_PREC)  # moving the decimal point never rounds


class ReviewFigures:
    """Figures over ``rows``; a subset is given by positions in ``rows``."""

    def __init__(self, rows: Sequence[ReviewRow]) -> None:
        # Currencies as numbers in the order of their codes: masks compare integers, not
        # strings, and ascending numbers are the codes in sorted order.
        self._codes = sorted({row.currency for row in rows})
        number = {code: index for index, code in enumerate(self._codes)}
        self._currency = np.array([number[row.currency] for row in rows], dtype=np.int32)
        self._amount = ExactAmounts([row.amount_to_recover for row in rows])
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
        for index in np.unique(currency).tolist():
            mine = currency == index
            group = mine & ~sent
            summaries.append(
                CurrencySummary(
                    currency=self._codes[index],
                    invoices=int(group.sum()),
                    outstanding=amount.total(group & has_amount),
                    overdue_invoices=int((group & overdue).sum()),
                    overdue=amount.total(group & overdue & has_amount),
                    eligible_invoices=int((group & eligible).sum()),
                    eligible=amount.total(group & eligible & has_amount),
                    sent_invoices=int((mine & sent).sum()),
                    sent=amount.total(mine & sent & has_amount),
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
            for index in np.unique(currency[in_bucket]).tolist():
                group = in_bucket & (currency == index)
                code = self._codes[index]
                bars.append(
                    AgeingBar(label, code, int(group.sum()), amount.total(group & has_amount))
                )
        return bars

    def _take(self, positions: np.ndarray) -> tuple[ExactAmounts, np.ndarray, np.ndarray]:
        return self._currency[positions], self._amount[positions], self._has_amount[positions]


class ExactAmounts:
    """Amounts whose masked sums equal ``mapping.money.total`` of the same amounts, digit for
    digit (value and decimal places), without a Decimal addition per amount.

    Each amount is kept as an integer count of 10**-places, ``places`` being the most decimal
    places of any amount; a sum is then one numpy integer sum, written back with as many
    places as its own amounts have (as ``total`` does). When the counts could overflow 64-bit
    integers, or an amount is not finite, or not given (``None``: a ``has_amount`` mask
    leaves those out), the sums fall back to ``total`` itself.

    >>> amounts = ExactAmounts([Decimal("0.10"), Decimal("0.2"), Decimal("805")])
    >>> amounts.total(np.array([True, True, True])), amounts.total(np.array([False, False, True]))
    (Decimal('805.30'), Decimal('805'))
    """

    _LIMIT = 2**62  # the largest count times the number of amounts stays below this

    def __init__(self, amounts: Sequence[Decimal | None]) -> None:
        self._decimals = np.array(amounts, dtype=object)
        self._counts = self._places = None
        self._scale = 0
        given = [amount for amount in amounts if amount is not None]
        if not all(amount.is_finite() for amount in given):
            return
        exponents = np.array(
            [0 if amount is None else amount.as_tuple().exponent for amount in amounts],
            dtype=np.int64,
        )
        scale = max(0, -int(exponents.min(initial=0)))
        counts = [0 if amount is None else int(amount.scaleb(scale, _EXACT)) for amount in amounts]
        largest = max(map(abs, counts), default=0)
        if largest * max(1, len(counts)) >= self._LIMIT:
            return
        self._counts = np.array(counts, dtype=np.int64)
        self._places = np.maximum(0, -exponents)  # each amount's own decimal places
        self._scale = scale

    def __getitem__(self, positions: np.ndarray) -> ExactAmounts:
        subset = object.__new__(ExactAmounts)  # the same amounts, already read
        subset._decimals = self._decimals[positions]
        subset._scale = self._scale
        subset._counts = subset._places = None
        if self._counts is not None:
            subset._counts, subset._places = self._counts[positions], self._places[positions]
        return subset

    def total(self, mask: np.ndarray) -> Decimal:
        if self._counts is None:
            return total(self._decimals[mask].tolist())
        count = int(self._counts[mask].sum())
        places = int(self._places[mask].max(initial=0))
        # Exact: every amount in the sum has at most ``places`` decimal places.
        return Decimal(f"{count // 10 ** (self._scale - places)}E-{places}")
