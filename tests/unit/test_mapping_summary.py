"""Ageing buckets and exact totals per currency."""

from __future__ import annotations

from datetime import date
from decimal import Decimal

import pytest

from kashflow.models import Invoice
from mapping import AGEING_BUCKETS, Policy, ageing_bucket, map_invoices, totals_by_currency

POLICY = Policy(as_of=date(2026, 11, 21))


@pytest.mark.parametrize(
    ("days", "bucket"),
    [(-3, "0–30"), (0, "0–30"), (30, "0–30"), (31, "31–60"), (60, "31–60"), (61, "61–90"),
     (90, "61–90"), (91, "91–180"), (180, "91–180"), (181, "181–365"), (365, "181–365"),
     (366, "365+"), (5156, "365+")],
)  # fmt: skip
def test_days_overdue_fall_into_the_right_ageing_bucket_at_each_boundary(days, bucket):
    assert ageing_bucket(days) == bucket
    assert bucket in AGEING_BUCKETS


def test_totals_are_exact_decimals_per_currency_and_never_mixed():
    specs = [(1, "0.10", "GBP"), (2, "0.20", "GBP"), (3, "1500", "JPY"), (4, "0.125", "KWD"),
             (5, "1E+2", "EUR"), (6, None, "GBP")]  # fmt: skip
    invoices = [
        Invoice.from_api(
            {
                "Number": n,
                "Status": "Overdue",
                "DueAmount": amount,
                "Currency": {"Code": code},
                "IssuedDate": "2026-01-01",
                "DueDate": "2026-02-01",
            }
        )
        for n, amount, code in specs
    ]
    rows = map_invoices(invoices, {}, POLICY).rows
    totals = totals_by_currency(rows)
    assert totals == {"EUR": Decimal("100.00"), "GBP": Decimal("0.30"), "JPY": Decimal("1500"),
                      "KWD": Decimal("0.125")}  # fmt: skip
    assert list(totals) == sorted(totals)
    assert all(isinstance(value, Decimal) for value in totals.values())


def test_totals_can_be_limited_to_eligible_rows():
    invoices = [Invoice.from_api({"Number": n, "Status": "Overdue", "DueAmount": 10,
                                  "IssuedDate": "2026-01-01", "DueDate": due})
                for n, due in [(1, "2026-02-01"), (2, "2027-02-01")]]  # fmt: skip
    rows = map_invoices(invoices, {}, POLICY).rows
    # Neither row is eligible (no customer record), so the eligible total is empty.
    assert totals_by_currency(rows) == {"GBP": Decimal("20.00")}
    assert totals_by_currency(rows, eligible_only=True) == {}
