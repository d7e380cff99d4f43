"""Split KashFlow's four address lines into Debitura's street line, city and (US) state.

Debitura takes one street line, a city, a postcode and, for the US, a state. KashFlow users put
anything on Line1-Line4: the town, the county, the country again, the postcode again. We

1. cut each line into comma parts ("Doncaster, South Yorkshire"), and strip the postcode off
   the end of a part ("Leeds LS1 4AB");
2. drop parts that only repeat the postcode, name a UK county, or name a country at the end of
   the address; for a US debtor the last part naming a state (or ending in a state code:
   "Austin TX") gives the state;
3. take the last remaining part as the city (unless it starts with a digit: that is a street)
   and join everything before it, in order, with ", " as the street line.

Two guards keep towns from being taken for countries. A country is only dropped at the end of
the address, before any town or state: "Lebanon, PA" keeps Lebanon. And a two- or three-letter
*code* is only dropped when it is the debtor's own country ("GB" for a UK debtor): "IN", "CA",
"DE" are also US states. A bare last line naming a country ("Jersey") is taken as the country.
"""

from __future__ import annotations

import re
from functools import lru_cache
from importlib import resources
from typing import NamedTuple

import pycountry

from mapping.country import country_from_code, country_from_name

_COUNTY_COUNTRIES = frozenset({"GB", "IE", "IM", "JE", "GG"})
_NOISE = re.compile(r"[.\s]+")
# Used only when KashFlow's PostCode is blank and the postcode was typed on a line instead.
_POSTCODE_AT_END = {
    "GB": re.compile(r"(?:^|\s)([A-Z]{1,2}\d[A-Z\d]?\s*\d[A-Z]{2})$", re.IGNORECASE),
    "US": re.compile(r"(?:^|\s)(\d{5}(?:-\d{4})?)$"),
}
_CODE = re.compile(r"[A-Za-z]{2,3}")
_UK_POSTCODE = re.compile(r"([A-Z]{1,2}\d[A-Z\d]?)\s*(\d[A-Z]{2})")


def tidy_postcode(postcode: str, country: str) -> str:
    """A postcode as the post office writes it: spaces collapsed; for the UK, upper case with
    the one space before the last three characters.

    >>> tidy_postcode("gl50 2pu", "GB"), tidy_postcode("dn33ub", "GB")
    ('GL50 2PU', 'DN3 3UB')
    >>> tidy_postcode(" 753  20 ", "SE")
    '753 20'
    >>> tidy_postcode("not a code", "GB")
    'not a code'
    """
    text = " ".join(postcode.split())
    if country in _COUNTY_COUNTRIES:
        match = _UK_POSTCODE.fullmatch(text.upper())
        if match:
            return f"{match[1]} {match[2]}"
    return text


class AddressSplit(NamedTuple):
    """Debitura's address fields; ``postcode`` is the one found on a line when none was given."""

    street: str
    city: str
    state: str = ""
    postcode: str = ""


def _key(text: str) -> str:
    return _NOISE.sub(" ", text.replace("&", " and ")).strip().lower()


@lru_cache(maxsize=1)
def _counties() -> frozenset[str]:
    text = (resources.files("mapping") / "reference" / "uk_counties.txt").read_text("utf-8")
    names = (line.strip() for line in text.splitlines())
    return frozenset(_county_key(name) for name in names if name and not name.startswith("#"))


def _county_key(text: str) -> str:
    key = _key(text)
    return "county " + key[3:] if key.startswith("co ") else key


@lru_cache(maxsize=16384)
def is_uk_county(text: str) -> bool:
    """Whether the text only names a UK (or Irish) county or council area.

    >>> is_uk_county("South Yorkshire"), is_uk_county("Co. Antrim"), is_uk_county("herts")
    (True, True, True)
    >>> is_uk_county("Durham"), is_uk_county("Doncaster")
    (False, False)
    """
    return _county_key(text) in _counties()


@lru_cache(maxsize=1)
def _us_states() -> dict[str, str]:
    states: dict[str, str] = {}
    for subdivision in pycountry.subdivisions.get(country_code="US") or ():
        short = subdivision.code.split("-", 1)[1]
        states[_state_key(subdivision.name)] = short
        states[short.lower()] = short
        states[subdivision.code.lower()] = short
    return states


def _state_key(text: str) -> str:
    # "D.C." and "DC" alike; spaces between words kept ("new york").
    return " ".join(text.replace(".", "").lower().split())


@lru_cache(maxsize=4096)
def us_state_code(text: str) -> str:
    """The two-letter code of a US state (or DC, territory) named by code or name; else ``""``.

    >>> us_state_code("California"), us_state_code("ny"), us_state_code("US-TX")
    ('CA', 'NY', 'TX')
    >>> us_state_code("Kent")
    ''
    """
    return _us_states().get(_state_key(text), "")


def _state_at_end(part: str) -> tuple[str, str]:
    """(state, rest) for "Austin TX" or "Albany New York"; ("", part) when none."""
    words = part.split()
    for size in (1, 2, 3):
        if len(words) > size and (state := us_state_code(" ".join(words[-size:]))):
            return state, " ".join(words[:-size]).rstrip(",")
    return "", part


def _without_postcode(part: str, compact_postcode: str) -> str:
    """``part`` less the postcode at its end ("Leeds LS1 4AB") or, as much of Europe writes
    it, at its start ("753 20 Uppsala"); compared without spaces or case.

    >>> _without_postcode("753 20 Uppsala", "75320"), _without_postcode("Leeds LS1 4AB", "ls14ab")
    ('Uppsala', 'Leeds')
    """
    compact_part = "".join(part.split()).lower()
    if compact_part.startswith(compact_postcode) and compact_part != compact_postcode:
        remaining, cut = len(compact_postcode), 0
        while remaining:
            if not part[cut].isspace():
                remaining -= 1
            cut += 1
        if part[cut : cut + 1].isspace():  # the postcode is a word of its own
            return part[cut:].lstrip()
    if not compact_part.endswith(compact_postcode):
        return part
    # Walk back over the postcode's characters in the original text, spaces included.
    remaining = len(compact_postcode)
    cut = len(part)
    while remaining:
        cut -= 1
        if not part[cut].isspace():
            remaining -= 1
    if cut and not part[cut - 1].isspace():
        return part  # "SW1A1AA" inside a longer word is not a postcode on its own
    return part[:cut].rstrip()


@lru_cache(maxsize=16384)
def _names_a_country(part: str, country: str) -> bool:
    """Whether a part only repeats a country (cached: the same "GB"s recur all ledger long)."""
    if _CODE.fullmatch(part):
        return country_from_code(part) == country
    return bool(country_from_name(part))


def split_address(lines: tuple[str, ...], postcode: str, country: str) -> AddressSplit:
    """Street line, city, state (US only) and a postcode found on a line.

    >>> split_address(("1 Ashwood Close", "Branton", "Doncaster, South Yorkshire", "GB"),
    ...     "DN3 3UB", "GB")
    AddressSplit(street='1 Ashwood Close, Branton', city='Doncaster', state='', postcode='')
    >>> split_address(("12 High St, Leeds LS1 4AB",), "", "GB")
    AddressSplit(street='12 High St', city='Leeds', state='', postcode='LS1 4AB')
    >>> split_address(("500 Main St", "Springfield, IL 62701"), "", "US")
    AddressSplit(street='500 Main St', city='Springfield', state='IL', postcode='62701')
    """
    compact_postcode = "".join(postcode.split()).lower()
    postcode_at_end = None if compact_postcode else _POSTCODE_AT_END.get(country)
    found_postcode = ""
    is_us = country == "US"
    uses_counties = country in _COUNTY_COUNTRIES
    state = ""
    kept: list[str] = []  # collected from the end, reversed below
    at_end = True  # nothing kept yet: a country name here is the address's country
    for line in reversed(lines):
        if not line:
            continue
        if at_end and _names_a_country(line, country) and not (is_us and us_state_code(line)):
            continue
        for raw_part in reversed(line.split(",")):
            part = raw_part.strip()
            if compact_postcode:
                part = _without_postcode(part, compact_postcode)
            elif postcode_at_end is not None and not found_postcode:
                match = postcode_at_end.search(part)
                if match:
                    found_postcode = match[1].upper()
                    part = part[: match.start()].rstrip()
            if not part:
                continue
            if is_us and not state:
                state = us_state_code(part)
                if state:
                    at_end = False
                    continue
            if at_end and _names_a_country(part, country):
                continue
            if uses_counties and is_uk_county(part):
                continue
            if is_us and not state:
                state, part = _state_at_end(part)
            kept.append(part)
            at_end = False
    kept.reverse()
    if len(kept) >= 2 and not kept[-1][0].isdigit():
        return AddressSplit(", ".join(kept[:-1]), kept[-1], state, found_postcode)
    return AddressSplit(", ".join(kept), "", state, found_postcode)
