"""Both clients against real hostile servers on 127.0.0.1: a redirect to a second server that
records everything it receives, servers that trickle one byte at a time, and a gzip bomb.
Every limit is configured tiny, so each test ends in a few seconds and a few MB."""

from __future__ import annotations

import json
import threading
import time
import tracemalloc
import zlib
from collections.abc import Callable, Iterator
from dataclasses import dataclass, field
from http.server import BaseHTTPRequestHandler, ThreadingHTTPServer

import pytest
import requests

from debitura import DebituraClient, DebituraError, DebituraUnavailable
from debitura import UnexpectedResponse as DebituraUnexpectedResponse
from kashflow import (
    Credentials,
    KashFlowClient,
    KashFlowError,
    KashFlowUnavailable,
    RetryPolicy,
    UnexpectedResponse,
)

PASSWORD = "pw-Zq8!secret"
MEMORABLE_WORD = "xylophone"
LETTERS = {3: "l", 5: "p", 9: "e"}  # what a challenge for positions 3, 5 and 9 gets back
TEMPORARY_TOKEN = "temp-7c1d-secret"
SESSION_TOKEN = "sess-44e0-secret"
API_KEY = "debitura-key-91ab-secret"
SECRETS = (PASSWORD, MEMORABLE_WORD, TEMPORARY_TOKEN, SESSION_TOKEN, API_KEY)
ONCE = RetryPolicy(attempts=1)
TWICE = RetryPolicy(attempts=2, initial_wait=0, max_wait=0)
MB = 1024 * 1024


# --- tiny servers -----------------------------------------------------------------------------


@dataclass
class Received:
    method: str
    path: str
    headers: dict[str, str]
    body: bytes

    def text(self) -> str:
        headers = "\n".join(f"{k}: {v}" for k, v in self.headers.items())
        return f"{self.method} {self.path}\n{headers}\n{self.body.decode('utf-8', 'replace')}"


@dataclass
class Server:
    """One ``http.server`` on 127.0.0.1; ``answer(handler, received)`` writes each reply."""

    answer: Callable[[BaseHTTPRequestHandler, Received], None]
    received: list[Received] = field(default_factory=list)
    stop: threading.Event = field(default_factory=threading.Event)

    def __post_init__(self) -> None:
        server = self

        class Handler(BaseHTTPRequestHandler):
            protocol_version = "HTTP/1.1"

            def handle_one_request(self) -> None:
                self.raw_requestline = self.rfile.readline(65537)
                if not self.raw_requestline or not self.parse_request():
                    self.close_connection = True
                    return
                length = int(self.headers.get("Content-Length") or 0)
                received = Received(
                    self.command, self.path, dict(self.headers), self.rfile.read(length)
                )
                server.received.append(received)
                try:
                    server.answer(self, received)
                    self.wfile.flush()
                except (BrokenPipeError, ConnectionResetError):
                    self.close_connection = True  # the client hung up: what the test wants

            def log_message(self, *args: object) -> None:
                pass

        self.httpd = ThreadingHTTPServer(("127.0.0.1", 0), Handler)
        self.httpd.daemon_threads = True
        self.httpd.stop = self.stop  # what a trickling answer watches to end early
        self.thread = threading.Thread(
            target=self.httpd.serve_forever, kwargs={"poll_interval": 0.05}, daemon=True
        )
        self.thread.start()

    @property
    def url(self) -> str:
        return f"http://127.0.0.1:{self.httpd.server_address[1]}"

    def close(self) -> None:
        self.stop.set()
        self.httpd.shutdown()
        self.httpd.server_close()


@pytest.fixture
def servers() -> Iterator[Callable[..., Server]]:
    started: list[Server] = []

    def start(answer: Callable[[BaseHTTPRequestHandler, Received], None]) -> Server:
        started.append(Server(answer))
        return started[-1]

    yield start
    for server in started:
        server.close()


def send_json(handler: BaseHTTPRequestHandler, status: int, body: object) -> None:
    data = json.dumps(body).encode()
    handler.send_response(status)
    handler.send_header("Content-Type", "application/json")
    handler.send_header("Content-Length", str(len(data)))
    handler.end_headers()
    handler.wfile.write(data)


def send_redirect(handler: BaseHTTPRequestHandler, status: int, location: str) -> None:
    handler.send_response(status)
    handler.send_header("Location", location)
    handler.send_header("Content-Length", "0")
    handler.end_headers()


def record(handler: BaseHTTPRequestHandler, received: Received) -> None:
    send_json(handler, 200, {"ok": True})


def kashflow_that_redirects(target: Server, redirect_when: str, status: int):
    """A KashFlow that logs in normally up to ``redirect_when`` ("POST", "PUT", "GET" or
    "DELETE"), then answers ``status`` pointing at the same path on ``target``."""

    def answer(handler: BaseHTTPRequestHandler, received: Received) -> None:
        if received.method == redirect_when:
            send_redirect(handler, status, f"{target.url}{received.path}")
        elif received.method == "POST":
            send_json(handler, 201, {
                "TemporaryToken": TEMPORARY_TOKEN,
                "MemorableWordList": [{"Position": p, "Value": ""} for p in LETTERS],
            })  # fmt: skip
        elif received.method == "PUT":
            send_json(handler, 200, {"SessionToken": SESSION_TOKEN})
        elif received.method == "DELETE":
            send_json(handler, 404, {"Error": "NotFound"})
        else:
            send_json(handler, 200, {"Code": "C1", "CompanyName": "Acme", "Data": []})

    return answer


def kashflow(server: Server, **options) -> KashFlowClient:
    options.setdefault("retry", ONCE)
    credentials = Credentials("ann@example.com", PASSWORD, MEMORABLE_WORD)
    return KashFlowClient(credentials, base_url=f"{server.url}/v2", **options)


def debitura(server: Server, **options) -> DebituraClient:
    options.setdefault("retry", ONCE)
    return DebituraClient(API_KEY, base_url=server.url, **options)


# --- 1. a redirect never carries a secret anywhere ----------------------------------------------


def test_the_recorder_would_see_the_secrets_if_a_redirect_were_followed(servers):
    """The control: the setup is able to catch a leak (plain requests follows 307s)."""
    recorder = servers(record)
    redirector = servers(lambda handler, received: send_redirect(handler, 307, recorder.url))
    requests.post(redirector.url, json={"Password": PASSWORD}, headers={"XApiKey": API_KEY})
    assert PASSWORD in recorder.received[0].text() and API_KEY in recorder.received[0].text()


@pytest.mark.parametrize("status", [302, 307, 308])
@pytest.mark.parametrize(
    ("redirect_when", "call"),
    [
        ("POST", lambda client: client.login()),
        ("PUT", lambda client: client.login()),
        ("GET", lambda client: client.get_customer("C1")),
        ("GET", lambda client: client.list_invoices()),
    ],
    ids=["password-step", "memorable-word-step", "customer", "invoices"],
)
def test_no_kashflow_secret_reaches_the_server_a_redirect_names(
    servers, status, redirect_when, call
):
    recorder = servers(record)
    kashflow_server = servers(kashflow_that_redirects(recorder, redirect_when, status))
    with pytest.raises(KashFlowError) as raised:
        call(kashflow(kashflow_server))
    assert f"redirect to {recorder.url}/v2/" in str(raised.value)
    assert "KASHFLOW_BASE_URL" in str(raised.value)
    assert recorder.received == []
    sent_to_kashflow = "\n".join(received.text() for received in kashflow_server.received)
    assert all(secret not in str(raised.value) for secret in SECRETS)
    # The redirecting server did get the step it redirected, and nothing was sent twice.
    assert [r.method for r in kashflow_server.received].count(redirect_when) == 1
    if redirect_when != "POST":
        assert PASSWORD in sent_to_kashflow  # the login really ran against the right server


def test_a_logout_answered_with_a_redirect_sends_the_session_token_nowhere_else(servers):
    recorder = servers(record)
    kashflow_server = servers(kashflow_that_redirects(recorder, "DELETE", 307))
    client = kashflow(kashflow_server)
    client.login()
    client.logout()  # never raises
    assert recorder.received == []
    assert [r.method for r in kashflow_server.received] == ["POST", "PUT", "DELETE"]


@pytest.mark.parametrize("status", [301, 303, 307, 308])
@pytest.mark.parametrize(
    "call",
    [
        lambda client: client.get_case("c-1"),
        lambda client: client.create_case({"creditorReference": "1"}, idempotency_key="k-1"),
        lambda client: client.list_cases(),
    ],
    ids=["get", "create", "list"],
)
def test_no_debitura_api_key_reaches_the_server_a_redirect_names(servers, status, call):
    recorder = servers(record)
    debitura_server = servers(
        lambda handler, received: send_redirect(handler, status, f"{recorder.url}{received.path}")
    )
    with pytest.raises(DebituraError) as raised:
        call(debitura(debitura_server, retry=TWICE))
    assert not isinstance(raised.value, DebituraUnavailable)
    assert f"redirect to {recorder.url}/cases" in str(raised.value)
    assert "DEBITURA_BASE_URL" in str(raised.value)
    assert API_KEY not in str(raised.value)
    assert recorder.received == []
    assert len(debitura_server.received) == 1  # never retried


# --- 5. deadlines: a server that trickles -------------------------------------------------------


def trickle(prefix: bytes, drip: bytes, interval: float = 0.1):
    """Send ``prefix``, then ``drip`` every ``interval`` seconds until the client hangs up."""

    def answer(handler: BaseHTTPRequestHandler, received: Received) -> None:
        handler.wfile.write(prefix)
        handler.wfile.flush()
        give_up = time.monotonic() + 20  # the test's own safety net
        while not handler.server.stop.is_set() and time.monotonic() < give_up:
            handler.wfile.write(drip)
            handler.wfile.flush()
            time.sleep(interval)
        handler.close_connection = True

    return answer


TRICKLES = {
    "status-line": (b"", b"H"),
    "headers": (b"HTTP/1.1 200 OK\r\nContent-Type: application/json\r\nX-Slow: ", b"a"),
    "body": (b"HTTP/1.1 200 OK\r\nContent-Type: application/json\r\nContent-Length: 100000\r\n\r\n"
             b'{"Code": "', b"a"),
    "body-until-close": (b"HTTP/1.1 200 OK\r\nContent-Type: application/json\r\n"
                         b"Connection: close\r\n\r\n{\"Code\": \"", b"a"),
    "chunk-size-line": (b"HTTP/1.1 200 OK\r\nContent-Type: application/json\r\n"
                        b"Transfer-Encoding: chunked\r\n\r\n", b"0"),
}  # fmt: skip


def trickling_server(servers, mode: str) -> Server:
    return servers(trickle(*TRICKLES[mode]))


@pytest.mark.parametrize("mode", sorted(TRICKLES))
def test_a_trickling_debitura_answer_ends_at_the_deadline_and_is_retried(servers, mode):
    server = trickling_server(servers, mode)
    client = debitura(server, retry=TWICE, attempt_deadline=0.5)
    started = time.monotonic()
    with pytest.raises(DebituraUnavailable) as raised:
        client.get_case("c-1")
    elapsed = time.monotonic() - started
    assert str(raised.value) == (
        "Debitura did not finish answering within 0.5 seconds. Try again in a few minutes."
    )
    assert 0.9 < elapsed < 3.0  # two attempts of 0.5 s, not the server's 20 s
    assert len(server.received) == 2


def test_a_trickling_kashflow_login_ends_at_the_deadline(servers):
    server = trickling_server(servers, "body")
    client = kashflow(server, attempt_deadline=0.4)
    started = time.monotonic()
    with pytest.raises(KashFlowUnavailable) as raised:
        client.login()
    assert time.monotonic() - started < 2.0
    assert str(raised.value) == (
        "KashFlow did not finish answering within 0.4 seconds. Try again in a few minutes."
    )
    assert PASSWORD not in str(raised.value)


def test_all_attempts_of_one_call_share_the_budget(servers):
    server = trickling_server(servers, "headers")
    policy = RetryPolicy(attempts=50, initial_wait=0, max_wait=0, total_seconds=1.0)
    client = kashflow(server, retry=policy, attempt_deadline=0.4)
    started = time.monotonic()
    with pytest.raises(KashFlowUnavailable):
        client.login()
    assert time.monotonic() - started < 2.0  # the budget, not 50 attempts of 0.4 s
    assert len(server.received) <= 4


def test_a_slow_but_steady_answer_within_the_deadline_is_read(servers):
    def slow(handler: BaseHTTPRequestHandler, received: Received) -> None:
        body = json.dumps({"id": "c-1", "reference": "R1"}).encode()
        handler.send_response(200)
        handler.send_header("Content-Type", "application/json")
        handler.send_header("Content-Length", str(len(body)))
        handler.end_headers()
        for index in range(0, len(body), 10):
            handler.wfile.write(body[index : index + 10])
            handler.wfile.flush()
            time.sleep(0.02)

    server = servers(slow)
    assert debitura(server, attempt_deadline=5).get_case("c-1").id == "c-1"


# --- 6. a gzip bomb -----------------------------------------------------------------------------


def gzip_of_zeros(megabytes: int) -> bytes:
    """A gzip body that inflates to ``megabytes`` MB, built without holding them in memory."""
    packer = zlib.compressobj(9, zlib.DEFLATED, 31)
    block = bytes(MB)
    parts = [packer.compress(block) for _ in range(megabytes)]
    return b"".join(parts) + packer.flush()


def bomb(megabytes: int):
    compressed = gzip_of_zeros(megabytes)

    def answer(handler: BaseHTTPRequestHandler, received: Received) -> None:
        handler.send_response(200)
        handler.send_header("Content-Type", "application/json")
        handler.send_header("Content-Encoding", "gzip")
        handler.send_header("Content-Length", str(len(compressed)))
        handler.end_headers()
        handler.wfile.write(compressed)

    return answer


def peak_memory_of(call: Callable[[], object]) -> int:
    tracemalloc.start()
    try:
        call()
    finally:
        peak = tracemalloc.get_traced_memory()[1]
        tracemalloc.stop()
    return peak


def test_a_gzip_bomb_stops_at_the_kashflow_cap_without_inflating(servers):
    server = servers(bomb(64))  # about 64 KB on the wire, 64 MB inflated
    client = kashflow(server, retry=TWICE, max_answer_bytes=MB)
    raised: list[Exception] = []

    def log_in() -> None:
        try:
            client.login()
        except UnexpectedResponse as error:
            raised.append(error)

    peak = peak_memory_of(log_in)
    assert str(raised[0]) == (
        "KashFlow sent more than 1 MB for one answer; the rest was not read. Check "
        "KASHFLOW_BASE_URL; if it is right, try again later."
    )
    assert peak < 8 * MB  # never the 64 MB the body inflates to
    assert len(server.received) == 1  # not fetched again


def test_a_gzip_bomb_stops_at_the_debitura_default_cap(servers):
    server = servers(bomb(40))
    client = debitura(server, retry=TWICE)
    with pytest.raises(DebituraUnexpectedResponse) as raised:
        client.get_case("c-1")
    assert str(raised.value).startswith("Debitura sent more than 8 MB for one answer;")
    assert len(server.received) == 1
