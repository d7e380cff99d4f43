"""A local Debitura Customer API: create, preview, find, list and advance collection cases.

It speaks the wire format of ``specs/debitura-api.md`` and the Customer API's OpenAPI document
over real HTTP, on top of ``sandbox.http.SandboxServer``, and validates like the real API
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
* ``GET /me``: the creditor of the key (``CreditorMeApiDTO``); 401 for a wrong key.
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
This module is the routes only (see ``sandbox/__init__.py`` for the rest).
"""

from __future__ import annotations

import math
import threading
import uuid
from collections.abc import Mapping
from decimal import Decimal
from typing import Any

from sandbox import debitura_rules as rules
from sandbox import debitura_story as story
from sandbox import faults as fault_actions
from sandbox.debitura_cases import (
    ADVANCE_TARGETS,
    PENDING_CONTRACT_SIGNING,
    PENDING_VERIFICATION,
    Case,
    CaseBook,
    StoredAnswer,
    advance,
    parse_statuses,
    sorted_cases,
)
from sandbox.debitura_chats import ChatRoutes
from sandbox.debitura_config import (
    SANDBOX_API_KEY,
    SANDBOX_CREDITOR_NAME,
    DebituraFaults,
    DebituraSandboxConfig,
)
from sandbox.debitura_files import MAX_UPLOAD_BODY_BYTES, FileRoutes
from sandbox.debitura_validation import decimal_or_none, validate_create, validate_preview
from sandbox.http import CONTROL, HTTPError, Request, Response, Route, SandboxServer

__all__ = [
    "SANDBOX_API_KEY",
    "SANDBOX_CREDITOR_NAME",
    "DebituraFaults",
    "DebituraSandbox",
    "DebituraSandboxConfig",
]

MAX_PAGE_SIZE = 100
DEFAULT_PAGE_SIZE = 10
MAX_IDEMPOTENCY_KEY_LENGTH = 255
SIGNED_PAGE = (
    "<!DOCTYPE html><html><head><title>Signed</title></head><body><h1>Signed in the Debitura "
    "sandbox</h1><p>You can close this tab and send the case again.</p></body></html>"
)
# ``stats_snapshot()["cases"]``: each figure and the counter it reads.
_CASE_COUNTERS = {
    "created": "cases_created",
    "create_calls": "create_calls",
    "replays": "idempotent_replays",
    "idempotency_conflicts": "idempotency_conflicts",
    "validation_errors": "validation_errors",
    "business_errors": "business_errors",
    "dropped_after_store": "fault.drop_after_store",
}


class DebituraSandbox(SandboxServer):
    """The Debitura sandbox server. ``start()``/``stop()`` or use it as a context manager."""

    config_class = DebituraSandboxConfig
    config: DebituraSandboxConfig
    faults_class = DebituraFaults
    faults: DebituraFaults
    max_body_bytes = MAX_UPLOAD_BODY_BYTES  # a 25 MB file must reach the route to be judged

    def __init__(
        self, config: DebituraSandboxConfig | None = None, faults: DebituraFaults | None = None
    ) -> None:
        super().__init__(config, faults)
        self._lock = threading.RLock()
        self._book = CaseBook(self.config.seed)
        for method, pattern, handler in (
            ("GET", "/me", self._me),
            ("POST", "/cases", self._create),
            ("GET", "/cases", self._list),
            ("POST", "/cases/preview", self._preview),
            ("GET", "/cases/by-creditor-reference/{creditorReference}", self._by_creditor_ref),
            ("GET", "/cases/case-reference/{caseReference}", self._by_case_ref),
            ("GET", "/cases/{id}", self._get),
            ("GET", "/contracts/debt-collection/status", self._contract_status),
            ("GET", "/tasks", self._tasks),
            ("GET", "/cases/{id}/validation", self._validation),
            ("GET", "/cases/{id}/payments", self._payments),
            ("POST", "/test/cases/{id}/advance", self._advance),
            ("DELETE", "/test/cases/{id}", self._delete_test_case),
            ("DELETE", "/test/cases", self._delete_test_cases),
        ):
            self.route(method, pattern, handler)
        self.route("GET", "/sign/{document}", self._sign, kind=CONTROL)
        self.chats = ChatRoutes(self)  # GET /users, GET and POST /cases/{id}/chats
        self.files = FileRoutes(self)  # GET and POST /cases/{id}/files

    def cases(self, api_key: str | None = None) -> list[dict[str, Any]]:
        """Every stored case as the API shows it (``InvoiceDto``), in creation order."""
        with self._lock:
            return [c.to_api() for c in self._book.cases.values() if api_key in (None, c.owner)]

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
        self.chats.clear()
        self.files.clear()
        self.stats.reset()

    def stats_snapshot(self) -> dict[str, Any]:
        snapshot = self.stats.snapshot()
        counters = snapshot["counters"]
        with self._lock:
            figures = {"stored": len(self._book.cases)}
        figures.update({name: counters.get(key, 0) for name, key in _CASE_COUNTERS.items()})
        snapshot["cases"] = figures
        return snapshot

    def error_response(self, status: int, error: str, message: str, headers=()) -> Response:
        """``ApiErrorResponseDto``: the legacy ``error``/``message`` and ``businessErrors``."""
        errors = [rules.business_error(error, message)]
        body = {"error": error, "message": message, "businessErrors": errors}
        return Response.json(body, status, headers)

    def faults_apply(self, route: Route) -> bool:
        """The generic knobs pick only the routes ``faults_only_on`` names (all when empty)."""
        targets = {target.strip().lower() for target in self.faults.faults_only_on}
        aimed = not targets or route.key.lower() in targets or route.pattern.lower() in targets
        return aimed and super().faults_apply(route)

    def authenticate(self, request: Request) -> str:
        """The API key (``XApiKey``): each is one creditor, the owner of its cases."""
        key = request.headers.get("XApiKey", "").strip()
        if not key or key not in self.config.api_keys:
            self.stats.incr("unauthorized")
            message = "The API key is missing or invalid. Send a valid key in the XApiKey header."
            raise HTTPError(401, "Unauthorized", message)
        return key

    def _validation_response(self, field_errors: Mapping[str, list[str]]) -> Response:
        if self.config.validation_error_shape == "fields":
            return Response.json(dict(field_errors), 400)
        return _validation_failed(field_errors)

    def _business_response(self, errors: list[dict[str, Any]]) -> Response:
        handoff = None
        if any(error.get("solutionUrl") for error in errors):
            handoff = {"combinedSigningUrl": rules.combined_signing_url(self.root_url)}
        return Response.json({"businessErrors": errors, "signingHandoff": handoff}, 422)

    def _me(self, request: Request, owner: str) -> Response:
        # A stable id per key: each key is one creditor.
        creditor_id = str(uuid.uuid5(uuid.NAMESPACE_URL, f"debitura-sandbox:{owner}"))
        return Response.json({"id": creditor_id, "companyName": self.config.creditor_name})

    def _create(self, request: Request, owner: str) -> Response | None:
        self.stats.incr("create_calls")
        failures = self.faults.fail_next_creates
        if failures and self.faults.tick("fail_next_creates") <= failures:
            self.stats.incr("fault.create_failed")
            return self.fault_response(fault_actions.SERVER_ERROR)
        key = request.headers.get("Idempotency-Key", "").strip()
        if len(key) > MAX_IDEMPOTENCY_KEY_LENGTH:
            limit = f"at most {MAX_IDEMPOTENCY_KEY_LENGTH} characters"
            message = f"The Idempotency-Key header may be {limit}."
            return self._validation_response({"Idempotency-Key": [message]})
        body = request.json()
        with self._lock:
            stored = self._book.answers.get((owner, key)) if key else None
            if stored is not None and stored.request_body == body:
                self.stats.incr("idempotent_replays")
                replayed = (("Idempotent-Replayed", "true"),)
                return Response(stored.status, stored.body, headers=replayed)
            if stored is not None:
                self.stats.incr("idempotency_conflicts")
                message = (
                    "The Idempotency-Key has already been used with a different request body. "
                    "Use a new key for a different request."
                )
                error = rules.business_error("IdempotencyConflict", message)
                return self._business_response([error])
            field_errors, claim = validate_create(body, self.config)
            if field_errors or claim is None:
                self.stats.incr("validation_errors")
                return self._validation_response(field_errors)  # never stored against the key
            reference = claim.creditor_reference
            duplicate = bool(reference and self._book.by_creditor_reference(owner, reference))
            if self.faults.skip_duplicate_reference_check:
                duplicate = False
            errors, pending_url = rules.refusals(
                claim, duplicate, self.config, self.faults, self.root_url
            )
            case = None
            if errors:
                self.stats.incr("business_errors")
                response = self._business_response(errors)
            else:
                fee, uplift = rules.success_fee(self.config, claim)
                case = Case(
                    owner=owner,
                    claim=claim,
                    lifecycle=PENDING_CONTRACT_SIGNING if pending_url else PENDING_VERIFICATION,
                    created=self.config.clock(),
                    partner_name=rules.partner_name(claim.country),
                    success_fee=fee,
                    blended_uplift=uplift,
                    solution_url=pending_url,
                    signing_url=rules.combined_signing_url(self.root_url) if pending_url else None,
                )
                self._book.add(case)
                self.stats.incr("cases_created")
                response = Response.json(case.to_api())
                if self.config.follow_through_story:  # after the answer: created, then moves on
                    story.tell_story(case, self.config.clock())
            if key:
                answer = StoredAnswer(body, response.status, response.body, case and case.id)
                self._book.answers[(owner, key)] = answer
        every = self.faults.drop_after_store_every
        if case and every and self.faults.tick("stored_creates") % every == 0:
            self.stats.incr("fault.drop_after_store")
            return None  # the case is stored; the connection closes unanswered
        return response

    def _preview(self, request: Request, owner: str) -> Response:
        errors, preview = validate_preview(request.json(), self.config)
        if preview is None:
            self.stats.incr("validation_errors")
            return _validation_failed(errors)
        result = rules.preview_result(preview, self.config, self.faults, self.root_url)
        return Response.json({"result": result})

    def _list(self, request: Request, owner: str) -> Response:
        page = request.int_arg("page", 1, error="InvalidQuery")
        size = request.int_arg("pageSize", DEFAULT_PAGE_SIZE, error="InvalidQuery")
        if page < 1:
            raise HTTPError(400, "InvalidQuery", "Page must be 1 or more.")
        if not 1 <= size <= MAX_PAGE_SIZE:
            raise HTTPError(400, "InvalidQuery", f"PageSize must be between 1 and {MAX_PAGE_SIZE}.")
        statuses = parse_statuses(request.arg("statuses"))
        ids = {part.strip().lower() for part in request.arg("ids").split(",") if part.strip()}
        with self._lock:
            rows = [
                case
                for case in self._book.cases.values()
                if case.owner == owner
                and (not statuses or case.lifecycle in statuses)
                and (not ids or case.id in ids)
            ]
            rows = sorted_cases(rows, request.arg("sort"))
            window = [case.to_api() for case in rows[(page - 1) * size : page * size]]
        paging = {
            "totalResults": len(rows),
            "pageSize": size,
            "currentPage": page,
            "responseCount": len(window),
            "totalPages": math.ceil(len(rows) / size),
        }
        return Response.json({"page": paging, "cases": window})

    def _get(self, request: Request, owner: str) -> Response:
        case_id = request.params["id"].strip().lower()
        try:
            uuid.UUID(case_id)
        except ValueError:
            raise HTTPError(400, "InvalidId", "The case ID must be a GUID.") from None
        return Response.json(self._owned(owner, case_id).to_api())

    def _by_creditor_ref(self, request: Request, owner: str) -> Response:
        reference = request.params["creditorReference"]
        if not reference.strip():
            raise HTTPError(400, "InvalidReference", "The creditor reference is empty.")
        with self._lock:
            case = self._book.by_creditor_reference(owner, reference)
            if case is None:
                message = f"No case found with creditor reference '{reference}'."
                raise HTTPError(404, "NotFound", message)
            return Response.json(case.to_api())

    def _by_case_ref(self, request: Request, owner: str) -> Response:
        with self._lock:
            case = self._book.by_reference(request.params["caseReference"].strip().upper())
            if case is None or case.owner != owner:
                raise HTTPError(404, "NotFound", "Case not found.")
            return Response.json(case.to_api())

    def _owned(self, owner: str, case_id: str) -> Case:
        with self._lock:
            case = self._book.cases.get(case_id.strip().lower())
        if case is None or case.owner != owner:
            message = "Case not found, deleted, or does not belong to your account."
            raise HTTPError(404, "NotFound", message)
        return case

    def _contract_status(self, request: Request, owner: str) -> Response:
        return Response.json(story.contract_status(self.faults, self.root_url))

    def _tasks(self, request: Request, owner: str) -> Response:
        status = request.arg("status") or "Open"
        if status.lower() not in ("open", "solved"):
            raise HTTPError(400, "InvalidQuery", "status must be Open or Solved.")
        page = request.int_arg("Page", 1, error="InvalidQuery")
        size = request.int_arg("PageSize", DEFAULT_PAGE_SIZE, error="InvalidQuery")
        if page < 1 or not 1 <= size <= MAX_PAGE_SIZE:
            raise HTTPError(
                400, "InvalidQuery", f"Page must be 1 or more, PageSize 1 to {MAX_PAGE_SIZE}."
            )
        with self._lock:
            mine = [case for case in self._book.cases.values() if case.owner == owner]
            tasks = story.open_tasks(mine, self.faults, self.root_url)
        tasks = tasks if status.lower() == "open" else []  # solved tasks are not kept
        window = tasks[(page - 1) * size : page * size]
        paging = {
            "totalResults": len(tasks),
            "pageSize": size,
            "currentPage": page,
            "responseCount": len(window),
            "totalPages": math.ceil(len(tasks) / size),
        }
        return Response.json({"page": paging, "tasks": window})

    def _validation(self, request: Request, owner: str) -> Response:
        with self._lock:
            case = self._owned_by_id(request, owner)
        has_files = bool(self.files.files(case.id))
        return Response.json(story.validation(case, has_files=has_files))

    def _payments(self, request: Request, owner: str) -> Response:
        with self._lock:
            return Response.json(list(self._owned_by_id(request, owner).payments))

    def _owned_by_id(self, request: Request, owner: str) -> Case:
        case_id = request.params["id"].strip().lower()
        try:
            uuid.UUID(case_id)
        except ValueError:
            raise HTTPError(400, "InvalidId", "The case ID must be a GUID.") from None
        return self._owned(owner, case_id)

    def _advance(self, request: Request, owner: str) -> Response:
        body = request.json(empty={})
        if not isinstance(body, dict):
            raise HTTPError(400, "InvalidRequest", "Send a JSON object with 'to'.")
        lowered = {str(key).lower(): value for key, value in body.items()}
        if unknown := set(lowered) - {"to", "amount"}:
            message = f"Unknown field(s): {', '.join(sorted(unknown))}."
            raise HTTPError(400, "InvalidRequest", message)
        given = lowered.get("to") or request.arg("to") or ""
        target = next((t for t in ADVANCE_TARGETS if t.lower() == str(given).strip().lower()), None)
        if target is None:
            targets = ", ".join(ADVANCE_TARGETS)
            message = f"'{given}' is not a valid target. Use one of: {targets}."
            raise HTTPError(400, "InvalidTarget", message)
        amount = lowered.get("amount", request.arg("amount") or None)
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
            return Response.json({"advanced": advanced, "state": case.state})

    def _delete_test_case(self, request: Request, owner: str) -> Response:
        with self._lock:
            case = self._owned(owner, request.params["id"])
            if not case.claim.is_test:
                raise HTTPError(400, "NotATestCase", "Only test cases can be deleted.")
            self._book.forget([case])
        return Response.empty(204)

    def _delete_test_cases(self, request: Request, owner: str) -> Response:
        tag = request.arg("tag")
        if not tag:
            raise HTTPError(400, "TagRequired", "The tag query parameter is required.")
        with self._lock:
            cases = self._book.cases.values()
            matched = [case for case in cases if case.owner == owner and case.claim.tag == tag]
            if any(not case.claim.is_test for case in matched):
                message = "The tag matches a production case; nothing was deleted."
                raise HTTPError(400, "ProductionCase", message)
            self._book.forget(matched)
        return Response.empty(204)

    def _sign(self, request: Request) -> Response:
        knobs = rules.knobs_signed_by(request.params["document"].lower())
        if knobs is None:
            raise HTTPError(404, "NotFound", "No such document.")
        self.faults.update(**knobs)
        return Response.html(SIGNED_PAGE)


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
    return Response.json(body, 400)


# Start one running (the caller shows ``server.url`` and ``SANDBOX_API_KEY``).
serve = DebituraSandbox.serve
