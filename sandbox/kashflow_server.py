"""A local KashFlow REST v2 server: two-step login, invoices, customers, company details.

It speaks the wire format of ``specs/kashflow-api-v2.md`` over real HTTP, on top of
``sandbox.http.JsonHTTPServer``, with the demo books of ``sandbox.kashflow_data``::

    with KashFlowSandbox() as server:        # 127.0.0.1, a free port
        server.url                           # "http://127.0.0.1:PORT/v2"
        ...log in with DEMO_USERNAME / DEMO_PASSWORD / DEMO_MEMORABLE_WORD

Behaviour a client must cope with is switched on through ``KashFlowSandboxConfig`` (fixed for a
server's life: page-size cap, status-filter handling, bare lists, company-details fallbacks,
token lifetimes) and ``KashFlowFaults`` (changeable at runtime, also over HTTP through
``POST /_sandbox/faults``: latency, 5xx, 429 bursts, SQL timeouts, HTML pages, dropped
connections, token expiry, paging drift, unfetchable customers).

Invoice and customer data are read-only after start-up, and their JSON is computed once; only
login, session and counter state is shared between request threads, under one lock.
"""

from __future__ import annotations

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
from sandbox.faults import Faults
from sandbox.http import (
    LOGIN,
    ConfiguredSandbox,
    HTTPError,
    Request,
    Response,
    empty_response,
    json_response,
)
from sandbox.kashflow_data import (
    COMPANY_NAME,
    OPEN_STATUSES,
    OVERDUE,
    OVERDUE_PART_PAID,
    OVERPAID,
    PAID,
    PART_PAID,
    UNPAID,
    Dataset,
    InvoiceRecord,
    generate,
    kashflow_date,
    money,
)

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
INVALID_MEMORABLE_WORD = (
    400,
    "InvalidMemorableWord",
    "The memorable word characters are incorrect.",
)
INVALID_TEMPORARY_TOKEN = (
    400,
    "InvalidTemporaryToken",
    "Temporary token is invalid or has expired.",
)
INVALID_SESSION_TOKEN = (401, "InvalidSessionToken", "Session token provided is invalid.")
INVALID_FILTER = (400, "InvalidFilter", "The status filter is not supported.")
INVOICE_NOT_FOUND = (404, "NotFound", "Invoice not found.")
CUSTOMER_NOT_FOUND = (404, "NotFound", "Customer not found.")


@dataclass(frozen=True, slots=True)
class SandboxUser:
    username: str
    password: str
    memorable_word: str
    company_name: str = COMPANY_NAME
    state: str = ACTIVE  # ACTIVE, LOCKED or PASSWORD_EXPIRED
    full_name: str = "Eleanor Finch"

    def __post_init__(self) -> None:
        if self.state not in (ACTIVE, LOCKED, PASSWORD_EXPIRED):
            raise ValueError(f"unknown user state {self.state!r}")
        if not self.memorable_word:
            raise ValueError("a memorable word is needed")


DEFAULT_USERS = (
    SandboxUser(DEMO_USERNAME, DEMO_PASSWORD, DEMO_MEMORABLE_WORD),
    SandboxUser(
        LOCKED_USERNAME, DEMO_PASSWORD, DEMO_MEMORABLE_WORD, state=LOCKED, full_name="Locked Out"
    ),
    SandboxUser(
        EXPIRED_PASSWORD_USERNAME,
        DEMO_PASSWORD,
        DEMO_MEMORABLE_WORD,
        state=PASSWORD_EXPIRED,
        full_name="Expired Password",
    ),
)

STATUSFILTER_MODES = ("honour", "ignore", "reject")
LIST_SHAPES = ("envelope", "bare")
COMPANYDETAILS_MODES = ("normal", "missing", "no_name")


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
    # Logging in.
    users: tuple[SandboxUser, ...] = DEFAULT_USERS
    max_failed_logins: int = 5  # consecutive failures (password or memorable word) that lock
    temporary_token_lifetime: float = 300.0  # seconds between POST and PUT /sessiontoken
    session_idle_timeout: float = 3600.0  # sliding
    company_name_in_session: bool = False  # the old docs' CompanyName in the PUT answer
    password_expired_status: int = 400
    login_seed: int | None = None  # seeds the memorable-word positions; None = unpredictable
    clock: Callable[[], float] = time.monotonic  # injectable for expiry tests
    # Tolerance testing.
    companydetails: str = "normal"  # normal | missing (404) | no_name (CompanyName left out)
    perpage_default: int = 50
    perpage_cap: int = 100  # larger perpage values are cut down silently
    statusfilter_mode: str = "honour"  # honour | ignore (all rows) | reject (400 InvalidFilter)
    list_shape: str = "envelope"  # envelope | bare (a plain JSON array)
    omit_next_page_url: bool = False  # MetaData without NextPageUrl

    def __post_init__(self) -> None:
        for name, value, allowed in (
            ("statusfilter_mode", self.statusfilter_mode, STATUSFILTER_MODES),
            ("list_shape", self.list_shape, LIST_SHAPES),
            ("companydetails", self.companydetails, COMPANYDETAILS_MODES),
        ):
            if value not in allowed:
                raise ValueError(f"{name} must be one of {allowed}, not {value!r}")
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
    failures: int = 0
    locked: bool = False


@dataclass(frozen=True, slots=True)
class _TemporaryLogin:
    account: _Account
    positions: tuple[int, ...]
    created: float


@dataclass(slots=True)
class _Session:
    user: SandboxUser
    created: float
    last_used: float
    requests: int = 0


# sortby: KashFlow's enum numbers, and the names clients send.
_INVOICE_SORTS: dict[int, Callable[[InvoiceRecord], Any]] = {
    0: lambda invoice: invoice.number,
    1: lambda invoice: invoice.customer_reference.casefold(),
    2: lambda invoice: invoice.customer_name.casefold(),
    3: lambda invoice: invoice.issued,
    4: lambda invoice: invoice.due,
    5: lambda invoice: invoice.gross,
    6: lambda invoice: invoice.net,
    7: lambda invoice: invoice.status,
    8: lambda invoice: invoice.paid or date.min,
    9: lambda invoice: invoice.due_amount,
    10: lambda invoice: invoice.type,
    11: lambda invoice: invoice.vat,
    12: lambda invoice: invoice.number,  # Project: every invoice is in project 0
}
_INVOICE_SORT_NAMES = {
    "number": 0,
    "customerref": 1,
    "customerreference": 1,
    "customername": 2,
    "invoicedate": 3,
    "issueddate": 3,
    "issuedate": 3,
    "paymentduedate": 4,
    "duedate": 4,
    "grossamount": 5,
    "netamount": 6,
    "status": 7,
    "paymentpaiddate": 8,
    "paiddate": 8,
    "dueamount": 9,
    "type": 10,
    "vatamount": 11,
    "project": 12,
}
_CUSTOMER_SORT_NAMES = {"name": 0, "code": 1}
# statusfilter names, in KashFlow's enum order (so numbers work too).
_STATUS_FILTERS: dict[str, frozenset[str] | None] = {
    "all": None,
    "unpaid": frozenset({UNPAID}),
    "partpaid": frozenset({PART_PAID}),
    "overdue": frozenset({OVERDUE}),
    "overduepartpaid": frozenset({OVERDUE_PART_PAID}),
    "overpaid": frozenset({OVERPAID}),
    "paid": frozenset({PAID}),
    "notfullypaid": OPEN_STATUSES,
}
_STATUS_FILTER_NUMBERS = dict(enumerate(_STATUS_FILTERS))


class KashFlowSandbox(ConfiguredSandbox):
    """The KashFlow sandbox server. ``start()``/``stop()`` or use it as a context manager."""

    base_path = "/v2"
    case_insensitive_paths = True
    config_class = KashFlowSandboxConfig
    config: KashFlowSandboxConfig
    faults_class = KashFlowFaults
    faults: KashFlowFaults
    server_name = "kashflow-sandbox"

    def __init__(
        self, config: KashFlowSandboxConfig | None = None, faults: KashFlowFaults | None = None
    ) -> None:
        super().__init__(config, faults)
        config = self.config
        self.dataset = config.dataset or generate(
            seed=config.seed,
            invoices=config.invoices,
            customers=config.customers,
            as_of=config.as_of,
            status_weights=config.status_weights,
            omit_due_amount=config.omit_due_amount,
        )
        self._clock = config.clock
        self._lock = threading.Lock()
        self._accounts = {user.username.casefold(): _Account(user) for user in config.users}
        for account in self._accounts.values():
            account.locked = account.user.state == LOCKED
        self._temporary: dict[str, _TemporaryLogin] = {}
        self._sessions: dict[str, _Session] = {}
        self._positions_rng: random.Random = (
            random.Random(config.login_seed)
            if config.login_seed is not None
            else random.SystemRandom()
        )
        # JSON computed once: list rows now, single records on first request.
        self._invoice_rows = {
            invoice.number: RawJSON(dumps(invoice.summary)) for invoice in self.dataset.invoices
        }
        self._customer_rows = {
            customer.code: RawJSON(dumps(customer.summary)) for customer in self.dataset.customers
        }
        self._detail_cache: dict[tuple[str, str], bytes] = {}
        self._list_cache: dict[tuple[Any, ...], tuple[list[RawJSON], Decimal]] = {}

        self.route("POST", "/v2/sessiontoken", self._login_password, kind=LOGIN)
        self.route("PUT", "/v2/sessiontoken", self._login_memorable_word, kind=LOGIN)
        self.route("DELETE", "/v2/sessiontoken", self._logout, kind=LOGIN)
        self.route("DELETE", "/v2/sessiontoken/{token}", self._logout_token, kind=LOGIN)
        self.route("GET", "/v2/settings/companydetails", self._authenticated(self._company))
        self.route("GET", "/v2/settings/profile", self._authenticated(self._profile))
        self.route("GET", "/v2/invoices", self._authenticated(self._invoices))
        self.route("GET", "/v2/invoices/{number}", self._authenticated(self._invoice))
        self.route("GET", "/v2/customers", self._authenticated(self._customers))
        self.route("GET", "/v2/customers/{code}", self._authenticated(self._customer))

    # --- statistics ---------------------------------------------------------------------------

    def stats_snapshot(self) -> dict[str, Any]:
        snapshot = self.stats.snapshot()
        counters = snapshot["counters"]
        snapshot["logins"] = {
            "post": counters.get("login_post", 0),
            "post_ok": counters.get("login_post_ok", 0),
            "put": counters.get("login_put", 0),
            "put_ok": counters.get("login_put_ok", 0),
        }
        with self._lock:
            snapshot["active_sessions"] = len(self._sessions)
        return snapshot

    # --- test hook ----------------------------------------------------------------------------

    def set_invoice(self, number: int | str, **fields: Any) -> None:
        """Change one invoice as KashFlow would show it from now on, in its list row and its
        single record: ``set_invoice(1042, Status="Paid", DueAmount=Decimal("0.00"))``.

        Keys are KashFlow's JSON names; ``Status`` and ``DueAmount`` also update what the
        status filter and sorting read.
        """
        invoice = self.dataset.invoice(number)
        if invoice is None:
            raise KeyError(f"no invoice {number}")
        changed = replace(
            invoice,
            status=fields.get("Status", invoice.status),
            due_amount=fields.get("DueAmount", invoice.due_amount),
            summary={**invoice.summary, **fields},
            detail={**invoice.detail, **fields},
        )
        with self._lock:
            dataset = self.dataset
            dataset._invoices_by_number[changed.number] = changed
            dataset.invoices = tuple(
                changed if item.number == changed.number else item for item in dataset.invoices
            )
            self._invoice_rows[changed.number] = RawJSON(dumps(changed.summary))
            self._detail_cache.pop(("invoice", str(changed.number)), None)
            self._list_cache.clear()

    # --- login --------------------------------------------------------------------------------

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
            self._temporary[token] = _TemporaryLogin(account, positions, now)
        self.stats.incr("login_post_ok")
        user = account.user
        return json_response(
            {
                "TemporaryToken": token,
                "MemorableWordList": [{"Position": p, "Value": ""} for p in positions],
                "IsLockedOut": False,
                "HasTemporaryPassword": False,
                "SubscriptionExpired": False,
                "IsAdmin": True,
                "PackageName": "Business",
                "PartnerBrandingOptOut": False,
                "PartnerId": 3,
                "Disabled": False,
                "KeepUserLoggedIn": False,
                "CompanyUserFullName": user.full_name,
                "EmailId": user.username,
            },
            status=201,
        )

    def _login_memorable_word(self, request: Request) -> Response:
        self.stats.incr("login_put")
        body = _lower_keys(request.json())
        token = _text(body.get("temporarytoken")).lower()
        now = self._clock()
        with self._lock:
            # Single use: any attempt spends the temporary token.
            pending = self._temporary.pop(token, None) if token else None
            if pending is None or now - pending.created > self.config.temporary_token_lifetime:
                raise HTTPError(*INVALID_TEMPORARY_TOKEN)
            account = pending.account
            if account.locked:
                raise HTTPError(*ACCOUNT_LOCKED)
            word = account.user.memorable_word
            if not _memorable_word_matches(body.get("memorablewordlist"), pending.positions, word):
                self._failed(account)
                raise HTTPError(*INVALID_MEMORABLE_WORD)
            account.failures = 0
            session_token = str(uuid.uuid4()).upper()
            self._sessions[session_token.lower()] = _Session(account.user, now, now)
        self.stats.incr("login_put_ok")
        user = account.user
        answer: dict[str, Any] = {}
        if self.config.company_name_in_session:
            answer["CompanyName"] = user.company_name
        answer.update(
            {
                "IsAdmin": True,
                "SubscriptionExpired": False,
                "PartnerId": 3,
                "PackageName": "Business",
                "PartnerBrandingOptOut": False,
                "SessionToken": session_token,
                "StartPageUrl": "/dashboard",
                "SubscriptionExpiryDate": kashflow_date(self.dataset.as_of + timedelta(days=365)),
                "HasTemporaryPassword": False,
                "KeepUserLoggedIn": False,
                "IsLockedOut": False,
                "Disabled": False,
                "CompanyUserFullName": user.full_name,
                "EmailId": user.username,
            }
        )
        return json_response(answer)

    def _logout(self, request: Request) -> Response:
        token = _session_token(request)
        with self._lock:
            if token is None or self._sessions.pop(token, None) is None:
                raise HTTPError(*INVALID_SESSION_TOKEN)
        return empty_response(204)

    def _logout_token(self, request: Request) -> Response:
        with self._lock:
            self._sessions.pop(request.params["token"].strip().lower(), None)
        return empty_response(204)

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
        for token in [t for t, p in self._temporary.items() if now - p.created > lifetime]:
            del self._temporary[token]
        for token in [t for t, s in self._sessions.items() if now - s.last_used > idle]:
            del self._sessions[token]

    # --- authentication -----------------------------------------------------------------------

    def _authenticated(
        self, handler: Callable[[Request, _Session], Response]
    ) -> Callable[[Request], Response]:
        def guarded(request: Request) -> Response:
            return handler(request, self._session(request))

        return guarded

    def _session(self, request: Request) -> _Session:
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
            return session

    # --- settings -----------------------------------------------------------------------------

    def _company(self, request: Request, session: _Session) -> Response:
        if self.config.companydetails == "missing":
            raise HTTPError(404, "NotFound", "Company details not found.")
        details = {
            **self.dataset.company,
            "CompanyName": session.user.company_name,
            "Username": session.user.username,
        }
        if self.config.companydetails == "no_name":
            del details["CompanyName"]
        return json_response(details)

    def _profile(self, request: Request, session: _Session) -> Response:
        user = session.user
        return json_response(
            {
                "Username": user.username,
                "Name": user.full_name,
                "EmailId": user.username,
                "CompanyName": user.company_name,
            }
        )

    # --- invoices -----------------------------------------------------------------------------

    def _invoices(self, request: Request, session: _Session) -> Response:
        page, perpage = self._paging(request)
        sort = _choice(request, "sortby", _INVOICE_SORT_NAMES, set(_INVOICE_SORTS), default=0)
        descending = _descending(request)
        statuses = self._status_filter(request)
        customer_code = (request.arg("customercode") or "").strip().casefold()
        key = ("invoices", sort, descending, statuses, customer_code)
        cached = self._list_cache.get(key)
        if cached is None:
            records = [
                invoice
                for invoice in self.dataset.invoices
                if (statuses is None or invoice.status in statuses)
                and (not customer_code or invoice.customer_code.casefold() == customer_code)
            ]
            sort_key = _INVOICE_SORTS[sort]
            records.sort(key=lambda record: (sort_key(record), record.number), reverse=descending)
            cached = (
                [self._invoice_rows[invoice.number] for invoice in records],
                sum((invoice.home_gross for invoice in records), Decimal(0)),
            )
            if not customer_code:  # one list per filter/sort; per-customer lists are not kept
                self._list_cache[key] = cached
        rows, total_amount = cached
        return self._page(request, "/v2/invoices", "invoices", rows, page, perpage, total_amount)

    def _invoice(self, request: Request, session: _Session) -> Response:
        invoice = self.dataset.invoice(request.params["number"].strip())
        if invoice is None:
            raise HTTPError(*INVOICE_NOT_FOUND)
        return json_response(self._detail_json("invoice", str(invoice.number), invoice.detail))

    def _status_filter(self, request: Request) -> frozenset[str] | None:
        given = (request.arg("statusfilter") or "").strip()
        if not given or self.config.statusfilter_mode == "ignore":
            return None
        if self.config.statusfilter_mode == "reject":
            raise HTTPError(*INVALID_FILTER)
        name = given.lower()
        if name.isdigit():
            name = _STATUS_FILTER_NUMBERS.get(int(name), "")
        if name not in _STATUS_FILTERS:
            raise HTTPError(
                400, "InvalidFilter", f"The value '{given}' is not valid for statusfilter."
            )
        return _STATUS_FILTERS[name]

    # --- customers ----------------------------------------------------------------------------

    def _customers(self, request: Request, session: _Session) -> Response:
        page, perpage = self._paging(request)
        sort = _choice(request, "sortby", _CUSTOMER_SORT_NAMES, {0, 1}, default=0)
        descending = _descending(request)
        key = ("customers", sort, descending)
        cached = self._list_cache.get(key)
        if cached is None:
            customers = sorted(
                self.dataset.customers,
                key=lambda c: (c.name.casefold() if sort == 0 else c.code.casefold(), c.code),
                reverse=descending,
            )
            cached = (
                [self._customer_rows[customer.code] for customer in customers],
                sum((c.detail["OutstandingBalance"] for c in customers), Decimal(0)),
            )
            self._list_cache[key] = cached
        rows, total_amount = cached
        return self._page(request, "/v2/customers", "customers", rows, page, perpage, total_amount)

    def _customer(self, request: Request, session: _Session) -> Response:
        code = request.params["code"]
        folded = code.casefold()
        if folded in {missing.casefold() for missing in self.faults.missing_customers}:
            raise HTTPError(*CUSTOMER_NOT_FOUND)
        customer = self.dataset.customer(code)
        if customer is None:
            raise HTTPError(*CUSTOMER_NOT_FOUND)
        body = self._detail_json("customer", customer.code, customer.detail)
        if folded in {garbage.casefold() for garbage in self.faults.garbage_customers}:
            # A 200 whose JSON stops half-way, as a proxy cutting the answer short would.
            return Response(200, body[: len(body) // 2])
        return json_response(body)

    # --- shared helpers -----------------------------------------------------------------------

    def _detail_json(self, kind: str, key: str, record: dict[str, Any]) -> bytes:
        body = self._detail_cache.get((kind, key))
        if body is None:
            # Two threads may both encode it the first time; the result is the same.
            body = self._detail_cache[(kind, key)] = dumps(record).encode("utf-8")
        return body

    def _paging(self, request: Request) -> tuple[int, int]:
        page = request.int_arg("page", 1)
        perpage = request.int_arg("perpage", self.config.perpage_default)
        if perpage < 1:
            perpage = self.config.perpage_default
        return max(page, 1), min(perpage, self.config.perpage_cap)

    def _page(
        self,
        request: Request,
        path: str,
        list_name: str,
        rows: list[RawJSON],
        page: int,
        perpage: int,
        total_amount: Decimal,
    ) -> Response:
        offset = (page - 1) * perpage
        if self._drifting(list_name, page) and offset:
            # A row before the window dropped out since the previous page: the window slides
            # one row on, so the row at the boundary is never seen in this pass.
            offset += 1
        window = rows[offset : offset + perpage]
        data = "[" + ",".join(window) + "]"
        if self.config.list_shape == "bare":
            return json_response(RawJSON(data))

        total = len(rows)
        last_page = max(1, math.ceil(total / perpage))
        extra = [
            (name, value)
            for name in ("sortby", "order", "statusfilter", "customercode")
            if (value := request.arg(name))
        ]

        def page_url(number: int) -> str:
            return f"{path}?" + urlencode([("page", number), ("perpage", perpage), *extra])

        meta: dict[str, Any] = {
            "TotalRecords": total,
            "FirstPageUrl": page_url(1),
            "LastPageUrl": page_url(last_page),
            "PreviousPageUrl": page_url(page - 1) if page > 1 else None,
            "NextPageUrl": page_url(page + 1) if page < last_page else None,
            "TotalAmount": money(total_amount),
            "InvoiceLimitReached": False,
        }
        if self.config.omit_next_page_url:
            del meta["NextPageUrl"]
        return json_response(RawJSON('{"MetaData":' + dumps(meta) + ',"Data":' + data + "}"))

    def _drifting(self, list_name: str, page: int) -> bool:
        passes = self.faults.paging_drift
        if not passes:
            return False
        counter = f"paging_pass:{list_name}"
        current = self.faults.tick(counter) if page <= 1 else max(1, self.faults.peek(counter))
        return current <= passes


# Start one running (the caller shows ``server.url`` and the ``DEMO_*`` credentials).
serve = KashFlowSandbox.serve


# --- small parsing helpers --------------------------------------------------------------------


def _lower_keys(body: Any) -> dict[str, Any]:
    if not isinstance(body, dict):
        raise HTTPError(400, "InvalidRequest", "Send a JSON object.")
    return {str(key).lower(): value for key, value in body.items()}


def _text(value: Any) -> str:
    return value if isinstance(value, str) else ""


def _session_token(request: Request) -> str | None:
    scheme, _, token = request.header("Authorization").strip().partition(" ")
    token = token.strip()
    return token.lower() if scheme.lower() == "kftoken" and token else None


def _memorable_word_matches(entries: Any, positions: tuple[int, ...], word: str) -> bool:
    """Exactly the asked positions, each with its character (case-insensitive)."""
    if not isinstance(entries, list):
        return False
    given: dict[int, str] = {}
    for entry in entries:
        if not isinstance(entry, dict):
            return False
        fields = _lower_keys(entry)
        position, value = fields.get("position"), fields.get("value")
        try:
            number = int(position) if not isinstance(position, bool) else None
        except (TypeError, ValueError):
            number = None
        if number is None or number in given or not isinstance(value, str):
            return False
        given[number] = value
    if set(given) != set(positions):
        return False
    return all(
        len(given[p]) == 1 and given[p].casefold() == word[p - 1].casefold() for p in positions
    )


def _choice(
    request: Request, name: str, names: dict[str, int], numbers: set[int], default: int
) -> int:
    value = (request.arg(name) or "").strip()
    if not value:
        return default
    if value.isdigit() and int(value) in numbers:
        return int(value)
    if value.lower() in names:
        return names[value.lower()]
    raise HTTPError(400, "InvalidRequest", f"The value '{value}' is not valid for {name}.")


def _descending(request: Request) -> bool:
    value = (request.arg("order") or "asc").strip().lower()
    if value not in ("asc", "desc", "ascending", "descending"):
        raise HTTPError(400, "InvalidRequest", f"The value '{value}' is not valid for order.")
    return value.startswith("desc")


__all__ = [
    "ACTIVE",
    "DEFAULT_USERS",
    "DEMO_MEMORABLE_WORD",
    "DEMO_PASSWORD",
    "DEMO_USERNAME",
    "EXPIRED_PASSWORD_USERNAME",
    "LOCKED",
    "LOCKED_USERNAME",
    "PASSWORD_EXPIRED",
    "KashFlowFaults",
    "KashFlowSandbox",
    "KashFlowSandboxConfig",
    "SandboxUser",
    "serve",
]
