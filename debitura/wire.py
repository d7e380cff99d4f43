"""JSON on the wire: exact decimals out, exact decimals in, and tolerant readers.

Money never passes through float. ``dumps`` writes a ``Decimal`` as the plain number text it
holds (``Decimal("805.00")`` → ``805.00``); ``loads`` reads every JSON number with a fraction
as a ``Decimal``. ``Fields`` reads one JSON object with case-insensitive keys, because the API
mixes ``isEligible`` and ``IsEligible`` between documents and versions.
"""

from __future__ import annotations

import json
import re
from collections.abc import Callable, Mapping
from datetime import UTC, date, datetime
from decimal import Decimal, InvalidOperation
from typing import Any

_DATE_PREFIX = re.compile(r"(\d{4})-(\d{2})-(\d{2})")


def dumps(value: Any) -> str:
    """Compact JSON with ``Decimal`` kept exact.

    >>> dumps({"amountToRecover": Decimal("1234.50"), "isTest": True, "tag": None})
    '{"amountToRecover":1234.50,"isTest":true,"tag":null}'
    >>> dumps({"date": date(2026, 11, 2), "n": [1, 2.5]})
    '{"date":"2026-11-02","n":[1,2.5]}'
    """
    parts: list[str] = []
    _encode(value, parts.append)
    return "".join(parts)


def _encode(value: Any, out: Callable[[str], Any]) -> None:
    if isinstance(value, str):
        out(json.dumps(value, ensure_ascii=False))
    elif value is None:
        out("null")
    elif value is True:
        out("true")
    elif value is False:
        out("false")
    elif isinstance(value, int):
        out(int.__repr__(value))
    elif isinstance(value, Decimal):
        out(decimal_text(value))
    elif isinstance(value, float):
        if value != value or value in (float("inf"), float("-inf")):
            raise ValueError("JSON has no NaN or infinity")
        out(float.__repr__(value))
    elif isinstance(value, datetime | date):
        out(json.dumps(value.isoformat()))
    elif isinstance(value, Mapping):
        out("{")
        for index, (key, item) in enumerate(value.items()):
            if not isinstance(key, str):
                raise TypeError(f"JSON object keys must be strings, not {type(key).__name__}")
            if index:
                out(",")
            out(json.dumps(key, ensure_ascii=False))
            out(":")
            _encode(item, out)
        out("}")
    elif isinstance(value, list | tuple):
        out("[")
        for index, item in enumerate(value):
            if index:
                out(",")
            _encode(item, out)
        out("]")
    else:
        raise TypeError(f"{type(value).__name__} is not JSON serialisable")


def decimal_text(value: Decimal) -> str:
    """A Decimal as a plain JSON number with its scale: ``117.5000``, never ``1.175E+2``.

    >>> decimal_text(Decimal("1.175E+2")), decimal_text(Decimal("-0.00"))
    ('117.5', '0.00')
    """
    if not value.is_finite():
        raise ValueError("JSON has no NaN or infinity")
    if value.is_zero():
        value = abs(value)
    return format(value, "f")


def loads(body: bytes | str) -> Any:
    """Parse JSON; numbers with a fraction become ``Decimal``. Raises ``ValueError``."""
    return json.loads(body, parse_float=Decimal)


class Fields:
    """Case-insensitive, never-raising view of one JSON object.

    >>> Fields({"IsEligible": True, "partnerName": " Acme "}).flag("isEligible")
    True
    >>> Fields({"partnerName": " Acme "}).text("PartnerName"), Fields(None).text("x")
    ('Acme', '')
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

    def decimal(self, *names: str) -> Decimal | None:
        return to_decimal(self.get(*names))

    def date(self, *names: str) -> date | None:
        return to_date(self.get(*names))

    def datetime(self, *names: str) -> datetime | None:
        return to_datetime(self.get(*names))

    def flag(self, *names: str) -> bool:
        value = self.get(*names)
        if isinstance(value, str):
            return value.strip().lower() in {"true", "1", "yes"}
        return value is True or (isinstance(value, int) and value == 1)

    def object(self, *names: str) -> Fields:
        return Fields(self.get(*names))

    def objects(self, *names: str) -> list[Fields]:
        value = self.get(*names)
        if not isinstance(value, list):
            return []
        return [Fields(item) for item in value if isinstance(item, Mapping)]

    def texts(self, *names: str) -> list[str]:
        value = self.get(*names)
        if isinstance(value, str):
            return [value.strip()] if value.strip() else []
        if not isinstance(value, list):
            return []
        return [text for item in value if (text := to_text(item))]


def to_text(value: Any) -> str:
    """A stripped string; numbers become their text, anything else ``""``.

    >>> to_text("  Q8OAXF3W "), to_text(12), to_text(None), to_text(True)
    ('Q8OAXF3W', '12', '', '')
    """
    if isinstance(value, bool) or value is None:
        return ""
    if isinstance(value, str):
        return value.strip()
    if isinstance(value, int | Decimal):
        return str(value)
    if isinstance(value, float):
        return repr(value)
    return ""


def to_decimal(value: Any) -> Decimal | None:
    """An exact ``Decimal`` from a JSON number or numeric string, else ``None``.

    >>> to_decimal(Decimal("805.00")), to_decimal(12), to_decimal("7.5"), to_decimal("n/a")
    (Decimal('805.00'), Decimal('12'), Decimal('7.5'), None)
    """
    if isinstance(value, bool) or value is None:
        return None
    if isinstance(value, Decimal):
        number = value
    elif isinstance(value, int):
        number = Decimal(value)
    elif isinstance(value, float):
        number = Decimal(repr(value))
    elif isinstance(value, str):
        try:
            number = Decimal(value.strip())
        except InvalidOperation:
            return None
    else:
        return None
    return number if number.is_finite() else None


def to_date(value: Any) -> date | None:
    """The calendar date at the start of an ISO date or date-time text.

    >>> to_date("2026-03-02T00:00:00Z"), to_date("2026-03-02"), to_date("soon")
    (datetime.date(2026, 3, 2), datetime.date(2026, 3, 2), None)
    """
    if not isinstance(value, str):
        return None
    match = _DATE_PREFIX.match(value.strip())
    if match is None:
        return None
    try:
        return date(int(match[1]), int(match[2]), int(match[3]))
    except ValueError:
        return None


def to_datetime(value: Any) -> datetime | None:
    """An aware UTC datetime; the API's naive timestamps are UTC.

    >>> to_datetime("2026-11-21T08:30:00")
    datetime.datetime(2026, 11, 21, 8, 30, tzinfo=datetime.timezone.utc)
    >>> to_datetime("2026-11-21T09:30:00+01:00").hour, to_datetime("x")
    (8, None)
    """
    if not isinstance(value, str) or not value.strip():
        return None
    text = value.strip()
    if text.endswith(("Z", "z")):
        text = text[:-1] + "+00:00"
    # Python before 3.11 cannot read 7-digit .NET fractions; trim them to microseconds.
    text = re.sub(r"(\.\d{6})\d+", r"\1", text)
    try:
        moment = datetime.fromisoformat(text)
    except ValueError:
        return None
    if moment.tzinfo is None:
        return moment.replace(tzinfo=UTC)
    return moment.astimezone(UTC)
