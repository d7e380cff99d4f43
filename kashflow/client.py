"""KashFlow REST v2 client: two-step login, one shared session token, typed reads.

One ``KashFlowClient`` per connection (no module-level state). It is safe to use from many
threads at once: when several requests find the token expired together, exactly one thread logs
in again and the others wait for it and replay with the new token. The session token lives on
this object only, in memory; nothing here writes to disk.
"""

from __future__ import annotations

import logging
import threading
import time
from collections.abc import Callable, Mapping
from concurrent.futures import Future
from dataclasses import dataclass
from typing import Any

import requests

from httpretry import (
    DEFAULT_ATTEMPT_DEADLINE,
    RetryPolicy,
    UnusablePathSegment,
    new_session,
    path_segment,
    retrying,
)
from jsonwire.fields import Fields
from kashflow.credentials import Credentials
from kashflow.documents import checked_pdf, document_path
from kashflow.errors import (
    AccountLocked,
    InvalidCredentials,
    InvalidMemorableWord,
    KashFlowError,
    KashFlowUnavailable,
    LoginTimedOut,
    NoInvoiceDocument,
    NotFound,
    PasswordExpired,
    RequestRejected,
    SessionExpired,
    UnexpectedResponse,
)
from kashflow.models import Company, Customer, Invoice
from kashflow.ordering import invoice_number_order
from kashflow.paging import ListingProgress, Page, PagedListing, read_page
from kashflow.transport import ApiResponse, Transport

log = logging.getLogger(__name__)

DEFAULT_BASE_URL = "https://api.kashflow.com/v2"
DEFAULT_TIMEOUT = (5.0, 30.0)  # connect, read (seconds)
INVOICE_PAGE_SIZE = 100  # the largest size every known client uses safely
OPEN_STATUS_FILTER = "NotFullyPaid"  # Unpaid, PartPaid, Overdue, OverduePartPaid
DEFAULT_RETRY = RetryPolicy()
# The most one answer may inflate to: a page of 100 full invoices is well under 1 MB.
DEFAULT_MAX_ANSWER_BYTES = 32 * 1024 * 1024
# Replays of one request after 401s: its own re-login plus renewals other threads made.
_MAX_REPLAYS = 4


class KashFlowClient:
    """A logged-in (or about to log in) KashFlow connection.

    ``attempt_deadline`` (seconds) bounds one HTTP attempt from sending to the last byte of the
    answer, ``retry.total_seconds`` all attempts of one call; ``max_answer_bytes`` is the most
    one answer may inflate to.

    >>> client = KashFlowClient(Credentials("ann@example.com", "pw", "word"), base_url="http://kf/v2/")
    >>> client.base_url
    'http://kf/v2'
    """

    def __init__(
        self,
        credentials: Credentials,
        *,
        base_url: str = DEFAULT_BASE_URL,
        session: requests.Session | None = None,
        timeout: tuple[float, float] = DEFAULT_TIMEOUT,
        retry: RetryPolicy | None = None,
        pool_size: int = 8,
        sleep: Callable[[float], None] = time.sleep,
        attempt_deadline: float = DEFAULT_ATTEMPT_DEADLINE,
        max_answer_bytes: int = DEFAULT_MAX_ANSWER_BYTES,
    ) -> None:
        retry = retry or DEFAULT_RETRY
        self.credentials = credentials
        self.base_url = base_url.rstrip("/")
        if session is None:
            session = new_session(base_url=self.base_url, pool_maxsize=max(10, pool_size))
        self._session = session
        self._transport = Transport(
            session,
            timeout=timeout,
            retry=retry,
            sleep=sleep,
            attempt_deadline=attempt_deadline,
            max_answer_bytes=max_answer_bytes,
        )
        self._retry = retry
        self._sleep = sleep
        self._login_lock = threading.Lock()
        self._token: str | None = None
        self._generation = 0  # bumped on every successful login
        self._login_company_name = ""
        self.logins = 0

    def __repr__(self) -> str:
        return f"KashFlowClient(username={self.credentials.username!r}, base_url={self.base_url!r})"

    # -- public reads -------------------------------------------------------------------------

    def login(self) -> None:
        """Log in now (otherwise the first request does it). Raises the specific auth error."""
        with self._login_lock:
            self._login_locked()

    def company(self) -> Company:
        """The company name, from the first source that has it (see the KashFlow spec §2)."""
        details = self._get_optional("settings/companydetails")
        fields = Fields(details)
        home_currency = fields.object("HomeCurrency").text("Code")
        name = fields.text("CompanyName") or self._login_company_name
        if not name:
            name = Fields(self._get_optional("settings/profile")).text("CompanyName")
        if not name:
            name = _company_name_in_account_list(self._get_optional("settings"))
        return Company(name=name, home_currency=home_currency)

    def list_invoices(
        self,
        *,
        status_filter: str | None = OPEN_STATUS_FILTER,
        submit: Callable[..., Future] | None = None,
        on_rows: Callable[[list[Invoice], ListingProgress], None] | None = None,
    ) -> InvoiceListing:
        """Every invoice the server returns for ``status_filter``, each once, sorted by number.

        The server's status filter is only a hint to save bandwidth: callers must still check
        each invoice's status. If KashFlow rejects the filter, the full list is fetched instead.
        """
        try:
            return self._list_invoices(status_filter, submit, on_rows)
        except RequestRejected:
            if status_filter is None:
                raise
            log.info("KashFlow rejected statusfilter=%s; listing all invoices", status_filter)
            return self._list_invoices(None, submit, on_rows)

    def get_invoice(self, number: str) -> Invoice:
        """``GET /invoices/{number}``; a number that cannot be a path segment is refused
        (``RequestRejected``) without sending anything."""
        segment = _record_segment(number, "invoice number")
        return Invoice.from_api(self._get_object(f"invoices/{segment}"))

    def invoice_document(self, permalink: str) -> bytes:
        """The invoice's PDF behind ``permalink`` (``Invoice.permalink``), checked to be one.

        Read like every other call (the session token, no redirect followed, the size cap);
        no permalink, an empty answer or anything that is not a PDF is ``NoInvoiceDocument``.
        """
        path = document_path(permalink)
        try:
            response = self._request("GET", path, accept="application/pdf", expect_json=False)
        except NotFound as error:
            raise NoInvoiceDocument(
                "KashFlow has no document behind the invoice's permalink (HTTP 404).",
                status=error.status,
                url=error.url,
            ) from None
        return checked_pdf(response.content, response.content_type)

    def get_customer(self, code: str) -> Customer:
        """``GET /customers/{code}``; refused like ``get_invoice`` for an unusable code."""
        segment = _record_segment(code, "customer code")
        customer = Customer.from_api(self._get_object(f"customers/{segment}"))
        if not customer.code:
            raise UnexpectedResponse(
                "KashFlow sent a customer record without a code.", url=self._url("customers")
            )
        return customer

    def logout(self) -> None:
        """End the session at KashFlow (best effort, never raises) and forget the token.

        The spec's form is ``DELETE /sessiontoken/{token}``; a server that does not know it
        (404/405) gets the form other clients use, ``DELETE /sessiontoken`` with the token in
        the header. Neither the token nor the address holding it is ever logged.
        """
        with self._login_lock:
            token, self._token = self._token, None
        if token is None:
            return
        try:
            self._end_session(token)
        except Exception as error:  # noqa: BLE001 - a logout must never fail the caller
            log.info(
                "KashFlow logout failed (%s); the session will expire on its own",
                type(error).__name__,
            )

    def _end_session(self, token: str) -> None:
        headers = self._headers(token)
        try:
            by_path = self._url(f"sessiontoken/{path_segment(token)}")
        except UnusablePathSegment:
            by_path = None  # a token like ".." would address something else
        if by_path is not None:
            answer = self._transport.send("DELETE", by_path, headers=headers, retry=False)
            if answer.status not in (404, 405):
                return
        self._transport.send("DELETE", self._url("sessiontoken"), headers=headers, retry=False)

    @property
    def requests_sent(self) -> int:
        return self._transport.requests_sent

    # -- login ---------------------------------------------------------------------------------

    def _login_locked(self) -> None:
        """Two-step login; the caller holds the login lock.

        A transient failure restarts both steps (a fresh temporary token and positions); an
        authentication failure is raised at once and never retried, because every wrong
        attempt counts toward KashFlow's lock-out.
        """
        attempts = retrying(self._retry, KashFlowUnavailable, sleep=self._sleep)
        self._token = None
        with self._transport.budget():  # both steps and their retries share one budget
            token, company_name = attempts(self._two_step_login)
        self._token = token
        self._login_company_name = company_name
        self._generation += 1
        self.logins += 1
        log.info("Logged in to KashFlow as %s", self.credentials.username)

    def _two_step_login(self) -> tuple[str, str]:
        secrets = [self.credentials.password, self.credentials.memorable_word]
        try:
            return self._login_steps(secrets)
        except KashFlowError as error:
            error.redact(*secrets)  # a hostile server may echo them into its answer
            raise

    def _login_steps(self, secrets: list[str]) -> tuple[str, str]:
        """POST then PUT ``/sessiontoken``; ``secrets`` gains the temporary token."""
        credentials = self.credentials
        url = self._url("sessiontoken")
        step1 = self._transport.send(
            "POST",
            url,
            json_body={"UserName": credentials.username, "Password": credentials.password},
            headers=self._headers(),
            retry=False,
        )
        if not step1.ok:
            raise _password_step_error(step1, credentials)
        first = Fields(step1.payload)
        if first.flag("IsLockedOut"):
            raise AccountLocked(status=step1.status, url=url)
        if first.flag("HasTemporaryPassword"):
            raise PasswordExpired(status=step1.status, url=url)
        temporary_token = first.text("TemporaryToken")
        secrets.append(temporary_token)
        positions = _requested_positions(first.objects("MemorableWordList"))
        if not temporary_token or not positions:
            raise UnexpectedResponse(
                "KashFlow's login answer had no memorable-word challenge.", url=url
            )
        answer = _memorable_word_answer(credentials.memorable_word, positions)

        step2 = self._transport.send(
            "PUT",
            url,
            json_body={"TemporaryToken": temporary_token, "MemorableWordList": answer},
            headers=self._headers(),
            retry=False,
        )
        if not step2.ok:
            raise _memorable_word_step_error(step2)
        second = Fields(step2.payload)
        session_token = second.text("SessionToken")
        if not session_token:
            raise UnexpectedResponse("KashFlow's login answer had no session token.", url=url)
        return session_token, second.text("CompanyName")

    # -- requests ------------------------------------------------------------------------------

    def _list_invoices(
        self,
        status_filter: str | None,
        submit: Callable[..., Future] | None,
        on_rows: Callable[[list[Invoice], ListingProgress], None] | None,
    ) -> InvoiceListing:
        def fetch(number: int) -> Page:
            params = {"page": number, "perpage": INVOICE_PAGE_SIZE, "sortby": "Number"}
            params["order"] = "asc"
            if status_filter:
                params["statusfilter"] = status_filter
            response = self._request("GET", "invoices", params=params)
            return read_page(response.payload, number, response.url)

        listing = PagedListing(
            fetch,
            per_page=INVOICE_PAGE_SIZE,
            key=_listing_key,
            submit=submit,
            parse=Invoice.from_api,  # once per row received; the listing keeps the invoices
        )
        invoices = sorted(
            listing.run(on_rows), key=lambda invoice: invoice_number_order(invoice.number)
        )
        return InvoiceListing(
            invoices=tuple(invoices),
            total_records=listing.total_records,
            complete=listing.complete,
            pages_fetched=listing.pages_fetched,
            passes=listing.passes,
            rows_without_number=listing.rows_without_key,
            status_filter=status_filter,
        )

    def _get_object(self, path: str) -> Mapping[str, Any]:
        response = self._request("GET", path)
        if not isinstance(response.payload, Mapping):
            raise UnexpectedResponse(url=response.url)
        return response.payload

    def _get_optional(self, path: str) -> Any:
        """A read whose failure just means "try the next source" (company-name fallbacks)."""
        try:
            return self._request("GET", path).payload
        except (NotFound, RequestRejected, UnexpectedResponse):
            return None

    def _request(
        self,
        method: str,
        path: str,
        *,
        params: Mapping[str, Any] | None = None,
        accept: str = "application/json",
        expect_json: bool = True,
    ):
        """Every data call goes through here: the token, renewal on 401, error mapping.

        A 401 means the session died: the first thread to notice logs in again and the others
        replay with its token. A request logs in at most once; if the token from its own login
        is refused too, the session cannot be kept and ``SessionExpired`` is raised.
        """
        url = self._url(path)
        token, generation = self._current_token()
        tokens_sent = [token]
        logged_in_again = False
        try:
            for _ in range(_MAX_REPLAYS):
                headers = {**self._headers(token), "Accept": accept}
                response = self._transport.send(
                    method, url, params=params, headers=headers, expect_json=expect_json
                )
                if not _is_rejected_session(response):
                    if not response.ok:
                        raise _data_error(response)
                    return response
                with self._login_lock:
                    if self._generation == generation:
                        if logged_in_again:
                            break
                        log.info("KashFlow session expired; logging in again")
                        self._login_locked()
                        logged_in_again = True
                    token, generation = self._token, self._generation
                    tokens_sent.append(token)
            raise SessionExpired(status=response.status, url=response.url)
        except KashFlowError as error:
            error.redact(*tokens_sent)  # a hostile server may echo the token into its answer
            raise

    def _current_token(self) -> tuple[str, int]:
        with self._login_lock:
            if self._token is None:
                self._login_locked()
            return self._token, self._generation

    def _url(self, path: str) -> str:
        return f"{self.base_url}/{path}"

    @staticmethod
    def _headers(token: str | None = None) -> dict[str, str]:
        headers = {"Accept": "application/json"}
        if token is not None:
            headers["Authorization"] = f"KfToken {token}"
        return headers


@dataclass(frozen=True)
class InvoiceListing:
    """The invoices of one listing, with what the paging saw (for progress and reports)."""

    invoices: tuple[Invoice, ...]
    total_records: int | None
    complete: bool
    pages_fetched: int
    passes: int
    rows_without_number: int
    status_filter: str | None


def _listing_key(row: Mapping[str, Any]) -> str:
    """What makes a listed invoice itself: its number and, where KashFlow sends one, its
    internal Id, so the same invoice on two pages counts once while two different invoices
    under one number both arrive (the review blocks them). ``""`` when there is no number.

    >>> _listing_key({"Number": 1121, "Id": 9001}), _listing_key({"Id": 5})
    ('1121#9001', '')
    """
    fields = Fields(row)
    number = fields.identifier("Number")
    return f"{number}#{fields.text('Id')}" if number else ""


def _requested_positions(items: list[Fields]) -> list[Any]:
    """The positions exactly as KashFlow sent them (order and type kept)."""
    return [item.get("Position") for item in items if item.get("Position") is not None]


def _memorable_word_answer(word: str, positions: list[Any]) -> list[dict[str, Any]]:
    """The characters KashFlow asked for (1-based), checked before anything is sent.

    >>> _memorable_word_answer("pineapple", [3, 4, 6])
    [{'Position': 3, 'Value': 'n'}, {'Position': 4, 'Value': 'e'}, {'Position': 6, 'Value': 'p'}]
    """
    answer = []
    for position in positions:
        try:
            index = int(position)
        except (TypeError, ValueError):
            raise UnexpectedResponse(
                "KashFlow asked for a memorable-word character at an unreadable position."
            ) from None
        if index < 1 or index > len(word):
            raise InvalidMemorableWord(
                f"KashFlow asked for character {index} of the memorable word, but the word "
                f"entered has {len(word)} characters. Enter the whole memorable word. "
                "Nothing was sent to KashFlow."
            )
        answer.append({"Position": position, "Value": word[index - 1]})
    return answer


def _password_step_error(response: ApiResponse, credentials: Credentials) -> KashFlowError:
    common = _common_auth_error(response)
    if common is not None:
        return common
    if response.status in (400, 401, 403):
        message = InvalidCredentials.default_message
        if credentials.password_has_outer_spaces:
            message += (
                " Note: the password you typed starts or ends with a space, and it is sent "
                "exactly as typed."
            )
        return InvalidCredentials(message, **_error_context(response))
    if response.status in (404, 405):
        # Every KashFlow has this address: whatever answered is not KashFlow's API.
        return RequestRejected(
            f"The address in KASHFLOW_BASE_URL has no KashFlow login (HTTP {response.status}). "
            "Check it: KashFlow's is https://api.kashflow.com/v2.",
            **_error_context(response),
        )
    return _data_error(response)


def _memorable_word_step_error(response: ApiResponse) -> KashFlowError:
    common = _common_auth_error(response)
    if common is not None:
        return common
    code, message = response.error_code.lower(), response.error_message.lower()
    if "temporarytoken" in code or "temporary token" in message:
        return LoginTimedOut(**_error_context(response))
    if response.status in (400, 401, 403):
        return InvalidMemorableWord(**_error_context(response))
    return _data_error(response)


def _common_auth_error(response: ApiResponse) -> KashFlowError | None:
    code, message = response.error_code.lower(), response.error_message.lower()
    if code == "accountlocked" or "locked" in message:
        return AccountLocked(**_error_context(response))
    if code == "passwordexpired" or ("password" in message and "expired" in message):
        return PasswordExpired(**_error_context(response))
    return None


def _is_rejected_session(response: ApiResponse) -> bool:
    """401 means the token is gone (expired or unknown), unless the account itself is locked."""
    return response.status == 401 and response.error_code.lower() != "accountlocked"


def _data_error(response: ApiResponse) -> KashFlowError:
    if response.status == 401:
        return _common_auth_error(response) or SessionExpired(**_error_context(response))
    context = _error_context(response)
    detail = response.error_message
    if response.status == 404:
        return NotFound(f"KashFlow has no such record{': ' + detail if detail else '.'}", **context)
    if not response.body_is_json:
        return UnexpectedResponse(
            f"KashFlow answered HTTP {response.status} with a page that is not data. Check the "
            "KashFlow address (KASHFLOW_BASE_URL).",
            **context,
        )
    return RequestRejected(
        f"KashFlow rejected the request{': ' + detail if detail else '.'}", **context
    )


def _error_context(response: ApiResponse) -> dict[str, Any]:
    return {
        "status": response.status,
        "url": response.url,
        "api_error": response.error_code,
        "api_message": response.error_message,
    }


def _record_segment(identifier: str, what: str) -> str:
    """``identifier`` as one path segment, or ``RequestRejected`` before anything is sent:
    "", "." and ".." would turn ``/invoices/{number}`` into another address."""
    try:
        return path_segment(identifier)
    except UnusablePathSegment:
        raise RequestRejected(
            f"The {what} {str(identifier)!r} cannot be looked up at KashFlow: it cannot be "
            "part of a web address. Nothing was sent."
        ) from None


def _company_name_in_account_list(payload: Any) -> str:
    """``GET /settings`` lists associated accounts; its exact nesting is undocumented."""
    if isinstance(payload, Mapping):
        name = Fields(payload).text("CompanyName")
        if name:
            return name
        candidates = [value for value in payload.values() if isinstance(value, list)]
    elif isinstance(payload, list):
        candidates = [payload]
    else:
        return ""
    for items in candidates:
        for item in items:
            name = Fields(item).text("CompanyName")
            if name:
                return name
    return ""
