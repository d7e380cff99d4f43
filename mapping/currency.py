"""ISO 4217 currency codes, checked with pycountry.

The case is always raised in the invoice's own currency (never converted). An invoice without
a currency code is in the company's home currency.
"""

from __future__ import annotations

from decimal import Decimal
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


def list_row_currency(
    *,
    invoice_code: str,
    customer_code: str,
    gross_amount: Decimal | None,
    home_currency_gross_amount: Decimal | None,
    exchange_rate: Decimal | None,
    home_currency: str,
) -> str | None:
    """An invoice's currency from its list row and its customer's record; ``None`` when only
    the invoice detail can tell.

    KashFlow's list rows often carry ``Currency: null``. The customer record's currency comes
    next; the home currency only when the amounts show it (the gross equals the home-currency
    gross, or the rate is 1): a foreign invoice is never taken for a home one.

    >>> row = dict(gross_amount=Decimal("100"), home_currency_gross_amount=Decimal("86.20"),
    ...            exchange_rate=None, home_currency="GBP")
    >>> list_row_currency(invoice_code="", customer_code="EUR", **row)
    'EUR'
    >>> list_row_currency(invoice_code="", customer_code="", **row) is None
    True
    >>> list_row_currency(invoice_code="", customer_code="GBP", **row) is None
    True
    >>> row["home_currency_gross_amount"] = Decimal("100.00")
    >>> list_row_currency(invoice_code="", customer_code="", **row)
    'GBP'
    """
    home = home_currency.strip().upper()
    if invoice_code.strip():
        return invoice_code.strip().upper()
    customer = customer_code.strip().upper()
    if customer and customer != home:
        return customer
    same_amounts = (
        gross_amount is not None
        and home_currency_gross_amount is not None
        and gross_amount == home_currency_gross_amount
    )
    if same_amounts or exchange_rate == 1:
        return home
    return None
