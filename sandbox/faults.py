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

# What ``decide`` can answer (None: no fault), as named in the stats' "fault.*" counters.
DROP, HTML_ERROR, SERVER_ERROR = "drop", "html_error", "server_error"
SQL_TIMEOUT, RATE_LIMIT = "sql_timeout", "rate_limit"

_SERVER_ERROR_STATUSES = frozenset({500, 502, 503, 504})
_EXPECTED = {
    bool: "true or false",
    int: "a whole number >= 0",
    float: "a number >= 0",
    frozenset: "a list of strings",
    str: "a string",
}
# Which knob picks which action, the first that picks a request winning.
_EVERY = (
    (DROP, "drop_connection_every"),
    (HTML_ERROR, "html_error_every"),
    (SERVER_ERROR, "status_500_every"),
    (SQL_TIMEOUT, "sql_timeout_every"),
    (RATE_LIMIT, "rate_limit_every"),
)


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
        "faults_on_login": False,  # also apply every knob above to login endpoints
        # Hostile answers to every API request, login included, never to the control API; a
        # redirect or a gzip bomb answers instead of the API (no other knob applies to it).
        "redirect_to": "",  # a URL: answer 307 with Location: <redirect_to><request path>
        "trickle_seconds": 0.0,  # send the answer's body one byte every N seconds
        "gzip_bomb_mb": 0,  # answer 200 gzip that inflates to N MiB of JSON-looking bytes
    }

    def __init__(self, **knobs: Any) -> None:
        self._lock = threading.Lock()
        self._counters: Counter[str] = Counter()
        self.set(**knobs)

    def snapshot(self) -> dict[str, Any]:
        """Every knob and its value, JSON-ready (sets become sorted lists)."""
        values = {name: getattr(self, name) for name in self.KNOBS}
        return {name: sorted(v) if isinstance(v, frozenset) else v for name, v in values.items()}

    def set(self, **knobs: Any) -> None:
        """Replace all knobs: the ones given take these values, every other knob goes off."""
        self._install({**self.KNOBS, **self._validated(knobs)})

    def update(self, **knobs: Any) -> None:
        """Change only the knobs given."""
        self._install(
            {**{name: getattr(self, name) for name in self.KNOBS}, **self._validated(knobs)}
        )

    def reset(self) -> None:
        """Every knob off."""
        self.set()

    def _install(self, values: dict[str, Any]) -> None:
        with self._lock:
            vars(self).update(values)  # each knob an attribute: ``faults.latency_ms``
            self._count = 0
            self._burst_left = 0
            self._counters.clear()

    def _validated(self, knobs: dict[str, Any]) -> dict[str, Any]:
        unknown = sorted(set(knobs) - set(self.KNOBS))
        if unknown:
            raise ValueError(f"unknown fault knob(s): {', '.join(unknown)}")
        return {name: self._coerce(name, value) for name, value in knobs.items()}

    def _coerce(self, name: str, value: Any) -> Any:
        """``value`` as the type of the knob's default, or ValueError."""
        kind = type(self.KNOBS[name])
        if kind in (int, float) and type(value) in (int, float):
            if kind is float or float(value).is_integer():
                value = kind(value)
        elif kind is frozenset and isinstance(value, list | tuple | set | frozenset):
            value = frozenset(value) if all(isinstance(item, str) for item in value) else None
        if type(value) is not kind or (kind in (int, float) and value < 0):
            raise ValueError(f"{name} must be {_EXPECTED[kind]}")
        if name == "server_error_status" and value not in _SERVER_ERROR_STATUSES:
            raise ValueError(f"{name} must be one of {sorted(_SERVER_ERROR_STATUSES)}")
        if name == "rate_limit_burst" and value < 1:
            raise ValueError(f"{name} must be >= 1")
        return value

    def decide(self) -> str | None:
        """Count one eligible request and say what happens to it: an action, or None."""
        with self._lock:
            self._count += 1
            if self._burst_left > 0:
                self._burst_left -= 1
                return RATE_LIMIT
            for action, knob in _EVERY:
                every = getattr(self, knob)
                if every and self._count % every == 0:
                    if action == RATE_LIMIT:
                        self._burst_left = self.rate_limit_burst - 1
                    return action
            return None

    def tick(self, name: str) -> int:
        """Advance a named counter (1, 2, 3, ...); counters restart when knobs change."""
        with self._lock:
            self._counters[name] += 1
            return self._counters[name]

    def peek(self, name: str) -> int:
        """A named counter's value without advancing it (0 until the first ``tick``)."""
        with self._lock:
            return self._counters[name]
