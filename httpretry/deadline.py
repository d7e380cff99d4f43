"""Wall-clock limits for HTTP calls: one attempt's deadline, and the budget all attempts of one
call share.

A socket timeout bounds each read, not the whole answer: a server that sends one byte every
few seconds never trips it. urllib3's own advice for a wall-clock limit is a second thread
that cuts the slow request off: each attempt has a ``Watchdog``, and one shared thread fires
them on time. When the deadline passes, the watchdog shuts down the socket the attempt is
blocked on (the one registered with ``guarding``), so the blocked read returns at once and the
attempt fails instead of hanging.
"""

from __future__ import annotations

import heapq
import itertools
import logging
import math
import threading
import time
from collections.abc import Callable, Iterator
from contextlib import contextmanager
from dataclasses import dataclass

log = logging.getLogger("httpretry")

_local = threading.local()  # the watchdog of the attempt running on this thread, if any


@dataclass(frozen=True)
class Deadline:
    """A moment on the monotonic clock, and the allowance (in seconds) it was set from.

    >>> deadline = Deadline.after(60)
    >>> deadline.passed, round(deadline.seconds)
    (False, 60)
    >>> Deadline.after(0).passed
    True
    """

    ends_at: float
    seconds: float

    @classmethod
    def after(cls, seconds: float) -> Deadline:
        return cls(time.monotonic() + seconds, seconds)

    @property
    def remaining(self) -> float:
        return self.ends_at - time.monotonic()

    @property
    def passed(self) -> bool:
        return self.remaining <= 0

    def or_sooner(self, other: Deadline | None) -> Deadline:
        """Whichever of the two ends first (``other`` may be None: no other limit)."""
        if other is not None and other.ends_at < self.ends_at:
            return other
        return self


class Watchdog:
    """Cuts off the attempt running on this thread when ``deadline`` passes.

    Use as a context manager around one attempt; inside it, ``guarding(interrupt)`` names what
    to call to unblock the read in progress (shutting its socket down). After the deadline,
    ``fired`` is True and anything guarded later is interrupted at once.
    """

    def __init__(self, deadline: Deadline) -> None:
        self.deadline = deadline
        self.fired = False
        self.finished = False
        self._lock = threading.Lock()
        self._interrupt: Callable[[], None] | None = None

    def __enter__(self) -> Watchdog:
        _local.watchdog = self
        _alarm.watch(self)
        return self

    def __exit__(self, *exc_info: object) -> None:
        with self._lock:
            self.finished = True
            self._interrupt = None
        _local.watchdog = None

    @contextmanager
    def guarding(self, interrupt: Callable[[], None] | None) -> Iterator[None]:
        """While inside, the deadline calls ``interrupt`` (None: nothing to interrupt)."""
        with self._lock:
            if self.fired and interrupt is not None:
                _call_quietly(interrupt)
            else:
                self._interrupt = interrupt
        try:
            yield
        finally:
            with self._lock:
                self._interrupt = None

    def fire(self) -> None:
        """The deadline has passed (called by the shared alarm thread)."""
        # Under the lock, so nothing is interrupted once the attempt has moved on.
        with self._lock:
            if self.finished:
                return
            self.fired = True
            if self._interrupt is not None:
                _call_quietly(self._interrupt)


class _Alarm:
    """One daemon thread for every watchdog in the process: it sleeps until the earliest
    deadline, fires the watchdogs whose time has come, and forgets finished ones."""

    def __init__(self) -> None:
        self._wakeup = threading.Condition()
        self._queue: list[tuple[float, int, Watchdog]] = []  # a heap, earliest deadline first
        self._order = itertools.count()  # ties broken by arrival
        self._thread: threading.Thread | None = None
        self._sleeping_until = math.inf  # when the thread wakes next of its own accord

    def watch(self, watchdog: Watchdog) -> None:
        entry = (watchdog.deadline.ends_at, next(self._order), watchdog)
        with self._wakeup:
            self._forget_finished()
            heapq.heappush(self._queue, entry)
            if self._thread is None or not self._thread.is_alive():  # first use, or a fork
                self._thread = threading.Thread(
                    target=self._run, name="httpretry-deadlines", daemon=True
                )
                self._thread.start()
            elif entry[0] < self._sleeping_until:
                self._wakeup.notify()  # it would wake too late for this one

    def _run(self) -> None:
        with self._wakeup:
            while True:
                self._forget_finished()
                ends_at = self._queue[0][0] if self._queue else math.inf
                delay = ends_at - time.monotonic()
                if delay > 0:
                    self._sleeping_until = ends_at
                    self._wakeup.wait(None if ends_at == math.inf else delay)
                    continue
                _, _, watchdog = heapq.heappop(self._queue)
                watchdog.fire()

    def _forget_finished(self) -> None:
        # Attempts mostly end long before their deadline: drop them from the front as they do.
        while self._queue and self._queue[0][2].finished:
            heapq.heappop(self._queue)


_alarm = _Alarm()


def current_watchdog() -> Watchdog | None:
    """The watchdog of the attempt running on this thread (None outside an attempt)."""
    return getattr(_local, "watchdog", None)


def _call_quietly(interrupt: Callable[[], None]) -> None:
    # The socket may be closed already, or handed back to the pool (urllib3 then refuses).
    try:
        interrupt()
    except (OSError, RuntimeError, ValueError) as error:
        log.debug("Nothing to cut off at the deadline: %s", type(error).__name__)
