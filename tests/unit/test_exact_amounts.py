"""The review's fast sums (``workflow.review_figures.ExactAmounts``) are ``mapping.money.total``
digit for digit: the same value and the same decimal places, for any amounts and any subset,
on the integer path and on the Decimal path it falls back to."""

from __future__ import annotations

from decimal import Decimal

import numpy as np
from hypothesis import given
from hypothesis import strategies as st

from mapping.money import total
from workflow.review_figures import ExactAmounts

ledger_amounts = st.decimals(
    min_value=Decimal("-1e9"), max_value=Decimal("1e12"), places=None, allow_nan=False,
    allow_infinity=False,
).filter(lambda amount: -8 <= amount.as_tuple().exponent <= 4)  # fmt: skip
any_amounts = st.one_of(
    ledger_amounts,
    st.decimals(allow_nan=False, allow_infinity=False),  # any size: may overflow 64 bits
    st.none(),
)


def _same(amounts: list[Decimal | None], mask: list[bool]) -> None:
    chosen = np.array(mask, dtype=bool)
    expected = total([a for a, keep in zip(amounts, mask, strict=True) if keep and a is not None])
    given_mask = chosen & np.array([a is not None for a in amounts], dtype=bool)
    got = ExactAmounts(amounts).total(given_mask)
    assert str(got) == str(expected)


@given(st.lists(st.tuples(ledger_amounts, st.booleans()), max_size=60))
def test_ledger_amounts_sum_like_total(pairs):
    _same([amount for amount, _ in pairs], [keep for _, keep in pairs])


@given(st.lists(st.tuples(any_amounts, st.booleans()), max_size=30))
def test_any_amounts_sum_like_total(pairs):
    _same([amount for amount, _ in pairs], [keep for _, keep in pairs])


@given(st.lists(ledger_amounts, min_size=1, max_size=40), st.data())
def test_a_subset_taken_by_positions_sums_like_total(amounts, data):
    positions = data.draw(st.lists(st.integers(0, len(amounts) - 1), max_size=40))
    at = np.array(positions, dtype=np.int64)
    subset = ExactAmounts(amounts)[at]
    assert str(subset.total(np.ones(len(positions), dtype=bool))) == str(
        total([amounts[i] for i in positions])
    )


def test_large_amounts_fall_back_to_decimal_and_stay_exact():
    amounts = [Decimal("7.6e27"), Decimal("0.01"), Decimal("-3")]
    assert str(ExactAmounts(amounts).total(np.ones(3, dtype=bool))) == str(total(amounts))


def test_an_empty_subset_is_zero_like_total():
    assert str(ExactAmounts([Decimal("1.25")]).total(np.zeros(1, dtype=bool))) == str(total([]))
