"""Debitura's business rules: who takes a claim, at what fee, and what the creditor must sign.

Pure functions over a validated claim, the server's config and the creditor's contract state
(``DebituraFaults``). ``root_url`` is the server's, for the signing links in the answers.
"""

from __future__ import annotations

import uuid
from collections.abc import Mapping
from decimal import ROUND_HALF_UP, Decimal
from typing import Any

from sandbox.debitura_cases import Claim
from sandbox.debitura_config import DebituraFaults, DebituraSandboxConfig
from sandbox.debitura_data import (
    AGE_SURCHARGE_12_MONTHS,
    AGE_SURCHARGE_24_MONTHS,
    COUNTRY_NAMES,
    EUROPE,
    FEE_TIERS,
    PARTNERS,
    US_STATES,
)
from sandbox.debitura_validation import PreviewRequest
from sandbox.reference_files import fill, read_json

NO_PARTNER_MESSAGE = "We don't have an exclusive pre-legal partner in the provided jurisdiction."
_CENT = Decimal("0.01")
# Jurisdiction ids: a country's place among the ISO codes x 100, plus a US state's place.
_COUNTRY_NUMBERS = {code: number for number, code in enumerate(sorted(COUNTRY_NAMES), start=1)}
_STATE_NUMBERS = {code: number for number, code in enumerate(sorted(US_STATES), start=1)}


# What the creditor must sign or complete before a partner takes its cases, by the name in
# ``/sign/{document}`` (the page behind every solutionUrl): its DebituraFaults knob, error type,
# 422 message of POST /cases and required action of POST /cases/preview.
SIGNING_DOCUMENTS: dict[str, dict[str, str]] = read_json("debitura/signing_documents.json")
# The preview's ``result`` (eligible or not) and a required action, with placeholders.
_PREVIEW: dict[str, Any] = read_json("debitura/preview.json")


def business_error(kind: str, message: str, solution_url: str | None = None) -> dict[str, Any]:
    return {"type": kind, "message": message, "solutionUrl": solution_url}


def solution_url(root_url: str, document: str) -> str:
    return f"{root_url}/sign/{document}"


def combined_signing_url(root_url: str) -> str:
    return f"{root_url}/sign/all"


def knobs_signed_by(document: str) -> dict[str, bool] | None:
    """The knobs that opening ``/sign/{document}`` turns off (``all``: every document)."""
    if document == "all":
        return {entry["knob"]: False for entry in SIGNING_DOCUMENTS.values()}
    if document in SIGNING_DOCUMENTS:
        return {SIGNING_DOCUMENTS[document]["knob"]: False}
    return None


def refusals(
    claim: Claim, duplicate: bool, config: DebituraSandboxConfig, faults: DebituraFaults, root: str
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
        (entry, business_error(entry["type"], entry["refusal"], solution_url(root, document)))
        for document, entry in SIGNING_DOCUMENTS.items()
        if getattr(faults, entry["knob"])
    ]
    # Unsigned contracts may wait (allowPendingContracts); missing KYC never does.
    signing = [error for entry, error in missing if entry["knob"] != "missing_kyc"]
    kyc = [error for entry, error in missing if entry["knob"] == "missing_kyc"]
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
        minimum = f"the minimum of USD {config.minimum_usd} (equivalent)"
        return "NoPartnerAvailable", f"The amount is below {minimum} accepted for collection."
    return None


def base_fee(country: str, currency: str, amount: Decimal, rates: Mapping[str, Decimal]) -> Decimal:
    """The success fee % of the pricing zone's tier for the claim's USD value."""
    usd = amount / rates.get(currency, Decimal(1))
    tiers = FEE_TIERS["Europe" if country in EUROPE else "World"]
    return next(fee for limit, fee in tiers if limit is None or usd < limit)  # the last: no limit


def success_fee(
    config: DebituraSandboxConfig, claim: Claim | PreviewRequest
) -> tuple[Decimal, Decimal | None]:
    """(total fee %, blended uplift points or None): the base fee plus the age surcharge."""
    amount, due_date = claim.amount, claim.due_date
    base = base_fee(claim.country, claim.currency, amount, config.usd_rates)
    _over6, over12, over24 = claim.buckets
    if over12 is not None and over24 is not None and amount > 0:
        # Age buckets given: each amount pays its own surcharge, blended over the claim.
        points = (over12 - over24) * AGE_SURCHARGE_12_MONTHS + over24 * AGE_SURCHARGE_24_MONTHS
        uplift = (points / amount).quantize(_CENT, rounding=ROUND_HALF_UP)
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


def preview_result(
    preview: PreviewRequest, config: DebituraSandboxConfig, faults: DebituraFaults, root_url: str
) -> dict[str, Any]:
    """The preview's ``result``: eligibility, partner, required actions and pricing."""
    country, state, currency, amount, *_ = preview
    ineligible = ineligibility(config, country, currency, amount)
    jurisdiction = {
        "id": _COUNTRY_NUMBERS[country] * 100 + (_STATE_NUMBERS[state] if state else 0),
        "name": COUNTRY_NAMES[country] + (f" - {US_STATES[state]}" if state else ""),
        "countryAlpha2": country,
        "stateAlpha2": f"US-{state}" if state else None,
    }
    if ineligible is not None:
        return fill(_PREVIEW["ineligible"], {"reason": ineligible[1], "jurisdiction": jurisdiction})
    actions = [
        fill(_PREVIEW["required_action"], {**entry, "solution_url": solution_url(root_url, name)})
        for name, entry in SIGNING_DOCUMENTS.items()
        if getattr(faults, entry["knob"])
    ]
    base = base_fee(country, currency, amount, config.usd_rates)
    fee, _uplift = success_fee(config, preview)
    handoff = {"combinedSigningUrl": combined_signing_url(root_url)}
    values = {
        "country": country,
        "currency": currency,
        "jurisdiction": jurisdiction,
        "partner_id": partner_id(country),
        "partner": partner_name(country),
        "actions": actions,
        "base": base,
        "surcharge": fee - base,
        "fee": fee,
        "zone": "EU" if country in EUROPE else "international",
        "missing_kyc": bool(faults.missing_kyc),
        "kyc_on_file": not faults.missing_kyc,
        "signing_handoff": handoff if actions else None,
    }
    return fill(_PREVIEW["eligible"], values)
