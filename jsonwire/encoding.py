"""JSON text with money kept exact: ``Decimal`` out as its plain digits, fractions in as
``Decimal``. (The standard ``json`` module can read decimals but cannot write them.)"""

from __future__ import annotations

import json
from collections.abc import Callable, Mapping
from datetime import date, datetime
from decimal import Decimal
from json.encoder import encode_basestring
from typing import Any


class RawJSON(str):
    """Text that is already JSON; ``dumps`` copies it in verbatim (precomputed rows)."""

    __slots__ = ()


def dumps(value: Any) -> str:
    """Compact JSON in which ``Decimal`` stays exact and dates become ISO text.

    >>> dumps({"amountToRecover": Decimal("1234.50"), "isTest": True, "tag": None})
    '{"amountToRecover":1234.50,"isTest":true,"tag":null}'
    >>> dumps({"date": date(2026, 11, 2), "n": [1, 2.5], "raw": RawJSON('{"a":1}')})
    '{"date":"2026-11-02","n":[1,2.5],"raw":{"a":1}}'
    """
    parts: list[str] = []
    _encode(value, parts.append)
    return "".join(parts)


def loads(body: bytes | str) -> Any:
    """Parse JSON; numbers with a fraction become ``Decimal``. Raises ``ValueError``."""
    return json.loads(body, parse_float=Decimal)


def decimal_text(value: Decimal) -> str:
    """A Decimal as a plain JSON number with its scale: ``117.5000``, never ``1.175E+2``.

    >>> decimal_text(Decimal("1.175E+2")), decimal_text(Decimal("-0.00"))
    ('117.5', '0.00')
    """
    if not value.is_finite():
        raise ValueError("JSON has no NaN or infinity")
    if value.is_zero():
        value = abs(value)  # no "-0.00"
    return format(value, "f")


def _encode(value: Any, out: Callable[[str], Any]) -> None:
    if isinstance(value, RawJSON):
        out(value)
    elif isinstance(value, str):
        out(encode_basestring(value))
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
        out(encode_basestring(value.isoformat()))
    elif isinstance(value, Mapping):
        out("{")
        for index, (key, item) in enumerate(value.items()):
            if not isinstance(key, str):
                raise TypeError(f"JSON object keys must be strings, not {type(key).__name__}")
            if index:
                out(",")
            out(encode_basestring(key))
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
