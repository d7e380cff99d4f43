"""Countries: ISO 3166 alpha-2 codes from whatever KashFlow or a user typed.

pycountry knows the names, official names, common names and alpha-2/alpha-3 codes; on top of
that we read the names people in the UK write on addresses ("UK", "England", "Great Britain")
and a few everyday names ISO spells differently ("Holland", "Russia", "Eire"). The tables are
built once (pycountry is slow to query) and every lookup is a dictionary hit.
"""

from __future__ import annotations

import re
from functools import lru_cache
from typing import NamedTuple

import pycountry

DEFAULT_COUNTRY = "GB"

_UK_NAMES = (
    "uk", "gb", "gbr", "united kingdom", "great britain", "britain",
    "england", "scotland", "wales", "northern ireland",
)  # fmt: skip
_EVERYDAY_NAMES = {
    "usa": "US", "united states of america": "US", "america": "US",
    "eire": "IE", "republic of ireland": "IE", "southern ireland": "IE",
    "holland": "NL", "the netherlands": "NL", "russia": "RU", "south korea": "KR",
    "north korea": "KP", "vietnam": "VN", "turkey": "TR", "ivory coast": "CI", "uae": "AE",
    "czech republic": "CZ", "deutschland": "DE", "espana": "ES", "españa": "ES",
    "the gambia": "GM", "the bahamas": "BS", "macedonia": "MK", "swaziland": "SZ",
    "burma": "MM", "iran": "IR", "syria": "SY", "laos": "LA", "moldova": "MD",
    "tanzania": "TZ", "venezuela": "VE", "bolivia": "BO", "vatican": "VA",
}  # fmt: skip
_NOISE = re.compile(r"[.\s]+")


def _key(text: str) -> str:
    return _NOISE.sub(" ", text.replace("&", " and ")).strip().lower().replace(" ", "")


@lru_cache(maxsize=1)
def _tables() -> tuple[dict[str, str], dict[str, str]]:
    """(names -> alpha-2, codes -> alpha-2), keys run through ``_key``."""
    names: dict[str, str] = {}
    codes: dict[str, str] = {"uk": "GB"}
    for country in pycountry.countries:
        codes[country.alpha_2.lower()] = country.alpha_2
        codes[country.alpha_3.lower()] = country.alpha_2
        for attribute in ("name", "official_name", "common_name"):
            name = getattr(country, attribute, None)
            if name:
                names[_key(name)] = country.alpha_2
    names.update({_key(name): "GB" for name in _UK_NAMES})
    names.update({_key(name): code for name, code in _EVERYDAY_NAMES.items()})
    return names, codes


@lru_cache(maxsize=4096)
def country_from_code(text: str) -> str:
    """Alpha-2 for an alpha-2 or alpha-3 code (``UK`` counts as GB); ``""`` otherwise.

    >>> country_from_code("uk"), country_from_code("FRA"), country_from_code("XX")
    ('GB', 'FR', '')
    """
    if not 2 <= len(text) <= 4:
        return ""
    return _tables()[1].get(_key(text), "")


@lru_cache(maxsize=4096)
def country_from_name(text: str) -> str:
    """Alpha-2 for a country name (ISO, official, common or everyday); ``""`` otherwise.

    >>> country_from_name("United Kingdom"), country_from_name("Scotland")
    ('GB', 'GB')
    >>> country_from_name("germany"), country_from_name("Doncaster")
    ('DE', '')
    """
    return _tables()[0].get(_key(text), "")


def country_from_text(text: str) -> str:
    """Alpha-2 for a code or a name, as a user may type either into the grid.

    >>> country_from_text("gb"), country_from_text("U.S.A."), country_from_text("Narnia")
    ('GB', 'US', '')
    """
    return country_from_code(text) or country_from_name(text)


@lru_cache(maxsize=256)
def country_display_name(alpha_2: str) -> str:
    """The English short name for messages.

    >>> country_display_name("GB"), country_display_name("ZZ")
    ('United Kingdom', 'ZZ')
    """
    country = pycountry.countries.get(alpha_2=alpha_2) if len(alpha_2) == 2 else None
    return country.name if country is not None else alpha_2


class CountryChoice(NamedTuple):
    """The debtor's country and where it came from: code, name, address or default."""

    alpha_2: str
    source: str


def resolve_country(code: str, name: str, lines: tuple[str, ...] = ()) -> CountryChoice:
    """The country of a KashFlow address.

    The ``CountryCode`` wins when valid, then ``CountryName``, then the last address line that
    names a country in words (a bare two-letter line could be a US state, so it does not
    count). A code or name KashFlow gave that none of this can read comes back as given, with
    the source ``unreadable`` (the row is then blocked until someone picks the country: a
    misspelt "Deutschlnd" must not become a UK debtor). With nothing given at all, GB, which
    the caller reports as a default.

    >>> resolve_country("UK", "")
    CountryChoice(alpha_2='GB', source='code')
    >>> resolve_country("", "Ireland"), resolve_country("", "", ("1 Rue X", "Paris", "France"))
    (CountryChoice(alpha_2='IE', source='name'), CountryChoice(alpha_2='FR', source='address'))
    >>> resolve_country("", "")
    CountryChoice(alpha_2='GB', source='default')
    >>> resolve_country("ZZ", "Deutschlnd")
    CountryChoice(alpha_2='ZZ', source='unreadable')
    """
    if code and (alpha_2 := country_from_code(code)):
        return CountryChoice(alpha_2, "code")
    if name and (alpha_2 := country_from_text(name)):
        return CountryChoice(alpha_2, "name")
    for line in reversed(lines):
        last_part = line.rsplit(",", 1)[-1].strip()
        if last_part and (alpha_2 := country_from_name(last_part)):
            return CountryChoice(alpha_2, "address")
    given = code.strip() or name.strip()
    if given:
        return CountryChoice(given, "unreadable")
    return CountryChoice(DEFAULT_COUNTRY, "default")
