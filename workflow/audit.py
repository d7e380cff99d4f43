"""The audit log as people read it: who did what, when, with which connection.

The Audit log page and ``cli.py audit`` both read it through ``audit_entries`` and export it
through ``audit_table``, so a filter means the same on both faces. Event names stay stable in
the store (scripts filter on them); ``event_words`` turns them into a person's words.

>>> event_words("case_created"), event_words("something_new")
('Case created', 'something new')
"""

from __future__ import annotations

from collections.abc import Iterable, Mapping, Sequence
from dataclasses import dataclass
from datetime import UTC, date, datetime, time, timedelta

from kashflow.ordering import invoice_number_order
from store.audit import AuditEntry, AuditLog
from workflow.spreadsheet import TIME_UTC, Column, Table

EVENT_WORDS = {
    "connected": "Connected to KashFlow",
    "resumed": "Logged in again on its own (reload, new tab)",
    "connect_failed": "KashFlow login failed",
    "connection_removed": "Saved connection removed",
    "reference_prefix_set": "Case reference prefix set",
    "debitura_connected": "Connected to Debitura",
    "debitura_connect_failed": "Debitura connection failed",
    "debitura_disconnected": "Disconnected from Debitura",
    "debitura_test_mode": "Debitura test mode changed",
    "cases_submitted": "Submit run finished",
    "case_created": "Case created",
    "case_failed": "Case not created",
    "case_outcome_unknown": "Case outcome unknown",
    "case_refused_unsent": "Refused by Debitura's check (nothing sent)",
    "paid_directly_sent": "Paid directly: partner told",
    "paid_directly_failed": "Paid directly: message not sent",
    "paid_directly_unknown": "Paid directly: answer unknown",
    "review_edited": "Debtor details edited",
    "review_edit_reset": "Debtor details edit reset",
    "signed_in": "Signed in",
    "sign_in_refused": "Sign-in refused (not allowed)",
}
EDITED, EDIT_RESET = "review_edited", "review_edit_reset"
DEFAULT_LIMIT = 5000  # newest first; the filters narrow what an audit needs

AUDIT_COLUMNS = (
    Column("When", TIME_UTC), Column("Who"), Column("What"), Column("Event"),
    Column("Connection"), Column("Details"),
)  # fmt: skip


def edit_details(changes: Mapping[str, Iterable[str]]) -> list[str]:
    """The details of debtor edits, one per set of fields changed together: the invoices, then
    the fields (never the values: they are a debtor's personal data).

    >>> edit_details({"1130": ["postcode", "city"], "1131": ["city", "postcode"], "9": ["email"]})
    ['Invoice 9: email', 'Invoices 1130, 1131: city, postcode']
    """
    by_fields: dict[tuple[str, ...], list[str]] = {}
    for number, fields in changes.items():
        by_fields.setdefault(tuple(sorted(set(fields))), []).append(number)
    details = []
    for fields, numbers in by_fields.items():
        numbers.sort(key=invoice_number_order)
        label = "Invoice" if len(numbers) == 1 else "Invoices"
        details.append(f"{label} {', '.join(numbers)}: {', '.join(fields)}")
    return sorted(details)


def event_words(event: str) -> str:
    """The event in words; an event this version does not know reads as its name."""
    return EVENT_WORDS.get(event, event.replace("_", " "))


@dataclass(frozen=True)
class AuditFilter:
    """What the analyst narrowed the log to; every field empty means everything."""

    actor: str | None = None
    events: tuple[str, ...] = ()
    connection_id: int | None = None
    first_day: date | None = None  # inclusive, UTC days (the log's times are UTC)
    last_day: date | None = None  # inclusive
    text: str = ""  # found in the details, case-insensitively

    def __post_init__(self) -> None:
        if self.first_day and self.last_day and self.first_day > self.last_day:
            raise ValueError("The first day is after the last day.")


def audit_entries(
    audit: AuditLog, wanted: AuditFilter = AuditFilter(), *, limit: int = DEFAULT_LIMIT
) -> list[AuditEntry]:
    """The entries ``wanted`` names, newest first, at most ``limit``."""
    since = _start_of(wanted.first_day)
    until = _start_of(wanted.last_day + timedelta(days=1)) if wanted.last_day else None
    entries = audit.entries(
        actor=wanted.actor or None,
        connection_id=wanted.connection_id,
        since=since,
        until=until,
        text=wanted.text.strip() or None,
        limit=limit if not wanted.events else None,
    )
    if wanted.events:
        chosen = set(wanted.events)
        entries = [entry for entry in entries if entry.event in chosen][:limit]
    return entries


def _start_of(day: date | None) -> str | None:
    """The ISO instant a UTC day starts, to the second: the log's times compare as text, and
    "…T00:00:00+00:00" sorts before any later time of that day, with or without fractions."""
    if day is None:
        return None
    return datetime.combine(day, time.min, tzinfo=UTC).isoformat(timespec="seconds")


def audit_table(entries: Sequence[AuditEntry]) -> Table:
    """The entries as the page's downloads carry them: UTC times, who, what in words and the
    stable event name (for filtering in a spreadsheet), the connection and the details."""
    records = [
        (
            _moment(entry.at),
            entry.actor,
            event_words(entry.event),
            entry.event,
            entry.connection_name,
            entry.detail,
        )
        for entry in entries
    ]
    return Table("Audit log", AUDIT_COLUMNS, records)


def _moment(stamp: str) -> datetime | None:
    try:
        moment = datetime.fromisoformat(stamp)
    except ValueError:
        return None
    return moment if moment.tzinfo else moment.replace(tzinfo=UTC)
