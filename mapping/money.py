"""Money in ``Decimal``: currency minor units, the outstanding balance, and its text form.

Every amount is rounded ROUND_HALF_UP to the currency's minor units (GBP 2, JPY 0, KWD 3).
pycountry has no minor units, so the currencies that do not use two decimals are shipped here
as data (ISO 4217, list one).

Arithmetic runs in a private high-precision context with no traps: a nonsense input (a
60-digit amount, an exchange rate of 1E-999999) gives ``None`` instead of an exception.
"""

from __future__ import annotations

from collections.abc import Iterable
from decimal import ROUND_HALF_UP, Context, Decimal

# ISO 4217 currencies whose minor unit is not 2. Everything else (incl. unknown codes) uses 2.
MINOR_UNITS: dict[str, int] = {
    # no minor unit
    "BIF": 0, "CLP": 0, "DJF": 0, "GNF": 0, "ISK": 0, "JPY": 0, "KMF": 0, "KRW": 0,
    "PYG": 0, "RWF": 0, "UGX": 0, "UYI": 0, "VND": 0, "VUV": 0, "XAF": 0, "XOF": 0,
    "XPF": 0,
    # three decimals
    "BHD": 3, "IQD": 3, "JOD": 3, "KWD": 3, "LYD": 3, "OMR": 3, "TND": 3,
    # four decimals (units of account)
    "CLF": 4, "UYW": 4,
}  # fmt: skip
_DEFAULT_MINOR_UNITS = 2

_CONTEXT = Context(prec=60, rounding=ROUND_HALF_UP, traps=[])
MONEY_CONTEXT = _CONTEXT  # for arithmetic on amounts elsewhere: the same rules, never raising
_ONE = Decimal(1)
_QUANTUM_BY_CURRENCY = {code: Decimal(1).scaleb(-units) for code, units in MINOR_UNITS.items()}
_DEFAULT_QUANTUM = Decimal(1).scaleb(-_DEFAULT_MINOR_UNITS)


def minor_units(currency: str) -> int:
    """Number of decimals the currency is written with.

    >>> minor_units("GBP"), minor_units("JPY"), minor_units("KWD"), minor_units("???")
    (2, 0, 3, 2)
    """
    return MINOR_UNITS.get(currency, _DEFAULT_MINOR_UNITS)


def round_money(amount: Decimal | None, currency: str) -> Decimal | None:
    """``amount`` rounded half-up to the currency's minor units; ``None`` if it cannot be.

    >>> round_money(Decimal("117.5000"), "GBP"), round_money(Decimal("2.005"), "GBP")
    (Decimal('117.50'), Decimal('2.01'))
    >>> round_money(Decimal("1499.5"), "JPY"), round_money(Decimal("1E+70"), "GBP")
    (Decimal('1500'), None)
    """
    if amount is None:
        return None
    rounded = _CONTEXT.quantize(amount, _QUANTUM_BY_CURRENCY.get(currency, _DEFAULT_QUANTUM))
    if not rounded.is_finite():
        return None
    # -0.00 would print with a sign; it is just zero.
    return rounded.copy_abs() if rounded.is_zero() else rounded


def outstanding_balance(
    *,
    gross_amount: Decimal | None,
    due_amount: Decimal | None,
    total_paid_amount: Decimal | None,
    exchange_rate: Decimal | None,
    currency: str,
    home_currency: str,
) -> Decimal | None:
    """What is still owed, in the invoice currency, rounded to its minor units.

    ``DueAmount`` wins when KashFlow sent it. Otherwise it is ``GrossAmount`` less what was
    paid; KashFlow reports ``TotalPaidAmount`` in the *home* currency, and ``ExchangeRate`` is
    invoice-currency units per home unit, so paid = TotalPaidAmount x ExchangeRate. On a
    home-currency invoice the rate is 1 whatever was sent. ``None`` when it cannot be known
    (no amounts, or a foreign part-payment without a usable rate).

    >>> outstanding_balance(gross_amount=Decimal("1200"), due_amount=Decimal("805.0000"),
    ...     total_paid_amount=None, exchange_rate=None, currency="GBP", home_currency="GBP")
    Decimal('805.00')
    >>> outstanding_balance(gross_amount=Decimal("195.08"), due_amount=None,
    ...     total_paid_amount=Decimal("50"), exchange_rate=Decimal("2"),
    ...     currency="AUD", home_currency="GBP")
    Decimal('95.08')
    """
    if due_amount is not None:
        return round_money(due_amount, currency)
    if gross_amount is None:
        return None
    if not total_paid_amount:
        return round_money(gross_amount, currency)
    if currency == home_currency:
        rate = _ONE
    elif exchange_rate is not None and exchange_rate > 0:
        rate = exchange_rate
    else:
        return None
    paid = _CONTEXT.multiply(total_paid_amount, rate)
    return round_money(_CONTEXT.subtract(gross_amount, paid), currency)


def format_money(amount: Decimal | None, currency: str) -> str | None:
    """Plain decimal text with exactly the currency's decimals (no separators, no symbol).

    >>> format_money(Decimal("805"), "GBP"), format_money(Decimal("1500.4"), "JPY")
    ('805.00', '1500')
    >>> format_money(Decimal("1.2345"), "KWD"), format_money(None, "GBP")
    ('1.235', None)
    """
    rounded = round_money(amount, currency)
    return None if rounded is None else f"{rounded:f}"


def display_money(amount: Decimal | None, currency: str) -> str:
    """For people: the currency's decimals with thousands separators; ``""`` when unknown.

    >>> display_money(Decimal("1234567.5"), "GBP"), display_money(Decimal("-1500"), "JPY")
    ('1,234,567.50', '-1,500')
    """
    rounded = round_money(amount, currency)
    return "" if rounded is None else f"{rounded:,f}"


# Currencies written with their symbol in prose; every other is written with its code, which
# no reader mistakes ("$" alone could be any of a dozen dollars).
CURRENCY_SYMBOLS: dict[str, str] = {"GBP": "£", "EUR": "€"}


def money_text(amount: Decimal | None, currency: str) -> str:
    """An amount in a sentence: symbol or code, thousands separators, the currency's decimals.

    >>> money_text(Decimal("54"), "GBP"), money_text(Decimal("5000"), "JPY")
    ('£54.00', 'JPY 5,000')
    >>> money_text(Decimal("-12.5"), "EUR"), money_text(None, "GBP")
    ('-€12.50', '')
    """
    rounded = round_money(amount, currency)
    if rounded is None:
        return ""
    shown = f"{rounded:,f}"  # display_money's text, without a second call per amount
    symbol = CURRENCY_SYMBOLS.get(currency)
    if symbol is None:
        return f"{currency} {shown}".strip()
    if shown[0] == "-":
        return f"-{symbol}{shown[1:]}"
    return symbol + shown


def convert(amount: Decimal, rate: Decimal) -> Decimal | None:
    """``amount x rate`` without float and without raising; ``None`` if not a finite number.

    >>> convert(Decimal("100.00"), Decimal("1.32"))
    Decimal('132.0000')
    """
    result = _CONTEXT.multiply(amount, rate)
    return result if result.is_finite() else None


def divide(amount: Decimal, rate: Decimal) -> Decimal | None:
    """``amount / rate`` without raising; ``None`` for a zero, negative or absurd rate.

    >>> divide(Decimal("195.08"), Decimal("2")), divide(Decimal("1"), Decimal("0"))
    (Decimal('97.54'), None)
    """
    if not rate > 0:
        return None
    result = _CONTEXT.divide(amount, rate)
    return result if result.is_finite() else None


def total(amounts: Iterable[Decimal]) -> Decimal:
    """The exact sum of amounts (60 significant digits, far beyond any invoice ledger).

    >>> total([Decimal("0.10"), Decimal("0.20"), Decimal("805.00")])
    Decimal('805.30')
    """
    result = Decimal(0)
    for amount in amounts:
        result = _CONTEXT.add(result, amount)
    return result


def totals_by_currency(amounts: Iterable[tuple[str, Decimal | None]]) -> str:
    """``(currency, amount)`` pairs summed per currency, the currency with most amounts first
    (never added across currencies): the total of a batch of cases in words.

    >>> totals_by_currency([("GBP", Decimal("45000")), ("EUR", Decimal("2000")),
    ...     ("GBP", Decimal("321.1"))])
    'GBP 45,321.10 · EUR 2,000.00'
    """
    sums: dict[str, list[Decimal]] = {}
    for currency, amount in amounts:
        if amount is not None:
            sums.setdefault(currency, []).append(amount)
    order = sorted(sums, key=lambda code: (-len(sums[code]), code))
    return " · ".join(f"{code} {display_money(total(sums[code]), code)}" for code in order)


def round_to_step(amount: Decimal, step: Decimal) -> Decimal:
    """``amount`` rounded half-up to a multiple of ``step`` (for "about USD 12,500").

    >>> round_to_step(Decimal("12460.31"), Decimal(100)), round_to_step(Decimal("64.5"), Decimal(1))
    (Decimal('12500'), Decimal('65'))
    """
    steps = _CONTEXT.quantize(_CONTEXT.divide(amount, step), _ONE)
    return _CONTEXT.multiply(steps, step) if steps.is_finite() else amount
