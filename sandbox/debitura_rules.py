"""Debitura's business rules: who takes a claim, at what fee, and what the creditor must sign.

Pure functions over a validated claim, the server's config and the creditor's contract state
(``DebituraFaults``). ``root_url`` is the server's, for the signing links in the answers.
"""

from __future__ import annotations

import uuid
from collections.abc import Mapping
from datetime import date
from decimal import ROUND_HALF_UP, Decimal
from typing import Any, NamedTuple

from sandbox.debitura_cases import Buckets, Claim
from sandbox.debitura_config import DebituraFaults, DebituraSandboxConfig
from sandbox.debitura_data import (
    AGE_SURCHARGE_12_MONTHS,
    AGE_SURCHARGE_24_MONTHS,
    COUNTRY_NAMES,
    EUROPE,
    EUROPE_FEE_TIERS,
    PARTNERS,
    US_STATES,
    WORLD_FEE_TIERS,
)
from sandbox.debitura_validation import PreviewRequest

NO_PARTNER_MESSAGE = "We don't have an exclusive pre-legal partner in the provided jurisdiction."
_CENT = Decimal("0.01")
# Jurisdiction ids: a country's place among the ISO codes x 100, plus a US state's place.
_COUNTRY_NUMBERS = {code: number for number, code in enumerate(sorted(COUNTRY_NAMES), start=1)}
_STATE_NUMBERS = {code: number for number, code in enumerate(sorted(US_STATES), start=1)}


class Document(NamedTuple):
    """Something the creditor must sign or complete before a partner takes its cases."""

    knob: str  # the DebituraFaults knob that says it is missing
    error_type: str
    refusal: str  # the 422 message of POST /cases
    action: str  # the required action of POST /cases/preview


# By the name in ``/sign/{document}``, the page behind every solutionUrl.
SIGNING_DOCUMENTS = {
    "debt-collection-agreement": Document(
        "missing_contract",
        "MissingDebtCollectionContract",
        "The Standard Debt Collection Agreement has not been signed.",
        "Sign the Standard Debt Collection Agreement (SDCA).",
    ),
    "power-of-attorney": Document(
        "missing_power_of_attorney",
        "MissingPowerOfAttorney",
        "A power of attorney for the collection partner in this jurisdiction has not been signed.",
        "Sign a power of attorney for the collection partner.",
    ),
    "kyc": Document(
        "missing_kyc",
        "MissingKycVerification",
        "The collection partner requires KYC verification of the creditor's directors.",
        "Complete KYC verification of your company's directors.",
    ),
}


def business_error(kind: str, message: str, solution_url: str | None = None) -> dict[str, Any]:
    return {"type": kind, "message": message, "solutionUrl": solution_url}


def solution_url(root_url: str, document: str) -> str:
    return f"{root_url}/sign/{document}"


def combined_signing_url(root_url: str) -> str:
    return f"{root_url}/sign/all"


def knobs_signed_by(document: str) -> dict[str, bool] | None:
    """The knobs that opening ``/sign/{document}`` turns off (``all``: every document)."""
    if document == "all":
        return {entry.knob: False for entry in SIGNING_DOCUMENTS.values()}
    if document in SIGNING_DOCUMENTS:
        return {SIGNING_DOCUMENTS[document].knob: False}
    return None


# --- POST /cases ------------------------------------------------------------------------------


def refusals(
    claim: Claim,
    *,
    duplicate: bool,
    config: DebituraSandboxConfig,
    faults: DebituraFaults,
    root_url: str,
) -> tuple[list[dict[str, Any]], str | None]:
    """The 422 errors for a valid claim (empty: accept it), and the signing URL of a case
    accepted with pending contracts. ``duplicate``: the creditor reference is already used."""
    if faults.creditor_blocked:
        message = "Your creditor account is blocked. Please contact Debitura support."
        return [business_error("CreditorBlocked", message)], None
    if duplicate:
        message = f"A case with creditor reference '{claim.creditor_reference}' already exists."
        return [business_error("DuplicateReference", message)], None
    ineligible = ineligibility(config, claim.country, claim.currency, claim.amount)
    if ineligible is not None:
        return [business_error(*ineligible)], None
    missing = [
        (entry, business_error(entry.error_type, entry.refusal, solution_url(root_url, document)))
        for document, entry in SIGNING_DOCUMENTS.items()
        if getattr(faults, entry.knob)
    ]
    # Unsigned contracts may wait (allowPendingContracts); missing KYC never does.
    signing = [error for entry, error in missing if entry.knob != "missing_kyc"]
    kyc = [error for entry, error in missing if entry.knob == "missing_kyc"]
    if kyc or (signing and not claim.allow_pending_contracts):
        return [*signing, *kyc], None
    if signing:
        return [], signing[0]["solutionUrl"]
    return [], None


def ineligibility(
    config: DebituraSandboxConfig, country: str, currency: str, amount: Decimal
) -> tuple[str, str] | None:
    """(type, message) when no partner takes this case, else None."""
    if country in config.unsupported_countries:
        return "UnsupportedCountry", f"Cases against debtors in {country} are not supported."
    rate = config.usd_rates.get(currency)
    if rate is None:
        return "UnsupportedCurrency", f"Cases in {currency} are not supported."
    if country in config.no_partner_countries:
        return "NoPartnerAvailable", NO_PARTNER_MESSAGE
    if amount / rate < config.minimum_usd:
        return (
            "NoPartnerAvailable",
            f"The amount is below the minimum of USD {config.minimum_usd} (equivalent) "
            "accepted for collection.",
        )
    return None


# --- fees and partners ------------------------------------------------------------------------


def base_fee(country: str, currency: str, amount: Decimal, rates: Mapping[str, Decimal]) -> Decimal:
    """The success fee % of the pricing zone's tier for the claim's USD value."""
    usd = amount / rates.get(currency, Decimal(1))
    tiers = EUROPE_FEE_TIERS if country in EUROPE else WORLD_FEE_TIERS
    for limit, fee in tiers:
        if limit is None or usd < limit:
            return fee
    return tiers[-1][1]


def success_fee(
    config: DebituraSandboxConfig,
    country: str,
    currency: str,
    amount: Decimal,
    due_date: date | None,
    buckets: Buckets,
) -> tuple[Decimal, Decimal | None]:
    """(total fee %, blended uplift points or None): the base fee plus the age surcharge."""
    base = base_fee(country, currency, amount, config.usd_rates)
    _over6, over12, over24 = buckets
    if over12 is not None and over24 is not None and amount > 0:
        # Age buckets given: each amount pays its own surcharge, blended over the claim.
        uplift = (
            ((over12 - over24) * AGE_SURCHARGE_12_MONTHS + over24 * AGE_SURCHARGE_24_MONTHS)
            / amount
        ).quantize(_CENT, rounding=ROUND_HALF_UP)
        return base + uplift, uplift
    surcharge = Decimal(0)
    if due_date is not None:
        days = (config.current_date() - due_date).days
        if days > 730:
            surcharge = AGE_SURCHARGE_24_MONTHS
        elif days > 365:
            surcharge = AGE_SURCHARGE_12_MONTHS
    return base + surcharge, None


def partner_name(country: str) -> str:
    return PARTNERS.get(country) or f"{COUNTRY_NAMES.get(country, country)} Collection Partner"


def partner_id(country: str) -> str:
    return str(uuid.uuid5(uuid.NAMESPACE_OID, f"debitura-sandbox-partner-{country}"))


# --- POST /cases/preview ----------------------------------------------------------------------


def preview_result(
    preview: PreviewRequest,
    *,
    config: DebituraSandboxConfig,
    faults: DebituraFaults,
    root_url: str,
) -> dict[str, Any]:
    """The preview's ``result``: eligibility, partner, required actions and pricing."""
    country, state, currency, amount = (
        preview.country,
        preview.state,
        preview.currency,
        preview.amount,
    )
    ineligible = ineligibility(config, country, currency, amount)
    jurisdiction = {
        "id": _COUNTRY_NUMBERS[country] * 100 + (_STATE_NUMBERS[state] if state else 0),
        "name": COUNTRY_NAMES[country] + (f" - {US_STATES[state]}" if state else ""),
        "countryAlpha2": country,
        "stateAlpha2": f"US-{state}" if state else None,
    }
    if ineligible is not None:
        return {
            "isEligible": False,
            "ineligibilityReason": ineligible[1],
            "partnerAssignment": None,
            "requiredActions": [],
            "jurisdiction": jurisdiction,
            "pricingPreview": None,
            "requiresKycVerification": False,
            "hasKycOnFile": False,
            "signingHandoff": None,
        }
    actions = [
        {
            "type": entry.error_type,
            "message": entry.action,
            "solutionUrl": solution_url(root_url, document),
            "isBlocking": True,
        }
        for document, entry in SIGNING_DOCUMENTS.items()
        if getattr(faults, entry.knob)
    ]
    base = base_fee(country, currency, amount, config.usd_rates)
    fee, _uplift = success_fee(config, country, currency, amount, preview.due_date, preview.buckets)
    partner = partner_name(country)
    return {
        "isEligible": True,
        "ineligibilityReason": None,
        "partnerAssignment": {
            "collectionPartnerId": partner_id(country),
            "partnerName": partner,
            "partnerCountry": country,
        },
        "requiredActions": actions,
        "jurisdiction": jurisdiction,
        "pricingPreview": {
            "baseSuccessFeePercentage": base,
            "ageSurchargePercentage": fee - base,
            "totalSuccessFeePercentage": fee,
            "currencyCode": currency,
            "pricingSource": "Standard agreement",
            "pricingSourceDescription": (
                f"{fee}% success fee — {partner} standard collection rates "
                f"({'EU' if country in EUROPE else 'international'} zone)"
            ),
        },
        "requiresKycVerification": bool(faults.missing_kyc),
        "hasKycOnFile": not faults.missing_kyc,
        "signingHandoff": (
            {"combinedSigningUrl": combined_signing_url(root_url)} if actions else None
        ),
    }
