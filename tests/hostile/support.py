"""What the hostile cases share: the CLI run in this process, sandboxes whose faults can be aimed
at one route, a recording "other host", and the checks every case makes (secrets, the ledger
against Debitura, invoices that went missing).

The CLI is driven through ``cli.main`` in this process: the same argument parsing, workflow and
error handling as ``python cli.py``, at a fraction of the start-up cost; an exception escaping
``cli.main`` is exactly what a user would see as a traceback. A few cases also start the real
``python cli.py`` to check what reaches a terminal.
"""

from __future__ import annotations

import contextlib
import io
import json
import logging
import os
import re
import subprocess
import sys
import threading
import traceback
import unicodedata
from collections import Counter
from collections.abc import Iterable, Iterator, Mapping
from dataclasses import dataclass, field, replace
from datetime import date
from decimal import Decimal
from http.server import BaseHTTPRequestHandler, ThreadingHTTPServer
from pathlib import Path
from typing import Any

import pytest

import cli
import debitura.client
import kashflow.client
from debitura import DebituraClient
from kashflow import KashFlowClient, RetryPolicy
from mapping.outside_text import BIDI_CONTROLS
from sandbox.debitura_server import SANDBOX_API_KEY, DebituraSandbox, DebituraSandboxConfig
from sandbox.http import CONTROL, Request, Response
from sandbox.kashflow_server import KashFlowSandbox, KashFlowSandboxConfig, SandboxUser
from store import SubmissionLedger, open_database
from store.ledger import CREATED
from tests.conftest import SETTING_NAMES

ROOT = Path(__file__).resolve().parents[2]
AS_OF = date(2026, 11, 21)  # the books' day, the CLI's --as-of and Debitura's "today"
AS_OF_ARG = ("--as-of", AS_OF.isoformat())

# A user whose every secret is unmistakable wherever it turns up.
USERNAME = "hostile.tester@harrowfinch.example"
PASSWORD = "Pw-7Zq!hostile-secret"
MEMORABLE_WORD = "Quixotry"
USER = SandboxUser(USERNAME, PASSWORD, MEMORABLE_WORD)
API_KEY = "dk-hostile-api-key-5f9c"  # Debitura's key for "this" creditor
OTHER_API_KEY = SANDBOX_API_KEY  # another creditor on the same sandbox

# Retries as the clients make them, with millisecond waits; three attempts keep a persistent
# fault's cost low while a fault on every other request is still recovered from.
HOSTILE_RETRY = RetryPolicy(
    attempts=3, initial_wait=0.002, max_wait=0.01, max_retry_after=0.02, total_seconds=20
)
# The per-attempt deadline for cases whose server trickles its answers (the real one is 60 s).
SHORT_DEADLINE = 0.5

_ENV_NAMES = (*SETTING_NAMES, "APP_DATA_DIR")


# --- the CLI ----------------------------------------------------------------------------------


@dataclass
class CliRun:
    args: tuple[str, ...]
    code: int
    stdout: str
    stderr: str
    traceback: bool

    @property
    def output(self) -> str:
        return self.stdout + self.stderr

    def lines(self) -> dict[str, tuple[str, str]]:
        """invoice number → (status words, detail) from submit's one line per invoice."""
        result = {}
        for line in self.stdout.splitlines():
            if line.startswith(("Summary:", " ")) or "  " not in line:
                continue
            if line.startswith('"'):  # a number with spaces of its own, quoted
                quoted, rest = line[1:].split('"  ', 1)
                status, *detail = rest.split("  ")
                result[quoted] = (status, "  ".join(detail))
                continue
            number, status, *detail = line.split("  ")
            result[number] = (status, "  ".join(detail))
        return result

    def rows(self) -> list[dict]:
        return json.loads(self.stdout)


class _Records(logging.Handler):
    def __init__(self) -> None:
        super().__init__(logging.WARNING)
        self.records: list[logging.LogRecord] = []

    def emit(self, record: logging.LogRecord) -> None:
        self.records.append(record)


def cli_env(
    kashflow: KashFlowSandbox | None, debitura: DebituraSandbox | None, data_dir: Path, **extra: str
) -> dict[str, str]:
    env = {"APP_DATA_DIR": str(data_dir)}
    if kashflow is not None:
        env |= {
            "KASHFLOW_BASE_URL": kashflow.url,
            "KASHFLOW_USERNAME": USERNAME,
            "KASHFLOW_PASSWORD": PASSWORD,
            "KASHFLOW_MEMORABLE_WORD": MEMORABLE_WORD,
        }
    if debitura is not None:
        env |= {"DEBITURA_BASE_URL": debitura.url, "DEBITURA_API_KEY": API_KEY}
    return env | extra


def run_cli(*args: str, env: Mapping[str, str], deadline: float | None = None) -> CliRun:
    """``python cli.py ARGS`` with exactly ``env`` (over an otherwise empty configuration), in
    this process. ``deadline`` shortens each HTTP attempt's deadline (trickled answers)."""
    handler = _Records()
    out, err = io.StringIO(), io.StringIO()
    crashed = False
    with pytest.MonkeyPatch.context() as patch:
        for name in _ENV_NAMES:
            patch.delenv(name, raising=False)
        for name, value in env.items():
            patch.setenv(name, value)
        patch.setattr(kashflow.client, "DEFAULT_RETRY", HOSTILE_RETRY)
        patch.setattr(debitura.client, "DEFAULT_RETRY", HOSTILE_RETRY)
        if deadline is not None:
            for client in (KashFlowClient, DebituraClient):
                patch.setitem(client.__init__.__kwdefaults__, "attempt_deadline", deadline)
        logging.getLogger().addHandler(handler)
        try:
            with contextlib.redirect_stdout(out), contextlib.redirect_stderr(err):
                try:
                    code = cli.main(list(args))
                except SystemExit as stop:  # argparse: usage errors
                    code = (
                        stop.code if isinstance(stop.code, int) else (0 if stop.code is None else 1)
                    )
                except BaseException:  # noqa: BLE001 - what a user would see as a traceback
                    err.write(traceback.format_exc())
                    code, crashed = 1, True
        finally:
            logging.getLogger().removeHandler(handler)
    stderr = err.getvalue()
    # The lines logging prints to the CLI's stderr (cli.main's basicConfig: WARNING and up).
    for record in handler.records:
        if record.name.startswith("sandbox"):
            continue  # the sandbox servers' own log, not the CLI's
        stderr += f"{record.levelname} {record.name}: {record.getMessage()}\n"
        if record.exc_info:
            stderr += "".join(traceback.format_exception(*record.exc_info))
            crashed = True
    crashed = crashed or "Traceback (most recent call last)" in stderr
    return CliRun(tuple(args), code, out.getvalue(), stderr, crashed)


def run_cli_process(*args: str, env: Mapping[str, str], timeout: float = 60) -> CliRun:
    """The real ``python cli.py ARGS`` in a subprocess, with exactly ``env`` configured."""
    base = {k: v for k, v in os.environ.items() if k not in _ENV_NAMES}
    result = subprocess.run(
        [sys.executable, "cli.py", *args],
        cwd=ROOT,
        env=base | dict(env),
        capture_output=True,
        text=True,
        timeout=timeout,
    )
    crashed = "Traceback (most recent call last)" in result.stderr
    return CliRun(tuple(args), result.returncode, result.stdout, result.stderr, crashed)


def terminal_controls(text: str) -> list[str]:
    """Characters a terminal acts on (line feeds aside: lines are how output is made)."""
    return [
        f"U+{ord(c):04X}"
        for c in text
        if c != "\n" and (unicodedata.category(c) == "Cc" or c in BIDI_CONTROLS)
    ]


# --- sandboxes with aimed faults ------------------------------------------------------------


class Aimed:
    """A sandbox whose fault knobs (the hostile ones too: redirect, trickle, gzip bomb) hit only
    the routes named in ``aim`` ("GET /v2/invoices"), and with ``times`` only their first N
    requests (a fault that passes); with ``aim`` empty, the sandbox's own rules. It also
    remembers every token it issued, so a case can look for them elsewhere."""

    def __init__(self, *args: Any, **kwargs: Any) -> None:
        super().__init__(*args, **kwargs)
        self.aim: frozenset[str] = frozenset()
        self.issued_tokens: list[str] = []
        self._aim_times: int | None = None
        self._aim_hits = 0
        self._aim_lock = threading.Lock()
        self._aimed = threading.local()

    def aim_at(self, *route_keys: str, times: int | None = None) -> None:
        with self._aim_lock:
            self.aim = frozenset(route_keys)
            self._aim_times, self._aim_hits = times, 0

    def _route_key(self, request: Request) -> str | None:
        path = request.path.rstrip("/") or "/"
        for route in self._routes:
            if route.method == request.method and route.regex.fullmatch(path):
                return None if route.kind == CONTROL else route.key
        return None

    def dispatch(self, request: Request) -> Response | None:
        aimed = self._route_key(request) in self.aim
        if aimed and self._aim_times is not None:
            with self._aim_lock:
                self._aim_hits += 1
                aimed = self._aim_hits <= self._aim_times
        self._aimed.now = aimed
        try:
            response = super().dispatch(request)
        finally:
            self._aimed.now = False
        if response is not None and response.trickle and self.aim and not aimed:
            response = replace(response, trickle=0.0)
        return response

    def faults_apply(self, route) -> bool:
        if self.aim:
            return getattr(self._aimed, "now", False)
        return super().faults_apply(route)

    def _hostile_answer(self, request: Request) -> Response | None:
        if self.aim and not getattr(self._aimed, "now", False):
            return None
        return super()._hostile_answer(request)


class AimedKashFlow(Aimed, KashFlowSandbox):
    def _login_answer(self, template, user, token, positions=()):
        self.issued_tokens.append(token)
        return super()._login_answer(template, user, token, positions)

    def secrets(self) -> list[str]:
        return [PASSWORD, MEMORABLE_WORD, *self.issued_tokens]


class AimedDebitura(Aimed, DebituraSandbox):
    def secrets(self) -> list[str]:
        return [API_KEY]


def kashflow_server(**config: Any) -> AimedKashFlow:
    """A KashFlow sandbox (not started) for ``USER``, its books as of ``AS_OF``."""
    config.setdefault("as_of", AS_OF)
    config.setdefault("users", (USER,))
    return AimedKashFlow(KashFlowSandboxConfig(**config))


def debitura_server(**config: Any) -> AimedDebitura:
    """A Debitura sandbox (not started) that knows ``API_KEY`` (and another creditor's key)."""
    config.setdefault("today", AS_OF)
    config.setdefault("minimum_usd", Decimal(0))
    config.setdefault("api_keys", frozenset({API_KEY, OTHER_API_KEY}))
    return AimedDebitura(DebituraSandboxConfig(**config))


# --- another host ---------------------------------------------------------------------------


@dataclass
class Seen:
    method: str
    path: str
    headers: str
    body: bytes

    def text(self) -> str:
        return f"{self.method} {self.path}\n{self.headers}\n" + self.body.decode("utf-8", "replace")


class _Recorder(BaseHTTPRequestHandler):
    protocol_version = "HTTP/1.1"

    def _record(self) -> None:
        length = int(self.headers.get("Content-Length") or 0)
        body = self.rfile.read(length) if length else b""
        self.server.seen.append(Seen(self.command, self.path, str(self.headers), body))
        page = b"<html><body>Welcome to another host</body></html>"
        self.send_response(200)
        self.send_header("Content-Type", "text/html")
        self.send_header("Content-Length", str(len(page)))
        self.end_headers()
        self.wfile.write(page)

    do_GET = do_POST = do_PUT = do_PATCH = do_DELETE = _record  # noqa: N815

    def log_message(self, *args: Any) -> None:
        pass


@dataclass
class OtherHost:
    """A recording web server on another port: where hostile redirects point."""

    url: str
    seen: list[Seen] = field(default_factory=list)

    def carrying(self, secrets: Iterable[str]) -> list[Seen]:
        """The requests that carried a secret (or a login or API header of any value)."""
        found = []
        wanted = [s for s in secrets if s]
        for request in self.seen:
            text = request.text()
            markers = ("KfToken", "XApiKey", "MemorableWordList", "TemporaryToken")
            if any(s in text for s in wanted) or any(m.lower() in text.lower() for m in markers):
                found.append(request)
        return found


@contextlib.contextmanager
def other_host() -> Iterator[OtherHost]:
    server = ThreadingHTTPServer(("127.0.0.1", 0), _Recorder)
    host = OtherHost(f"http://127.0.0.1:{server.server_address[1]}")
    server.seen = host.seen
    thread = threading.Thread(target=server.serve_forever, args=(0.05,), daemon=True)
    thread.start()
    try:
        yield host
    finally:
        server.shutdown()
        server.server_close()


def secrets_in(text: str, secrets: Iterable[str]) -> list[str]:
    """The secrets (by a short name) that appear in ``text``."""
    return [f"{s[:3]}…" for s in secrets if s and s in text]


# --- what the ledger and Debitura hold ------------------------------------------------------


@dataclass(frozen=True)
class Expected:
    """What a case for one invoice carries: the review row's debtor name, amount, currency."""

    number: str
    debtor_name: str
    amount: Decimal
    currency: str

    @classmethod
    def from_row(cls, row: Mapping[str, Any]) -> Expected:
        return cls(
            row["invoice_number"],
            row["debtor"]["name"],
            Decimal(row["amount_to_recover"]),
            row["currency"],
        )


@dataclass
class Consistency:
    misrecorded: list[str] = field(default_factory=list)
    duplicated: list[str] = field(default_factory=list)

    def __bool__(self) -> bool:
        return bool(self.misrecorded or self.duplicated)


def _same_name(a: str, b: str) -> bool:
    return " ".join(str(a).split()).casefold() == " ".join(str(b).split()).casefold()


def check_ledger(
    data_dir: Path,
    server: DebituraSandbox,
    expected: Mapping[str, Expected],
    *,
    api_key: str = API_KEY,
    settled: bool = True,
    prefixes: Iterable[str] = ("",),
    foreign: Iterable[str] = (),
) -> Consistency:
    """The ledger in ``data_dir`` against the cases ``api_key`` has at Debitura.

    Mis-recorded: the ledger says an invoice is a case that Debitura does not have, or whose
    reference, debtor, amount or currency are not that invoice's; and (``settled``: after a run
    with no faults) a case at Debitura that no ledger row holds as sent. Duplicated: two cases
    for one invoice (by creditor reference, any prefix, or by identical details).
    """
    result = Consistency()
    foreign = set(foreign)  # cases another company put there (by id): not this ledger's
    cases = [case for case in server.cases(api_key) if case["id"] not in foreign]
    by_id = {case["id"]: case for case in cases}
    ledger_rows = SubmissionLedger(open_database(data_dir)).list() if data_dir.exists() else []
    known_ids = set()
    for row in ledger_rows:
        if row.state != CREATED:
            continue
        known_ids.add(row.case_id)
        case = by_id.get(row.case_id)
        want = expected.get(row.invoice_number)
        if case is None:
            result.misrecorded.append(
                f"{row.invoice_number}: ledger says case {row.case_id}, Debitura has none"
            )
            continue
        if case["creditorReference"] != row.creditor_reference:
            result.misrecorded.append(f"{row.invoice_number}: reference differs")
        if want is not None:
            if not _same_name(case["debtor"]["name"], want.debtor_name):
                result.misrecorded.append(
                    f"{row.invoice_number}: debtor {case['debtor']['name']!r} at Debitura, "
                    f"{want.debtor_name!r} in KashFlow"
                )
            if Decimal(str(case["grossAmount"])) != want.amount:
                result.misrecorded.append(
                    f"{row.invoice_number}: amount {case['grossAmount']} at Debitura, "
                    f"{want.amount} in KashFlow"
                )
            if case["currency"] != want.currency:
                result.misrecorded.append(f"{row.invoice_number}: currency differs")
    if settled:
        for case in cases:
            if case["id"] not in known_ids:
                result.misrecorded.append(
                    f"case {case['reference']} ({case['creditorReference']}) at Debitura is "
                    "not in the ledger as sent"
                )
    invoice_of = Counter()
    details = Counter()
    prefixes = sorted(set(prefixes), key=len, reverse=True)
    for case in cases:
        reference = case["creditorReference"]
        for prefix in prefixes:
            if prefix and reference.casefold().startswith(prefix.casefold()):
                reference = reference[len(prefix) :]
                break
        invoice_of[reference.casefold()] += 1
        debtor = " ".join(case["debtor"]["name"].split()).casefold()
        details[
            (debtor, str(case["grossAmount"]), case["currency"], case["date"], case["dueDate"])
        ] += 1
    result.duplicated += [f"{n} cases for invoice {r}" for r, n in invoice_of.items() if n > 1]
    result.duplicated += [f"{n} cases with details {d}" for d, n in details.items() if n > 1]
    return result


# --- invoices that went missing -------------------------------------------------------------


def open_numbers(server: KashFlowSandbox) -> list[str]:
    return [str(invoice.number) for invoice in server.dataset.invoices if invoice.is_open]


def missing_open_invoices(server: KashFlowSandbox, rows: list[dict]) -> list[str]:
    """Open invoices of the books that no row shows, counted one by one: two open invoices
    under one number need two rows, or one row whose ``duplicate_invoice_number`` error names
    the others (a number shown trimmed counts as shown)."""
    shown = Counter(row["invoice_number"] for row in rows)
    for row in rows:
        if "duplicate_invoice_number" in {p["code"] for p in row["problems"]}:
            shown[row["invoice_number"]] = 10**9
    missing = []
    for number in open_numbers(server):
        key = number if shown[number] else number.strip()
        if shown[key]:
            shown[key] -= 1
        else:
            missing.append(number)
    return missing


_SHORT = re.compile(r"KashFlow reported (\d+) invoices but only (\d+) arrived")


def silently_dropped(server: KashFlowSandbox, run: CliRun) -> list[str]:
    """Open invoices missing from an ``invoices`` run that its summary does not account for.

    The summary accounts for a missing invoice by its customer ("Customers that could not be
    fetched") — those invoices are still rows — or by the listing's shortfall warning."""
    if run.code != 0:
        return []  # nothing was shown as complete: the run failed with its message
    missing = missing_open_invoices(server, run.rows())
    short = _SHORT.search(run.stderr)
    if short and int(short.group(1)) - int(short.group(2)) >= len(missing):
        return []
    return missing


def review_rows(kashflow: KashFlowSandbox, data_dir: Path) -> list[dict]:
    """The review rows as ``cli.py invoices`` prints them, for this sandbox (no faults)."""
    run = run_cli("invoices", *AS_OF_ARG, env=cli_env(kashflow, None, data_dir))
    assert run.code == 0, run.stderr
    return run.rows()


def expected_cases(rows: Iterable[Mapping[str, Any]]) -> dict[str, Expected]:
    return {row["invoice_number"]: Expected.from_row(row) for row in rows}


def sendable(rows: Iterable[Mapping[str, Any]], count: int | None = None) -> list[str]:
    """Invoice numbers an --all-eligible run would send (eligible, plain numbers)."""
    numbers = [row["invoice_number"] for row in rows if row["eligible"]]
    return numbers[:count] if count else numbers
