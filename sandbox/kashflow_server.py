"""A local KashFlow REST v2 server: two-step login, invoices, customers, company details.

It speaks the wire format of ``specs/kashflow-api-v2.md`` over real HTTP, on top of
``sandbox.http.SandboxServer``, with the demo books of ``sandbox.kashflow_data``::

    with KashFlowSandbox() as server:        # 127.0.0.1, a free port
        server.url                           # "http://127.0.0.1:PORT/v2"
        ...log in with DEMO_USERNAME / DEMO_PASSWORD / DEMO_MEMORABLE_WORD

Behaviour a client must cope with is switched on through ``KashFlowSandboxConfig`` (fixed for a
server's life: page-size cap, status-filter handling, bare lists, company-details fallbacks,
token lifetimes, hostile books and names) and ``KashFlowFaults`` (changeable at runtime, also
over HTTP through ``POST /_sandbox/faults``: latency, 5xx, 429 bursts, SQL timeouts, HTML pages,
dropped connections, redirects, trickled or gzip-bomb answers, token expiry, paging drift,
unfetchable customers). The books' JSON is computed once; only login, session and counter
state is shared between request threads, under one lock (``set_invoice`` is a test's hook).
"""

from __future__ import annotations

import inspect
import math
import random
import threading
import time
import uuid
from collections.abc import Callable, Mapping
from dataclasses import dataclass, replace
from datetime import date, timedelta
from decimal import Decimal
from typing import Any, ClassVar
from urllib.parse import urlencode

from jsonwire.encoding import RawJSON, dumps
from sandbox import kashflow_data as books
from sandbox.faults import Faults
from sandbox.http import LOGIN, HTTPError, Request, Response, SandboxServer
from sandbox.kashflow_data import Dataset, InvoiceRecord, generate, money
from sandbox.kashflow_documents import InvoiceDocuments

DEMO_USERNAME = "demo@harrowfinch.example"
DEMO_PASSWORD = "sandbox-demo"
DEMO_MEMORABLE_WORD = "ledger"
LOCKED_USERNAME = "locked@harrowfinch.example"
EXPIRED_PASSWORD_USERNAME = "expired@harrowfinch.example"

ACTIVE, LOCKED, PASSWORD_EXPIRED = "active", "locked", "password_expired"

# KashFlow's error bodies: (status, Error, Message).
INVALID_CREDENTIALS = (400, "InvalidCredentials", "Invalid username or password.")
ACCOUNT_LOCKED = (401, "AccountLocked", "User account is locked due to invalid login attempts.")
PASSWORD_EXPIRED_ERROR = (400, "PasswordExpired", "Your password has expired.")
INVALID_WORD = (400, "InvalidMemorableWord", "The memorable word characters are incorrect.")
INVALID_TEMPORARY = (400, "InvalidTemporaryToken", "Temporary token is invalid or has expired.")
INVALID_SESSION_TOKEN = (401, "InvalidSessionToken", "Session token provided is invalid.")
INVALID_FILTER = (400, "InvalidFilter", "The status filter is not supported.")


@dataclass(frozen=True, slots=True)
class SandboxUser:
    username: str
    password: str
    memorable_word: str
    company_name: str = books.COMPANY_NAME
    state: str = ACTIVE  # ACTIVE, LOCKED or PASSWORD_EXPIRED
    full_name: str = "Eleanor Finch"

    def __post_init__(self) -> None:
        if self.state not in (ACTIVE, LOCKED, PASSWORD_EXPIRED):
            raise ValueError(f"unknown user state {self.state!r}")
        if not self.memorable_word:
            raise ValueError("a memorable word is needed")


DEFAULT_USERS = tuple(
    SandboxUser(username, DEMO_PASSWORD, DEMO_MEMORABLE_WORD, state=state)
    for username, state in (
        (DEMO_USERNAME, ACTIVE),
        (LOCKED_USERNAME, LOCKED),
        (EXPIRED_PASSWORD_USERNAME, PASSWORD_EXPIRED),
    )
)
_MODES = {
    "statusfilter_mode": ("honour", "ignore", "reject", "drop_overdue"),
    "list_shape": ("envelope", "bare"),
    "companydetails": ("normal", "missing", "no_name"),
}


@dataclass(frozen=True)
class KashFlowSandboxConfig:
    """Everything fixed for a server's life. Defaults behave like KashFlow as documented."""

    host: str = "127.0.0.1"
    port: int = 0  # 0 = a free port
    # The books: pass a prebuilt ``dataset`` to share one between servers, or these to generate.
    dataset: Dataset | None = None
    seed: int = 20261121
    invoices: int = 300
    customers: int = 80
    as_of: date | None = None  # default: today
    status_weights: Mapping[str, float] | None = None
    omit_due_amount: float = 0.0  # share of invoices sent without DueAmount
    hostile: bool = False  # add customers and open invoices with hostile text and numbers
    credit_customer: bool = False  # one customer's OutstandingBalance is below its open invoices
    # Logging in.
    users: tuple[SandboxUser, ...] = DEFAULT_USERS
    max_failed_logins: int = 5  # consecutive failures (password or memorable word) that lock
    temporary_token_lifetime: float = 300.0  # seconds between POST and PUT /sessiontoken
    session_idle_timeout: float = 3600.0  # sliding
    company_name_in_session: bool = False  # the old docs' CompanyName in the PUT answer
    company_name: str | None = None  # every user's company is called this (hostile names)
    password_expired_status: int = 400
    login_seed: int | None = None  # seeds the memorable-word positions; None = unpredictable
    clock: Callable[[], float] = time.monotonic  # injectable for expiry tests
    # Tolerance testing.
    companydetails: str = "normal"  # normal | missing (404) | no_name (CompanyName left out)
    perpage_default: int = 50
    perpage_cap: int = 100  # larger perpage values are cut down silently
    # honour | ignore (all rows) | reject (400 InvalidFilter) | drop_overdue (NotFullyPaid
    # honoured but without Overdue and OverduePartPaid, as if KashFlow read it differently)
    statusfilter_mode: str = "honour"
    list_shape: str = "envelope"  # envelope | bare (a plain JSON array)
    omit_next_page_url: bool = False  # MetaData without NextPageUrl

    def __post_init__(self) -> None:
        for name, allowed in _MODES.items():
            if getattr(self, name) not in allowed:
                raise ValueError(f"{name} must be one of {allowed}, not {getattr(self, name)!r}")
        if self.perpage_default < 1 or self.perpage_cap < 1 or self.max_failed_logins < 1:
            raise ValueError("perpage_default, perpage_cap and max_failed_logins must be >= 1")


class KashFlowFaults(Faults):
    """The generic knobs of ``sandbox.faults`` plus KashFlow's own."""

    KNOBS: ClassVar[dict[str, Any]] = {
        **Faults.KNOBS,
        "expire_token_after_requests": 0,  # a session token dies after N authenticated requests
        "expire_token_after_seconds": 0.0,  # ... or N seconds after it was issued
        # The next N list passes (a pass starts at page 1) are not snapshot-consistent: each
        # page after the first hides a row before its window, so one row per page boundary is
        # missed while TotalRecords stays true. Later passes are exact.
        "paging_drift": 0,
        "missing_customers": frozenset(),  # codes answering 404
        "garbage_customers": frozenset(),  # codes answering 200 with a broken JSON body
    }


@dataclass(slots=True)
class _Account:
    user: SandboxUser
    locked: bool
    failures: int = 0


@dataclass(slots=True)
class _Login:
    """A temporary login (``positions`` asked) or, once the word is right, a session."""

    account: _Account
    created: float
    last_used: float
    positions: tuple[int, ...] = ()
    requests: int = 0


# sortby: KashFlow's enum order (so numbers work too), each with the names clients send.
_INVOICE_SORTS: tuple[tuple[tuple[str, ...], Callable[[InvoiceRecord], Any]], ...] = (
    (("number",), lambda invoice: invoice.order),
    (("customerref", "customerreference"), lambda invoice: invoice.customer_reference.casefold()),
    (("customername",), lambda invoice: invoice.customer_name.casefold()),
    (("invoicedate", "issueddate", "issuedate"), lambda invoice: invoice.issued),
    (("paymentduedate", "duedate"), lambda invoice: invoice.due),
    (("grossamount",), lambda invoice: invoice.gross),
    (("netamount",), lambda invoice: invoice.net),
    (("status",), lambda invoice: invoice.status),
    (("paymentpaiddate", "paiddate"), lambda invoice: invoice.paid or date.min),
    (("dueamount",), lambda invoice: invoice.due_amount),
    (("type",), lambda invoice: invoice.type),
    (("vatamount",), lambda invoice: invoice.vat),
    (("project",), lambda invoice: invoice.order),  # every invoice is in project 0
)
_CUSTOMER_SORTS: tuple[tuple[tuple[str, ...], Callable[[Any], str]], ...] = (
    (("name",), lambda customer: customer.name.casefold()),
    (("code",), lambda customer: customer.code.casefold()),
)
# statusfilter names, in KashFlow's enum order (so numbers work too).
_FILTERED = ("Unpaid", "PartPaid", "Overdue", "OverduePartPaid", "Overpaid", "Paid")
_STATUS_FILTERS: dict[str, frozenset[str] | None] = {
    "all": None,
    **{status.lower(): frozenset({status}) for status in _FILTERED},
    "notfullypaid": books.OPEN_STATUSES,
}
# The config fields that are arguments of ``generate`` (used when no dataset is given).
_BOOKS_FIELDS = set(inspect.signature(generate).parameters)
_BOOKS_FIELDS &= set(KashFlowSandboxConfig.__dataclass_fields__)


class KashFlowSandbox(SandboxServer):
    """The KashFlow sandbox server. ``start()``/``stop()`` or use it as a context manager."""

    base_path = "/v2"
    config_class = KashFlowSandboxConfig
    config: KashFlowSandboxConfig
    faults_class = KashFlowFaults
    faults: KashFlowFaults

    def __init__(
        self, config: KashFlowSandboxConfig | None = None, faults: KashFlowFaults | None = None
    ) -> None:
        super().__init__(config, faults)
        config = self.config
        books_args = {name: getattr(config, name) for name in _BOOKS_FIELDS}
        self.dataset = config.dataset or generate(**books_args)
        self._clock = config.clock
        self._lock = threading.Lock()
        users = config.users
        if config.company_name is not None:
            users = tuple(replace(user, company_name=config.company_name) for user in users)
        self._accounts = {u.username.casefold(): _Account(u, u.state == LOCKED) for u in users}
        self._temporary: dict[str, _Login] = {}
        self._sessions: dict[str, _Login] = {}
        seeded = config.login_seed is not None
        self._positions_rng = random.Random(config.login_seed) if seeded else random.SystemRandom()
        # JSON computed once: list rows now, single records on first request.
        records = self.dataset.invoices + self.dataset.customers
        self._rows: dict[Any, RawJSON] = {r: RawJSON(dumps(r.summary)) for r in records}
        self._detail_cache: dict[Any, bytes] = {}  # record -> its detail, encoded
        self._list_cache: dict[tuple[Any, ...], tuple[list[RawJSON], Decimal]] = {}

        self.route("POST", "/v2/sessiontoken", self._login_password, kind=LOGIN)
        self.route("PUT", "/v2/sessiontoken", self._login_memorable_word, kind=LOGIN)
        self.route("DELETE", "/v2/sessiontoken", self._logout, kind=LOGIN)
        self.route("DELETE", "/v2/sessiontoken/{token}", self._logout, kind=LOGIN)
        for path, handler in (
            ("/v2/settings/companydetails", self._company),
            ("/v2/settings/profile", self._profile),
            ("/v2/invoices", self._invoices),
            ("/v2/invoices/{number}", self._invoice),
            ("/v2/customers", self._customers),
            ("/v2/customers/{code}", self._customer),
        ):
            self.route("GET", path, handler)
        # GET /v2/documents/invoice/{guid}: each invoice's PDF (some have none, one is HTML).
        self.documents = InvoiceDocuments(self)

    def stats_snapshot(self) -> dict[str, Any]:
        snapshot = self.stats.snapshot()
        counters = snapshot["counters"]
        names = ("post", "post_ok", "put", "put_ok")
        snapshot["logins"] = {name: counters.get(f"login_{name}", 0) for name in names}
        with self._lock:
            snapshot["active_sessions"] = len(self._sessions)
        return snapshot

    def set_invoice(self, number: int | str, **fields: Any) -> None:
        """Change one invoice as KashFlow would show it from now on, in its list row and its
        single record: ``set_invoice(1042, Status="Paid", DueAmount=Decimal("0.00"))``.

        Keys are KashFlow's JSON names; ``Status`` and ``DueAmount`` also update what the
        status filter and sorting read.
        """
        invoice = self.dataset.invoice(number)
        if invoice is None:
            raise KeyError(f"no invoice {number}")
        with self._lock:
            invoice.summary.update(fields)
            invoice.detail.update(fields)
            invoice.status = fields.get("Status", invoice.status)
            invoice.due_amount = fields.get("DueAmount", invoice.due_amount)
            self._rows[invoice] = RawJSON(dumps(invoice.summary))
            self._detail_cache.pop(invoice, None)
            self._list_cache.clear()

    def add_payment(
        self,
        number: int | str,
        amount: Decimal,
        on: date,
        *,
        reference: str = "",
        credit_note: bool = False,
    ) -> dict[str, Any]:
        """Record a payment (or, ``credit_note``, a credit) on an invoice as KashFlow would: a
        new payment line, and the balance, paid total, status and last payment date after it.
        Returns the payment line.
        """
        invoice = self.dataset.invoice(number)
        if invoice is None:
            raise KeyError(f"no invoice {number}")
        with self._lock:
            lines = list(invoice.detail.get("PaymentLines") or [])
            line = {
                "Id": uuid.uuid4().int % 10**9,  # unique is all a payment id needs here
                "InvoiceNumber": invoice.number,
                "Date": books.kashflow_date(on),
                "Amount": amount,
                "Method": 2,
                "Reference": reference,
                "Note": "",
                "AccountId": 55166,
                "Permalink": f"/v2/documents/invoice/payment/{uuid.uuid4()}",
                "IsPaymentCreditNote": credit_note,
            }
        due = max(invoice.due_amount - amount, Decimal(0))
        overdue = invoice.status in ("Overdue", "OverduePartPaid")
        status = "Paid" if due == 0 else ("OverduePartPaid" if overdue else "PartPaid")
        paid_home = invoice.paid_home + (amount / invoice.exchange_rate).quantize(Decimal("0.01"))
        invoice.paid_home = paid_home
        self.set_invoice(
            number,
            PaymentLines=[*lines, line],
            DueAmount=due,
            Status=status,
            TotalPaidAmount=paid_home,
            LastPaymentDate=books.kashflow_date(on),
            PaidDate=books.kashflow_date(on) if due == 0 else None,
        )
        return line

    def _login_password(self, request: Request) -> Response:
        self.stats.incr("login_post")
        body = _lower_keys(request.json())
        username, password = _text(body.get("username")), _text(body.get("password"))
        now = self._clock()
        with self._lock:
            self._prune(now)
            account = self._accounts.get(username.casefold()) if username else None
            if account is None:
                raise HTTPError(*INVALID_CREDENTIALS)
            if account.locked:
                raise HTTPError(*ACCOUNT_LOCKED)
            if password != account.user.password:
                self._failed(account)
                raise HTTPError(*INVALID_CREDENTIALS)
            if account.user.state == PASSWORD_EXPIRED:
                _, error, message = PASSWORD_EXPIRED_ERROR
                raise HTTPError(self.config.password_expired_status, error, message)
            positions = self._positions(len(account.user.memorable_word))
            token = str(uuid.uuid4())
            self._temporary[token] = _Login(account, now, now, positions)
        self.stats.incr("login_post_ok")
        answer = self._login_answer("login_password", account.user, token, positions)
        return Response.json(answer, status=201)

    def _login_memorable_word(self, request: Request) -> Response:
        self.stats.incr("login_put")
        body = _lower_keys(request.json())
        token = _text(body.get("temporarytoken")).lower()
        now = self._clock()
        with self._lock:
            # Single use: any attempt spends the temporary token.
            pending = self._temporary.pop(token, None) if token else None
            if pending is None or now - pending.created > self.config.temporary_token_lifetime:
                raise HTTPError(*INVALID_TEMPORARY)
            account = pending.account
            if account.locked:
                raise HTTPError(*ACCOUNT_LOCKED)
            word = account.user.memorable_word
            if not _memorable_word_matches(body.get("memorablewordlist"), pending.positions, word):
                self._failed(account)
                raise HTTPError(*INVALID_WORD)
            account.failures = 0
            session_token = str(uuid.uuid4()).upper()
            self._sessions[session_token.lower()] = _Login(account, now, now)
        self.stats.incr("login_put_ok")
        answer = self._login_answer("login_session", account.user, session_token)
        if self.config.company_name_in_session:
            answer = {"CompanyName": account.user.company_name, **answer}
        return Response.json(answer)

    def _login_answer(
        self, template: str, user: SandboxUser, token: str, positions: tuple[int, ...] = ()
    ) -> dict[str, Any]:
        values = {
            "token": token,
            "positions": [{"Position": position, "Value": ""} for position in positions],
            "full_name": user.full_name,
            "username": user.username,
            "expiry": self.dataset.as_of + timedelta(days=365),
        }
        return books.fill_record(books.RECORDS[template], values)

    def _logout(self, request: Request) -> Response:
        """``DELETE /sessiontoken`` ends the header's session (401 without one);
        ``DELETE /sessiontoken/{token}`` ends that token's session, if there is one."""
        by_path = "token" in request.params
        token = request.params["token"].strip().lower() if by_path else _session_token(request)
        with self._lock:
            if self._sessions.pop(token or "", None) is None and not by_path:
                raise HTTPError(*INVALID_SESSION_TOKEN)
        return Response.empty(204)

    def _failed(self, account: _Account) -> None:
        """Count a failed attempt (under the lock); enough in a row lock the account."""
        account.failures += 1
        if account.failures >= self.config.max_failed_logins and not account.locked:
            account.locked = True
            self.stats.incr("accounts_locked")

    def _positions(self, length: int) -> tuple[int, ...]:
        """Three distinct 1-based positions, never in ascending order (clients must not sort)."""
        positions = self._positions_rng.sample(range(1, length + 1), min(3, length))
        if len(positions) > 1 and positions == sorted(positions):
            positions = positions[1:] + positions[:1]
        return tuple(positions)

    def _prune(self, now: float) -> None:
        lifetime, idle = self.config.temporary_token_lifetime, self.config.session_idle_timeout
        for logins, limit in ((self._temporary, lifetime), (self._sessions, idle)):
            for token in [t for t, login in logins.items() if now - login.last_used > limit]:
                del logins[token]

    def authenticate(self, request: Request) -> SandboxUser:
        """The user of the request's live session (``KfToken``); 401 without one."""
        token = _session_token(request)
        now = self._clock()
        max_requests = self.faults.expire_token_after_requests
        max_age = self.faults.expire_token_after_seconds
        with self._lock:
            session = self._sessions.get(token) if token else None
            if session is not None and (
                now - session.last_used > self.config.session_idle_timeout
                or (max_age and now - session.created >= max_age)
                or (max_requests and session.requests >= max_requests)
            ):
                del self._sessions[token]
                session = None
            if session is None:
                self.stats.incr("session_rejected")
                raise HTTPError(*INVALID_SESSION_TOKEN)
            session.requests += 1
            session.last_used = now
            return session.account.user

    def _company(self, request: Request, user: SandboxUser) -> Response:
        if self.config.companydetails == "missing":
            raise HTTPError(404, "NotFound", "Company details not found.")
        details = {**self.dataset.company, "CompanyName": user.company_name}
        details["Username"] = user.username
        if self.config.companydetails == "no_name":
            del details["CompanyName"]
        return Response.json(details)

    def _profile(self, request: Request, user: SandboxUser) -> Response:
        names = {"Username": user.username, "Name": user.full_name, "EmailId": user.username}
        return Response.json({**names, "CompanyName": user.company_name})

    def _invoices(self, request: Request, user: SandboxUser) -> Response:
        paging = self._paging(request)
        sort, descending = _choice(request, "sortby", _INVOICE_SORTS), _descending(request)
        statuses = self._status_filter(request)
        customer_code = request.arg("customercode").casefold()
        key = ("invoices", sort, descending, statuses, customer_code)
        cached = self._list_cache.get(key)
        if cached is None:
            records = [
                invoice
                for invoice in self.dataset.invoices
                if (statuses is None or invoice.status in statuses)
                and (not customer_code or invoice.customer_code.casefold() == customer_code)
            ]
            sort_key = _INVOICE_SORTS[sort][1]
            records.sort(key=lambda record: (sort_key(record), record.order), reverse=descending)
            total = sum((invoice.home_gross for invoice in records), Decimal(0))
            cached = ([self._rows[invoice] for invoice in records], total)
            if not customer_code:  # one list per filter/sort; per-customer lists are not kept
                self._list_cache[key] = cached
        return self._page(request, "/v2/invoices", cached, paging)

    def _invoice(self, request: Request, user: SandboxUser) -> Response:
        invoice = self.dataset.invoice(request.params["number"])
        if invoice is None:
            raise HTTPError(404, "NotFound", "Invoice not found.")
        return Response.json(self._detail_json(invoice))

    def _status_filter(self, request: Request) -> frozenset[str] | None:
        given = request.arg("statusfilter")
        if not given or self.config.statusfilter_mode == "ignore":
            return None
        if self.config.statusfilter_mode == "reject":
            raise HTTPError(*INVALID_FILTER)
        name = given.lower()
        if name.isdecimal():
            name = list(_STATUS_FILTERS)[int(name)] if int(name) < len(_STATUS_FILTERS) else ""
        if name not in _STATUS_FILTERS:
            message = f"The value '{given}' is not valid for statusfilter."
            raise HTTPError(400, "InvalidFilter", message)
        if name == "notfullypaid" and self.config.statusfilter_mode == "drop_overdue":
            return _STATUS_FILTERS["unpaid"] | _STATUS_FILTERS["partpaid"]
        return _STATUS_FILTERS[name]

    def _customers(self, request: Request, user: SandboxUser) -> Response:
        paging = self._paging(request)
        sort, descending = _choice(request, "sortby", _CUSTOMER_SORTS), _descending(request)
        key = ("customers", sort, descending)
        cached = self._list_cache.get(key)
        if cached is None:
            sort_key = _CUSTOMER_SORTS[sort][1]
            customers = sorted(
                self.dataset.customers, key=lambda c: (sort_key(c), c.code), reverse=descending
            )
            total = sum((c.detail["OutstandingBalance"] for c in customers), Decimal(0))
            cached = self._list_cache[key] = ([self._rows[c] for c in customers], total)
        return self._page(request, "/v2/customers", cached, paging)

    def _customer(self, request: Request, user: SandboxUser) -> Response:
        code = request.params["code"]
        customer = self.dataset.customer(code)
        if customer is None or _listed(code, self.faults.missing_customers):
            raise HTTPError(404, "NotFound", "Customer not found.")
        body = self._detail_json(customer)
        if _listed(code, self.faults.garbage_customers):
            # A 200 whose JSON stops half-way, as a proxy cutting the answer short would.
            return Response(200, body[: len(body) // 2])
        return Response.json(body)

    def _detail_json(self, record: Any) -> bytes:
        body = self._detail_cache.get(record)
        if body is None:
            # Two threads may both encode it the first time; the result is the same.
            body = self._detail_cache[record] = dumps(record.detail).encode("utf-8")
        return body

    def _paging(self, request: Request) -> tuple[int, int]:
        page = request.int_arg("page", 1)
        perpage = request.int_arg("perpage", self.config.perpage_default)
        if perpage < 1:
            perpage = self.config.perpage_default
        return max(page, 1), min(perpage, self.config.perpage_cap)

    def _page(self, request: Request, path: str, listing: tuple, paging: tuple) -> Response:
        """A page of ``listing`` (JSON rows, total amount) by ``paging`` (page, perpage)."""
        (rows, total), (page, perpage) = listing, paging
        offset = (page - 1) * perpage
        if self._drifting(path, page) and offset:  # page 1 starts a pass: always ask
            # A row before the window dropped out since the previous page: the window slides
            # one row on, so the row at the boundary is never seen in this pass.
            offset += 1
        data = "[" + ",".join(rows[offset : offset + perpage]) + "]"
        if self.config.list_shape == "bare":
            return Response.json(RawJSON(data))

        last_page = max(1, math.ceil(len(rows) / perpage))
        names = ("sortby", "order", "statusfilter", "customercode")
        extra = [(name, value) for name in names if (value := request.arg(name))]

        def page_url(number: int) -> str:
            return f"{path}?" + urlencode([("page", number), ("perpage", perpage), *extra])

        meta: dict[str, Any] = {
            "TotalRecords": len(rows),
            "FirstPageUrl": page_url(1),
            "LastPageUrl": page_url(last_page),
            "PreviousPageUrl": page_url(page - 1) if page > 1 else None,
            "NextPageUrl": page_url(page + 1) if page < last_page else None,
            "TotalAmount": money(total),
            "InvoiceLimitReached": False,
        }
        if self.config.omit_next_page_url:
            del meta["NextPageUrl"]
        return Response.json(RawJSON('{"MetaData":' + dumps(meta) + ',"Data":' + data + "}"))

    def _drifting(self, path: str, page: int) -> bool:
        passes = self.faults.paging_drift
        if not passes:
            return False
        counter = f"paging_pass:{path}"
        current = self.faults.tick(counter) if page <= 1 else max(1, self.faults.peek(counter))
        return current <= passes


# Start one running (the caller shows ``server.url`` and the ``DEMO_*`` credentials).
serve = KashFlowSandbox.serve


def _lower_keys(body: Any) -> dict[str, Any]:
    if not isinstance(body, dict):
        raise HTTPError(400, "InvalidRequest", "Send a JSON object.")
    return {str(key).lower(): value for key, value in body.items()}


def _text(value: Any) -> str:
    return value if isinstance(value, str) else ""


def _listed(code: str, codes: frozenset[str]) -> bool:
    return code.casefold() in {listed.casefold() for listed in codes}


def _session_token(request: Request) -> str | None:
    scheme, _, token = request.headers.get("Authorization", "").strip().partition(" ")
    token = token.strip()
    return token.lower() if scheme.lower() == "kftoken" and token else None


def _memorable_word_matches(entries: Any, positions: tuple[int, ...], word: str) -> bool:
    """Exactly the asked positions, each with its character (case-insensitive)."""
    given: dict[int, str] = {}
    for entry in entries if isinstance(entries, list) else [None]:
        fields = _lower_keys(entry) if isinstance(entry, dict) else {}
        position, value = fields.get("position"), fields.get("value")
        try:
            number = int(position) if not isinstance(position, bool) else None
        except (TypeError, ValueError):
            number = None
        if number is None or number in given or not isinstance(value, str):
            return False
        given[number] = value
    return set(given) == set(positions) and all(
        len(given[p]) == 1 and given[p].casefold() == word[p - 1].casefold() for p in positions
    )


def _choice(request: Request, name: str, choices: tuple[tuple[tuple[str, ...], Any], ...]) -> int:
    """A ``sortby``: its enum number, or one of its names (case-insensitive); default 0."""
    value = request.arg(name)
    if not value:
        return 0
    if value.isdecimal() and int(value) < len(choices):
        return int(value)
    for number, (names, _) in enumerate(choices):
        if value.lower() in names:
            return number
    raise HTTPError(400, "InvalidRequest", f"The value '{value}' is not valid for {name}.")


def _descending(request: Request) -> bool:
    value = (request.arg("order") or "asc").lower()
    if value not in ("asc", "desc", "ascending", "descending"):
        raise HTTPError(400, "InvalidRequest", f"The value '{value}' is not valid for order.")
    return value.startswith("desc")
