"""Dates as the finance team sees them: UK calendar days, not UTC instants."""

from __future__ import annotations

from datetime import UTC, date, datetime
from functools import lru_cache
from zoneinfo import ZoneInfo

_LONDON = ZoneInfo("Europe/London")


@lru_cache(maxsize=8192)  # a ledger has a few thousand due dates: one int per date, shared
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


def uk_date(day: date) -> str:
    """A date as UK readers read it in prose ("07 Aug 2026"); files and the CLI keep ISO.

    >>> uk_date(date(2026, 8, 7))
    '07 Aug 2026'
    """
    # Month names from a fixed table: strftime's %b follows the process locale.
    return f"{day.day:02d} {_MONTHS[day.month - 1]} {day.year}"


def uk_time(stamp: str) -> str:
    """An ISO timestamp the app recorded in UTC, as UK readers read it, with its zone; text
    that is not a timestamp comes back as it is (an old or hand-edited record).

    >>> uk_time("2026-11-30T10:15:42+00:00"), uk_time("2026-11-30T10:15:42"), uk_time("")
    ('30 Nov 2026 10:15 UTC', '30 Nov 2026 10:15 UTC', '')
    """
    try:
        moment = datetime.fromisoformat(stamp)
    except ValueError:
        return stamp
    if moment.tzinfo is not None:
        moment = moment.astimezone(UTC)
    return f"{uk_date(moment.date())} {moment:%H:%M} UTC"


_MONTHS = ("Jan", "Feb", "Mar", "Apr", "May", "Jun", "Jul", "Aug", "Sep", "Oct", "Nov", "Dec")


def london_today() -> date:
    """Today's date in London, where KashFlow companies keep their books.

    >>> isinstance(london_today(), date)
    True
    """
    return datetime.now(_LONDON).date()
