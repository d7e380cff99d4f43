"""What happens to cases after they are sent, as the Debitura sandbox tells it: the collection
agreement's status, open tasks, validation items, payments, and (with ``follow_through_story``)
cases that move on by themselves so the demo has something to follow.

Pure functions over stored cases and the fault knobs; the server holds its lock around them.
"""

from __future__ import annotations

import uuid
from collections.abc import Iterable
from datetime import datetime, timedelta
from decimal import Decimal
from typing import Any

from sandbox.debitura_cases import (
    ACTIVE,
    CLOSE_PAID,
    CLOSED,
    PENDING_VERIFICATION,
    Case,
    _api_time,
    record_payment,
)
from sandbox.debitura_config import DebituraFaults

NEEDS_ADDITIONAL_DETAILS = "NeedsAdditionalDetails"
AGREEMENT_DOCUMENT = "debt-collection-agreement"  # the /sign/{document} of the agreement
# The part of the claim the partner has recovered on a part-paid story case.
PART_PAID_SHARE = Decimal("0.4")
MISSING_DOCUMENTS = {
    "resolutionArea": "Documents",
    "description": "Upload the original invoice: the partner needs it to start collection.",
}
CONFIRM_DEBTOR = {
    "resolutionArea": "Debtor details",
    "description": "Confirm the debtor's contact person and phone number.",
}


def contract_status(faults: DebituraFaults, root_url: str) -> dict[str, Any]:
    """``CollectionContractStatusApiDTO``: unsigned while the ``missing_contract`` knob is on."""
    if faults.missing_contract:
        return {
            "signed": False,
            "requiresResigning": False,
            "invalidationReason": "None",
            "termsUrl": None,
            "solutionUrl": f"{root_url}/sign/{AGREEMENT_DOCUMENT}",
        }
    return {
        "signed": True,
        "requiresResigning": False,
        "invalidationReason": "None",
        "termsUrl": f"{root_url}/sign/{AGREEMENT_DOCUMENT}",
        "solutionUrl": None,
    }


def tell_story(case: Case, now: datetime) -> None:
    """Moves a new case on by its place in the creation order, in a cycle of four: it waits
    for verification; it needs details from the creditor; it is active and part paid; it is
    paid in full and closed. A case waiting for the agreement's signature stays waiting."""
    if case.lifecycle != PENDING_VERIFICATION:
        return
    step = case.sequence % 4
    if step == 2:
        case.lifecycle = NEEDS_ADDITIONAL_DETAILS
        case.validation_items = [MISSING_DOCUMENTS, CONFIRM_DEBTOR]
    elif step in (3, 0):
        case.lifecycle = ACTIVE
        case.collection_started = now
        case.exclusive_period_end = now.date() + timedelta(days=183)
        amount = case.claim.amount
        if step == 3:
            record_payment(case, (amount * PART_PAID_SHARE).quantize(amount), now)
        else:
            record_payment(case, amount, now)
            case.lifecycle, case.close_code, case.finished = CLOSED, CLOSE_PAID, now
    case.updated = now


def open_tasks(
    cases: Iterable[Case], faults: DebituraFaults, root_url: str
) -> list[dict[str, Any]]:
    """``TaskDto`` for each case that needs details, and the account's own: the agreement
    to sign."""
    tasks = []
    if faults.missing_contract:
        tasks.append(
            _task(
                "SignContract",
                "Sign contract",
                "Sign the Standard Debt Collection Agreement",
                None,
                f"{root_url}/sign/{AGREEMENT_DOCUMENT}",
            )
        )
    for case in cases:
        if case.lifecycle == NEEDS_ADDITIONAL_DETAILS and case.validation_items:
            tasks.append(
                _task(
                    "MoreInfoNeeded",
                    "More info needed",
                    "Answer the partner's questions about this case",
                    case,
                    f"{root_url}/cases/{case.id}",
                )
            )
    return tasks


def validation(case: Case, *, has_files: bool) -> dict[str, Any]:
    """``CaseValidationStatusDto``; the request for the invoice is gone once a file is on
    the case."""
    items = [
        item for item in case.validation_items if not (has_files and item is MISSING_DOCUMENTS)
    ]
    return {
        "needsInfo": bool(items),
        "creditorRespondedAt": None,
        "items": [dict(item) for item in items],
    }


def _task(kind: str, label: str, title: str, case: Case | None, url: str) -> dict[str, Any]:
    seed = f"debitura-sandbox-task:{kind}:{case.id if case else ''}"
    created = case.updated or case.created if case else None
    return {
        "id": str(uuid.uuid5(uuid.NAMESPACE_URL, seed)),
        "type": kind,
        "typeLabel": label,
        "title": title,
        "description": None,
        "status": "Open",
        "caseId": case.id if case else None,
        "caseReference": case.claim.creditor_reference if case else None,
        "leadId": None,
        "deadline": None,
        "dateCreated": _api_time(created) if created else None,
        "dateSolved": None,
        "solutionUrl": url,
        "action": {"method": "POST", "path": "/cases/{caseId}/chats"} if case else None,
    }
