"""ISO 4217 currency codes, checked with pycountry.

The case is always raised in the invoice's own currency (never converted). An invoice without
a currency code is in the company's home currency.
"""

from __future__ import annotations

from functools import lru_cache

import pycountry

# In ISO 4217 but not money an invoice can be raised in: metals, units of account, test codes.
_NOT_INVOICE_CURRENCIES = frozenset(
    {"XAG", "XAU", "XBA", "XBB", "XBC", "XBD", "XDR", "XPD", "XPT", "XSU", "XTS", "XUA", "XXX"}
)


@lru_cache(maxsize=512)
def is_valid_currency(code: str) -> bool:
    """Whether ``code`` is an upper-case ISO 4217 code an invoice can be raised in.

    >>> is_valid_currency("GBP"), is_valid_currency("XYZ"), is_valid_currency("XAU")
    (True, False, False)
    """
    if len(code) != 3 or code in _NOT_INVOICE_CURRENCIES:
        return False
    return pycountry.currencies.get(alpha_3=code) is not None


@lru_cache(maxsize=512)
def invoice_currency(raw: str, home_currency: str) -> tuple[str, bool]:
    """The invoice's currency code (stripped, upper-case) and whether it is valid.

    A blank code means the home currency.

    >>> invoice_currency(" eur ", "GBP"), invoice_currency("", "GBP")
    (('EUR', True), ('GBP', True))
    >>> invoice_currency("Pounds", "GBP")
    ('POUNDS', False)
    """
    code = raw.strip().upper() or home_currency.strip().upper()
    return code, is_valid_currency(code)
