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

This module is the routes only: ``sandbox.debitura_validation`` checks the bodies,
``sandbox.debitura_rules`` decides (refusals, fees, partners, previews) and
``sandbox.debitura_cases`` keeps the cases and their lifecycle.
"""

from __future__ import annotations

import math
import threading
import uuid
from collections.abc import Callable, Iterable, Mapping
from decimal import Decimal
from typing import Any

from sandbox import debitura_rules as rules
from sandbox import faults as fault_actions
from sandbox.debitura_cases import (
    ACTIVE,
    ADVANCE_TARGETS,
    CLOSED,
    LIFECYCLE_LABELS,
    PENDING_CONTRACT_SIGNING,
    PENDING_VERIFICATION,
    Case,
    CaseBook,
    Claim,
    StoredAnswer,
    advance,
    parse_statuses,
    sorted_cases,
)
from sandbox.debitura_config import (
    DEFAULT_NO_PARTNER_COUNTRIES,
    SANDBOX_API_KEY,
    DebituraFaults,
    DebituraSandboxConfig,
)
from sandbox.debitura_rules import NO_PARTNER_MESSAGE
from sandbox.debitura_validation import decimal_or_none, validate_create, validate_preview
from sandbox.faults import FaultDecision
from sandbox.http import (
    CONTROL,
    DATA,
    DROP_CONNECTION,
    ConfiguredSandbox,
    HTTPError,
    Request,
    Response,
    empty_response,
    json_response,
    text_response,
)

MAX_PAGE_SIZE = 100
DEFAULT_PAGE_SIZE = 10
MAX_IDEMPOTENCY_KEY_LENGTH = 255


class _DroppedAfterStore(Response):
    """A handler's way to say "the work is done; now drop the connection unanswered"."""

    __slots__ = ()


class DebituraSandbox(ConfiguredSandbox):
    """The Debitura sandbox server. ``start()``/``stop()`` or use it as a context manager."""

    base_path = ""
    case_insensitive_paths = True
    config_class = DebituraSandboxConfig
    config: DebituraSandboxConfig
    faults_class = DebituraFaults
    faults: DebituraFaults
    server_name = "debitura-sandbox"

    def __init__(
        self, config: DebituraSandboxConfig | None = None, faults: DebituraFaults | None = None
    ) -> None:
        super().__init__(config, faults)
        self._lock = threading.RLock()
        self._book = CaseBook(self.config.seed)

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
                for case in self._book.cases.values()
                if api_key is None or case.owner == api_key
            ]

    def case_by_reference(
        self, creditor_reference: str, api_key: str | None = None
    ) -> dict[str, Any] | None:
        """The stored case with this creditor reference (any API key unless one is given)."""
        with self._lock:
            case = self._book.by_creditor_reference(api_key, creditor_reference)
            return case.to_api() if case is not None else None

    def reset(self) -> None:
        """Forget every case and stored answer, and zero the statistics."""
        with self._lock:
            self._book.clear()
        self.stats.reset()

    def stats_snapshot(self) -> dict[str, Any]:
        snapshot = self.stats.snapshot()
        counters = snapshot["counters"]
        with self._lock:
            stored = len(self._book.cases)
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
            "businessErrors": [rules.business_error(error, message)],
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

    def _validation_response(self, field_errors: Mapping[str, list[str]]) -> Response:
        if self.config.validation_error_shape == "fields":
            return json_response(dict(field_errors), 400)
        return _validation_failed(field_errors)

    def _business_response(self, errors: list[dict[str, Any]]) -> Response:
        signing = [e["solutionUrl"] for e in errors if e.get("solutionUrl")]
        handoff = (
            {"combinedSigningUrl": rules.combined_signing_url(self.root_url)} if signing else None
        )
        return json_response({"businessErrors": errors, "signingHandoff": handoff}, 422)

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
            stored = self._book.answers.get((owner, key)) if key else None
            if stored is not None:
                if stored.request_body == body:
                    self.stats.incr("idempotent_replays")
                    return Response(
                        stored.status, stored.body, headers=(("Idempotent-Replayed", "true"),)
                    )
                self.stats.incr("idempotency_conflicts")
                message = (
                    "The Idempotency-Key has already been used with a different request body. "
                    "Use a new key for a different request."
                )
                return self._business_response(
                    [rules.business_error("IdempotencyConflict", message)]
                )
            field_errors, claim = validate_create(body, self.config)
            if field_errors or claim is None:
                self.stats.incr("validation_errors")
                return self._validation_response(field_errors)  # never stored against the key
            reference = claim.creditor_reference
            errors, pending_url = rules.refusals(
                claim,
                duplicate=bool(reference and self._book.by_creditor_reference(owner, reference)),
                config=self.config,
                faults=self.faults,
                root_url=self.root_url,
            )
            if errors:
                self.stats.incr("business_errors")
                response = self._business_response(errors)
                if key:
                    self._book.answers[(owner, key)] = StoredAnswer(body, 422, response.body, None)
                return response
            case = self._store(owner, claim, key, pending_url)
            response = json_response(case.to_api())
            if key:
                self._book.answers[(owner, key)] = StoredAnswer(body, 200, response.body, case.id)
        every = self.faults.drop_after_store_every
        if every and self.faults.tick("stored_creates") % every == 0:
            self.stats.incr("fault.drop_after_store")
            return _DroppedAfterStore(status="dropped")  # type: ignore[arg-type]
        return response

    def _store(self, owner: str, claim: Claim, key: str, pending_url: str | None) -> Case:
        now = self.config.clock()
        sequence = self._book.next_sequence()
        fee, uplift = rules.success_fee(
            self.config, claim.country, claim.currency, claim.amount, claim.due_date, claim.buckets
        )
        case = Case(
            id=self._book.new_id(),
            reference=self._book.new_reference(),
            owner=owner,
            sequence=sequence,
            claim=claim,
            lifecycle=PENDING_CONTRACT_SIGNING if pending_url else PENDING_VERIFICATION,
            created=now,
            partner_id=rules.partner_id(claim.country),
            partner_name=rules.partner_name(claim.country),
            success_fee=fee,
            blended_uplift=uplift,
            solution_url=pending_url,
            signing_url=rules.combined_signing_url(self.root_url) if pending_url else None,
            idempotency_key=key,
        )
        self._book.add(case)
        self.stats.incr("cases_created")
        return case

    # --- POST /cases/preview ------------------------------------------------------------------

    def _preview(self, request: Request, owner: str) -> Response:
        errors, preview = validate_preview(request.json(), self.config)
        if preview is None:
            self.stats.incr("validation_errors")
            return _validation_failed(errors)
        result = rules.preview_result(
            preview, config=self.config, faults=self.faults, root_url=self.root_url
        )
        return json_response({"result": result})

    # --- reads ---------------------------------------------------------------------------------

    def _list(self, request: Request, owner: str) -> Response:
        page = request.int_arg("page", 1, error="InvalidQuery")
        size = request.int_arg("pageSize", DEFAULT_PAGE_SIZE, error="InvalidQuery")
        if page < 1:
            raise HTTPError(400, "InvalidQuery", "Page must be 1 or more.")
        if not 1 <= size <= MAX_PAGE_SIZE:
            raise HTTPError(400, "InvalidQuery", f"PageSize must be between 1 and {MAX_PAGE_SIZE}.")
        statuses = parse_statuses(request.arg("statuses") or "")
        ids = {
            part.strip().lower() for part in (request.arg("ids") or "").split(",") if part.strip()
        }
        with self._lock:
            rows = [
                case
                for case in self._book.cases.values()
                if case.owner == owner
                and (not statuses or case.lifecycle in statuses)
                and (not ids or case.id in ids)
            ]
            rows = sorted_cases(rows, request.arg("sort") or "")
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
            case = self._book.by_creditor_reference(owner, reference)
            if case is None:
                raise HTTPError(
                    404, "NotFound", f"No case found with creditor reference '{reference}'."
                )
            return json_response(case.to_api())

    def _get_by_ref(self, request: Request, owner: str) -> Response:
        with self._lock:
            case = self._book.by_reference(request.params["caseReference"].strip().upper())
            if case is None or case.owner != owner:
                raise HTTPError(404, "NotFound", "Case not found.")
            return json_response(case.to_api())

    def _owned(self, owner: str, case_id: str) -> Case:
        with self._lock:
            case = self._book.cases.get(case_id.strip().lower())
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
            amount = decimal_or_none(amount)
        if isinstance(amount, bool) or not isinstance(amount, int | Decimal | None):
            raise HTTPError(400, "InvalidRequest", "amount must be a number.")
        with self._lock:
            case = self._owned(owner, request.params["id"])
            if self.config.advance_requires_test_case and not case.claim.is_test:
                raise HTTPError(400, "NotATestCase", "Only test cases (isTest) can be advanced.")
            if target == "Closed:Paid" and (amount is None or Decimal(amount) <= 0):
                raise HTTPError(400, "AmountRequired", "Closed:Paid needs a positive amount.")
            amount = Decimal(amount) if amount else None
            advanced = advance(case, target, amount, self.config.clock())
            return json_response({"advanced": advanced, "state": case.state})

    def _delete_test_case(self, request: Request, owner: str) -> Response:
        with self._lock:
            case = self._owned(owner, request.params["id"])
            if not case.claim.is_test:
                raise HTTPError(400, "NotATestCase", "Only test cases can be deleted.")
            self._book.forget([case])
        return empty_response(204)

    def _delete_test_cases(self, request: Request, owner: str) -> Response:
        tag = (request.arg("tag") or "").strip()
        if not tag:
            raise HTTPError(400, "TagRequired", "The tag query parameter is required.")
        with self._lock:
            matched = [
                case
                for case in self._book.cases.values()
                if case.owner == owner and case.claim.tag == tag
            ]
            if any(not case.claim.is_test for case in matched):
                raise HTTPError(
                    400,
                    "ProductionCase",
                    "The tag matches a production case; nothing was deleted.",
                )
            self._book.forget(matched)
        return empty_response(204)

    # --- signing -------------------------------------------------------------------------------

    def _sign(self, request: Request) -> Response:
        knobs = rules.knobs_signed_by(request.params["document"].lower())
        if knobs is None:
            raise HTTPError(404, "NotFound", "No such document.")
        self.faults.update(**knobs)
        return text_response(
            "<!DOCTYPE html><html><head><title>Signed</title></head><body><h1>Signed in the "
            "Debitura sandbox</h1><p>You can close this tab and send the case again.</p>"
            "</body></html>",
            200,
            "text/html",
        )


def _validation_failed(field_errors: Mapping[str, list[str]]) -> Response:
    """A 400 ``ApiErrorResponseDto``: the first message, and every error as a business error."""
    first = next((messages[0] for messages in field_errors.values() if messages), "")
    body = {
        "error": "ValidationFailed",
        "message": first or "One or more validation errors occurred.",
        "businessErrors": [
            rules.business_error(name, message)
            for name, messages in field_errors.items()
            for message in messages
        ],
    }
    return json_response(body, 400)


# Start one running (the caller shows ``server.url`` and ``SANDBOX_API_KEY``).
serve = DebituraSandbox.serve

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
