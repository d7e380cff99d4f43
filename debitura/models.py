"""Typed, frozen views of what the Debitura Customer API returns.

Each model has ``from_api(dict)``, which reads keys case-insensitively and never raises: a value
Debitura did not send becomes ``""``, ``None`` or an empty tuple. Money is ``Decimal``.
"""

from __future__ import annotations

import re
from dataclasses import dataclass
from datetime import date, datetime
from decimal import Decimal
from typing import Any

from jsonwire.fields import Fields

# Lifecycle enum value -> the label Debitura shows (docs: case status definitions).
LIFECYCLE_LABELS: dict[str, str] = {
    "PendingContractSigning": "Pending contract signing",
    "PendingVerificationInternal": "Pending verification (Debitura)",
    "PendingVerification": "Pending verification",
    "NeedsAdditionalDetails": "More info required",
    "Leads": "Collecting quotes",
    "LeadsQuoteGiven": "Pending quote selection",
    "Active": "Active",
    "Paused": "Paused",
    "Closed": "Closed",
    "Merged": "Merged",
}
LIFECYCLES = tuple(LIFECYCLE_LABELS)
OPEN_LIFECYCLES = frozenset(LIFECYCLES) - {"Closed", "Merged"}
# Close codes (description strings) that mean money was collected.
RECOVERED_CLOSE_CODES = frozenset({"paid", "partially paid"})

_EXTRA_LIFECYCLE_SPELLINGS = {
    "moreinforequired": "NeedsAdditionalDetails",
    "collectingquotes": "Leads",
    "pendingquoteselection": "LeadsQuoteGiven",
    "pendingverificationdebitura": "PendingVerificationInternal",
}


def _squash(text: str) -> str:
    return re.sub(r"[^a-z0-9]", "", text.lower())


_LIFECYCLE_BY_SPELLING = {
    **{_squash(name): name for name in LIFECYCLE_LABELS},
    **{_squash(label): name for name, label in LIFECYCLE_LABELS.items()},
    **_EXTRA_LIFECYCLE_SPELLINGS,
}


def lifecycle_name(value: str) -> str:
    """The lifecycle enum value for the name or the label the API sent (unknown: as sent).

    >>> lifecycle_name("More Info Required"), lifecycle_name("pendingverification")
    ('NeedsAdditionalDetails', 'PendingVerification')
    >>> lifecycle_name("Escalated")
    'Escalated'
    """
    return _LIFECYCLE_BY_SPELLING.get(_squash(value), value.strip())


def lifecycle_label(value: str) -> str:
    """The words to show for a lifecycle value.

    >>> lifecycle_label("NeedsAdditionalDetails"), lifecycle_label("")
    ('More info required', 'Unknown')
    """
    name = lifecycle_name(value)
    return LIFECYCLE_LABELS.get(name, name or "Unknown")


@dataclass(frozen=True, slots=True)
class Debtor:
    type: str = ""
    name: str = ""
    contact_person: str = ""
    company_registration_number: str = ""
    address: str = ""
    zip_code: str = ""
    city: str = ""
    state: str = ""
    state_alpha2: str = ""
    country_alpha2: str = ""
    country: str = ""
    email: str = ""
    phone: str = ""

    @classmethod
    def from_api(cls, raw: Any) -> Debtor:
        fields = Fields(raw)
        return cls(
            type=fields.text("type"),
            name=fields.text("name"),
            contact_person=fields.text("contactPerson"),
            company_registration_number=fields.text("companyRegistrationNumber"),
            address=fields.text("address"),
            zip_code=fields.text("zipCode"),
            city=fields.text("city"),
            state=fields.text("state"),
            state_alpha2=fields.text("stateAlpha2"),
            country_alpha2=fields.text("countryAlpha2").upper(),
            country=fields.text("country"),
            email=fields.text("email"),
            phone=fields.text("phone"),
        )


@dataclass(frozen=True, slots=True)
class Case:
    """A collection case (the API's ``InvoiceDto``), as the sent-cases page shows it."""

    id: str
    reference: str = ""  # Debitura's 8-character reference, for support and display
    creditor_reference: str = ""  # ours: the invoice number (or bundle reference)
    lifecycle: str = ""  # the enum value, e.g. "PendingVerification"
    close_code: str = ""  # a description string, e.g. "Paid"
    currency: str = ""
    amount: Decimal | None = None  # grossAmount: the principal sent to collection
    remainder: Decimal | None = None
    total_added_fees: Decimal | None = None
    created: datetime | None = None
    updated: datetime | None = None
    finished: datetime | None = None
    collection_started: datetime | None = None
    date: date | None = None  # invoice date
    due_date: date | None = None
    debtor: Debtor = Debtor()
    is_test: bool = False
    claim_type: str = ""
    claim_description: str = ""
    comments: str = ""
    partner_name: str = ""
    success_fee: Decimal | None = None  # preLegalSuccessFee, percent
    solution_url: str = ""  # where to sign, for a case accepted with pending contracts
    signing_url: str = ""  # the combined signing URL
    needs_info: bool = False
    dispute_status: str = ""
    exclusive_period_end: date | None = None

    @classmethod
    def from_api(cls, raw: Any) -> Case:
        fields = Fields(raw)
        return cls(
            id=fields.text("id"),
            reference=fields.text("reference", "caseReference"),
            creditor_reference=fields.text("creditorReference"),
            lifecycle=lifecycle_name(fields.text("lifecycle")),
            close_code=fields.text("closeCode"),
            currency=fields.text("currency", "currencyCode").upper(),
            amount=fields.decimal("grossAmount", "amountToRecover"),
            remainder=fields.decimal("remainder"),
            total_added_fees=fields.decimal("totalAddedFees"),
            created=fields.datetime("dateCreated"),
            updated=fields.datetime("dateUpdated"),
            finished=fields.datetime("dateFinished"),
            collection_started=fields.datetime("dateCollectionStarted"),
            date=fields.date("date"),
            due_date=fields.date("dueDate"),
            debtor=Debtor.from_api(fields.get("debtor")),
            is_test=fields.flag("isTestCase", "isTest"),
            claim_type=fields.text("claimType"),
            claim_description=fields.text("claimDescription"),
            comments=fields.text("creditorComments", "comments"),
            partner_name=fields.object("collectionPartner").text("name"),
            success_fee=fields.decimal("preLegalSuccessFee"),
            solution_url=fields.text("solutionUrl"),
            signing_url=fields.object("signingHandoff").text("combinedSigningUrl"),
            needs_info=fields.object("validation").flag("needsInfo"),
            dispute_status=fields.text("disputeStatus"),
            exclusive_period_end=fields.date("exclusivePeriodEndDate"),
        )

    @property
    def debtor_name(self) -> str:
        return self.debtor.name

    @property
    def lifecycle_label(self) -> str:
        return lifecycle_label(self.lifecycle)

    @property
    def status_label(self) -> str:
        """The lifecycle in words, with the close code for a closed case: "Closed (Paid)"."""
        label = self.lifecycle_label
        return f"{label} ({self.close_code})" if self.is_closed and self.close_code else label

    @property
    def is_closed(self) -> bool:
        return self.lifecycle in ("Closed", "Merged")

    @property
    def is_recovered(self) -> bool:
        """Closed with money collected ("Paid" or "Partially paid")."""
        return self.lifecycle == "Closed" and self.close_code.lower() in RECOVERED_CLOSE_CODES

    @property
    def recovered_amount(self) -> Decimal | None:
        if self.amount is None or self.remainder is None:
            return None
        return self.amount - self.remainder


@dataclass(frozen=True, slots=True)
class Creditor:
    """``GET /me``: the creditor account an API key belongs to (``CreditorMeApiDTO``)."""

    company_name: str
    id: str = ""
    company_registration_number: str = ""
    address: str = ""
    zip_code: str = ""
    city: str = ""
    state: str = ""
    country: str = ""
    office_email: str = ""
    office_phone: str = ""

    @classmethod
    def from_api(cls, raw: Any) -> Creditor:
        """
        >>> Creditor.from_api({"companyName": "Harrow & Finch Joinery Ltd", "City": "Leeds"})
        ... # doctest: +ELLIPSIS
        Creditor(company_name='Harrow & Finch Joinery Ltd', id='', ..., city='Leeds', ...)
        """
        fields = Fields(raw)
        return cls(
            company_name=fields.text("companyName"),
            id=fields.text("id"),
            company_registration_number=fields.text("companyRegistrationNumber"),
            address=fields.text("address"),
            zip_code=fields.text("zipCode"),
            city=fields.text("city"),
            state=fields.text("state"),
            country=fields.text("country"),
            office_email=fields.text("officeEmail"),
            office_phone=fields.text("officePhone"),
        )


@dataclass(frozen=True, slots=True)
class RequiredAction:
    """Something to sign or verify before a case can be sent (``RequiredActionDto``)."""

    type: str
    message: str = ""
    solution_url: str = ""
    is_blocking: bool = True

    @classmethod
    def from_api(cls, raw: Any) -> RequiredAction:
        fields = Fields(raw)
        blocking = fields.get("isBlocking")
        return cls(
            type=fields.text("type"),
            message=fields.text("message"),
            solution_url=fields.text("solutionUrl"),
            is_blocking=blocking is not False,
        )


@dataclass(frozen=True, slots=True)
class Preview:
    """``POST /cases/preview``: would this case be accepted, by whom, at what fee."""

    is_eligible: bool
    ineligibility_reason: str = ""
    partner_name: str = ""
    partner_country: str = ""
    partner_id: str = ""
    jurisdiction: str = ""  # e.g. "United States - California"
    jurisdiction_country: str = ""
    jurisdiction_state: str = ""
    base_success_fee: Decimal | None = None  # percent
    age_surcharge: Decimal | None = None  # percentage points
    success_fee: Decimal | None = None  # percent, base + age surcharge
    pricing_currency: str = ""
    pricing_source: str = ""
    pricing_description: str = ""
    required_actions: tuple[RequiredAction, ...] = ()
    requires_kyc: bool = False
    has_kyc_on_file: bool = False
    signing_url: str = ""

    @classmethod
    def from_api(cls, raw: Any) -> Preview:
        outer = Fields(raw)
        # The documented body wraps everything in "result"; read a bare result too.
        fields = outer.object("result") if outer.get("result") is not None else outer
        partner = fields.object("partnerAssignment")
        jurisdiction = fields.object("jurisdiction")
        pricing = fields.object("pricingPreview")
        return cls(
            is_eligible=fields.flag("isEligible"),
            ineligibility_reason=fields.text("ineligibilityReason"),
            partner_name=partner.text("partnerName", "name"),
            partner_country=partner.text("partnerCountry").upper(),
            partner_id=partner.text("collectionPartnerId"),
            jurisdiction=jurisdiction.text("name"),
            jurisdiction_country=jurisdiction.text("countryAlpha2").upper(),
            jurisdiction_state=jurisdiction.text("stateAlpha2"),
            base_success_fee=pricing.decimal("baseSuccessFeePercentage"),
            age_surcharge=pricing.decimal("ageSurchargePercentage"),
            success_fee=pricing.decimal("totalSuccessFeePercentage"),
            pricing_currency=pricing.text("currencyCode").upper(),
            pricing_source=pricing.text("pricingSource"),
            pricing_description=pricing.text("pricingSourceDescription"),
            required_actions=tuple(
                RequiredAction.from_api(item)
                for item in fields.get("requiredActions") or ()
                if isinstance(item, dict)
            ),
            requires_kyc=fields.flag("requiresKycVerification"),
            has_kyc_on_file=fields.flag("hasKycOnFile"),
            signing_url=fields.object("signingHandoff").text("combinedSigningUrl"),
        )

    @property
    def blocking_actions(self) -> tuple[RequiredAction, ...]:
        return tuple(action for action in self.required_actions if action.is_blocking)

    @property
    def can_submit(self) -> bool:
        """Eligible and nothing left to sign or verify."""
        return self.is_eligible and not self.blocking_actions

    @property
    def message(self) -> str:
        """One sentence for the user: why not, what to sign, or the fee."""
        if not self.is_eligible:
            return self.ineligibility_reason or "Debitura has no collection partner for this case."
        if self.blocking_actions:
            steps = []
            for action in self.blocking_actions:
                step = action.message or action.type
                if action.solution_url:
                    step += f" ({action.solution_url})"
                steps.append(step)
            return "Before sending: " + "; ".join(steps)
        if self.pricing_description:
            return self.pricing_description
        if self.success_fee is not None:
            partner = f" with {self.partner_name}" if self.partner_name else ""
            return f"Eligible{partner}: {self.success_fee}% success fee."
        return "Eligible."
