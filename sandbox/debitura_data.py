"""Reference data for the Debitura sandbox: ISO codes, exchange rates, partners and pricing.

The ISO tables (ISO 4217 currencies, ISO 3166-1 countries with their English names, ISO
3166-2:US states) come from pycountry, the project's ISO source, so the sandbox validates like
the real API. The rates, the pricing zone and the named partners are data files in
``sandbox/reference/debitura/``; the rates are rough and only decide the USD 100 minimum.
"""

from __future__ import annotations

from decimal import Decimal

import pycountry

from sandbox.reference_files import read_csv, read_lines

# ISO 4217 currency codes in current use (funds and metals included).
CURRENCY_CODES: frozenset[str] = frozenset(currency.alpha_3 for currency in pycountry.currencies)

# ISO 3166-1: alpha-2 code -> English short name.
COUNTRY_NAMES: dict[str, str] = {
    country.alpha_2: country.name
    for country in sorted(pycountry.countries, key=lambda country: country.alpha_2)
}

# Other English names the ISO standard gives (official and common forms) -> alpha-2 code.
COUNTRY_NAME_ALIASES: dict[str, str] = {
    alias: country.alpha_2
    for country in sorted(pycountry.countries, key=lambda country: country.alpha_2)
    for alias in (getattr(country, "official_name", None), getattr(country, "common_name", None))
    if alias and alias != country.name
}

# ISO 3166-2:US: state, district and outlying-area codes (without "US-") -> names.
US_STATES: dict[str, str] = {
    subdivision.code.removeprefix("US-"): subdivision.name
    for subdivision in sorted(pycountry.subdivisions.get(country_code="US"), key=lambda s: s.code)
}

# Units of each currency per 1 USD (rough). A currency missing here is valid ISO 4217 but not
# accepted for collection: the sandbox answers 422 UnsupportedCurrency.
USD_RATES: dict[str, Decimal] = {
    row["currency"]: Decimal(row["units_per_usd"]) for row in read_csv("debitura/usd_rates.csv")
}

# Countries priced in the "Europe" zone; success fee tiers per zone ("Europe", "World"): (below
# this many USD or None, fee %), in ascending order.
EUROPE = frozenset(read_lines("debitura/europe_pricing_zone.txt"))
FEE_TIERS: dict[str, list[tuple[Decimal | None, Decimal]]] = {"Europe": [], "World": []}
for _tier in read_csv("debitura/fee_tiers.csv"):
    _limit = Decimal(_tier["below_usd"]) if _tier["below_usd"] else None
    FEE_TIERS[_tier["zone"]].append((_limit, Decimal(_tier["fee_percent"])))
AGE_SURCHARGE_12_MONTHS = Decimal(8)  # percentage points for 12-24 months overdue
AGE_SURCHARGE_24_MONTHS = Decimal(15)  # ... and for more than 24 months

# Named partners for the demo; other countries get "<country> Collection Partner".
PARTNERS: dict[str, str] = {
    row["country"]: row["partner"] for row in read_csv("debitura/partners.csv")
}
