"""Dates as the finance team sees them: UK calendar days, not UTC instants."""

from __future__ import annotations

from datetime import date, datetime
from zoneinfo import ZoneInfo

_LONDON = ZoneInfo("Europe/London")


def days_overdue(due: date | None, as_of: date) -> int:
    """Whole days past the due date; 0 when not yet due, due today, or the date is unknown.

    >>> days_overdue(date(2026, 10, 22), date(2026, 11, 21))
    30
    >>> days_overdue(date(2026, 12, 1), date(2026, 11, 21)), days_overdue(None, date(2026, 11, 21))
    (0, 0)
    """
    if due is None or due >= as_of:
        return 0
    return (as_of - due).days


def london_today() -> date:
    """Today's date in London, where KashFlow companies keep their books.

    >>> isinstance(london_today(), date)
    True
    """
    return datetime.now(_LONDON).date()
