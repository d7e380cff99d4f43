"""Debitura Customer API client: who the key belongs to; create, preview, find and list cases.

One ``DebituraClient`` per configuration (API key + base URL); no module-level state. Every call
passes through ``_request``: the ``XApiKey`` header, JSON in and out with exact decimals,
retries for transient failures (the same bytes and the same ``Idempotency-Key`` each time), and
one translation of error answers into ``debitura.errors``. The API key lives on this object
only; it is never logged, never put in a URL and never shown in an error or a repr.
"""

from __future__ import annotations

import logging
import time
from collections.abc import Callable, Iterable, Mapping
from typing import Any

import requests

from debitura.chats import MAX_CHAT_MESSAGE_LENGTH, Chat, TeamMember
from debitura.errors import (
    AuthenticationFailed,
    BusinessError,
    DebituraError,
    DebituraUnavailable,
    NotFound,
    RequestRejected,
    UnexpectedResponse,
    business_errors,
    business_rule_violation,
    classify,
    field_errors_from,
    validation_failed,
)
from debitura.follow_through import (
    CaseFile,
    CaseValidation,
    ContractStatus,
    Payment,
    Task,
)
from debitura.models import Case, Creditor, Preview, lifecycle_name
from debitura.transport import ApiResponse, Transport
from debitura.upload import DOCUMENT_TYPES, MAX_FILE_BYTES, ORIGINAL_INVOICE, multipart_body
from httpretry import (
    DEFAULT_ATTEMPT_DEADLINE,
    RetryPolicy,
    UnusablePathSegment,
    new_session,
    path_segment,
)
from jsonwire.encoding import dumps
from jsonwire.fields import Fields

log = logging.getLogger(__name__)

DEFAULT_BASE_URL = "https://customer-api.debitura.com"
DEFAULT_TIMEOUT = (5.0, 30.0)  # connect, read (seconds)
DEFAULT_RETRY = RetryPolicy()
# The most one answer may inflate to: a page of 100 cases is well under 1 MB.
DEFAULT_MAX_ANSWER_BYTES = 8 * 1024 * 1024
MAX_PAGE_SIZE = 100  # the API's documented maximum for GET /cases
MAX_IDEMPOTENCY_KEY_LENGTH = 255
LIST_SORT = "DateCreated:asc"  # oldest first: cases created while paging land on later pages
_MAX_PAGES = 10_000
_AGE_BUCKETS = (
    "amountToRecoverOver6Months",
    "amountToRecoverOver12Months",
    "amountToRecoverOver24Months",
)
_OUTCOME_UNKNOWN = (
    " The case may have been created at Debitura even so: look it up by its creditor "
    "reference before sending it again."
)


class DebituraClient:
    """A Debitura Customer API connection for one creditor API key.

    ``attempt_deadline`` (seconds) bounds one HTTP attempt from sending to the last byte of the
    answer, ``retry.total_seconds`` all attempts of one call; ``max_answer_bytes`` is the most
    one answer may inflate to.

    >>> client = DebituraClient("secret-key", base_url="http://localhost:9/")
    >>> client
    DebituraClient(base_url='http://localhost:9')
    """

    def __init__(
        self,
        api_key: str,
        *,
        base_url: str = DEFAULT_BASE_URL,
        session: requests.Session | None = None,
        timeout: tuple[float, float] | float = DEFAULT_TIMEOUT,
        retry: RetryPolicy | None = None,
        sleep: Callable[[float], None] = time.sleep,
        attempt_deadline: float = DEFAULT_ATTEMPT_DEADLINE,
        max_answer_bytes: int = DEFAULT_MAX_ANSWER_BYTES,
    ) -> None:
        if not isinstance(api_key, str) or not api_key.strip():
            raise ValueError("A Debitura API key is needed (DEBITURA_API_KEY).")
        self.__api_key = api_key.strip()
        self.base_url = base_url.rstrip("/")
        self._owns_session = session is None
        if session is None:
            session = new_session(base_url=self.base_url, pool_maxsize=10)
        self._session = session
        self._transport = Transport(
            session,
            timeout=timeout,
            retry=retry or DEFAULT_RETRY,
            sleep=sleep,
            attempt_deadline=attempt_deadline,
            max_answer_bytes=max_answer_bytes,
        )

    def __repr__(self) -> str:
        return f"DebituraClient(base_url={self.base_url!r})"

    def close(self) -> None:
        """Close the HTTP session if this client created it."""
        if self._owns_session:
            self._session.close()

    def __enter__(self) -> DebituraClient:
        return self

    def __exit__(self, *exc_info: object) -> None:
        self.close()

    @property
    def requests_sent(self) -> int:
        """HTTP attempts made so far, retries included."""
        return self._transport.requests_sent

    # -- the account ---------------------------------------------------------------------------

    def me(self) -> Creditor:
        """``GET /me``: the creditor account this API key belongs to; changes nothing, so it
        is how a key is checked before it is used.

        Raises ``AuthenticationFailed`` for a key Debitura refuses (or that names no
        creditor), ``UnexpectedResponse`` for an answer without a company name, and
        ``DebituraUnavailable`` when Debitura cannot be reached.
        """
        try:
            response = self._request("GET", "me")
        except NotFound as error:  # 404 "Creditor not found": the key names no account
            raise AuthenticationFailed(
                status=error.status, url=error.url, api_message=error.api_message
            ) from None
        payload = response.payload if response is not None else None
        creditor = Creditor.from_api(payload) if isinstance(payload, Mapping) else None
        if creditor is None or not creditor.company_name:
            raise UnexpectedResponse(
                "Debitura's answer names no creditor company.",
                status=getattr(response, "status", None),
                url=getattr(response, "url", None),
            )
        return creditor

    # -- cases ---------------------------------------------------------------------------------

    def create_case(self, payload: Mapping[str, Any], *, idempotency_key: str) -> Case:
        """``POST /cases`` with the request body exactly as built by the caller.

        ``idempotency_key`` must stay the same for every attempt at the same submission (it
        is sent unchanged on each retry): Debitura then replays its first answer instead of
        creating a second case. Raises ``ValidationFailed`` (400), a ``BusinessRuleViolation``
        subclass (422), ``AuthenticationFailed`` or ``DebituraUnavailable`` (with
        ``outcome_unknown`` set: the case may exist).
        """
        key = _checked_idempotency_key(idempotency_key)
        reference = Fields(payload).text("creditorReference")
        try:
            response = self._request(
                "POST",
                "cases",
                json_body=payload,
                headers={"Idempotency-Key": key},
                creditor_reference=reference,
                creating=True,
            )
            return _case(response)
        except DebituraUnavailable as error:
            error.outcome_unknown = True
            error.args = (str(error) + _OUTCOME_UNKNOWN,)
            raise

    def preview_case(self, payload: Mapping[str, Any]) -> Preview:
        """``POST /cases/preview`` for a create payload (or a preview body): nothing is created.

        Only what the preview accepts is sent; see ``preview_request``.
        """
        response = self._request("POST", "cases/preview", json_body=preview_request(payload))
        if not isinstance(response.payload, Mapping):
            raise UnexpectedResponse(status=response.status, url=response.url)
        return Preview.from_api(response.payload)

    def get_case(self, case_id: str) -> Case:
        """``GET /cases/{id}``; raises ``NotFound`` for an unknown id."""
        if not str(case_id).strip():
            raise ValueError("a case id is needed")
        segment = _segment(str(case_id).strip(), "case id")
        return _case(self._request("GET", f"cases/{segment}"))

    def find_case_by_creditor_reference(self, creditor_reference: str) -> Case | None:
        """``GET /cases/by-creditor-reference/{ref}``: the case, or ``None`` when there is none."""
        reference = str(creditor_reference).strip()
        if not reference:
            raise ValueError("a creditor reference is needed")
        segment = _segment(reference, "creditor reference")
        response = self._request("GET", f"cases/by-creditor-reference/{segment}", not_found_ok=True)
        if response is None:
            return None
        return _case(response)

    def list_cases(
        self, *, page_size: int = MAX_PAGE_SIZE, statuses: Iterable[str] | str | None = None
    ) -> list[Case]:
        """Every case of this creditor (``GET /cases``, all pages), oldest first.

        ``statuses`` filters by lifecycle (enum names or labels). Pages are requested until the
        envelope's totals are reached or a page brings nothing new, so a server that ignores
        ``page`` or caps ``pageSize`` cannot cause an endless loop or a short list.
        """
        size = max(1, min(int(page_size), MAX_PAGE_SIZE))
        params: dict[str, Any] = {"pageSize": size, "sort": LIST_SORT}
        if statuses:
            names = [statuses] if isinstance(statuses, str) else list(statuses)
            params["statuses"] = ",".join(lifecycle_name(name) for name in names)
        cases: list[Case] = []
        seen: set[str] = set()
        for page in range(1, _MAX_PAGES + 1):
            response = self._request("GET", "cases", params={"page": page, **params})
            rows, meta = _page_rows(response.payload)
            new = 0
            for row in rows:
                case = Case.from_api(row)
                key = case.id or f"{case.reference}|{case.creditor_reference}"
                if key in seen:
                    continue
                seen.add(key)
                cases.append(case)
                new += 1
            total_pages = _whole(meta.get("totalPages"))
            total_results = _whole(meta.get("totalResults"))
            if not rows or not new:
                break
            if total_pages is not None and page >= total_pages:
                break
            if total_results is not None and len(seen) >= total_results:
                break
        return cases

    # -- before sending and after: agreement, tasks, validation, payments, files ---------------

    def contract_status(self) -> ContractStatus:
        """``GET /contracts/debt-collection/status``: is the collection agreement signed?"""
        response = self._request("GET", "contracts/debt-collection/status")
        return ContractStatus.from_api(_object(response))

    def open_tasks(self, *, page_size: int = MAX_PAGE_SIZE) -> list[Task]:
        """Every open task of the account (``GET /tasks``, all pages): for cases and for the
        account itself (``case_id`` ""). Tasks resolve themselves: read them, never keep them."""
        size = max(1, min(int(page_size), MAX_PAGE_SIZE))
        tasks: dict[str, Task] = {}
        for page in range(1, _MAX_PAGES + 1):
            params = {"status": "Open", "Page": page, "PageSize": size}
            payload = _object(self._request("GET", "tasks", params=params))
            fields = Fields(payload)
            rows = fields.objects("tasks")
            new = [Task.from_api(row) for row in rows]
            fresh = [task for task in new if (task.id or repr(task)) not in tasks]
            tasks.update({task.id or repr(task): task for task in fresh})
            total_pages = _whole(fields.object("page").get("totalPages"))
            if not fresh or (total_pages is not None and page >= total_pages):
                break
        return list(tasks.values())

    def case_validation(self, case_id: str) -> CaseValidation:
        """``GET /cases/{id}/validation``: what the case's validation needs from the creditor."""
        path = f"cases/{_segment(str(case_id).strip(), 'case id')}/validation"
        return CaseValidation.from_api(_object(self._request("GET", path)))

    def case_payments(self, case_id: str) -> list[Payment]:
        """``GET /cases/{id}/payments``: every payment recorded on the case."""
        path = f"cases/{_segment(str(case_id).strip(), 'case id')}/payments"
        return [Payment.from_api(row) for row in _list(self._request("GET", path))]

    def case_files(self, case_id: str) -> list[CaseFile]:
        """``GET /cases/{id}/files``: the files attached to the case."""
        path = f"cases/{_segment(str(case_id).strip(), 'case id')}/files"
        return [CaseFile.from_api(row) for row in _list(self._request("GET", path))]

    # -- a case's chat: telling the partner -----------------------------------------------------

    def post_case_chat(
        self, case_id: str, message: str, *, idempotency_key: str, user_email: str
    ) -> Chat:
        """``POST /cases/{id}/chats``: a message to the case's partner, sent as ``user_email``
        (a member of the creditor's team, see ``team_members``).

        Sent once, never retried here: Debitura documents no idempotency for chats, so a retry
        after a lost answer could post the message twice. The ``Idempotency-Key`` still goes
        along (harmless, and deduplicated should Debitura honour it). A lost answer raises
        ``DebituraUnavailable`` with ``outcome_unknown`` set: read ``case_chats`` before
        sending again.
        """
        key = _checked_idempotency_key(idempotency_key)
        text = str(message)
        if not text.strip() or len(text) > MAX_CHAT_MESSAGE_LENGTH:
            raise ValueError(f"a chat message is 1 to {MAX_CHAT_MESSAGE_LENGTH} characters")
        path = f"cases/{_segment(str(case_id).strip(), 'case id')}/chats"
        body = {"message": text, "userEmail": user_email}
        try:
            response = self._request(
                "POST", path, json_body=body, headers={"Idempotency-Key": key}, retry=False
            )
        except DebituraUnavailable as error:
            error.outcome_unknown = True
            raise
        if response is None or not isinstance(response.payload, Mapping):
            raise UnexpectedResponse(
                status=getattr(response, "status", None), url=getattr(response, "url", None)
            )
        return Chat.from_api(response.payload)

    def case_chats(self, case_id: str) -> list[Chat]:
        """``GET /cases/{id}/chats``: every message on the case, the partner's and ours."""
        path = f"cases/{_segment(str(case_id).strip(), 'case id')}/chats"
        response = self._request("GET", path)
        payload = response.payload if response is not None else None
        if not isinstance(payload, list):
            raise UnexpectedResponse(
                status=getattr(response, "status", None), url=getattr(response, "url", None)
            )
        return [Chat.from_api(row) for row in payload if isinstance(row, Mapping)]

    def team_members(self) -> list[TeamMember]:
        """``GET /users`` (first page, the API's largest): the creditor's team, whom chat
        messages are sent as."""
        response = self._request("GET", "users", params={"page": 1, "pageSize": MAX_PAGE_SIZE})
        rows = Fields(response.payload if response is not None else None).objects("users")
        return [TeamMember.from_api(row) for row in rows]

    def upload_case_file(
        self,
        case_id: str,
        content: bytes,
        filename: str,
        *,
        document_type: str = ORIGINAL_INVOICE,
        description: str = "",
    ) -> CaseFile:
        """``POST /cases/{id}/files`` (multipart): attach one file to the case.

        Sent once, never retried: no idempotency key is documented for uploads, so a lost
        answer (``DebituraUnavailable`` with ``outcome_unknown``) is settled by the caller with
        ``case_files`` before any new upload. A file over Debitura's 25 MB is refused here,
        before anything is sent.
        """
        if document_type not in DOCUMENT_TYPES:
            raise ValueError(f"document_type must be one of {', '.join(DOCUMENT_TYPES)}")
        if len(content) > MAX_FILE_BYTES:
            raise RequestRejected(
                f"{filename} is {len(content) / 1024 / 1024:.1f} MB; Debitura takes files of "
                "up to 25 MB. Nothing was sent."
            )
        body, content_type = multipart_body(
            content, filename, document_type=document_type, description=description
        )
        path = f"cases/{_segment(str(case_id).strip(), 'case id')}/files"
        try:
            response = self._request("POST", path, raw_body=(body, content_type), retry=False)
        except DebituraUnavailable as error:
            error.outcome_unknown = True
            error.args = (
                str(error) + " The file may have been stored even so: check the case's files "
                "before uploading it again.",
            )
            raise
        return CaseFile.from_api(_object(response))

    # -- test mode -----------------------------------------------------------------------------

    def advance_test_case(self, case_id: str, to: str, *, amount: Any = None) -> str:
        """``POST /test/cases/{id}/advance`` (test cases only): to ``Active``, ``Closed:Paid``
        (needs ``amount``) or ``Closed:NoPayment``. Returns the state the case is in now."""
        body: dict[str, Any] = {"to": to}
        if amount is not None:
            body["amount"] = amount
        response = self._request(
            "POST", f"test/cases/{_segment(str(case_id), 'case id')}/advance", json_body=body
        )
        return Fields(response.payload).text("state")

    def delete_test_cases(self, tag: str) -> None:
        """``DELETE /test/cases?tag=``: remove every test case created with ``tag``."""
        if not tag.strip():
            raise ValueError("a tag is needed")
        self._request("DELETE", "test/cases", params={"tag": tag.strip()})

    # -- the one way out -----------------------------------------------------------------------

    def _request(
        self,
        method: str,
        path: str,
        *,
        params: Mapping[str, Any] | None = None,
        json_body: Any = None,
        headers: Mapping[str, str] | None = None,
        not_found_ok: bool = False,
        creditor_reference: str = "",
        creating: bool = False,
        retry: bool = True,
        raw_body: tuple[bytes, str] | None = None,
    ) -> ApiResponse | None:
        """Every call goes through here: key header, exact JSON, retries, error translation.
        ``raw_body`` is a body already encoded, with its content type (a multipart upload)."""
        all_headers = {"XApiKey": self.__api_key, "Accept": "application/json"}
        body = None
        if json_body is not None:
            body = dumps(json_body).encode("utf-8")
            all_headers["Content-Type"] = "application/json; charset=utf-8"
        elif raw_body is not None:
            body, all_headers["Content-Type"] = raw_body
        all_headers.update(headers or {})
        url = f"{self.base_url}/{path}"
        try:
            response = self._transport.send(
                method, url, params=params, body=body, headers=all_headers, retry=retry
            )
            if response.status == 404 and not_found_ok and response.body_is_json:
                return None
            if not response.ok:
                raise _error_for(response, creditor_reference, creating=creating)
        except DebituraError as error:
            error.redact(self.__api_key)
            raise
        return response


# --- request bodies ---------------------------------------------------------------------------


def preview_request(create_payload: Mapping[str, Any]) -> dict[str, Any]:
    """The ``POST /cases/preview`` body for a ``POST /cases`` payload.

    The preview takes only the eligibility inputs (its schema forbids other fields): amount,
    currency, debtor type and country, the two-letter state for the US, and the age buckets
    when given, else the due date (the two are mutually exclusive there).

    >>> preview_request({
    ...     "currencyCode": "usd", "amountToRecover": 250, "dueDate": "2026-01-05",
    ...     "creditorReference": "INV-1",
    ...     "debtor": {"type": "Company", "name": "Acme", "countryAlpha2": "us",
    ...                "stateAlpha2": "CA"}})  # doctest: +NORMALIZE_WHITESPACE
    {'amountToRecover': 250, 'currencyCode': 'USD',
     'debtor': {'type': 'Company', 'countryAlpha2': 'US', 'stateAlpha2': 'CA'},
     'dueDate': '2026-01-05'}
    """
    fields = Fields(create_payload)
    body: dict[str, Any] = {}
    amount = fields.get("amountToRecover")
    if amount is not None:
        body["amountToRecover"] = amount
    currency = fields.text("currencyCode").upper()
    if currency:
        body["currencyCode"] = currency
    debtor = fields.object("debtor")
    debtor_type = debtor.text("type")
    if debtor_type.lower() == "person":  # the schema's old word; the API wants "Private"
        debtor_type = "Private"
    preview_debtor: dict[str, Any] = {}
    if debtor_type:
        preview_debtor["type"] = debtor_type
    country = debtor.text("countryAlpha2").upper()
    if country:
        preview_debtor["countryAlpha2"] = country
    state = debtor.text("stateAlpha2").upper()  # the create payload already has the 2 letters
    if country == "US" and state:
        preview_debtor["stateAlpha2"] = state
    body["debtor"] = preview_debtor
    buckets = {name: fields.get(name) for name in _AGE_BUCKETS if fields.get(name) is not None}
    if buckets:
        body.update(buckets)
    elif fields.get("dueDate") is not None:
        body["dueDate"] = fields.get("dueDate")
    return body


def _segment(identifier: str, what: str) -> str:
    """``identifier`` as one path segment, or ``RequestRejected`` before anything is sent:
    "", "." and ".." would turn ``/cases/{id}`` into another address (the case list)."""
    try:
        return path_segment(identifier)
    except UnusablePathSegment:
        raise RequestRejected(
            f"The {what} {identifier!r} cannot be looked up at Debitura: it cannot be part of "
            "a web address. Nothing was sent."
        ) from None


def _checked_idempotency_key(key: str) -> str:
    if not isinstance(key, str) or not key.strip():
        raise ValueError("an idempotency key is needed for every case submission")
    key = key.strip()
    if len(key) > MAX_IDEMPOTENCY_KEY_LENGTH:
        raise ValueError(f"the idempotency key is longer than {MAX_IDEMPOTENCY_KEY_LENGTH}")
    if not key.isascii() or not key.isprintable():
        raise ValueError("the idempotency key must be printable ASCII")
    return key


# --- reading answers --------------------------------------------------------------------------


def _case(response: ApiResponse | None) -> Case:
    if response is None or not isinstance(response.payload, Mapping):
        raise UnexpectedResponse(
            status=getattr(response, "status", None), url=getattr(response, "url", None)
        )
    case = Case.from_api(response.payload)
    if not case.id:
        raise UnexpectedResponse("Debitura sent a case without an id.", url=response.url)
    return case


def _object(response: ApiResponse | None) -> Mapping[str, Any]:
    """The answer's JSON object, or ``UnexpectedResponse`` for anything else."""
    if response is None or not isinstance(response.payload, Mapping):
        raise UnexpectedResponse(
            status=getattr(response, "status", None), url=getattr(response, "url", None)
        )
    return response.payload


def _list(response: ApiResponse | None) -> list[Mapping[str, Any]]:
    """The objects of an answer that is a JSON list, or ``UnexpectedResponse``."""
    if response is None or not isinstance(response.payload, list):
        raise UnexpectedResponse(
            status=getattr(response, "status", None), url=getattr(response, "url", None)
        )
    return [row for row in response.payload if isinstance(row, Mapping)]


def _page_rows(payload: Any) -> tuple[list[Mapping[str, Any]], dict[str, Any]]:
    """The case rows and the page metadata of a ``GET /cases`` answer (or a bare list)."""
    if isinstance(payload, list):
        return [row for row in payload if isinstance(row, Mapping)], {}
    fields = Fields(payload)
    rows = fields.get("cases", "items", "data", "results")
    meta = fields.object("page")
    meta_values = {
        name: meta.get(name) if meta else fields.get(name)
        for name in ("totalPages", "totalResults", "pageSize", "currentPage")
    }
    if not isinstance(rows, list):
        return [], meta_values
    return [row for row in rows if isinstance(row, Mapping)], meta_values


def _whole(value: Any) -> int | None:
    if isinstance(value, bool) or value is None:
        return None
    try:
        return int(value)
    except (TypeError, ValueError):
        return None


def _error_for(
    response: ApiResponse, creditor_reference: str = "", *, creating: bool = False
) -> DebituraError:
    status, payload = response.status, response.payload
    context: dict[str, Any] = {
        "status": status,
        "url": response.url,
        "api_body": payload if response.body_is_json else response.text_excerpt,
    }
    api_message = Fields(payload).text("message", "error", "title")
    if status in (401, 403):
        message = AuthenticationFailed.default_message
        if status == 403:
            message = (
                "Debitura refused this request for the API key in use"
                + (f" ({api_message})" if api_message else "")
                + ". Check DEBITURA_API_KEY and that the key belongs to the right account."
            )
        return AuthenticationFailed(message, api_message=api_message, **context)
    if not response.body_is_json:
        return RequestRejected(
            f"Debitura answered HTTP {status} with a page that is not data. Check the Debitura "
            "address (DEBITURA_BASE_URL).",
            **context,
        )
    errors, signing_url = business_errors(payload)
    if status == 422 or (status in (400, 409) and _is_business(payload, errors)):
        if not errors:
            errors = [BusinessError("BusinessRule", api_message)] if api_message else []
        return business_rule_violation(
            errors, signing_url=signing_url, creditor_reference=creditor_reference, **context
        )
    if status == 400:
        field_errors, structured = field_errors_from(payload)
        return validation_failed(field_errors, errors=structured, creating=creating, **context)
    if status == 404 and creating:
        # Creating has no record to miss: whatever answered is not Debitura's API.
        return RequestRejected(
            "The address in DEBITURA_BASE_URL does not take new cases (HTTP 404). Check it: "
            "Debitura's Customer API is https://customer-api.debitura.com.",
            api_message=api_message,
            **context,
        )
    if status == 404:
        detail = f": {api_message}" if api_message else "."
        return NotFound(f"Debitura has no such case{detail}", api_message=api_message, **context)
    detail = f": {api_message}" if api_message else "."
    return RequestRejected(
        f"Debitura rejected the request (HTTP {status}){detail}",
        api_message=api_message,
        **context,
    )


def _is_business(payload: Any, errors: list[BusinessError]) -> bool:
    """A 400/409 that is really a business rule: the legacy ``BusinessRule`` body, or
    ``businessErrors`` naming a known rule."""
    if Fields(payload).get("BusinessRule") is not None:
        return True
    return bool(errors) and classify(errors).__name__ != "BusinessRuleViolation"
