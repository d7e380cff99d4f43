"""The knobs of a review: the as-of date, the home currency and Debitura's USD thresholds."""

from __future__ import annotations

from collections.abc import Mapping
from dataclasses import dataclass, field
from datetime import date
from decimal import Decimal
from types import MappingProxyType

from mapping.dates import london_today
from mapping.money import convert, divide

# US dollars per one unit of each currency: rough late-2026 levels. Debitura converts with its
# own rates; these only decide which warnings (minimum, documents) an analyst sees.
DEFAULT_USD_RATES: Mapping[str, Decimal] = MappingProxyType(
    {
        "USD": Decimal("1"),
        "GBP": Decimal("1.32"),
        "EUR": Decimal("1.16"),
        "CHF": Decimal("1.25"),
        "CAD": Decimal("0.72"),
        "AUD": Decimal("0.66"),
        "NZD": Decimal("0.58"),
        "SEK": Decimal("0.105"),
        "NOK": Decimal("0.099"),
        "DKK": Decimal("0.155"),
        "PLN": Decimal("0.27"),
        "CZK": Decimal("0.047"),
        "HUF": Decimal("0.0029"),
        "JPY": Decimal("0.0066"),
        "CNY": Decimal("0.14"),
        "HKD": Decimal("0.128"),
        "SGD": Decimal("0.77"),
        "INR": Decimal("0.0113"),
        "ZAR": Decimal("0.056"),
        "AED": Decimal("0.2723"),
        "MXN": Decimal("0.054"),
        "BRL": Decimal("0.18"),
    }
)


@dataclass(frozen=True, slots=True)
class Policy:
    """What a review is checked against.

    >>> policy = Policy(as_of=date(2026, 11, 21))
    >>> policy.home_currency, policy.minimum_usd
    ('GBP', Decimal('100'))
    >>> policy.usd_equivalent(Decimal("100.00"), "GBP", None)
    Decimal('132.0000')
    """

    as_of: date
    home_currency: str = "GBP"
    # Put before each invoice number to make the creditor reference (e.g. "HF-"), so several
    # KashFlow companies can share one Debitura account; "" sends the bare number.
    reference_prefix: str = ""
    usd_rates: Mapping[str, Decimal] = field(default_factory=lambda: DEFAULT_USD_RATES)
    minimum_usd: Decimal = Decimal(100)
    # Our USD rates are estimates and Debitura converts with its own, so the minimum is only a
    # blocking error when an amount is clearly under it: more than this fraction below. Within
    # this fraction either side of the line it is a warning (ask Debitura's preview).
    minimum_margin: Decimal = Decimal("0.10")
    documents_description_usd: Decimal = Decimal(2000)
    documents_file_usd: Decimal = Decimal(10000)

    def __post_init__(self) -> None:
        # "gbp" and " GBP" name the same home currency as the invoices' codes.
        object.__setattr__(self, "home_currency", self.home_currency.strip().upper())

    @property
    def minimum_band_usd(self) -> tuple[Decimal, Decimal]:
        """(clearly under below this, clearly over from this): the band where we only warn.

        >>> Policy(as_of=date(2026, 11, 21)).minimum_band_usd
        (Decimal('90.00'), Decimal('110.00'))
        """
        return (
            self.minimum_usd * (1 - self.minimum_margin),
            self.minimum_usd * (1 + self.minimum_margin),
        )

    @classmethod
    def for_today(cls, **settings: object) -> Policy:
        """A policy as of today's date in London."""
        return cls(as_of=london_today(), **settings)  # type: ignore[arg-type]

    def usd_equivalent(
        self, amount: Decimal, currency: str, exchange_rate: Decimal | None
    ) -> Decimal | None:
        """About how many US dollars ``amount`` is; ``None`` when no rate is known.

        A currency missing from ``usd_rates`` goes through the home currency with the
        invoice's own exchange rate (invoice units per home unit).

        >>> policy = Policy(as_of=date(2026, 11, 21))
        >>> policy.usd_equivalent(Decimal("4400"), "THB", Decimal("44"))
        Decimal('132.00')
        >>> policy.usd_equivalent(Decimal("1000"), "THB", None) is None
        True
        """
        rate = self.usd_rates.get(currency)
        if rate is not None:
            return convert(amount, rate)
        home_rate = self.usd_rates.get(self.home_currency)
        if home_rate is None or exchange_rate is None:
            return None
        in_home_currency = divide(amount, exchange_rate)
        return None if in_home_currency is None else convert(in_home_currency, home_rate)
