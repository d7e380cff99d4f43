"""The threaded JSON HTTP server every sandbox builds on.

``SandboxServer`` runs ``http.server.ThreadingHTTPServer`` on 127.0.0.1 in a background thread
(HTTP/1.1 keep-alive), routes ``METHOD /path/{param}`` patterns (case-insensitive) to handlers,
applies the knobs of ``sandbox.faults`` to API routes, counts requests, and offers a control API:
``GET /_sandbox/faults`` (the knobs; ``POST`` replaces them, ``{}`` turning every fault off;
``PATCH`` changes only those given), ``GET /_sandbox/stats``, ``POST /_sandbox/reset-stats``.
Requests are logged at DEBUG with method, route pattern and status only: paths, headers and
bodies carry credentials.

A subclass names its ``config_class`` (a frozen dataclass with ``host`` and ``port``) and
``faults_class``, and adds routes with ``self.route(method, pattern, handler)``: a handler takes
a ``Request`` (and on DATA routes what ``authenticate`` says of it) and returns a ``Response``
(None: drop the connection unanswered).
"""

from __future__ import annotations

import contextlib
import functools
import logging
import re
import socket
import threading
import time
import zlib
from collections import Counter
from collections.abc import Callable
from dataclasses import dataclass, field, replace
from decimal import Decimal
from email.message import Message
from http import HTTPStatus
from http.server import BaseHTTPRequestHandler, ThreadingHTTPServer
from typing import Any, ClassVar, NamedTuple, Self
from urllib.parse import parse_qsl, unquote, urlsplit

from jsonwire.encoding import dumps, loads
from sandbox import faults as fault_actions
from sandbox.faults import Faults

logger = logging.getLogger("sandbox.http")

MAX_BODY_BYTES = 10 * 1024 * 1024
IDLE_TIMEOUT = 60.0  # seconds a keep-alive connection may sit unused
# Route kinds: faults apply to DATA routes, to LOGIN ones when asked, never to CONTROL ones.
DATA, LOGIN, CONTROL = "data", "login", "control"


@dataclass(slots=True)
class Request:
    method: str
    path: str  # as sent (still percent-encoded), without the query string
    query: dict[str, str]  # last value per name, names lower-cased
    headers: Message
    body: bytes = b""
    params: dict[str, str] = field(default_factory=dict)  # path parameters, percent-decoded

    def arg(self, name: str) -> str:
        """A query parameter (its name matched case-insensitively), stripped; "" when absent."""
        return self.query.get(name.lower(), "").strip()

    def int_arg(self, name: str, default: int, error: str = "InvalidRequest") -> int:
        """A whole-number query parameter, ``default`` when absent; anything else is a 400."""
        value = self.arg(name)
        try:
            return int(value) if value else default
        except ValueError:
            raise HTTPError(400, error, f"The value '{value}' is not valid for {name}.") from None

    def json(self, empty: Any = None) -> Any:
        """The body as JSON (``empty`` if blank and given); blank or malformed is a 400."""
        if not self.body.strip():
            if empty is not None:
                return empty
            raise HTTPError(400, "InvalidRequest", "The request body is empty.")
        try:
            return loads(self.body)
        except (ValueError, UnicodeDecodeError):
            raise HTTPError(400, "InvalidRequest", "The request body is not valid JSON.") from None


@dataclass(frozen=True, slots=True)
class Response:
    status: int = 200
    body: bytes = b""
    content_type: str = "application/json; charset=utf-8"
    headers: tuple[tuple[str, str], ...] = ()
    trickle: float = 0.0  # seconds between the body's bytes (the trickle_seconds knob)

    @classmethod
    def json(cls, value: Any, status: int = 200, headers: tuple = ()) -> Response:
        """``value`` as JSON; a ``RawJSON`` or bytes that are already JSON are not encoded."""
        body = value if isinstance(value, bytes) else dumps(value).encode("utf-8")
        return cls(status, body, headers=headers)

    @classmethod
    def html(cls, text: str, status: int = 200) -> Response:
        return cls(status, text.encode("utf-8"), "text/html; charset=utf-8")

    @classmethod
    def empty(cls, status: int = 204, headers: tuple = ()) -> Response:
        return cls(status, b"", "", headers)


class HTTPError(Exception):
    """Raise from a handler to answer ``status`` with the server's error body."""

    def __init__(self, status: int, error: str, message: str) -> None:
        super().__init__(f"{status} {error}: {message}")
        self.status, self.error, self.message = status, error, message


class Route(NamedTuple):
    method: str
    pattern: str
    key: str  # how the route is named in statistics: "GET /v2/customers/{code}"
    handler: Callable[..., Response | None]  # (request), or (request, who) on DATA routes
    kind: str
    regex: re.Pattern[str]


class RequestStats:
    """Thread-safe request counts per route, method and status, plus free-form counters."""

    def __init__(self) -> None:
        self._lock = threading.Lock()
        self.reset()

    def reset(self) -> None:
        with self._lock:
            groups = ("routes", "methods", "statuses", "counters")
            self._counts: dict[str, Counter[str]] = {group: Counter() for group in groups}

    def record(self, method: str, route_key: str, status: int | str) -> None:
        with self._lock:
            for group, key in (("routes", route_key), ("methods", method), ("statuses", status)):
                self._counts[group][str(key)] += 1

    def incr(self, counter: str) -> None:
        with self._lock:
            self._counts["counters"][counter] += 1

    def snapshot(self) -> dict[str, Any]:
        with self._lock:
            groups = {name: dict(sorted(counts.items())) for name, counts in self._counts.items()}
        return {"requests": sum(groups["methods"].values()), **groups}


class SandboxServer:
    """Base of every sandbox server. Start with ``start()`` or ``with``; stop with ``stop()``."""

    base_path = ""  # appended to the root URL by ``url``
    max_body_bytes = MAX_BODY_BYTES  # larger request bodies are a 413 before any route
    config_class: ClassVar[type]
    faults_class: ClassVar[type[Faults]] = Faults  # a server with knobs of its own subclasses it

    def __init__(self, config: Any = None, faults: Faults | None = None) -> None:
        self.config = config or self.config_class()
        self.faults = self.faults_class() if faults is None else faults
        if not isinstance(self.faults, self.faults_class):
            raise TypeError(f"pass {self.faults_class.__name__} (it has this server's own knobs)")
        self.stats = RequestStats()
        self._routes: list[Route] = []
        self._httpd: _Server | None = None
        self._thread: threading.Thread | None = None
        change = self._change_faults
        for method, pattern, handler in (
            ("GET", "/_sandbox/faults", lambda request: Response.json(self.faults.snapshot())),
            ("POST", "/_sandbox/faults", lambda request: change(request, self.faults.set)),
            ("PATCH", "/_sandbox/faults", lambda request: change(request, self.faults.update)),
            ("GET", "/_sandbox/stats", lambda request: Response.json(self.stats_snapshot())),
            ("POST", "/_sandbox/reset-stats", self._reset_stats),
        ):
            self.route(method, pattern, handler, kind=CONTROL)

    def route(self, method: str, pattern: str, handler: Callable, *, kind: str = DATA) -> None:
        """``{name}`` in ``pattern`` matches one path segment, passed in ``request.params``."""
        regex = re.sub(r"\\\{(\w+)\\\}", r"(?P<\1>[^/]+)", re.escape(pattern))
        regex = re.compile(regex, re.IGNORECASE)
        self._routes.append(Route(method, pattern, f"{method} {pattern}", handler, kind, regex))

    @classmethod
    def serve(cls, config: Any = None, faults: Faults | None = None) -> Self:
        """Start one (127.0.0.1, a free port unless the config names one) and return it running.

        Prints nothing: the caller shows ``server.url`` and how to log in, then calls
        ``server.wait()`` (Ctrl+C raises KeyboardInterrupt there) and ``server.stop()``.
        """
        return cls(config, faults).start()

    def start(self) -> Self:
        if self._httpd is None:
            httpd = self._httpd = _Server(self)
            name = f"{type(self).__name__}-{self.port}"
            self._thread = threading.Thread(target=httpd.serve_forever, args=(0.05,), name=name)
            self._thread.daemon = True
            self._thread.start()
        return self

    def stop(self) -> None:
        httpd, thread = self._httpd, self._thread
        if httpd is None:
            return
        self._httpd = self._thread = None
        httpd.shutdown()
        httpd.server_close()
        for connection in tuple(httpd.connections):  # wake threads parked on keep-alive reads
            with contextlib.suppress(OSError):
                connection.shutdown(socket.SHUT_RDWR)
        if thread is not None:
            thread.join(timeout=5)

    def wait(self) -> None:
        """Block until ``stop()`` (Ctrl+C raises ``KeyboardInterrupt`` here, as usual)."""
        while (thread := self._thread) is not None and thread.is_alive():
            thread.join(timeout=0.5)

    def __enter__(self) -> Self:
        return self.start()

    def __exit__(self, *exc_info: object) -> None:
        self.stop()

    @property
    def running(self) -> bool:
        return self._httpd is not None

    @property
    def port(self) -> int:
        if self._httpd is None:
            raise RuntimeError("the server is not running; call start() first")
        return self._httpd.server_address[1]

    @property
    def root_url(self) -> str:
        """``http://127.0.0.1:PORT`` (the control API lives under it)."""
        return f"http://{self.config.host}:{self.port}"

    @property
    def url(self) -> str:
        """The API root clients are given: ``root_url`` + ``base_path``."""
        return self.root_url + self.base_path

    def error_response(self, status: int, error: str, message: str, headers=()) -> Response:
        """The API's error body; this default is KashFlow's ``{"Error", "Message"}``."""
        return Response.json({"Error": error, "Message": message}, status, headers)

    def fault_response(self, action: str) -> Response:
        if action == fault_actions.RATE_LIMIT:
            message = "Too many requests. Please slow down and try again later."
            retry_after = (("Retry-After", str(self.faults.retry_after_seconds)),)
            return self.error_response(429, "TooManyRequests", message, retry_after)
        if action == fault_actions.SQL_TIMEOUT:
            error, message = fault_actions.SQL_TIMEOUT_ERROR, fault_actions.SQL_TIMEOUT_MESSAGE
            return self.error_response(400, error, message)
        if action == fault_actions.HTML_ERROR:
            return Response.html(fault_actions.HTML_ERROR_PAGE, 502)
        status = self.faults.server_error_status
        if status == 500:
            return self.error_response(500, "InternalServerError", "An error has occurred.")
        phrase = HTTPStatus(status).phrase.replace(" ", "")
        return self.error_response(status, phrase, "The service is unavailable.")

    def authenticate(self, request: Request) -> Any:
        """Who sends a request to a DATA route (its handler's second argument), or HTTPError."""
        return None

    def faults_apply(self, route: Route) -> bool:
        """Whether the generic fault knobs may pick this request."""
        return route.kind == DATA or (route.kind == LOGIN and self.faults.faults_on_login)

    def stats_snapshot(self) -> dict[str, Any]:
        return self.stats.snapshot()

    def dispatch(self, request: Request) -> Response | None:
        """The answer to one request; None closes the connection without one."""
        path = request.path.rstrip("/") or "/"
        matches = [(route, m) for route in self._routes if (m := route.regex.fullmatch(path))]
        found = [(route, m) for route, m in matches if route.method == request.method]
        route, match = found[0] if found else (None, None)
        key = route.key if route else f"{request.method} <unmatched>"
        if route is not None:
            request.params = {name: unquote(value) for name, value in match.groupdict().items()}
        if route is not None and route.kind == CONTROL:
            response = self._call(route, request)
        else:
            response = self._hostile_answer(request) or self._answer(route, request, bool(matches))
            self.stats.record(request.method, key, response.status if response else "dropped")
            if response is not None and self.faults.trickle_seconds:
                response = replace(response, trickle=self.faults.trickle_seconds)
        logger.debug("%s -> %s", key, response.status if response else "dropped")
        return response

    def _answer(self, route: Route | None, request: Request, path_known: bool) -> Response | None:
        if route is None:
            if path_known:
                message = f"The requested resource does not support http method '{request.method}'."
                return self.error_response(405, "MethodNotAllowed", message)
            message = "No HTTP resource was found that matches the request URI."
            return self.error_response(404, "NotFound", message)
        action = None
        if self.faults_apply(route):
            time.sleep(self.faults.latency_ms / 1000)
            action = self.faults.decide()
            if action is not None:
                self.stats.incr(f"fault.{action}")
            if action not in (None, fault_actions.DROP):
                return self.fault_response(action)
            if action == fault_actions.DROP and not self.faults.drop_after_handler:
                return None
        response = self._call(route, request)
        return None if action == fault_actions.DROP else response  # DROP here: after the work

    def _hostile_answer(self, request: Request) -> Response | None:
        """What the redirect and gzip-bomb knobs answer instead of the API, when set."""
        if self.faults.redirect_to:
            return Response.empty(307, (("Location", self.faults.redirect_to + request.path),))
        if self.faults.gzip_bomb_mb:
            bomb = gzip_bomb(self.faults.gzip_bomb_mb)
            return Response(200, bomb, headers=(("Content-Encoding", "gzip"),))
        return None

    def _call(self, route: Route, request: Request) -> Response | None:
        try:
            if route.kind == DATA:
                return route.handler(request, self.authenticate(request))
            return route.handler(request)
        except HTTPError as error:
            return self.error_response(error.status, error.error, error.message)
        except Exception:
            logger.exception("%s %s: handler failed", request.method, route.pattern)
            return self.error_response(500, "InternalServerError", "An error has occurred.")

    def _change_faults(self, request: Request, change: Callable[..., None]) -> Response:
        knobs = request.json(empty={})
        if not isinstance(knobs, dict):
            raise HTTPError(400, "InvalidRequest", "Send a JSON object of knob values.")
        try:  # loads() reads fractions as Decimal; knobs take floats
            change(**{k: float(v) if isinstance(v, Decimal) else v for k, v in knobs.items()})
        except ValueError as error:
            raise HTTPError(400, "InvalidRequest", str(error)) from None
        return Response.json(self.faults.snapshot())

    def _reset_stats(self, request: Request) -> Response:
        self.stats.reset()
        return Response.json(self.stats_snapshot())


@functools.cache
def gzip_bomb(megabytes: int) -> bytes:
    """Gzip that inflates to ``megabytes`` MiB of JSON-looking bytes: ``{"Data":["AAAA…"]}``."""
    packer = zlib.compressobj(9, zlib.DEFLATED, 31)
    parts = [packer.compress(b'{"Data":["')]
    parts += [packer.compress(b"A" * 1024 * 1024) for _ in range(megabytes)]
    return b"".join([*parts, packer.compress(b'"]}'), packer.flush()])


class _Server(ThreadingHTTPServer):
    daemon_threads = True
    allow_reuse_address = True
    request_queue_size = 128  # the default 5 drops SYNs when many clients connect at once

    def __init__(self, sandbox: SandboxServer) -> None:
        self.sandbox = sandbox
        self.connections: set[socket.socket] = set()  # open ones, closed by ``stop()``
        super().__init__((sandbox.config.host, sandbox.config.port), _Handler)

    def process_request_thread(self, request: Any, client_address: Any) -> None:
        self.connections.add(request)
        try:
            super().process_request_thread(request, client_address)
        finally:
            self.connections.discard(request)

    def handle_error(self, request: Any, client_address: Any) -> None:
        # A client that hangs up mid-answer is normal here; socketserver would print a traceback.
        logger.debug("connection from %s ended with an error", client_address, exc_info=True)


class _Handler(BaseHTTPRequestHandler):
    protocol_version = "HTTP/1.1"
    server: _Server

    def setup(self) -> None:
        self.timeout = IDLE_TIMEOUT
        super().setup()
        # Headers and body go out in separate writes: without this, Nagle + delayed ACK ~40 ms.
        self.connection.setsockopt(socket.IPPROTO_TCP, socket.TCP_NODELAY, 1)

    def _dispatch(self) -> None:
        sandbox = self.server.sandbox
        length = self.headers.get("Content-Length") or "0"
        if not length.isdigit() or "Transfer-Encoding" in self.headers:  # chunked: not read
            self.close_connection = True
            return self._send(sandbox.error_response(400, "InvalidRequest", "Bad Content-Length."))
        if int(length) > sandbox.max_body_bytes:
            self.close_connection = True
            message = "The request body is too large."
            return self._send(sandbox.error_response(413, "RequestTooLarge", message))
        split = urlsplit(self.path)
        query = {name.lower(): value for name, value in parse_qsl(split.query, True)}
        body = self.rfile.read(int(length))
        response = sandbox.dispatch(Request(self.command, split.path, query, self.headers, body))
        if response is None:
            self.close_connection = True
        else:
            self._send(response)

    do_GET = do_POST = do_PUT = do_PATCH = do_DELETE = _dispatch

    def _send(self, response: Response) -> None:
        self.send_response(response.status)
        self.send_header("Content-Length", str(len(response.body)))
        if response.content_type:
            self.send_header("Content-Type", response.content_type)
        for name, value in response.headers:
            self.send_header(name, value)
        if self.close_connection:
            self.send_header("Connection", "close")
        self.end_headers()
        step = 1 if response.trickle else max(1, len(response.body))  # trickle: byte by byte
        for start in range(0, len(response.body), step):
            if response.trickle:
                time.sleep(response.trickle)
            self.wfile.write(response.body[start : start + step])

    def log_request(self, code: Any = "-", size: Any = "-") -> None:
        pass  # the request line holds the path (tokens, codes): ``dispatch`` logs the route

    def log_message(self, format: str, *args: Any) -> None:
        # http.server's own messages (bad request lines, timeouts); never headers or bodies.
        logger.debug(format, *args)
