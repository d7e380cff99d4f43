"""Debitura collection cases: the validated claim, the stored case, its lifecycle and the book.

A ``Claim`` is a create body that passed validation; a ``Case`` is a claim Debitura accepted
(ids, partner, fee, lifecycle); the ``CaseBook`` keeps cases and the answers stored against
Idempotency-Keys. Nothing here locks: the server holds its lock around every call.
"""

from __future__ import annotations

import random
import re
import uuid
from collections.abc import Callable
from dataclasses import dataclass, field
from datetime import UTC, date, datetime, timedelta
from decimal import Decimal
from typing import Any

from sandbox.http import HTTPError
from sandbox.reference_files import fill, read_csv, read_json

# Lifecycle enum values and the labels the API also accepts in ``statuses``.
PENDING_CONTRACT_SIGNING = "PendingContractSigning"
PENDING_VERIFICATION = "PendingVerification"
ACTIVE = "Active"
CLOSED = "Closed"
LIFECYCLE_LABELS = {row["name"]: row["label"] for row in read_csv("debitura/lifecycles.csv")}
CLOSE_PAID = "Paid"
CLOSE_NO_PAYMENT = "Pre-Legal Exhausted – No Payment"
ADVANCE_TARGETS = ("Active", "Closed:Paid", "Closed:NoPayment")

_REFERENCE_ALPHABET = "ABCDEFGHIJKLMNOPQRSTUVWXYZ0123456789"
_CASE_TEMPLATE = read_json("debitura/case.json")
Buckets = tuple[Decimal | None, Decimal | None, Decimal | None]  # over 6, 12, 24 months


@dataclass(slots=True)
class Claim:
    """A create body that passed field validation, normalised."""

    currency: str
    amount: Decimal
    date: date
    due_date: date | None
    creditor_reference: str | None
    debtor: dict[str, Any]
    country: str
    state: str | None
    buckets: Buckets
    claim_description: str | None = None
    comments: str | None = None
    is_test: bool = False
    tag: str | None = None
    allow_pending_contracts: bool = False
    creditor_division_id: str | None = None
    assigned_user_email: str | None = None


@dataclass(slots=True)
class Case:
    """A stored case: the claim plus what Debitura adds, and where the case is now."""

    owner: str  # the API key that created it
    claim: Claim
    lifecycle: str
    created: datetime
    partner_name: str
    success_fee: Decimal
    blended_uplift: Decimal | None
    id: str = ""  # these three are given by ``CaseBook.add``
    reference: str = ""
    sequence: int = 0  # creation order
    solution_url: str | None = None
    signing_url: str | None = None
    paid: Decimal = Decimal(0)
    close_code: str | None = None
    updated: datetime | None = None
    finished: datetime | None = None
    collection_started: datetime | None = None
    exclusive_period_end: date | None = None
    payments: list[dict[str, Any]] = field(default_factory=list)  # PaymentDto each
    validation_items: list[dict[str, str]] = field(default_factory=list)  # what is asked for

    @property
    def state(self) -> str:
        """The advance endpoint's name for where the case is."""
        if self.lifecycle != CLOSED:
            return self.lifecycle
        return {CLOSE_PAID: "Closed:Paid", CLOSE_NO_PAYMENT: "Closed:NoPayment"}.get(
            self.close_code or "", CLOSED
        )

    def to_api(self) -> dict[str, Any]:
        """The case as ``InvoiceDto``: ``reference/debitura/case.json`` filled from the case and
        its claim, named as they name them (datetimes as UTC timestamps, dates at midnight)."""
        claim, email = self.claim, self.claim.assigned_user_email
        values = {name: getattr(item, name) for item in (claim, self) for name in item.__slots__}
        values.update(
            debtor=dict(claim.debtor),
            remainder=max(claim.amount - self.paid, Decimal(0)).quantize(claim.amount),
            signing_handoff={"combinedSigningUrl": self.signing_url} if self.signing_url else None,
            assigned_user={"email": email, "name": None} if email else None,
            needs_info=bool(self.validation_items),
        )
        return fill(_CASE_TEMPLATE, values, _api_time)


@dataclass(frozen=True, slots=True)
class StoredAnswer:
    """A terminal ``POST /cases`` answer kept against its Idempotency-Key."""

    request_body: Any
    status: int
    body: bytes
    case_id: str | None


class CaseBook:
    """Every stored case with its lookups, and the answers kept per (API key, Idempotency-Key)."""

    def __init__(self, seed: int | None) -> None:
        # A seed makes case ids and references repeatable.
        self._rng = random.Random(seed) if seed is not None else random.SystemRandom()
        self.cases: dict[str, Case] = {}  # id -> case, in creation order
        self._by_reference: dict[str, str] = {}  # 8-character reference -> id
        self._by_creditor_reference: dict[tuple[str, str], str] = {}  # (owner, folded ref) -> id
        self.answers: dict[tuple[str, str], StoredAnswer] = {}  # (owner, key) -> answer
        self._sequence = 0  # creation order; survives ``clear`` like the ids' generator

    def add(self, case: Case) -> None:
        """Store a new case, giving it its id, its 8-character reference and its sequence."""
        rng, self._sequence = self._rng, self._sequence + 1
        if isinstance(rng, random.SystemRandom):
            case.id = str(uuid.uuid4())
        else:
            case.id = str(uuid.UUID(int=rng.getrandbits(128), version=4))
        while not case.reference or case.reference in self._by_reference:
            case.reference = "".join(rng.choice(_REFERENCE_ALPHABET) for _ in range(8))
        case.sequence = self._sequence
        self.cases[case.id] = case
        self._by_reference[case.reference] = case.id
        if case.claim.creditor_reference:
            key = (case.owner, case.claim.creditor_reference.casefold())
            self._by_creditor_reference[key] = case.id

    def by_creditor_reference(self, owner: str | None, reference: str) -> Case | None:
        """The case with this creditor reference (case-insensitive); any owner when None."""
        folded = reference.casefold()
        if owner is not None:
            case_id = self._by_creditor_reference.get((owner, folded))
            return self.cases[case_id] if case_id else None
        for (_owner, case_reference), case_id in self._by_creditor_reference.items():
            if case_reference == folded:
                return self.cases[case_id]
        return None

    def by_reference(self, reference: str) -> Case | None:
        case_id = self._by_reference.get(reference)
        return self.cases.get(case_id) if case_id else None

    def forget(self, cases: list[Case]) -> None:
        """Delete cases, their lookups and the answers that created them."""
        ids = {case.id for case in cases}
        for case in cases:
            del self.cases[case.id]
            self._by_reference.pop(case.reference, None)
            if case.claim.creditor_reference:
                key = (case.owner, case.claim.creditor_reference.casefold())
                self._by_creditor_reference.pop(key, None)
        for key in [k for k, answer in self.answers.items() if answer.case_id in ids]:
            del self.answers[key]

    def clear(self) -> None:
        self.cases.clear()
        self._by_reference.clear()
        self._by_creditor_reference.clear()
        self.answers.clear()


def _squash(text: str) -> str:
    return re.sub(r"[^a-z0-9]", "", text.lower())


_LIFECYCLE_BY_SPELLING = {
    **{_squash(name): name for name in LIFECYCLE_LABELS},
    **{_squash(label): name for name, label in LIFECYCLE_LABELS.items()},
}

_SORT_KEYS: dict[str, Callable[[Case], Any]] = {
    "datecreated": lambda case: case.created,
    "dateupdated": lambda case: case.updated or case.created,
    "date": lambda case: case.claim.date,
    "duedate": lambda case: case.claim.due_date or date.min,
    "grossamount": lambda case: case.claim.amount,
    "remainder": lambda case: case.claim.amount - case.paid,
    "lifecycle": lambda case: case.lifecycle,
    "closecode": lambda case: case.close_code or "",
}


def parse_statuses(given: str) -> set[str]:
    """``statuses``: comma-separated enum values or labels, spelled loosely."""
    wanted = set()
    for part in given.split(","):
        if not part.strip():
            continue
        name = _LIFECYCLE_BY_SPELLING.get(_squash(part))
        if name is None:
            raise HTTPError(400, "InvalidQuery", f"'{part.strip()}' is not a valid status.")
        wanted.add(name)
    return wanted


def sorted_cases(cases: list[Case], sort: str) -> list[Case]:
    """``Field[:asc|desc][,Field2...]``; unknown fields are ignored. Default: newest first."""
    ordered = sorted(cases, key=lambda case: case.sequence, reverse=True)
    specs = [part.strip() for part in sort.split(",") if part.strip()]
    for spec in reversed(specs):  # stable sorts, least significant first
        name, _, direction = spec.partition(":")
        key = _SORT_KEYS.get(name.strip().lower())
        if key is None:
            continue
        descending = direction.strip().lower() in ("desc", "descending")
        ordered.sort(key=lambda case, key=key: (key(case), case.sequence), reverse=descending)
    return ordered


def advance(case: Case, target: str, amount: Decimal | None, now: datetime) -> bool:
    """Move a case to ``target`` (one of ``ADVANCE_TARGETS``); False when it is already there."""
    if case.lifecycle == CLOSED:
        if target == "Active" or case.state == target:
            return False
        message = f"The case is already closed as {case.close_code}; it cannot become {target}."
        raise HTTPError(400, "AlreadyClosed", message)
    if target == "Active" and case.lifecycle == ACTIVE:
        return False
    if case.lifecycle != ACTIVE:
        case.lifecycle = ACTIVE
        case.collection_started = now
        case.exclusive_period_end = now.date() + timedelta(days=183)
        case.solution_url = case.signing_url = None
    if target == "Closed:Paid":
        record_payment(case, amount or Decimal(0), now)
        case.close_code = CLOSE_PAID
    elif target == "Closed:NoPayment":
        case.close_code = CLOSE_NO_PAYMENT
    if target != "Active":
        case.lifecycle = CLOSED
        case.finished = now
    case.updated = now
    return True


def record_payment(case: Case, amount: Decimal, when: datetime) -> None:
    """Money the partner recovered: lowers the remainder and is listed by ``/payments``."""
    case.paid += amount
    number = len(case.payments) + 1
    case.payments.append(
        {
            "id": str(uuid.uuid5(uuid.NAMESPACE_URL, f"debitura-sandbox:{case.id}:{number}")),
            "dateCreated": _api_time(when),
            "date": _api_time(when),
            "grossAmount": amount,
            "recipient": "CollectionPartner",
            "method": "BankTransfer",
            "currency": case.claim.currency,
            "invoice": {
                "status": case.lifecycle,
                "reference": case.reference,
                "invoiceId": case.id,
            },
        }
    )


def _api_time(value: Any) -> Any:
    """A datetime as the API writes it (UTC, milliseconds, ``Z``), a date at midnight."""
    if isinstance(value, datetime):
        return value.astimezone(UTC).isoformat(timespec="milliseconds").replace("+00:00", "Z")
    return f"{value.isoformat()}T00:00:00" if isinstance(value, date) else value
