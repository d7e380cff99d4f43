"""Days overdue and London's today."""

from __future__ import annotations

from datetime import UTC, date, datetime

import pytest

from kashflow.models import Invoice
from mapping import Policy, build_row, days_overdue, london_today, map_debtor
from mapping import dates as dates_module

AS_OF = date(2026, 11, 21)


@pytest.mark.parametrize(
    ("due", "expected"),
    [
        (date(2026, 11, 20), 1),
        (date(2026, 10, 22), 30),
        (date(2025, 11, 21), 365),
        (date(2026, 11, 21), 0),  # due today
        (date(2026, 12, 1), 0),  # not yet due
        (None, 0),  # unknown
    ],
)
def test_days_overdue_counts_whole_days_past_due_and_zero_until_then(due, expected):
    assert days_overdue(due, AS_OF) == expected


@pytest.mark.parametrize(
    ("utc_now", "london_date"),
    [
        # British Summer Time: 23:30 UTC is already tomorrow in London.
        (datetime(2026, 6, 30, 23, 30, tzinfo=UTC), date(2026, 7, 1)),
        # Winter: London is on UTC.
        (datetime(2026, 11, 21, 23, 30, tzinfo=UTC), date(2026, 11, 21)),
    ],
)
def test_london_today_is_the_date_in_london(monkeypatch, utc_now, london_date):
    class FrozenDatetime(datetime):
        @classmethod
        def now(cls, tz=None):
            return utc_now.astimezone(tz)

    monkeypatch.setattr(dates_module, "datetime", FrozenDatetime)
    assert london_today() == london_date


def test_policy_for_today_uses_london_today(monkeypatch):
    monkeypatch.setattr("mapping.policy.london_today", lambda: date(2030, 1, 2))
    assert Policy.for_today().as_of == date(2030, 1, 2)


@pytest.mark.parametrize(
    ("issued", "due", "issued_date", "due_date"),
    [
        ("2025-09-01 12:00:00", "2025-10-01 12:00:00", date(2025, 9, 1), date(2025, 10, 1)),
        # An offset is not a reason to shift the calendar date.
        ("2012-10-09 12:00:00 +05:30", "2012-10-09 23:30:00 +05:30",
         date(2012, 10, 9), date(2012, 10, 9)),
        ("2025-09-01T00:30:00-08:00", "2025-10-01T00:00:00Z", date(2025, 9, 1), date(2025, 10, 1)),
        ("2025-09-01", "2025-10-01", date(2025, 9, 1), date(2025, 10, 1)),
    ],
)  # fmt: skip
def test_row_dates_are_the_calendar_dates_kashflow_wrote(issued, due, issued_date, due_date):
    invoice = Invoice.from_api({"Number": 1, "IssuedDate": issued, "DueDate": due})
    row = build_row(invoice, map_debtor(None, fallback_name="X"), Policy(as_of=AS_OF))
    assert (row.issued_date, row.due_date) == (issued_date, due_date)
    assert row.to_dict()["issued_date"] == issued_date.isoformat()
    assert row.to_dict()["due_date"] == due_date.isoformat()
    assert row.days_overdue == (AS_OF - due_date).days
