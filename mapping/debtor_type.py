"""Company or Private: KashFlow does not say, so we infer it and say why.

A VAT number (one with digits in it, not "N/A") means a business. Otherwise the customer name
is searched, case-insensitively and as whole words, for a legal form or an organisation word.
A word only counts when it stands alone: "Abbey" does not contain "AB", "Coco" does not contain
"Co", and a hyphen or apostrophe joins words into a surname ("Sarah Group-Jones" is a person).
Short legal forms that are also ordinary syllables (AG, SA, AB, BV, NV, AS, Oy, Co...) only count
as the last word of the name, which is where legal forms go ("Volvo AB", "Smith Co").
"""

from __future__ import annotations

import re
from typing import NamedTuple

COMPANY = "Company"
PRIVATE = "Private"
DEBTOR_TYPES = (COMPANY, PRIVATE)

_ANYWHERE = (
    r"ltd\.?", "limited", "plc", "llp", "llc", r"inc\.?", "incorporated", r"corp\.?",
    "corporation", "gmbh", r"g\.m\.b\.h\.?", "cic", "cio", "ltda", r"pty\.?", r"pte\.?",
    r"&\s*co\.?", r"and\s+co\.?", r"co\.", "company", "group", "holdings", "holding",
    "services", "solutions", "partners", "partnership", "associates", "trust", "council",
    "school", "university", "college", "academy", "foundation", "association", "society",
    "club", "church", "nhs", "hospital", "surgery", "practice", "consulting", "consultants",
    "consultancy", "enterprises", "industries", "international", "charity",
    r"s\.a\.", r"s\.l\.", r"b\.v\.", r"n\.v\.", r"e\.v\.", r"s\.p\.a\.", r"s\.r\.l\.",
    r"s\.a\.s\.", r"a/s", "sarl", r"s\.à\s?r\.l\.", "aps", "spa", "srl", "sas", "kg", "ohg",
)  # fmt: skip
_LAST_WORD_ONLY = ("ag", "sa", "sl", "ab", "bv", "nv", "as", "asa", "oy", "oyj", "co", "kk", "se")
# Letters, digits, hyphens and apostrophes continue a word; anything else ends it.
_BEFORE = r"(?<![\w'’-])"
_AFTER = r"(?![\w'’-])"
_COMPANY_WORD_PATTERN = (
    _BEFORE + "(?:" + "|".join(_ANYWHERE) + ")" + _AFTER
    + "|" + _BEFORE + "(?:" + "|".join(_LAST_WORD_ONLY) + r")\.?" + r"(?=\W*(?:\([^()]*\)\W*)?$)"
)  # fmt: skip
_COMPANY_WORD = re.compile(_COMPANY_WORD_PATTERN, re.IGNORECASE)
# The same words (all lower case) for a name already in lower case: twice as fast, as the
# regex engine skips at once each word whose first letter differs, which it cannot do
# ignoring case. Only for ASCII names, whose lower case keeps every letter in its place.
_COMPANY_WORD_LOWER = re.compile(_COMPANY_WORD_PATTERN)
_HAS_FOUR_DIGITS = re.compile(r"(?:\D*\d){4}")


class DebtorTypeGuess(NamedTuple):
    """The inferred type and the reason shown to the analyst."""

    type: str
    reason: str


def infer_debtor_type(name: str, vat_number: str) -> DebtorTypeGuess:
    """Company when there is a VAT number or a company word in the name; else Private.

    >>> infer_debtor_type("Acme Widgets Ltd", "")
    DebtorTypeGuess(type='Company', reason='name contains "Ltd"')
    >>> infer_debtor_type("Jane Doe", "GB123456789")
    DebtorTypeGuess(type='Company', reason='VAT number GB123456789')
    >>> infer_debtor_type("Abbey Smith", "N/A").type, infer_debtor_type("Volvo AB", "").type
    ('Private', 'Company')
    """
    vat = vat_number.strip()
    if _HAS_FOUR_DIGITS.match(vat):
        return DebtorTypeGuess(COMPANY, f"VAT number {vat}")
    word = company_word(name)
    if word:
        return DebtorTypeGuess(COMPANY, f'name contains "{word}"')
    return DebtorTypeGuess(PRIVATE, "no VAT number and no company word in the name")


def company_word(name: str) -> str:
    """The first legal form or organisation word in ``name``, as written there; ``""`` if none.

    >>> company_word("Smith & Co. Joinery"), company_word("Volvo AB"), company_word("Abbey Smith")
    ('& Co.', 'AB', '')
    """
    if name.isascii():
        match = _COMPANY_WORD_LOWER.search(name.lower())
        return name[match.start() : match.end()] if match else ""
    match = _COMPANY_WORD.search(name)
    return match.group(0) if match else ""


def parse_debtor_type(text: str) -> str:
    """``Company``/``Private`` from what a user typed (``Person``/``Individual`` mean Private).

    ``""`` when it is neither.

    >>> parse_debtor_type(" company"), parse_debtor_type("person"), parse_debtor_type("maybe")
    ('Company', 'Private', '')
    """
    key = text.strip().lower()
    if key in ("company", "business", "b2b"):
        return COMPANY
    if key in ("private", "person", "individual", "consumer", "b2c"):
        return PRIVATE
    return ""
