"""Typed views of what Debitura says after (and before) a case is sent: the collection
agreement's status, open tasks, a case's validation items, its payments and its files.

Like ``debitura.models``: frozen, ``from_api`` reads keys case-insensitively and never raises;
money is ``Decimal``; a value Debitura did not send is ``""``, ``None`` or ``False``.
"""

from __future__ import annotations

from dataclasses import dataclass
from datetime import date, datetime
from decimal import Decimal
from typing import Any

from jsonwire.fields import Fields


@dataclass(frozen=True, slots=True)
class ContractStatus:
    """``GET /contracts/debt-collection/status``: the Standard Debt Collection Agreement.

    >>> status = ContractStatus.from_api({"signed": False, "solutionUrl": "https://x/sign"})
    >>> status.needs_signature, status.signing_url
    (True, 'https://x/sign')
    """

    signed: bool
    requires_resigning: bool = False
    invalidation_reason: str = ""  # None, NewVersion, AdminInvalidated, Other, ...
    terms_url: str = ""  # the signed agreement's PDF (only when signed)
    signing_url: str = ""  # the API's solutionUrl: where to sign or re-sign

    @classmethod
    def from_api(cls, raw: Any) -> ContractStatus:
        fields = Fields(raw)
        reason = fields.text("invalidationReason")
        return cls(
            signed=fields.flag("signed"),
            requires_resigning=fields.flag("requiresResigning"),
            invalidation_reason="" if reason.lower() == "none" else reason,
            terms_url=fields.text("termsUrl"),
            signing_url=fields.text("solutionUrl"),
        )

    @property
    def needs_signature(self) -> bool:
        """Unsigned, or signed once and to be signed again (a new version, say)."""
        return not self.signed or self.requires_resigning


@dataclass(frozen=True, slots=True)
class Task:
    """One open task from ``GET /tasks``: something Debitura needs the creditor to do."""

    id: str
    type: str = ""  # e.g. "MoreInfoNeeded", "SignContract"
    type_label: str = ""  # e.g. "More info needed"
    title: str = ""
    description: str = ""
    status: str = ""  # "Open" or "Solved"
    case_id: str = ""  # "" for account-wide tasks (SignContract, AssignBankAccount)
    deadline: datetime | None = None
    solution_url: str = ""

    @classmethod
    def from_api(cls, raw: Any) -> Task:
        fields = Fields(raw)
        return cls(
            id=fields.text("id"),
            type=fields.text("type"),
            type_label=fields.text("typeLabel"),
            title=fields.text("title"),
            description=fields.text("description"),
            status=fields.text("status"),
            case_id=fields.text("caseId").lower(),
            deadline=fields.datetime("deadline"),
            solution_url=fields.text("solutionUrl"),
        )

    @property
    def words(self) -> str:
        """What to do, in one line: the title, else the type's label, else the type."""
        return self.title or self.type_label or self.type or "A task"


@dataclass(frozen=True, slots=True)
class ValidationItem:
    """One thing Debitura's case validation needs from the creditor."""

    resolution_area: str = ""
    description: str = ""

    @property
    def words(self) -> str:
        if self.resolution_area and self.description:
            return f"{self.resolution_area}: {self.description}"
        return self.description or self.resolution_area


@dataclass(frozen=True, slots=True)
class CaseValidation:
    """``GET /cases/{id}/validation``.

    >>> CaseValidation.from_api({"needsInfo": True, "items": [
    ...     {"resolutionArea": "Documents", "description": "Upload the invoice"}]}).items[0].words
    'Documents: Upload the invoice'
    """

    needs_info: bool = False
    items: tuple[ValidationItem, ...] = ()

    @classmethod
    def from_api(cls, raw: Any) -> CaseValidation:
        fields = Fields(raw)
        items = tuple(
            ValidationItem(item.text("resolutionArea"), item.text("description"))
            for item in fields.objects("items")
        )
        return cls(needs_info=fields.flag("needsInfo"), items=tuple(i for i in items if i.words))


@dataclass(frozen=True, slots=True)
class Payment:
    """One payment on a case (``PaymentDto``): money the partner recovered."""

    id: str = ""
    date: date | None = None
    amount: Decimal | None = None  # grossAmount
    currency: str = ""
    method: str = ""
    recipient: str = ""

    @classmethod
    def from_api(cls, raw: Any) -> Payment:
        fields = Fields(raw)
        return cls(
            id=fields.text("id"),
            date=fields.date("date"),
            amount=fields.decimal("grossAmount"),
            currency=fields.text("currency").upper(),
            method=fields.text("method"),
            recipient=fields.text("recipient"),
        )


@dataclass(frozen=True, slots=True)
class CaseFile:
    """One file attached to a case (``CaseFileDto``)."""

    id: str = ""
    file_name: str = ""
    document_type: str = ""  # OriginalInvoice, DebtorDocuments, ...
    description: str = ""
    created: datetime | None = None

    @classmethod
    def from_api(cls, raw: Any) -> CaseFile:
        fields = Fields(raw)
        return cls(
            id=fields.text("id"),
            file_name=fields.text("fileName"),
            document_type=fields.text("documentType"),
            description=fields.text("description"),
            created=fields.datetime("dateCreated"),
        )
