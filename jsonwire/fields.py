"""Tolerant readers for JSON values from KashFlow and Debitura.

KashFlow mixes key casings (``VATNumber``/``VatNumber``, ``Firstname``/``LastName``), sends money
as 4-6 decimal JSON numbers, dates as ``"YYYY-MM-DD HH:MM:SS[ +hh:mm]"`` or ISO forms, and uses
``null`` and ``""`` interchangeably; Debitura mixes ``isEligible`` and ``IsEligible``. Every
reader here returns a clean value or ``None``/``""``; none of them raises on bad data.
"""

from __future__ import annotations

import re
from collections.abc import Mapping
from datetime import UTC, date, datetime
from decimal import Decimal, InvalidOperation
from typing import Any

_DATE_PREFIX = re.compile(r"(\d{4})-(\d{2})-(\d{2})")
# KashFlow writes "1900-01-01" where it means "no date".
_NO_DATE_BEFORE_YEAR = 1901


class Fields:
    """Case-insensitive view of one JSON object.

    >>> Fields({"VatNumber": "GB1"}).text("VATNumber")
    'GB1'
    >>> Fields(None).text("Name")
    ''
    """

    __slots__ = ("_values",)

    def __init__(self, raw: Any) -> None:
        if isinstance(raw, Fields):
            self._values = raw._values
        elif isinstance(raw, Mapping):
            self._values = {str(key).lower(): value for key, value in raw.items()}
        else:
            self._values = {}

    def __bool__(self) -> bool:
        return bool(self._values)

    def get(self, *names: str) -> Any:
        """The first present, non-null value among ``names``."""
        for name in names:
            value = self._values.get(name.lower())
            if value is not None:
                return value
        return None

    def text(self, *names: str) -> str:
        return to_text(self.get(*names))

    def identifier(self, *names: str) -> str:
        """A key as the API sent it: spaces kept (``" 12 "`` is not invoice ``12``), but
        blank means none.

        >>> Fields({"Number": " 12 "}).identifier("Number"), Fields({"N": 7}).identifier("N")
        (' 12 ', '7')
        >>> Fields({"Number": "  "}).identifier("Number")
        ''
        """
        value = self.get(*names)
        if isinstance(value, str):
            return value if value.strip() else ""
        return to_text(value)

    def decimal(self, *names: str) -> Decimal | None:
        return to_decimal(self.get(*names))

    def date(self, *names: str) -> date | None:
        return to_date(self.get(*names))

    def datetime(self, *names: str) -> datetime | None:
        return to_datetime(self.get(*names))

    def flag(self, *names: str) -> bool:
        return to_flag(self.get(*names))

    def object(self, *names: str) -> Fields:
        return Fields(self.get(*names))

    def objects(self, *names: str) -> list[Fields]:
        value = self.get(*names)
        if not isinstance(value, list):
            return []
        return [Fields(item) for item in value if isinstance(item, Mapping)]

    def texts(self, *names: str) -> list[str]:
        """A list of texts (a single text counts as a list of one), blanks left out."""
        value = self.get(*names)
        if not isinstance(value, list):
            value = [value]
        return [text for item in value if (text := to_text(item))]


def to_text(value: Any) -> str:
    """A stripped string; numbers become their text, anything else becomes ``""``.

    >>> to_text("  Acme Ltd ")
    'Acme Ltd'
    >>> to_text(1042)
    '1042'
    >>> to_text(None), to_text({"x": 1}), to_text(True)
    ('', '', '')
    """
    if isinstance(value, bool) or value is None:
        return ""
    if isinstance(value, str):
        return value.strip()
    if isinstance(value, int):
        return str(value)
    if isinstance(value, Decimal | float):
        number = to_decimal(value)
        if number is None:
            return ""
        # Invoice numbers arrive as JSON numbers; 1042.0 must read "1042".
        whole = number.to_integral_value()
        return str(whole) if number == whole else str(number)
    return ""


def to_decimal(value: Any) -> Decimal | None:
    """An exact ``Decimal`` from a JSON number or numeric string, else ``None``.

    >>> to_decimal("117.5000"), to_decimal(195.08), to_decimal("1,250.50")
    (Decimal('117.5000'), Decimal('195.08'), Decimal('1250.50'))
    >>> to_decimal("n/a"), to_decimal(float("nan")), to_decimal(True)
    (None, None, None)
    """
    if isinstance(value, bool) or value is None:
        return None
    if isinstance(value, Decimal):
        number = value
    elif isinstance(value, int):
        number = Decimal(value)
    elif isinstance(value, float):
        # repr() gives the shortest text that round-trips, so 195.08 stays 195.08.
        number = Decimal(repr(value))
    elif isinstance(value, str):
        try:
            number = Decimal(value.strip().replace(",", ""))
        except InvalidOperation:
            return None
    else:
        return None
    return number if number.is_finite() else None


def to_date(value: Any) -> date | None:
    """The calendar date written in a KashFlow date string, without any time-zone shift.

    >>> to_date("2025-09-01 12:00:00"), to_date("2012-10-09 23:30:00 +05:30")
    (datetime.date(2025, 9, 1), datetime.date(2012, 10, 9))
    >>> to_date("2025-09-01T00:30:00-08:00"), to_date("1900-01-01 12:00:00"), to_date("soon")
    (datetime.date(2025, 9, 1), None, None)
    """
    if isinstance(value, date):
        return value
    if not isinstance(value, str):
        return None
    match = _DATE_PREFIX.match(value.strip())
    if not match:
        return None
    try:
        parsed = date(int(match[1]), int(match[2]), int(match[3]))
    except ValueError:
        return None
    return parsed if parsed.year >= _NO_DATE_BEFORE_YEAR else None


def to_datetime(value: Any) -> datetime | None:
    """An aware UTC datetime from an ISO text; naive timestamps are taken as UTC.

    >>> to_datetime("2026-11-21T08:30:00")
    datetime.datetime(2026, 11, 21, 8, 30, tzinfo=datetime.timezone.utc)
    >>> to_datetime("2026-11-21T09:30:00.1234567+01:00").hour, to_datetime("x")
    (8, None)
    """
    if not isinstance(value, str) or not value.strip():
        return None
    # .NET writes 7 fraction digits; Python reads at most 6.
    text = re.sub(r"(\.\d{6})\d+", r"\1", value.strip())
    try:
        moment = datetime.fromisoformat(text)
    except ValueError:
        return None
    return moment.replace(tzinfo=UTC) if moment.tzinfo is None else moment.astimezone(UTC)


def to_flag(value: Any) -> bool:
    """KashFlow booleans, which sometimes arrive as 0/1 or strings.

    >>> to_flag(True), to_flag(1), to_flag("true"), to_flag("0"), to_flag(None)
    (True, True, True, False, False)
    """
    if isinstance(value, bool):
        return value
    if isinstance(value, int | float | Decimal):
        return value != 0
    if isinstance(value, str):
        return value.strip().lower() in {"true", "1", "yes", "y"}
    return False
