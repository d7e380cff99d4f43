"""Phone numbers in E.164, parsed with phonenumbers against the debtor's country."""

from __future__ import annotations

from functools import lru_cache
from typing import NamedTuple

import phonenumbers
from phonenumbers import NumberParseException, PhoneNumberFormat

_KNOWN_REGIONS = frozenset(phonenumbers.SUPPORTED_REGIONS)


class PhoneResult(NamedTuple):
    """``text`` is E.164 when ``valid``; otherwise the number exactly as typed."""

    text: str
    valid: bool


@lru_cache(maxsize=65536)
def format_phone(raw: str, country: str) -> PhoneResult:
    """E.164 for a number that parses and is a possible number in ``country``.

    A number without ``+`` is read as a national number of the debtor's country.

    >>> format_phone("01302 123456", "GB")
    PhoneResult(text='+441302123456', valid=True)
    >>> format_phone("+1 (212) 555-0100", "GB"), format_phone("call Sue", "GB")
    (PhoneResult(text='+12125550100', valid=True), PhoneResult(text='call Sue', valid=False))
    >>> format_phone("", "GB")
    PhoneResult(text='', valid=False)
    """
    text = raw.strip()
    if not text:
        return PhoneResult("", False)
    region = country if country in _KNOWN_REGIONS else None
    try:
        number = phonenumbers.parse(text, region)
    except NumberParseException:
        return PhoneResult(text, False)
    if not phonenumbers.is_possible_number(number):
        return PhoneResult(text, False)
    return PhoneResult(phonenumbers.format_number(number, PhoneNumberFormat.E164), True)


def e164_or_blank(raw: str, country: str) -> str:
    """The number in E.164 when it is one, else ``""``: Debitura's ``phone`` takes nothing else.

    >>> e164_or_blank("+441132496000", "GB"), e164_or_blank("ask for Sue", "GB")
    ('+441132496000', '')
    """
    result = format_phone(raw, country)
    return result.text if result.valid else ""
