"""What a Debitura sandbox is told: its fixed config and its runtime fault knobs."""

from __future__ import annotations

from collections.abc import Callable, Mapping
from dataclasses import dataclass, field
from datetime import UTC, date, datetime
from decimal import Decimal
from types import MappingProxyType
from typing import Any, ClassVar

from sandbox.debitura_data import USD_RATES
from sandbox.faults import Faults

SANDBOX_API_KEY = "sandbox-debitura-key"
# The creditor every sandbox key belongs to, as ``GET /me`` names it.
SANDBOX_CREDITOR_NAME = "Harrow & Finch Joinery Ltd (Debitura sandbox)"
DEFAULT_NO_PARTNER_COUNTRIES = frozenset({"KP", "IR", "RU"})
VALIDATION_SHAPES = ("fields", "api_error")


def _utc_now() -> datetime:
    return datetime.now(UTC)


@dataclass(frozen=True)
class DebituraSandboxConfig:
    """Everything fixed for a server's life. Defaults behave like Debitura as documented."""

    host: str = "127.0.0.1"
    port: int = 0  # 0 = a free port
    api_keys: frozenset[str] = frozenset({SANDBOX_API_KEY})  # each key is one creditor
    creditor_name: str = SANDBOX_CREDITOR_NAME  # GET /me's companyName, for every key
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
    # Each new case moves on by itself once created (see sandbox.debitura_story), so a demo
    # shows cases that wait, need details, are part paid and are paid.
    follow_through_story: bool = False

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
        # POST /cases/{id}/chats: the next N answer 500 before storing; every Nth stored message
        # loses its connection before the answer (stored, unseen).
        "fail_next_chats": 0,
        "drop_after_chat_every": 0,
        # POST /cases/{id}/files: the next N answer 500 before storing; every Nth stored file
        # loses its connection before the answer (stored, unseen).
        "fail_next_uploads": 0,
        "drop_after_file_every": 0,
        # The creditor's contract state. Unsigned SDCA/PoA: 422, or PendingContractSigning with
        # allowPendingContracts. Missing KYC: 422 always. Blocked: 422 CreditorBlocked.
        "missing_contract": False,
        "missing_power_of_attorney": False,
        "missing_kyc": False,
        "creditor_blocked": False,
        # Accept a creditorReference already used (no 422 DuplicateReference): a Debitura
        # that would not stop a second case, so a test sees whether the app alone sends once.
        "skip_duplicate_reference_check": False,
    }
