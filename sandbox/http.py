"""A small threaded JSON HTTP server that every sandbox builds on.

``JsonHTTPServer`` runs ``http.server.ThreadingHTTPServer`` on 127.0.0.1 in a background
thread, speaks HTTP/1.1 keep-alive (every answer carries Content-Length and goes out in one
write), routes ``METHOD /path/{param}`` patterns to handlers, applies the fault knobs of
``sandbox.faults`` to data endpoints, counts requests per route, and offers a control API on
every server:

* ``GET /_sandbox/faults``: the knobs; ``POST`` replaces them (``{}`` turns every fault off);
  ``PATCH`` changes only the knobs given.
* ``GET /_sandbox/stats``, ``POST /_sandbox/reset-stats``.

Requests are logged through ``logging`` at DEBUG with method, path (no query), status and time
only: headers and bodies carry credentials.

A subclass sets ``base_path`` and registers routes in its ``__init__``::

    class EchoServer(JsonHTTPServer):
        base_path = "/api"

        def __init__(self):
            super().__init__()
            self.route("POST", "/api/echo/{name}", self.echo)

        def echo(self, request):
            return json_response({"name": request.params["name"], "body": request.json()})

    with EchoServer() as server:
        requests.post(server.url + "/echo/x", json={"a": 1})
"""

from __future__ import annotations

import contextlib
import logging
import re
import socket
import threading
import time
from collections import Counter
from collections.abc import Callable, Iterable
from dataclasses import dataclass, field, replace
from decimal import Decimal
from email.message import Message
from http import HTTPStatus
from http.server import BaseHTTPRequestHandler, ThreadingHTTPServer
from typing import Any, ClassVar, Self
from urllib.parse import parse_qsl, quote, unquote, urlsplit

from jsonwire.encoding import dumps, loads
from sandbox import faults as fault_actions
from sandbox.faults import FaultDecision, Faults

logger = logging.getLogger("sandbox.http")

MAX_BODY_BYTES = 10 * 1024 * 1024
DATA, LOGIN, CONTROL = "data", "login", "control"


# --- requests, responses, errors --------------------------------------------------------------


@dataclass(slots=True)
class Request:
    method: str
    path: str  # as sent (still percent-encoded), without the query string
    query: dict[str, str]  # last value per name, names as sent
    headers: Message
    body: bytes = b""
    params: dict[str, str] = field(default_factory=dict)  # path parameters, percent-decoded
    route: Route | None = None
    _query_ci: dict[str, str] | None = None

    def arg(self, name: str, default: str | None = None) -> str | None:
        """A query parameter, its name matched case-insensitively."""
        if self._query_ci is None:
            self._query_ci = {key.lower(): value for key, value in self.query.items()}
        return self._query_ci.get(name.lower(), default)

    def int_arg(self, name: str, default: int, error: str = "InvalidRequest") -> int:
        """A whole-number query parameter, ``default`` when absent; anything else is a 400."""
        value = (self.arg(name) or "").strip()
        if not value:
            return default
        try:
            return int(value)
        except ValueError:
            raise HTTPError(400, error, f"The value '{value}' is not valid for {name}.") from None

    def header(self, name: str, default: str = "") -> str:
        return self.headers.get(name, default)

    def log_path(self) -> str:
        """The path for the log: secret-looking path parameters (a token in the URL) masked."""
        if self.route is None:
            return self.path[:200]

        def value(match: re.Match[str]) -> str:
            name = match[1]
            return "***" if _SECRET_NAME.search(name) else quote(self.params.get(name, ""), safe="")

        return _PARAM.sub(value, self.route.pattern)

    def json(self) -> Any:
        """The body as JSON; a missing or malformed body is a 400."""
        if not self.body.strip():
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


def json_response(
    value: Any, status: int = 200, headers: Iterable[tuple[str, str]] = ()
) -> Response:
    """``value`` as JSON. Pass a ``RawJSON`` or bytes that are already JSON to skip encoding."""
    body = value if isinstance(value, bytes) else dumps(value).encode("utf-8")
    return Response(status, body, headers=tuple(headers))


def text_response(text: str, status: int = 200, content_type: str = "text/plain") -> Response:
    return Response(status, text.encode("utf-8"), f"{content_type}; charset=utf-8")


def empty_response(status: int = 204) -> Response:
    return Response(status, b"", content_type="")


class HTTPError(Exception):
    """Raise from a handler to answer ``status`` with the server's error body."""

    def __init__(
        self, status: int, error: str, message: str, headers: Iterable[tuple[str, str]] = ()
    ) -> None:
        super().__init__(f"{status} {error}: {message}")
        self.status = status
        self.error = error
        self.message = message
        self.headers = tuple(headers)


class _Drop:
    """Returned by dispatch when the connection must be closed without an answer."""


DROP_CONNECTION = _Drop()


# --- routing ----------------------------------------------------------------------------------

Handler = Callable[[Request], Response]
_PARAM = re.compile(r"\{([A-Za-z_][A-Za-z0-9_]*)\}")
_SECRET_NAME = re.compile(r"token|key|secret|password", re.IGNORECASE)


@dataclass(frozen=True, slots=True)
class Route:
    method: str
    pattern: str
    handler: Handler
    kind: str  # DATA (faults apply), LOGIN (faults only with faults_on_login), CONTROL (never)
    regex: re.Pattern[str]

    @property
    def key(self) -> str:
        """How the route is named in statistics: ``GET /v2/customers/{code}``."""
        return f"{self.method} {self.pattern}"


class Router:
    """Method + path pattern → handler. ``{name}`` matches one path segment."""

    def __init__(self, case_insensitive: bool = False) -> None:
        self._flags = re.IGNORECASE if case_insensitive else 0
        self._routes: list[Route] = []

    def add(self, method: str, pattern: str, handler: Handler, kind: str = DATA) -> Route:
        if kind not in (DATA, LOGIN, CONTROL):
            raise ValueError(f"unknown route kind {kind!r}")
        regex_text = ""
        position = 0
        for match in _PARAM.finditer(pattern):
            regex_text += re.escape(pattern[position : match.start()])
            regex_text += f"(?P<{match[1]}>[^/]+)"
            position = match.end()
        regex_text += re.escape(pattern[position:])
        route = Route(method.upper(), pattern, handler, kind, re.compile(regex_text, self._flags))
        self._routes.append(route)
        return route

    def resolve(self, method: str, path: str) -> tuple[Route | None, dict[str, str], bool]:
        """(route, decoded params, whether the path exists for some other method)."""
        if len(path) > 1 and path.endswith("/"):
            path = path.rstrip("/") or "/"
        path_exists = False
        for route in self._routes:
            match = route.regex.fullmatch(path)
            if match is None:
                continue
            if route.method != method:
                path_exists = True
                continue
            return route, {name: unquote(value) for name, value in match.groupdict().items()}, True
        return None, {}, path_exists


# --- statistics -------------------------------------------------------------------------------


class RequestStats:
    """Thread-safe request counts per route, method and status, plus free-form counters."""

    def __init__(self) -> None:
        self._lock = threading.Lock()
        self.reset()

    def reset(self) -> None:
        with self._lock:
            self._total = 0
            self._routes: Counter[str] = Counter()
            self._methods: Counter[str] = Counter()
            self._statuses: Counter[str] = Counter()
            self._counters: Counter[str] = Counter()

    def record(self, method: str, route_key: str, status: int | str) -> None:
        with self._lock:
            self._total += 1
            self._routes[route_key] += 1
            self._methods[method] += 1
            self._statuses[str(status)] += 1

    def incr(self, counter: str, amount: int = 1) -> None:
        with self._lock:
            self._counters[counter] += amount

    def count(self, route_key: str) -> int:
        with self._lock:
            return self._routes[route_key]

    def counter(self, name: str) -> int:
        with self._lock:
            return self._counters[name]

    def snapshot(self) -> dict[str, Any]:
        with self._lock:
            return {
                "requests": self._total,
                "routes": dict(sorted(self._routes.items())),
                "methods": dict(sorted(self._methods.items())),
                "statuses": dict(sorted(self._statuses.items())),
                "counters": dict(sorted(self._counters.items())),
            }


# --- the server -------------------------------------------------------------------------------


class JsonHTTPServer:
    """Base of every sandbox server. Start with ``start()`` or ``with``; stop with ``stop()``."""

    base_path = ""  # appended to the root URL by ``url``
    case_insensitive_paths = False
    server_name = "sandbox"
    faults_class: type[Faults] = Faults  # a server with knobs of its own names its subclass
    idle_connection_timeout = 60.0  # seconds a keep-alive connection may sit unused

    def __init__(
        self, *, host: str = "127.0.0.1", port: int = 0, faults: Faults | None = None
    ) -> None:
        self.host = host
        self._requested_port = port
        if faults is None:
            faults = self.faults_class()
        elif not isinstance(faults, self.faults_class):
            raise TypeError(f"pass {self.faults_class.__name__} (it has this server's own knobs)")
        self.faults = faults
        self.stats = RequestStats()
        self.router = Router(case_insensitive=self.case_insensitive_paths)
        self._httpd: _ThreadingServer | None = None
        self._thread: threading.Thread | None = None
        self.route("GET", "/_sandbox/faults", self._control_get_faults, kind=CONTROL)
        self.route("POST", "/_sandbox/faults", self._control_set_faults, kind=CONTROL)
        self.route("PATCH", "/_sandbox/faults", self._control_update_faults, kind=CONTROL)
        self.route("GET", "/_sandbox/stats", self._control_stats, kind=CONTROL)
        self.route("POST", "/_sandbox/reset-stats", self._control_reset_stats, kind=CONTROL)

    def route(self, method: str, pattern: str, handler: Handler, *, kind: str = DATA) -> Route:
        return self.router.add(method, pattern, handler, kind)

    # --- lifecycle ----------------------------------------------------------------------------

    def start(self) -> Self:
        if self._httpd is not None:
            return self
        httpd = _ThreadingServer((self.host, self._requested_port), _RequestHandler)
        httpd.sandbox = self
        self._httpd = httpd
        self._thread = threading.Thread(
            target=httpd.serve_forever,
            kwargs={"poll_interval": 0.05},
            name=f"{self.server_name}-{httpd.server_address[1]}",
            daemon=True,
        )
        self._thread.start()
        return self

    def stop(self) -> None:
        httpd, thread = self._httpd, self._thread
        if httpd is None:
            return
        self._httpd = self._thread = None
        httpd.shutdown()
        httpd.server_close()
        httpd.close_open_connections()
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
        return f"http://{self.host}:{self.port}"

    @property
    def url(self) -> str:
        """The API root clients are given: ``root_url`` + ``base_path``."""
        return self.root_url + self.base_path

    # --- hooks a subclass may override --------------------------------------------------------

    def error_response(
        self, status: int, error: str, message: str, headers: Iterable[tuple[str, str]] = ()
    ) -> Response:
        """The API's error body; this default is KashFlow's ``{"Error", "Message"}``."""
        return json_response({"Error": error, "Message": message}, status, headers)

    def fault_response(self, decision: FaultDecision) -> Response:
        action = decision.action
        if action == fault_actions.RATE_LIMIT:
            return self.error_response(
                429,
                "TooManyRequests",
                "Too many requests. Please slow down and try again later.",
                headers=[("Retry-After", str(decision.retry_after_seconds))],
            )
        if action == fault_actions.SERVER_ERROR:
            status = decision.server_error_status
            if status == 500:
                return self.error_response(500, "InternalServerError", "An error has occurred.")
            return self.error_response(
                status, HTTPStatus(status).phrase.replace(" ", ""), "The service is unavailable."
            )
        if action == fault_actions.SQL_TIMEOUT:
            return self.error_response(
                400, fault_actions.SQL_TIMEOUT_ERROR, fault_actions.SQL_TIMEOUT_MESSAGE
            )
        if action == fault_actions.HTML_ERROR:
            return text_response(fault_actions.HTML_ERROR_PAGE, 502, "text/html")
        raise ValueError(f"no response for fault action {action!r}")

    def stats_snapshot(self) -> dict[str, Any]:
        return self.stats.snapshot()

    # --- dispatch -----------------------------------------------------------------------------

    def dispatch(self, request: Request) -> Response | _Drop:
        route, params, path_exists = self.router.resolve(request.method, request.path)
        if route is None:
            if path_exists:
                response = self.error_response(
                    405,
                    "MethodNotAllowed",
                    f"The requested resource does not support http method '{request.method}'.",
                )
            else:
                response = self.error_response(
                    404, "NotFound", "No HTTP resource was found that matches the request URI."
                )
            self.stats.record(request.method, f"{request.method} <unmatched>", response.status)
            return response
        request.params = params
        request.route = route
        if route.kind == CONTROL:
            return self._call(route, request)

        decision = fault_actions.NO_FAULT
        if route.kind == DATA or self.faults.faults_on_login:
            decision = self.faults.decide()
            if decision.latency_s:
                time.sleep(decision.latency_s)
            if decision.action is not None:
                self.stats.incr(f"fault.{decision.action}")
                if decision.action != fault_actions.DROP:
                    response = self.fault_response(decision)
                    self.stats.record(request.method, route.key, response.status)
                    return response
                if not decision.drop_after_handler:
                    self.stats.record(request.method, route.key, "dropped")
                    return DROP_CONNECTION

        response = self._call(route, request)
        if decision.drop_after_handler:
            self.stats.record(request.method, route.key, "dropped")
            return DROP_CONNECTION
        self.stats.record(request.method, route.key, response.status)
        return response

    def _call(self, route: Route, request: Request) -> Response:
        try:
            return route.handler(request)
        except HTTPError as error:
            return self.error_response(error.status, error.error, error.message, error.headers)
        except Exception:
            logger.exception("%s %s: handler failed", request.method, request.path)
            return self.error_response(500, "InternalServerError", "An error has occurred.")

    # --- control API --------------------------------------------------------------------------

    def _control_get_faults(self, request: Request) -> Response:
        return json_response(self.faults.snapshot())

    def _control_set_faults(self, request: Request) -> Response:
        return self._change_faults(request, self.faults.set)

    def _control_update_faults(self, request: Request) -> Response:
        return self._change_faults(request, self.faults.update)

    def _change_faults(self, request: Request, change: Callable[..., None]) -> Response:
        knobs = request.json() if request.body.strip() else {}
        if not isinstance(knobs, dict):
            raise HTTPError(400, "InvalidRequest", "Send a JSON object of knob values.")
        try:
            change(**{name: _plain(value) for name, value in knobs.items()})
        except ValueError as error:
            raise HTTPError(400, "InvalidRequest", str(error)) from None
        return json_response(self.faults.snapshot())

    def _control_stats(self, request: Request) -> Response:
        return json_response(self.stats_snapshot())

    def _control_reset_stats(self, request: Request) -> Response:
        self.stats.reset()
        return json_response(self.stats_snapshot())


class ConfiguredSandbox(JsonHTTPServer):
    """A sandbox built from a frozen config dataclass (with ``host`` and ``port``) and faults.

    A subclass names its ``config_class``; ``serve()`` starts one the way the CLI wants it.
    """

    config_class: ClassVar[type]

    def __init__(self, config: Any = None, faults: Faults | None = None) -> None:
        config = config or self.config_class()
        super().__init__(host=config.host, port=config.port, faults=faults)
        self.config = config

    @classmethod
    def serve(
        cls,
        config: Any = None,
        faults: Faults | None = None,
        *,
        host: str | None = None,
        port: int | None = None,
    ) -> Self:
        """Start a sandbox (127.0.0.1, free port unless ``port`` is given) and return it running.

        Prints nothing: the caller shows ``server.url`` and how to log in, then calls
        ``server.wait()`` (Ctrl+C raises KeyboardInterrupt there) and ``server.stop()``.
        """
        config = config or cls.config_class()
        given = {"host": host, "port": port}
        overrides = {name: value for name, value in given.items() if value is not None}
        if overrides:
            config = replace(config, **overrides)
        return cls(config, faults).start()


def _plain(value: Any) -> Any:
    # Knob values arrive through loads(); a fractional number is a Decimal there.
    return float(value) if isinstance(value, Decimal) else value


class _ThreadingServer(ThreadingHTTPServer):
    daemon_threads = True
    allow_reuse_address = True
    request_queue_size = 128  # the default 5 drops SYNs when many clients connect at once
    sandbox: JsonHTTPServer

    def __init__(self, *args: Any, **kwargs: Any) -> None:
        self._connections: set[socket.socket] = set()
        self._connections_lock = threading.Lock()
        super().__init__(*args, **kwargs)

    def track(self, connection: socket.socket, open_: bool) -> None:
        with self._connections_lock:
            if open_:
                self._connections.add(connection)
            else:
                self._connections.discard(connection)

    def handle_error(self, request: Any, client_address: Any) -> None:
        # A client that hangs up mid-answer is normal here; socketserver would print a traceback.
        logger.debug("connection from %s ended with an error", client_address, exc_info=True)

    def close_open_connections(self) -> None:
        """Wake handler threads parked on idle keep-alive connections so they end."""
        with self._connections_lock:
            connections = list(self._connections)
        for connection in connections:
            with contextlib.suppress(OSError):
                connection.shutdown(socket.SHUT_RDWR)


class _RequestHandler(BaseHTTPRequestHandler):
    protocol_version = "HTTP/1.1"
    server: _ThreadingServer

    def setup(self) -> None:
        self.timeout = self.server.sandbox.idle_connection_timeout
        super().setup()
        with contextlib.suppress(OSError):
            self.connection.setsockopt(socket.IPPROTO_TCP, socket.TCP_NODELAY, 1)
        self.server.track(self.connection, True)

    def finish(self) -> None:
        try:
            super().finish()
        finally:
            self.server.track(self.connection, False)

    def _dispatch(self) -> None:
        started = time.perf_counter()
        sandbox = self.server.sandbox
        split = urlsplit(self.path)
        try:
            body = self._read_body()
        except HTTPError as error:
            self.close_connection = True
            self._write(sandbox.error_response(error.status, error.error, error.message))
            return
        request = Request(
            method=self.command,
            path=split.path,
            query=dict(parse_qsl(split.query, keep_blank_values=True)),
            headers=self.headers,
            body=body,
        )
        outcome = sandbox.dispatch(request)
        elapsed_ms = (time.perf_counter() - started) * 1000
        status = "dropped" if isinstance(outcome, _Drop) else outcome.status
        logger.debug("%s %s -> %s (%.1f ms)", self.command, request.log_path(), status, elapsed_ms)
        if isinstance(outcome, _Drop):
            self.close_connection = True
            return
        self._write(outcome)

    do_GET = do_POST = do_PUT = do_PATCH = do_DELETE = _dispatch

    def _read_body(self) -> bytes:
        if "chunked" in self.headers.get("Transfer-Encoding", "").lower():
            return self._read_chunked()
        length_text = self.headers.get("Content-Length")
        if not length_text:
            return b""
        try:
            length = int(length_text)
        except ValueError:
            raise HTTPError(400, "InvalidRequest", "Bad Content-Length.") from None
        if length < 0 or length > MAX_BODY_BYTES:
            raise HTTPError(413, "RequestTooLarge", "The request body is too large.")
        return self.rfile.read(length)

    def _read_chunked(self) -> bytes:
        chunks: list[bytes] = []
        total = 0
        while True:
            size_line = self.rfile.readline(1024)
            try:
                size = int(size_line.split(b";")[0].strip(), 16)
            except ValueError:
                raise HTTPError(400, "InvalidRequest", "Bad chunked body.") from None
            if size == 0:
                while self.rfile.readline(1024).strip():  # trailers
                    pass
                return b"".join(chunks)
            total += size
            if total > MAX_BODY_BYTES:
                raise HTTPError(413, "RequestTooLarge", "The request body is too large.")
            chunks.append(self.rfile.read(size))
            self.rfile.readline(1024)

    def _write(self, response: Response) -> None:
        status = response.status
        try:
            phrase = HTTPStatus(status).phrase
        except ValueError:
            phrase = ""
        lines = [
            f"HTTP/1.1 {status} {phrase}",
            f"Date: {self.date_time_string()}",
            f"Content-Length: {len(response.body)}",
        ]
        if response.content_type:
            lines.append(f"Content-Type: {response.content_type}")
        lines.extend(f"{name}: {value}" for name, value in response.headers)
        if self.close_connection:
            lines.append("Connection: close")
        head = ("\r\n".join(lines) + "\r\n\r\n").encode("latin-1")
        # One write: headers and body in separate packets meet Nagle + delayed ACK (~40 ms).
        self.wfile.write(head + response.body)

    def log_message(self, format: str, *args: Any) -> None:
        # http.server's own messages (bad request lines, timeouts); never headers or bodies.
        logger.debug(format, *args)
