"""A local Debitura Customer API: create, preview, find, list and advance collection cases.

It speaks the wire format of ``specs/debitura-api.md`` and the Customer API's OpenAPI document
over real HTTP, on top of ``sandbox.http.JsonHTTPServer``, and validates like the real API
(where the two documents disagree, the stricter rule)::

    with DebituraSandbox() as server:         # 127.0.0.1, a free port
        server.url                            # "http://127.0.0.1:PORT" (no base path)
        ...send XApiKey: SANDBOX_API_KEY

* ``POST /cases``: 400 with ``{field: [messages]}`` for field errors (never stored against the
  ``Idempotency-Key``); 422 ``{businessErrors: [{type, message, solutionUrl}]}`` for business
  rules (a duplicate ``creditorReference`` per API key, a jurisdiction without a partner, an
  amount under USD 100, unsigned contracts, KYC, a blocked creditor); 200 with the case. The
  same key with the same body replays the first answer; with another body it is a 422
  ``IdempotencyConflict``.
* ``GET /cases`` (paged, ``statuses``, ``ids``, ``sort``), ``GET /cases/{id}``,
  ``GET /cases/by-creditor-reference/{ref}``, ``GET /cases/case-reference/{ref}``,
  ``POST /cases/preview``.
* Test mode: ``POST /test/cases/{id}/advance`` (``Active``, ``Closed:Paid``,
  ``Closed:NoPayment``), ``DELETE /test/cases/{id}``, ``DELETE /test/cases?tag=``.
* ``GET /sign/{document}``: the sandbox's signing page behind every ``solutionUrl``; opening it
  "signs" (turns the matching knob off).

Behaviour fixed for a server's life is in ``DebituraSandboxConfig``; ``DebituraFaults`` holds
the knobs changeable at runtime (also over HTTP through ``/_sandbox/faults``): every generic
fault of ``sandbox.faults``, ``faults_only_on`` to aim them at chosen routes, failures and
dropped answers of ``POST /cases`` after the case was stored, and the contract/KYC states.
"""

from __future__ import annotations

import math
import random
import re
import threading
import uuid
from collections.abc import Callable, Iterable, Mapping
from dataclasses import dataclass, field, replace
from datetime import UTC, date, datetime, timedelta
from decimal import ROUND_HALF_UP, Decimal
from types import MappingProxyType
from typing import Any, ClassVar

from sandbox import faults as fault_actions
from sandbox.debitura_data import (
    AGE_SURCHARGE_12_MONTHS,
    AGE_SURCHARGE_24_MONTHS,
    COUNTRY_NAME_ALIASES,
    COUNTRY_NAMES,
    CURRENCY_CODES,
    EUROPE,
    EUROPE_FEE_TIERS,
    PARTNERS,
    US_STATES,
    USD_RATES,
    WORLD_FEE_TIERS,
)
from sandbox.faults import FaultDecision, Faults
from sandbox.http import (
    CONTROL,
    DATA,
    DROP_CONNECTION,
    HTTPError,
    JsonHTTPServer,
    Request,
    Response,
    empty_response,
    json_response,
    text_response,
)

SANDBOX_API_KEY = "sandbox-debitura-key"
DEFAULT_NO_PARTNER_COUNTRIES = frozenset({"KP", "IR", "RU"})
MAX_PAGE_SIZE = 100
DEFAULT_PAGE_SIZE = 10
MAX_IDEMPOTENCY_KEY_LENGTH = 255

# Lifecycle enum values and the labels the API also accepts in ``statuses``.
PENDING_CONTRACT_SIGNING = "PendingContractSigning"
PENDING_VERIFICATION_INTERNAL = "PendingVerificationInternal"
PENDING_VERIFICATION = "PendingVerification"
ACTIVE = "Active"
CLOSED = "Closed"
LIFECYCLE_LABELS: dict[str, str] = {
    PENDING_CONTRACT_SIGNING: "Pending contract signing",
    PENDING_VERIFICATION_INTERNAL: "Pending verification internal",
    PENDING_VERIFICATION: "Pending Verification",
    "NeedsAdditionalDetails": "More Info Required",
    "Leads": "Collecting Quotes",
    "LeadsQuoteGiven": "Pending Quote Selection",
    ACTIVE: "Active",
    "Paused": "Paused",
    CLOSED: "Closed",
    "Merged": "Merged",
}
CLOSE_PAID = "Paid"
CLOSE_NO_PAYMENT = "Pre-Legal Exhausted – No Payment"
ADVANCE_TARGETS = ("Active", "Closed:Paid", "Closed:NoPayment")

# What ``/sign/{document}`` signs: document -> (knob, business error type).
SIGNING_DOCUMENTS = {
    "debt-collection-agreement": ("missing_contract", "MissingDebtCollectionContract"),
    "power-of-attorney": ("missing_power_of_attorney", "MissingPowerOfAttorney"),
    "kyc": ("missing_kyc", "MissingKycVerification"),
}

NO_PARTNER_MESSAGE = "We don't have an exclusive pre-legal partner in the provided jurisdiction."
VALIDATION_SHAPES = ("fields", "api_error")
_EMAIL = re.compile(r"^[^@\s]+@[^@\s]+\.[^@\s]+$")
_REFERENCE_ALPHABET = "ABCDEFGHIJKLMNOPQRSTUVWXYZ0123456789"
_CENT = Decimal("0.01")


def _utc_now() -> datetime:
    return datetime.now(UTC)


@dataclass(frozen=True)
class DebituraSandboxConfig:
    """Everything fixed for a server's life. Defaults behave like Debitura as documented."""

    host: str = "127.0.0.1"
    port: int = 0  # 0 = a free port
    api_keys: frozenset[str] = frozenset({SANDBOX_API_KEY})  # each key is one creditor
    no_partner_countries: frozenset[str] = DEFAULT_NO_PARTNER_COUNTRIES  # 422 NoPartnerAvailable
    unsupported_countries: frozenset[str] = frozenset()  # 422 UnsupportedCountry
    minimum_usd: Decimal = Decimal(100)  # smaller claims have no partner
    # Units per USD; a valid ISO currency missing here is 422 UnsupportedCurrency.
    usd_rates: Mapping[str, Decimal] = field(default_factory=lambda: MappingProxyType(USD_RATES))
    today: date | None = None  # "today" for the date rules; None = the clock's date
    clock: Callable[[], datetime] = _utc_now  # aware UTC timestamps (dateCreated, ...)
    seed: int | None = None  # makes case ids and references repeatable
    # The stricter reading of the docs: these are required, not just recommended.
    require_due_date: bool = True
    required_debtor_fields: tuple[str, ...] = ("address", "city", "zipCode")
    accept_person_type: bool = False  # the schema's "Person"; the API says Company/Private
    # 400 body of POST /cases: "fields" {field: [messages]} | "api_error" ApiErrorResponseDto
    validation_error_shape: str = "fields"
    advance_requires_test_case: bool = True  # the test endpoints refuse production cases

    def __post_init__(self) -> None:
        if self.validation_error_shape not in VALIDATION_SHAPES:
            raise ValueError(f"validation_error_shape must be one of {VALIDATION_SHAPES}")
        if not self.api_keys:
            raise ValueError("at least one API key is needed")
        object.__setattr__(self, "api_keys", frozenset(self.api_keys))
        for name in ("no_partner_countries", "unsupported_countries"):
            object.__setattr__(self, name, frozenset(c.upper() for c in getattr(self, name)))

    def current_date(self) -> date:
        return self.today or self.clock().date()


class DebituraFaults(Faults):
    """The generic knobs of ``sandbox.faults`` plus Debitura's own."""

    KNOBS: ClassVar[dict[str, Any]] = {
        **Faults.KNOBS,
        # Route keys ("POST /cases") or path patterns ("/cases/{id}") the generic knobs apply
        # to; empty = every API route.
        "faults_only_on": frozenset(),
        # The next N POST /cases answer ``server_error_status`` before anything is stored.
        "fail_next_creates": 0,
        # Every Nth POST /cases that stores a case loses its connection before the answer: the
        # case exists, the client never hears. Replays (same Idempotency-Key) are not dropped.
        "drop_after_store_every": 0,
        # The creditor's contract state. Unsigned SDCA/PoA: 422, or PendingContractSigning with
        # allowPendingContracts. Missing KYC: 422 always. Blocked: 422 CreditorBlocked.
        "missing_contract": False,
        "missing_power_of_attorney": False,
        "missing_kyc": False,
        "creditor_blocked": False,
    }


class _DroppedAfterStore(Response):
    """A handler's way to say "the work is done; now drop the connection unanswered"."""

    __slots__ = ()


@dataclass(slots=True)
class _StoredCase:
    id: str
    reference: str
    owner: str
    sequence: int
    creditor_reference: str | None
    currency: str
    amount: Decimal
    date: date
    due_date: date | None
    debtor: dict[str, Any]
    claim_description: str | None
    comments: str | None
    is_test: bool
    tag: str | None
    lifecycle: str
    created: datetime
    partner_id: str
    partner_name: str
    partner_country: str
    success_fee: Decimal
    blended_uplift: Decimal | None
    creditor_division_id: str | None = None
    assigned_user_email: str | None = None
    solution_url: str | None = None
    signing_url: str | None = None
    idempotency_key: str = ""
    paid: Decimal = Decimal(0)
    close_code: str | None = None
    updated: datetime | None = None
    finished: datetime | None = None
    collection_started: datetime | None = None
    exclusive_period_end: date | None = None

    @property
    def state(self) -> str:
        """The advance endpoint's name for where the case is."""
        if self.lifecycle == CLOSED:
            if self.close_code == CLOSE_PAID:
                return "Closed:Paid"
            if self.close_code == CLOSE_NO_PAYMENT:
                return "Closed:NoPayment"
            return CLOSED
        return self.lifecycle

    def to_api(self) -> dict[str, Any]:
        """The case as ``InvoiceDto``."""
        remainder = max(self.amount - self.paid, Decimal(0)).quantize(self.amount)
        zero = Decimal("0.00")
        return {
            "id": self.id,
            "dateCreated": _timestamp(self.created),
            "dateUpdated": _timestamp(self.updated),
            "reference": self.reference,
            "creditorReference": self.creditor_reference,
            "creditorComments": self.comments,
            "claimDescription": self.claim_description,
            "grossAmount": self.amount,
            "remainder": remainder,
            "interestFees": zero,
            "reminderFees": zero,
            "collectionFees": zero,
            "totalAddedFees": zero,
            "currency": self.currency,
            "isTestCase": self.is_test,
            "lifecycle": self.lifecycle,
            "dueDate": _day_timestamp(self.due_date),
            "date": _day_timestamp(self.date),
            "dateFinished": _timestamp(self.finished),
            "dateCollectionStarted": _timestamp(self.collection_started),
            "closeCode": self.close_code,
            "claimType": "Unpaid Invoice",
            "creditorDivisionId": self.creditor_division_id,
            "debtor": dict(self.debtor),
            "collectionPartner": {
                "name": self.partner_name,
                "officeEmail": None,
                "officePhone": None,
                "publicSite": None,
                "surveyCadenceMode": 0,
            },
            "creditor": None,
            "bankAccount": None,
            "blendedAgeUpliftPoints": self.blended_uplift,
            "preLegalSuccessFee": self.success_fee,
            "solutionUrl": self.solution_url,
            "signingHandoff": (
                {"combinedSigningUrl": self.signing_url} if self.signing_url else None
            ),
            "exclusivePeriodEndDate": _day_timestamp(self.exclusive_period_end),
            "disputeStatus": "No, the claim is not disputed",
            "validation": {"needsInfo": False},
            "assignedUser": (
                {"email": self.assigned_user_email, "name": None}
                if self.assigned_user_email
                else None
            ),
            "allocationOutstanding": {
                "principal": remainder,
                "interest": zero,
                "reminderFees": zero,
                "collectionFees": zero,
            },
        }


@dataclass(frozen=True, slots=True)
class _StoredAnswer:
    """A terminal ``POST /cases`` answer kept against its Idempotency-Key."""

    request_body: Any
    status: int
    body: bytes
    case_id: str | None


@dataclass(slots=True)
class _Draft:
    """A create body that passed field validation, normalised."""

    currency: str
    amount: Decimal
    date: date
    due_date: date | None
    creditor_reference: str | None
    debtor: dict[str, Any]
    country: str
    state: str | None
    buckets: tuple[Decimal | None, Decimal | None, Decimal | None]
    claim_description: str | None = None
    comments: str | None = None
    is_test: bool = False
    tag: str | None = None
    allow_pending_contracts: bool = False
    creditor_division_id: str | None = None
    assigned_user_email: str | None = None


class DebituraSandbox(JsonHTTPServer):
    """The Debitura sandbox server. ``start()``/``stop()`` or use it as a context manager."""

    base_path = ""
    case_insensitive_paths = True
    faults_class = DebituraFaults
    faults: DebituraFaults
    server_name = "debitura-sandbox"

    def __init__(
        self, config: DebituraSandboxConfig | None = None, faults: DebituraFaults | None = None
    ) -> None:
        config = config or DebituraSandboxConfig()
        super().__init__(host=config.host, port=config.port, faults=faults)
        self.config = config
        self._lock = threading.RLock()
        self._rng = random.Random(config.seed) if config.seed is not None else random.SystemRandom()
        self._cases: dict[str, _StoredCase] = {}  # id -> case, in creation order
        self._by_reference: dict[str, str] = {}  # 8-character reference -> id
        self._by_creditor_reference: dict[tuple[str, str], str] = {}  # (owner, folded ref) -> id
        self._answers: dict[tuple[str, str], _StoredAnswer] = {}  # (owner, key) -> answer
        self._sequence = 0

        self.route("POST", "/cases", self._authenticated(self._create))
        self.route("GET", "/cases", self._authenticated(self._list))
        self.route("POST", "/cases/preview", self._authenticated(self._preview))
        self.route(
            "GET",
            "/cases/by-creditor-reference/{creditorReference}",
            self._authenticated(self._get_by_creditor_reference),
        )
        self.route(
            "GET", "/cases/case-reference/{caseReference}", self._authenticated(self._get_by_ref)
        )
        self.route("GET", "/cases/{id}", self._authenticated(self._get))
        self.route("POST", "/test/cases/{id}/advance", self._authenticated(self._advance))
        self.route("DELETE", "/test/cases/{id}", self._authenticated(self._delete_test_case))
        self.route("DELETE", "/test/cases", self._authenticated(self._delete_test_cases))
        self.route("GET", "/sign/{document}", self._sign, kind=CONTROL)

    # --- inspection for in-process tests -----------------------------------------------------

    def cases(self, api_key: str | None = None) -> list[dict[str, Any]]:
        """Every stored case as the API shows it (``InvoiceDto``), in creation order."""
        with self._lock:
            return [
                case.to_api()
                for case in self._cases.values()
                if api_key is None or case.owner == api_key
            ]

    def case_by_reference(
        self, creditor_reference: str, api_key: str | None = None
    ) -> dict[str, Any] | None:
        """The stored case with this creditor reference (any API key unless one is given)."""
        folded = creditor_reference.casefold()
        with self._lock:
            for (owner, reference), case_id in self._by_creditor_reference.items():
                if reference == folded and (api_key is None or owner == api_key):
                    return self._cases[case_id].to_api()
        return None

    def reset(self) -> None:
        """Forget every case and stored answer, and zero the statistics."""
        with self._lock:
            self._cases.clear()
            self._by_reference.clear()
            self._by_creditor_reference.clear()
            self._answers.clear()
        self.stats.reset()

    def stats_snapshot(self) -> dict[str, Any]:
        snapshot = self.stats.snapshot()
        counters = snapshot["counters"]
        with self._lock:
            stored = len(self._cases)
        snapshot["cases"] = {
            "stored": stored,
            "created": counters.get("cases_created", 0),
            "create_calls": counters.get("create_calls", 0),
            "replays": counters.get("idempotent_replays", 0),
            "idempotency_conflicts": counters.get("idempotency_conflicts", 0),
            "validation_errors": counters.get("validation_errors", 0),
            "business_errors": counters.get("business_errors", 0),
            "dropped_after_store": counters.get("fault.drop_after_store", 0),
        }
        return snapshot

    # --- the wire -------------------------------------------------------------------------------

    def error_response(
        self, status: int, error: str, message: str, headers: Iterable[tuple[str, str]] = ()
    ) -> Response:
        """``ApiErrorResponseDto``: the legacy ``error``/``message`` and ``businessErrors``."""
        body = {
            "error": error,
            "message": message,
            "businessErrors": [{"type": error, "message": message, "solutionUrl": None}],
        }
        return json_response(body, status, headers)

    def dispatch(self, request: Request) -> Response | Any:
        route, params, _ = self.router.resolve(request.method, request.path)
        if route is not None and route.kind == DATA and not self._faults_aim_at(route.key):
            request.params, request.route = params, route
            outcome = self._call(route, request)
            self.stats.record(request.method, route.key, outcome.status)
        else:
            outcome = super().dispatch(request)
        if isinstance(outcome, _DroppedAfterStore):
            return DROP_CONNECTION
        return outcome

    def _faults_aim_at(self, route_key: str) -> bool:
        targets = self.faults.faults_only_on
        if not targets:
            return True
        method, _, pattern = route_key.partition(" ")
        wanted = {target.strip().lower() for target in targets}
        return route_key.lower() in wanted or pattern.lower() in wanted

    def _authenticated(
        self, handler: Callable[[Request, str], Response]
    ) -> Callable[[Request], Response]:
        def guarded(request: Request) -> Response:
            key = request.header("XApiKey").strip()
            if not key or key not in self.config.api_keys:
                self.stats.incr("unauthorized")
                raise HTTPError(
                    401,
                    "Unauthorized",
                    "The API key is missing or invalid. Send a valid key in the XApiKey header.",
                )
            return handler(request, key)

        return guarded

    # --- POST /cases ---------------------------------------------------------------------------

    def _create(self, request: Request, owner: str) -> Response:
        self.stats.incr("create_calls")
        failures = self.faults.fail_next_creates
        if failures and self.faults.tick("fail_next_creates") <= failures:
            self.stats.incr("fault.create_failed")
            return self.fault_response(
                FaultDecision(
                    action=fault_actions.SERVER_ERROR,
                    server_error_status=self.faults.server_error_status,
                )
            )
        key = request.header("Idempotency-Key").strip()
        if len(key) > MAX_IDEMPOTENCY_KEY_LENGTH:
            return self._validation_response(
                {
                    "Idempotency-Key": [
                        f"The Idempotency-Key header may be at most "
                        f"{MAX_IDEMPOTENCY_KEY_LENGTH} characters."
                    ]
                }
            )
        body = request.json()
        with self._lock:
            if key:
                stored = self._answers.get((owner, key))
                if stored is not None:
                    if stored.request_body == body:
                        self.stats.incr("idempotent_replays")
                        return Response(
                            stored.status, stored.body, headers=(("Idempotent-Replayed", "true"),)
                        )
                    self.stats.incr("idempotency_conflicts")
                    return self._business_response(
                        [
                            _business_error(
                                "IdempotencyConflict",
                                "The Idempotency-Key has already been used with a different "
                                "request body. Use a new key for a different request.",
                            )
                        ]
                    )
            field_errors, draft = self._validate_create(body)
            if field_errors or draft is None:
                self.stats.incr("validation_errors")
                return self._validation_response(field_errors)  # never stored against the key
            errors, pending_url = self._business_rules(owner, draft)
            if errors:
                self.stats.incr("business_errors")
                response = self._business_response(errors)
                if key:
                    self._answers[(owner, key)] = _StoredAnswer(body, 422, response.body, None)
                return response
            case = self._store(owner, draft, key, pending_url)
            response = json_response(case.to_api())
            if key:
                self._answers[(owner, key)] = _StoredAnswer(body, 200, response.body, case.id)
        every = self.faults.drop_after_store_every
        if every and self.faults.tick("stored_creates") % every == 0:
            self.stats.incr("fault.drop_after_store")
            return _DroppedAfterStore(status="dropped")  # type: ignore[arg-type]
        return response

    def _validation_response(self, field_errors: Mapping[str, list[str]]) -> Response:
        if self.config.validation_error_shape == "fields":
            return json_response(dict(field_errors), 400)
        first = next((messages[0] for messages in field_errors.values() if messages), "")
        return json_response(
            {
                "error": "ValidationFailed",
                "message": first or "One or more validation errors occurred.",
                "businessErrors": [
                    {"type": name, "message": message, "solutionUrl": None}
                    for name, messages in field_errors.items()
                    for message in messages
                ],
            },
            400,
        )

    def _business_response(self, errors: list[dict[str, Any]]) -> Response:
        signing = [e["solutionUrl"] for e in errors if e.get("solutionUrl")]
        handoff = {"combinedSigningUrl": self._combined_signing_url()} if signing else None
        return json_response({"businessErrors": errors, "signingHandoff": handoff}, 422)

    def _business_rules(self, owner: str, draft: _Draft) -> tuple[list[dict[str, Any]], str | None]:
        """422 errors for a valid body (empty: accept), and the signing URL of a case accepted
        with pending contracts."""
        faults = self.faults
        if faults.creditor_blocked:
            return [
                _business_error(
                    "CreditorBlocked",
                    "Your creditor account is blocked. Please contact Debitura support.",
                )
            ], None
        reference = draft.creditor_reference
        if reference and (owner, reference.casefold()) in self._by_creditor_reference:
            return [
                _business_error(
                    "DuplicateReference",
                    f"A case with creditor reference '{reference}' already exists.",
                )
            ], None
        ineligible = self._ineligibility(draft.country, draft.currency, draft.amount)
        if ineligible is not None:
            return [_business_error(*ineligible)], None
        signing: list[dict[str, Any]] = []
        if faults.missing_contract:
            signing.append(
                _business_error(
                    "MissingDebtCollectionContract",
                    "The Standard Debt Collection Agreement has not been signed.",
                    self._solution_url("debt-collection-agreement"),
                )
            )
        if faults.missing_power_of_attorney:
            signing.append(
                _business_error(
                    "MissingPowerOfAttorney",
                    "A power of attorney for the collection partner in this jurisdiction has not "
                    "been signed.",
                    self._solution_url("power-of-attorney"),
                )
            )
        kyc = []
        if faults.missing_kyc:
            kyc.append(
                _business_error(
                    "MissingKycVerification",
                    "The collection partner requires KYC verification of the creditor's directors.",
                    self._solution_url("kyc"),
                )
            )
        if kyc or (signing and not draft.allow_pending_contracts):
            return [*signing, *kyc], None
        if signing:
            return [], signing[0]["solutionUrl"]
        return [], None

    def _ineligibility(
        self, country: str, currency: str, amount: Decimal
    ) -> tuple[str, str] | None:
        """(type, message) when no partner takes this case, else None."""
        if country in self.config.unsupported_countries:
            return "UnsupportedCountry", f"Cases against debtors in {country} are not supported."
        rate = self.config.usd_rates.get(currency)
        if rate is None:
            return "UnsupportedCurrency", f"Cases in {currency} are not supported."
        if country in self.config.no_partner_countries:
            return "NoPartnerAvailable", NO_PARTNER_MESSAGE
        if amount / rate < self.config.minimum_usd:
            return (
                "NoPartnerAvailable",
                f"The amount is below the minimum of USD {self.config.minimum_usd} (equivalent) "
                "accepted for collection.",
            )
        return None

    def _store(self, owner: str, draft: _Draft, key: str, pending_url: str | None) -> _StoredCase:
        now = self.config.clock()
        self._sequence += 1
        fee, uplift = self._success_fee(
            draft.country, draft.currency, draft.amount, draft.due_date, draft.buckets
        )
        lifecycle = PENDING_CONTRACT_SIGNING if pending_url else PENDING_VERIFICATION
        case = _StoredCase(
            id=self._new_id(),
            reference=self._new_reference(),
            owner=owner,
            sequence=self._sequence,
            creditor_reference=draft.creditor_reference,
            currency=draft.currency,
            amount=draft.amount,
            date=draft.date,
            due_date=draft.due_date,
            debtor=draft.debtor,
            claim_description=draft.claim_description,
            comments=draft.comments,
            is_test=draft.is_test,
            tag=draft.tag,
            lifecycle=lifecycle,
            created=now,
            partner_id=_partner_id(draft.country),
            partner_name=_partner_name(draft.country),
            partner_country=draft.country,
            success_fee=fee,
            blended_uplift=uplift,
            creditor_division_id=draft.creditor_division_id,
            assigned_user_email=draft.assigned_user_email,
            solution_url=pending_url,
            signing_url=self._combined_signing_url() if pending_url else None,
            idempotency_key=key,
        )
        self._cases[case.id] = case
        self._by_reference[case.reference] = case.id
        if case.creditor_reference:
            self._by_creditor_reference[(owner, case.creditor_reference.casefold())] = case.id
        self.stats.incr("cases_created")
        return case

    def _new_id(self) -> str:
        if isinstance(self._rng, random.SystemRandom):
            return str(uuid.uuid4())
        return str(uuid.UUID(int=self._rng.getrandbits(128), version=4))

    def _new_reference(self) -> str:
        while True:
            reference = "".join(self._rng.choice(_REFERENCE_ALPHABET) for _ in range(8))
            if reference not in self._by_reference:
                return reference

    # --- field validation ---------------------------------------------------------------------

    def _validate_create(self, body: Any) -> tuple[dict[str, list[str]], _Draft | None]:
        errors: dict[str, list[str]] = {}

        def add(name: str, message: str) -> None:
            errors.setdefault(name, []).append(message)

        if not isinstance(body, dict):
            add("", "The request body must be a JSON object.")
            return errors, None
        values = _known_fields(body, _CREATE_FIELDS, "", add)
        today = self.config.current_date()

        currency = _string(values, "currencyCode", add, required=True)
        if currency is not None:
            currency = currency.strip().upper()
            if currency not in CURRENCY_CODES:
                add("currencyCode", f"Invalid currency code: {values['currencyCode']}")

        amount = _number(values, "amountToRecover", add, required=True)
        if amount is not None and amount <= 0:
            add("amountToRecover", "AmountToRecover must be greater than 0.")
        buckets = _buckets(values, amount, add)

        invoice_date = _date(values, "date", add, required=True)
        due_date = _date(values, "dueDate", add, required=self.config.require_due_date)
        if invoice_date is not None and invoice_date > today:
            add("date", "Date cannot be in the future.")
        if due_date is not None:
            if due_date > today:
                add("dueDate", "DueDate cannot be in the future.")
            if invoice_date is not None and due_date < invoice_date:
                add("dueDate", "DueDate cannot be earlier than Date.")

        reference = _string(values, "creditorReference", add, max_length=50)
        if reference is not None and not reference.strip():
            reference = None
        claim_description = _string(values, "claimDescription", add, max_length=4000)
        comments = _string(values, "comments", add, max_length=4000)
        tag = _string(values, "tag", add, max_length=100)
        email = _string(values, "assignedUserEmail", add, max_length=320)
        if email and not _EMAIL.match(email):
            add("assignedUserEmail", "AssignedUserEmail is not a valid e-mail address.")
        _string(values, "returnUrl", add, max_length=2048)  # invalid URLs are dropped silently
        division = _uuid(values, "creditorDivisionId", add)
        _uuid(values, "collectionPartnerId", add)
        flags = {
            name: _flag(values, name, add)
            for name in (
                "isTest",
                "allowPendingContracts",
                "skipDebituraVerification",
                "skipCreationEmails",
            )
        }
        debtor, country, state = self._validate_debtor(
            values.get("debtor"), "debtor" in values, add
        )
        if errors or None in (currency, amount, invoice_date, debtor, country):
            return errors, None
        return errors, _Draft(
            currency=currency,
            amount=amount,
            date=invoice_date,
            due_date=due_date,
            creditor_reference=reference,
            debtor=debtor,
            country=country,
            state=state,
            buckets=buckets,
            claim_description=claim_description,
            comments=comments,
            is_test=flags["isTest"],
            tag=tag,
            allow_pending_contracts=flags["allowPendingContracts"],
            creditor_division_id=division,
            assigned_user_email=email,
        )

    def _validate_debtor(
        self, raw: Any, present: bool, add: Callable[[str, str], None]
    ) -> tuple[dict[str, Any] | None, str | None, str | None]:
        if not present or raw is None:
            add("debtor", "Debtor is required.")
            return None, None, None
        if not isinstance(raw, dict):
            add("debtor", "Debtor must be an object.")
            return None, None, None
        values = _known_fields(raw, _DEBTOR_FIELDS, "debtor.", add)
        texts = {
            name: _string(values, name, add, prefix="debtor.") for name in _DEBTOR_FIELDS.values()
        }
        debtor_type = (texts["type"] or "").strip()
        allowed = {"company": "Company", "private": "Private"}
        if self.config.accept_person_type:
            allowed["person"] = "Private"
        if not debtor_type:
            add("debtor.type", "Debtor type is required.")
        elif debtor_type.lower() not in allowed:
            add("debtor.type", "Debtor type must be 'Company' or 'Private'.")
        if not (texts["name"] or "").strip():
            add("debtor.name", "Debtor name is required.")
        for name in self.config.required_debtor_fields:
            if not (texts.get(name) or "").strip():
                add(f"debtor.{name}", f"Debtor {_words(name)} is required.")
        email = (texts["email"] or "").strip()
        if email and not _EMAIL.match(email):
            add("debtor.email", "Debtor email is not a valid e-mail address.")

        country = None
        alpha2 = (texts["countryAlpha2"] or "").strip().upper()
        country_name = (texts["country"] or "").strip()
        if alpha2:  # alpha-2 wins when both are sent
            if alpha2 in COUNTRY_NAMES:
                country = alpha2
            else:
                add(
                    "debtor.countryAlpha2",
                    f"'{texts['countryAlpha2']}' is not a valid ISO 3166-1 alpha-2 country code.",
                )
        elif country_name:
            country = _country_by_name(country_name)
            if country is None:
                add(
                    "debtor.country",
                    f"'{country_name}' is not a recognised country name. Use the official English "
                    "name or send countryAlpha2.",
                )
        else:
            add("debtor.countryAlpha2", "CountryAlpha2 (or Country) is required.")

        state = None
        if country == "US":
            given = (texts["stateAlpha2"] or "").strip()
            state = _us_state(given) if given else _us_state((texts["state"] or "").strip())
            if given and state is None:
                add(
                    "debtor.stateAlpha2",
                    f"'{given}' is not a US state. Send 'CA', 'US-CA' or 'California'.",
                )
            elif state is None:
                add("debtor.stateAlpha2", "StateAlpha2 (or State) is required for US debtors.")
        if debtor_type.lower() not in allowed or country is None:
            return None, country, state
        debtor = {name: texts[name] for name in _DEBTOR_FIELDS.values()}
        debtor["type"] = allowed[debtor_type.lower()]
        debtor["countryAlpha2"] = country
        debtor["country"] = COUNTRY_NAMES[country]
        if state is not None:
            debtor["stateAlpha2"] = state
            debtor["state"] = texts["state"] or US_STATES[state]
        return debtor, country, state

    # --- POST /cases/preview ------------------------------------------------------------------

    def _preview(self, request: Request, owner: str) -> Response:
        body = request.json()
        errors: dict[str, list[str]] = {}

        def add(name: str, message: str) -> None:
            errors.setdefault(name, []).append(message)

        if not isinstance(body, dict):
            raise HTTPError(400, "ValidationFailed", "The request body must be a JSON object.")
        values = _known_fields(body, _PREVIEW_FIELDS, "", add)
        currency = _string(values, "currencyCode", add, required=True)
        if currency is not None and currency.strip().upper() not in CURRENCY_CODES:
            add("currencyCode", f"Invalid currency code: {currency}")
        amount = _number(values, "amountToRecover", add, required=True)
        if amount is not None and amount < _CENT:
            add("amountToRecover", "AmountToRecover must be at least 0.01.")
        buckets = _buckets(values, amount, add)
        due_date = _date(values, "dueDate", add)
        if due_date is not None and due_date > self.config.current_date():
            add("dueDate", "DueDate cannot be in the future.")
        if due_date is not None and any(bucket is not None for bucket in buckets):
            add("dueDate", "DueDate and the age bucket amounts are mutually exclusive.")
        _string(values, "returnUrl", add, max_length=2048)
        country = state = None
        raw_debtor = values.get("debtor")
        if not isinstance(raw_debtor, dict):
            add("debtor", "Debtor (with type and countryAlpha2) is required.")
        else:
            debtor = _known_fields(raw_debtor, _PREVIEW_DEBTOR_FIELDS, "debtor.", add)
            debtor_type = (_string(debtor, "type", add, prefix="debtor.") or "").strip()
            if debtor_type.lower() not in ("company", "private"):
                add("debtor.type", "Debtor type must be 'Company' or 'Private'.")
            alpha2 = (_string(debtor, "countryAlpha2", add, prefix="debtor.") or "").strip()
            if alpha2.upper() in COUNTRY_NAMES and len(alpha2) == 2:
                country = alpha2.upper()
            else:
                add("debtor.countryAlpha2", "CountryAlpha2 must be a valid ISO alpha-2 code.")
            given_state = (_string(debtor, "stateAlpha2", add, prefix="debtor.") or "").strip()
            if given_state and (len(given_state) != 2 or _us_state(given_state) is None):
                add("debtor.stateAlpha2", "StateAlpha2 must be a two-letter US state code.")
            if country == "US":
                state = _us_state(given_state) if len(given_state) == 2 else None
                if state is None and "debtor.stateAlpha2" not in errors:
                    add("debtor.stateAlpha2", "StateAlpha2 is required for US cases.")
        if errors:
            self.stats.incr("validation_errors")
            first = next(iter(errors.values()))[0]
            return json_response(
                {
                    "error": "ValidationFailed",
                    "message": first,
                    "businessErrors": [
                        {"type": name, "message": message, "solutionUrl": None}
                        for name, messages in errors.items()
                        for message in messages
                    ],
                },
                400,
            )
        currency = currency.strip().upper()
        return json_response(
            {"result": self._preview_result(country, state, currency, amount, due_date, buckets)}
        )

    def _preview_result(
        self,
        country: str,
        state: str | None,
        currency: str,
        amount: Decimal,
        due_date: date | None,
        buckets: tuple[Decimal | None, Decimal | None, Decimal | None],
    ) -> dict[str, Any]:
        ineligible = self._ineligibility(country, currency, amount)
        jurisdiction = {
            "id": _jurisdiction_id(country, state),
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
        actions = []
        for document, (knob, action_type) in SIGNING_DOCUMENTS.items():
            if getattr(self.faults, knob):
                actions.append(
                    {
                        "type": action_type,
                        "message": _ACTION_MESSAGES[action_type],
                        "solutionUrl": self._solution_url(document),
                        "isBlocking": True,
                    }
                )
        base = _base_fee(country, currency, amount, self.config.usd_rates)
        fee, _uplift = self._success_fee(country, currency, amount, due_date, buckets)
        partner = _partner_name(country)
        return {
            "isEligible": True,
            "ineligibilityReason": None,
            "partnerAssignment": {
                "collectionPartnerId": _partner_id(country),
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
            "requiresKycVerification": bool(self.faults.missing_kyc),
            "hasKycOnFile": not self.faults.missing_kyc,
            "signingHandoff": (
                {"combinedSigningUrl": self._combined_signing_url()} if actions else None
            ),
        }

    def _success_fee(
        self,
        country: str,
        currency: str,
        amount: Decimal,
        due_date: date | None,
        buckets: tuple[Decimal | None, Decimal | None, Decimal | None],
    ) -> tuple[Decimal, Decimal | None]:
        """(total fee %, blended uplift points or None) for a case."""
        base = _base_fee(country, currency, amount, self.config.usd_rates)
        _over6, over12, over24 = buckets
        if over12 is not None and over24 is not None and amount > 0:
            uplift = (
                ((over12 - over24) * AGE_SURCHARGE_12_MONTHS + over24 * AGE_SURCHARGE_24_MONTHS)
                / amount
            ).quantize(_CENT, rounding=ROUND_HALF_UP)
            return base + uplift, uplift
        surcharge = Decimal(0)
        if due_date is not None:
            days = (self.config.current_date() - due_date).days
            if days > 730:
                surcharge = AGE_SURCHARGE_24_MONTHS
            elif days > 365:
                surcharge = AGE_SURCHARGE_12_MONTHS
        return base + surcharge, None

    # --- reads ---------------------------------------------------------------------------------

    def _list(self, request: Request, owner: str) -> Response:
        page = _int_arg(request, "page", 1)
        size = _int_arg(request, "pageSize", DEFAULT_PAGE_SIZE)
        if page < 1:
            raise HTTPError(400, "InvalidQuery", "Page must be 1 or more.")
        if not 1 <= size <= MAX_PAGE_SIZE:
            raise HTTPError(400, "InvalidQuery", f"PageSize must be between 1 and {MAX_PAGE_SIZE}.")
        statuses = self._statuses(request.arg("statuses") or "")
        ids = {
            part.strip().lower() for part in (request.arg("ids") or "").split(",") if part.strip()
        }
        with self._lock:
            rows = [
                case
                for case in self._cases.values()
                if case.owner == owner
                and (not statuses or case.lifecycle in statuses)
                and (not ids or case.id in ids)
            ]
            rows = _sorted_cases(rows, request.arg("sort") or "")
            total = len(rows)
            window = [case.to_api() for case in rows[(page - 1) * size : page * size]]
        return json_response(
            {
                "page": {
                    "totalResults": total,
                    "pageSize": size,
                    "currentPage": page,
                    "responseCount": len(window),
                    "totalPages": math.ceil(total / size),
                },
                "cases": window,
            }
        )

    def _statuses(self, given: str) -> set[str]:
        wanted = set()
        for part in given.split(","):
            if not part.strip():
                continue
            name = _LIFECYCLE_BY_SPELLING.get(_squash(part))
            if name is None:
                raise HTTPError(400, "InvalidQuery", f"'{part.strip()}' is not a valid status.")
            wanted.add(name)
        return wanted

    def _get(self, request: Request, owner: str) -> Response:
        case_id = request.params["id"].strip().lower()
        try:
            uuid.UUID(case_id)
        except ValueError:
            raise HTTPError(400, "InvalidId", "The case ID must be a GUID.") from None
        return json_response(self._owned(owner, case_id).to_api())

    def _get_by_creditor_reference(self, request: Request, owner: str) -> Response:
        reference = request.params["creditorReference"]
        if not reference.strip():
            raise HTTPError(400, "InvalidReference", "The creditor reference is empty.")
        with self._lock:
            case_id = self._by_creditor_reference.get((owner, reference.casefold()))
            if case_id is None:
                raise HTTPError(
                    404, "NotFound", f"No case found with creditor reference '{reference}'."
                )
            return json_response(self._cases[case_id].to_api())

    def _get_by_ref(self, request: Request, owner: str) -> Response:
        with self._lock:
            case_id = self._by_reference.get(request.params["caseReference"].strip().upper())
            case = self._cases.get(case_id) if case_id else None
            if case is None or case.owner != owner:
                raise HTTPError(404, "NotFound", "Case not found.")
            return json_response(case.to_api())

    def _owned(self, owner: str, case_id: str) -> _StoredCase:
        with self._lock:
            case = self._cases.get(case_id.strip().lower())
        if case is None or case.owner != owner:
            raise HTTPError(
                404, "NotFound", "Case not found, deleted, or does not belong to your account."
            )
        return case

    # --- test endpoints ------------------------------------------------------------------------

    def _advance(self, request: Request, owner: str) -> Response:
        body = request.json() if request.body.strip() else {}
        if not isinstance(body, dict):
            raise HTTPError(400, "InvalidRequest", "Send a JSON object with 'to'.")
        lowered = {str(key).lower(): value for key, value in body.items()}
        unknown = set(lowered) - {"to", "amount"}
        if unknown:
            names = ", ".join(sorted(unknown))
            raise HTTPError(400, "InvalidRequest", f"Unknown field(s): {names}.")
        target = lowered.get("to") or request.arg("to") or ""
        matches = [t for t in ADVANCE_TARGETS if t.lower() == str(target).strip().lower()]
        if not matches:
            raise HTTPError(
                400,
                "InvalidTarget",
                f"'{target}' is not a valid target. Use one of: {', '.join(ADVANCE_TARGETS)}.",
            )
        target = matches[0]
        amount = lowered.get("amount", request.arg("amount"))
        if isinstance(amount, str):
            amount = _decimal_or_none(amount)
        if isinstance(amount, bool) or not isinstance(amount, int | Decimal | None):
            raise HTTPError(400, "InvalidRequest", "amount must be a number.")
        with self._lock:
            case = self._owned(owner, request.params["id"])
            if self.config.advance_requires_test_case and not case.is_test:
                raise HTTPError(400, "NotATestCase", "Only test cases (isTest) can be advanced.")
            if target == "Closed:Paid" and (amount is None or Decimal(amount) <= 0):
                raise HTTPError(400, "AmountRequired", "Closed:Paid needs a positive amount.")
            advanced = self._advance_case(case, target, Decimal(amount) if amount else None)
            return json_response({"advanced": advanced, "state": case.state})

    def _advance_case(self, case: _StoredCase, target: str, amount: Decimal | None) -> bool:
        now = self.config.clock()
        if case.lifecycle == CLOSED:
            if target == "Active" or case.state == target:
                return False
            raise HTTPError(
                400,
                "AlreadyClosed",
                f"The case is already closed as {case.close_code}; it cannot become {target}.",
            )
        if target == "Active" and case.lifecycle == ACTIVE:
            return False
        if case.lifecycle != ACTIVE:
            case.lifecycle = ACTIVE
            case.collection_started = now
            case.exclusive_period_end = now.date() + timedelta(days=183)
            case.solution_url = case.signing_url = None
        if target == "Closed:Paid":
            case.paid += amount or Decimal(0)
            case.close_code = CLOSE_PAID
        elif target == "Closed:NoPayment":
            case.close_code = CLOSE_NO_PAYMENT
        if target != "Active":
            case.lifecycle = CLOSED
            case.finished = now
        case.updated = now
        return True

    def _delete_test_case(self, request: Request, owner: str) -> Response:
        with self._lock:
            case = self._owned(owner, request.params["id"])
            if not case.is_test:
                raise HTTPError(400, "NotATestCase", "Only test cases can be deleted.")
            self._forget([case])
        return empty_response(204)

    def _delete_test_cases(self, request: Request, owner: str) -> Response:
        tag = (request.arg("tag") or "").strip()
        if not tag:
            raise HTTPError(400, "TagRequired", "The tag query parameter is required.")
        with self._lock:
            matched = [c for c in self._cases.values() if c.owner == owner and c.tag == tag]
            if any(not case.is_test for case in matched):
                raise HTTPError(
                    400,
                    "ProductionCase",
                    "The tag matches a production case; nothing was deleted.",
                )
            self._forget(matched)
        return empty_response(204)

    def _forget(self, cases: list[_StoredCase]) -> None:
        ids = {case.id for case in cases}
        for case in cases:
            del self._cases[case.id]
            self._by_reference.pop(case.reference, None)
            if case.creditor_reference:
                self._by_creditor_reference.pop(
                    (case.owner, case.creditor_reference.casefold()), None
                )
        for key in [k for k, answer in self._answers.items() if answer.case_id in ids]:
            del self._answers[key]

    # --- signing -------------------------------------------------------------------------------

    def _solution_url(self, document: str) -> str:
        return f"{self.root_url}/sign/{document}"

    def _combined_signing_url(self) -> str:
        return f"{self.root_url}/sign/all"

    def _sign(self, request: Request) -> Response:
        document = request.params["document"].lower()
        if document == "all":
            knobs = {knob: False for knob, _type in SIGNING_DOCUMENTS.values()}
        elif document in SIGNING_DOCUMENTS:
            knobs = {SIGNING_DOCUMENTS[document][0]: False}
        else:
            raise HTTPError(404, "NotFound", "No such document.")
        self.faults.update(**knobs)
        return text_response(
            "<!DOCTYPE html><html><head><title>Signed</title></head><body><h1>Signed in the "
            "Debitura sandbox</h1><p>You can close this tab and send the case again.</p>"
            "</body></html>",
            200,
            "text/html",
        )


def serve(
    config: DebituraSandboxConfig | None = None,
    faults: DebituraFaults | None = None,
    *,
    host: str | None = None,
    port: int | None = None,
) -> DebituraSandbox:
    """Start a sandbox (127.0.0.1, free port unless ``port`` is given) and return it running.

    Prints nothing: the caller shows ``server.url`` and ``SANDBOX_API_KEY``, then calls
    ``server.wait()`` (Ctrl+C raises KeyboardInterrupt there) and ``server.stop()``.
    """
    config = config or DebituraSandboxConfig()
    if host is not None:
        config = replace(config, host=host)
    if port is not None:
        config = replace(config, port=port)
    return DebituraSandbox(config, faults).start()


# --- request schemas --------------------------------------------------------------------------

_CREATE_FIELDS = {
    name.lower(): name
    for name in (
        "currencyCode",
        "date",
        "dueDate",
        "comments",
        "claimDescription",
        "creditorReference",
        "debtor",
        "creditorDivisionId",
        "amountToRecover",
        "amountToRecoverOver6Months",
        "amountToRecoverOver12Months",
        "amountToRecoverOver24Months",
        "skipDebituraVerification",
        "skipCreationEmails",
        "allowPendingContracts",
        "isTest",
        "tag",
        "collectionPartnerId",
        "assignedUserEmail",
        "returnUrl",
    )
}
_DEBTOR_FIELDS = {
    name.lower(): name
    for name in (
        "type",
        "name",
        "contactPerson",
        "companyRegistrationNumber",
        "address",
        "zipCode",
        "city",
        "state",
        "stateAlpha2",
        "countryAlpha2",
        "country",
        "email",
        "phone",
    )
}
_PREVIEW_FIELDS = {
    name.lower(): name
    for name in (
        "amountToRecover",
        "currencyCode",
        "debtor",
        "amountToRecoverOver6Months",
        "amountToRecoverOver12Months",
        "amountToRecoverOver24Months",
        "dueDate",
        "returnUrl",
    )
}
_PREVIEW_DEBTOR_FIELDS = {name.lower(): name for name in ("type", "countryAlpha2", "stateAlpha2")}
_ACTION_MESSAGES = {
    "MissingDebtCollectionContract": "Sign the Standard Debt Collection Agreement (SDCA).",
    "MissingPowerOfAttorney": "Sign a power of attorney for the collection partner.",
    "MissingKycVerification": "Complete KYC verification of your company's directors.",
}


def _squash(text: str) -> str:
    return re.sub(r"[^a-z0-9]", "", text.lower())


_LIFECYCLE_BY_SPELLING = {
    **{_squash(name): name for name in LIFECYCLE_LABELS},
    **{_squash(label): name for name, label in LIFECYCLE_LABELS.items()},
}
_COUNTRY_BY_NAME = {
    **{name.casefold(): code for code, name in COUNTRY_NAMES.items()},
    **{name.casefold(): code for name, code in COUNTRY_NAME_ALIASES.items()},
}
_US_STATE_BY_NAME = {name.casefold(): code for code, name in US_STATES.items()}


# --- validation helpers (each reports through ``add`` and returns the value or None) ----------


def _known_fields(
    raw: dict[str, Any],
    known: Mapping[str, str],
    prefix: str,
    add: Callable[[str, str], None],
) -> dict[str, Any]:
    """The object's fields under their canonical names; unknown names are errors
    (``additionalProperties: false``). Names match case-insensitively, as the API binds them."""
    values: dict[str, Any] = {}
    for key, value in raw.items():
        name = known.get(str(key).lower())
        if name is None:
            add(f"{prefix}{key}", f"'{key}' is not a known field. Remove it from the request.")
        else:
            values[name] = value
    return values


def _string(
    values: Mapping[str, Any],
    name: str,
    add: Callable[[str, str], None],
    *,
    required: bool = False,
    max_length: int | None = None,
    prefix: str = "",
) -> str | None:
    value = values.get(name)
    if value is None:
        if required:
            add(prefix + name, f"{_upper_first(name)} is required.")
        return None
    if not isinstance(value, str):
        add(prefix + name, f"{_upper_first(name)} must be a string.")
        return None
    if required and not value.strip():
        add(prefix + name, f"{_upper_first(name)} is required.")
        return None
    if max_length is not None and len(value) > max_length:
        add(prefix + name, f"{_upper_first(name)} must be at most {max_length} characters.")
        return None
    return value


def _number(
    values: Mapping[str, Any], name: str, add: Callable[[str, str], None], *, required=False
) -> Decimal | None:
    value = values.get(name)
    if value is None:
        if required:
            add(name, f"{_upper_first(name)} is required.")
        return None
    if isinstance(value, bool) or not isinstance(value, int | Decimal):
        add(name, f"{_upper_first(name)} must be a number.")
        return None
    return Decimal(value)


def _buckets(
    values: Mapping[str, Any], amount: Decimal | None, add: Callable[[str, str], None]
) -> tuple[Decimal | None, Decimal | None, Decimal | None]:
    over6 = _number(values, "amountToRecoverOver6Months", add)
    over12 = _number(values, "amountToRecoverOver12Months", add)
    over24 = _number(values, "amountToRecoverOver24Months", add)
    for name, value in (
        ("amountToRecoverOver6Months", over6),
        ("amountToRecoverOver12Months", over12),
        ("amountToRecoverOver24Months", over24),
    ):
        if value is not None and value < 0:
            add(name, f"{_upper_first(name)} cannot be negative.")
    if (over12 is None) != (over24 is None):
        add(
            "amountToRecoverOver12Months",
            "AmountToRecoverOver12Months and AmountToRecoverOver24Months must be provided "
            "together.",
        )
    if over6 is not None and (over12 is None or over24 is None):
        add(
            "amountToRecoverOver6Months",
            "AmountToRecoverOver6Months can only be provided with AmountToRecoverOver12Months "
            "and AmountToRecoverOver24Months.",
        )
    if over12 is not None and over24 is not None and over24 > over12:
        add(
            "amountToRecoverOver24Months",
            "AmountToRecoverOver24Months must be ≤ AmountToRecoverOver12Months.",
        )
    if over6 is not None and over12 is not None and over12 > over6:
        add(
            "amountToRecoverOver6Months",
            "AmountToRecoverOver6Months must be ≥ AmountToRecoverOver12Months.",
        )
    if amount is not None:
        for name, value in (
            ("amountToRecoverOver6Months", over6),
            ("amountToRecoverOver12Months", over12),
            ("amountToRecoverOver24Months", over24),
        ):
            if value is not None and value > amount:
                add(name, f"{_upper_first(name)} must be ≤ AmountToRecover.")
    return over6, over12, over24


def _date(
    values: Mapping[str, Any], name: str, add: Callable[[str, str], None], *, required=False
) -> date | None:
    value = values.get(name)
    if value is None:
        if required:
            add(name, f"{_upper_first(name)} is required.")
        return None
    if isinstance(value, str):
        parsed = _parse_day(value)
        if parsed is not None:
            return parsed
    add(name, f"{_upper_first(name)} must be a date (YYYY-MM-DD or an ISO 8601 date-time).")
    return None


def _parse_day(text: str) -> date | None:
    text = text.strip()
    if text.endswith(("Z", "z")):
        text = text[:-1] + "+00:00"
    text = re.sub(r"(\.\d{6})\d+", r"\1", text)
    try:
        return datetime.fromisoformat(text).date()
    except ValueError:
        return None


def _flag(values: Mapping[str, Any], name: str, add: Callable[[str, str], None]) -> bool:
    value = values.get(name)
    if value is None:
        return False
    if not isinstance(value, bool):
        add(name, f"{_upper_first(name)} must be true or false.")
        return False
    return value


def _uuid(values: Mapping[str, Any], name: str, add: Callable[[str, str], None]) -> str | None:
    value = values.get(name)
    if value is None:
        return None
    try:
        return str(uuid.UUID(str(value)))
    except ValueError:
        add(name, f"{_upper_first(name)} must be a GUID.")
        return None


def _country_by_name(name: str) -> str | None:
    return _COUNTRY_BY_NAME.get(name.strip().casefold())


def _us_state(value: str) -> str | None:
    """ "CA", "US-CA" or "California" → "CA"."""
    text = value.strip()
    upper = text.upper()
    if upper.startswith("US-"):
        upper = upper[3:]
    if upper in US_STATES:
        return upper
    return _US_STATE_BY_NAME.get(text.casefold())


def _upper_first(name: str) -> str:
    return name[:1].upper() + name[1:]


def _words(name: str) -> str:
    return {"zipCode": "postcode (zipCode)"}.get(
        name, re.sub(r"(?<!^)([A-Z])", r" \1", name).lower()
    )


def _decimal_or_none(text: str) -> Decimal | None:
    try:
        number = Decimal(text.strip())
    except ArithmeticError:
        return None
    return number if number.is_finite() else None


def _int_arg(request: Request, name: str, default: int) -> int:
    value = (request.arg(name) or "").strip()
    if not value:
        return default
    try:
        return int(value)
    except ValueError:
        message = f"The value '{value}' is not valid for {name}."
        raise HTTPError(400, "InvalidQuery", message) from None


_SORT_KEYS: dict[str, Callable[[_StoredCase], Any]] = {
    "datecreated": lambda case: case.created,
    "dateupdated": lambda case: case.updated or case.created,
    "date": lambda case: case.date,
    "duedate": lambda case: case.due_date or date.min,
    "grossamount": lambda case: case.amount,
    "remainder": lambda case: case.amount - case.paid,
    "lifecycle": lambda case: case.lifecycle,
    "closecode": lambda case: case.close_code or "",
}


def _sorted_cases(cases: list[_StoredCase], sort: str) -> list[_StoredCase]:
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


def _base_fee(
    country: str, currency: str, amount: Decimal, rates: Mapping[str, Decimal]
) -> Decimal:
    usd = amount / rates.get(currency, Decimal(1))
    tiers = EUROPE_FEE_TIERS if country in EUROPE else WORLD_FEE_TIERS
    for limit, fee in tiers:
        if limit is None or usd < limit:
            return fee
    return tiers[-1][1]


def _partner_name(country: str) -> str:
    return PARTNERS.get(country) or f"{COUNTRY_NAMES.get(country, country)} Collection Partner"


def _partner_id(country: str) -> str:
    return str(uuid.uuid5(uuid.NAMESPACE_OID, f"debitura-sandbox-partner-{country}"))


def _jurisdiction_id(country: str, state: str | None) -> int:
    codes = sorted(COUNTRY_NAMES)
    number = (codes.index(country) + 1) * 100
    if state:
        number += sorted(US_STATES).index(state) + 1
    return number


def _business_error(kind: str, message: str, solution_url: str | None = None) -> dict[str, Any]:
    return {"type": kind, "message": message, "solutionUrl": solution_url}


def _timestamp(moment: datetime | None) -> str | None:
    if moment is None:
        return None
    return moment.astimezone(UTC).isoformat(timespec="milliseconds").replace("+00:00", "Z")


def _day_timestamp(day: date | None) -> str | None:
    return f"{day.isoformat()}T00:00:00" if day is not None else None


__all__ = [
    "ACTIVE",
    "ADVANCE_TARGETS",
    "CLOSED",
    "DEFAULT_NO_PARTNER_COUNTRIES",
    "LIFECYCLE_LABELS",
    "NO_PARTNER_MESSAGE",
    "PENDING_CONTRACT_SIGNING",
    "PENDING_VERIFICATION",
    "SANDBOX_API_KEY",
    "DebituraFaults",
    "DebituraSandbox",
    "DebituraSandboxConfig",
    "serve",
]
