"""Fault knobs for the sandbox servers: deterministic, thread-safe, changeable at runtime.

Every knob is off by default. "Every Nth" knobs count *eligible* requests (data endpoints, plus
login endpoints when ``faults_on_login`` is on) with one shared counter, so a test that sets
``status_500_every=3`` knows exactly which requests fail. Changing the knobs (``set``,
``update``, ``reset``) restarts every counter, so "every Nth" counts from the change.

When several knobs pick the same request, the first of these wins: a 429 burst already in
progress, ``drop_connection_every``, ``html_error_every``, ``status_500_every``,
``sql_timeout_every``, ``rate_limit_every`` (which starts a new burst).

Servers with knobs of their own subclass ``Faults`` and extend ``KNOBS``; the control endpoint
``POST /_sandbox/faults`` reaches every knob by name.
"""

from __future__ import annotations

import threading
from collections import Counter
from dataclasses import dataclass
from typing import Any, ClassVar

# What KashFlow answers when its database times out on a page (observed in production).
SQL_TIMEOUT_ERROR = "-2146232060"
SQL_TIMEOUT_MESSAGE = (
    "Execution Timeout Expired.  The timeout period elapsed prior to completion of the "
    "operation or the server is not responding."
)

HTML_ERROR_PAGE = (
    "<!DOCTYPE html>\n<html><head><title>502 Bad Gateway</title></head>\n"
    "<body><h1>502 Bad Gateway</h1><p>The server returned an invalid or incomplete response."
    "</p><hr><p>sandbox gateway</p></body></html>\n"
)

# Actions a decision can carry.
DROP = "drop"
HTML_ERROR = "html_error"
SERVER_ERROR = "server_error"
SQL_TIMEOUT = "sql_timeout"
RATE_LIMIT = "rate_limit"

_SERVER_ERROR_STATUSES = frozenset({500, 502, 503, 504})


@dataclass(frozen=True, slots=True)
class FaultDecision:
    """What to do with one eligible request."""

    latency_s: float = 0.0
    action: str | None = None
    # For DROP: run the handler first (its side effects happen), then drop the connection.
    drop_after_handler: bool = False
    server_error_status: int = 500
    retry_after_seconds: int = 1


NO_FAULT = FaultDecision()


class Faults:
    """Thread-safe fault knobs. Read a knob as an attribute: ``faults.latency_ms``."""

    KNOBS: ClassVar[dict[str, Any]] = {
        "latency_ms": 0.0,  # sleep this long before answering
        "status_500_every": 0,  # every Nth request answers a JSON 5xx ...
        "server_error_status": 500,  # ... with this status (500, 502, 503 or 504)
        "rate_limit_every": 0,  # every Nth request starts a burst of 429s ...
        "rate_limit_burst": 1,  # ... this many consecutive 429s long ...
        "retry_after_seconds": 1,  # ... each carrying this Retry-After (whole seconds)
        "sql_timeout_every": 0,  # every Nth request answers KashFlow's 400 SQL timeout
        "html_error_every": 0,  # every Nth request answers a 502 HTML page
        "drop_connection_every": 0,  # every Nth request gets its connection closed, no answer
        "drop_after_handler": False,  # drop after the handler ran (the work is done, unseen)
        "faults_on_login": False,  # also apply every knob to login endpoints
    }

    def __init__(self, **knobs: Any) -> None:
        self._lock = threading.Lock()
        self._values: dict[str, Any] = {}
        self._counters: Counter[str] = Counter()
        self._count = 0
        self._burst_left = 0
        self.set(**knobs)

    # --- reading ----------------------------------------------------------------------------

    def __getattr__(self, name: str) -> Any:
        # Only called for names that are not ordinary attributes: the knobs.
        values = self.__dict__.get("_values")
        if values is not None and name in values:
            return values[name]
        raise AttributeError(name)

    def snapshot(self) -> dict[str, Any]:
        """Every knob and its value, JSON-ready (sets become sorted lists)."""
        with self._lock:
            values = dict(self._values)
        return {
            name: sorted(value) if isinstance(value, frozenset) else value
            for name, value in values.items()
        }

    # --- changing ---------------------------------------------------------------------------

    def set(self, **knobs: Any) -> None:
        """Replace all knobs: the ones given take these values, every other knob goes off."""
        values = {name: self._coerce(name, default) for name, default in self.KNOBS.items()}
        values.update(self._validated(knobs))
        self._install(values)

    def update(self, **knobs: Any) -> None:
        """Change only the knobs given."""
        validated = self._validated(knobs)
        with self._lock:
            values = {**self._values, **validated}
        self._install(values)

    def reset(self) -> None:
        """Every knob off."""
        self.set()

    def _install(self, values: dict[str, Any]) -> None:
        with self._lock:
            self._values = values
            self._count = 0
            self._burst_left = 0
            self._counters.clear()

    def _validated(self, knobs: dict[str, Any]) -> dict[str, Any]:
        unknown = sorted(set(knobs) - set(self.KNOBS))
        if unknown:
            raise ValueError(f"unknown fault knob(s): {', '.join(unknown)}")
        return {name: self._coerce(name, value) for name, value in knobs.items()}

    def _coerce(self, name: str, value: Any) -> Any:
        default = self.KNOBS[name]
        if isinstance(default, bool):
            if not isinstance(value, bool):
                raise ValueError(f"{name} must be true or false")
            return value
        if isinstance(default, int):
            if isinstance(value, float) and value.is_integer():
                value = int(value)
            if not isinstance(value, int) or value < 0:
                raise ValueError(f"{name} must be a whole number >= 0")
            if name == "server_error_status" and value not in _SERVER_ERROR_STATUSES:
                raise ValueError(f"{name} must be one of {sorted(_SERVER_ERROR_STATUSES)}")
            if name == "rate_limit_burst" and value < 1:
                raise ValueError(f"{name} must be >= 1")
            return int(value)
        if isinstance(default, float):
            if isinstance(value, bool) or not isinstance(value, int | float) or value < 0:
                raise ValueError(f"{name} must be a number >= 0")
            return float(value)
        if isinstance(default, frozenset):
            if isinstance(value, str) or not isinstance(value, list | tuple | set | frozenset):
                raise ValueError(f"{name} must be a list of strings")
            if not all(isinstance(item, str) for item in value):
                raise ValueError(f"{name} must be a list of strings")
            return frozenset(value)
        return value

    # --- deciding ---------------------------------------------------------------------------

    def decide(self) -> FaultDecision:
        """Count one eligible request and say what happens to it."""
        with self._lock:
            knobs = self._values
            self._count += 1
            n = self._count
            action = None
            if self._burst_left > 0:
                self._burst_left -= 1
                action = RATE_LIMIT
            elif _every(n, knobs["drop_connection_every"]):
                action = DROP
            elif _every(n, knobs["html_error_every"]):
                action = HTML_ERROR
            elif _every(n, knobs["status_500_every"]):
                action = SERVER_ERROR
            elif _every(n, knobs["sql_timeout_every"]):
                action = SQL_TIMEOUT
            elif _every(n, knobs["rate_limit_every"]):
                action = RATE_LIMIT
                self._burst_left = knobs["rate_limit_burst"] - 1
            latency_s = knobs["latency_ms"] / 1000.0
            if action is None and not latency_s:
                return NO_FAULT
            return FaultDecision(
                latency_s=latency_s,
                action=action,
                drop_after_handler=action == DROP and knobs["drop_after_handler"],
                server_error_status=knobs["server_error_status"],
                retry_after_seconds=knobs["retry_after_seconds"],
            )

    def tick(self, name: str) -> int:
        """Advance a named counter (1, 2, 3, ...); counters restart when knobs change."""
        with self._lock:
            self._counters[name] += 1
            return self._counters[name]

    def peek(self, name: str) -> int:
        """A named counter's value without advancing it (0 until the first ``tick``)."""
        with self._lock:
            return self._counters[name]


def _every(n: int, every: int) -> bool:
    return every > 0 and n % every == 0
