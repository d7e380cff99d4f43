"""One submit run at a time per data folder (SQLite) or per database (PostgreSQL).

Two runs deciding about the same invoices at once would each see "not sent yet" and race to
send. On SQLite the run holds an exclusive lock on ``submit.lock`` in the data folder
(``flock``: the operating system releases it if the process dies); on PostgreSQL a
session-level advisory lock on a connection of its own (``store.postgres_engine``: the server
releases it when that connection or the process ends), which keeps runs on different app
servers apart. Inside one process there is also a lock per folder or database that the same
thread may take again, so the CLI and ``workflow.submit`` can both hold it. A second run waits
up to ``wait_seconds``, then raises ``SubmitInProgress``.
"""

from __future__ import annotations

import os
import threading
import time
from collections.abc import Callable, Hashable, Iterator
from contextlib import contextmanager
from pathlib import Path

from store.errors import SubmitInProgress
from store.faults import storage_faults
from store.permissions import make_private_dir, make_private_file

try:
    import fcntl
except ImportError:  # Windows: only runs inside this process are kept apart
    fcntl = None  # type: ignore[assignment]

LOCK_FILE = "submit.lock"
DEFAULT_WAIT_SECONDS = 60.0
POLL_SECONDS = 0.1


@contextmanager
def submit_lock(
    data_dir: Path,
    *,
    wait_seconds: float | None = None,
    on_wait: Callable[[], None] | None = None,
) -> Iterator[None]:
    """Hold this data folder's submit lock for the ``with`` block.

    ``on_wait`` is called once if another run holds it (to say "waiting..."). Raises
    ``SubmitInProgress`` after ``wait_seconds``, or a ``StorageError`` if the folder is unusable.
    """
    path = (data_dir / LOCK_FILE).resolve()
    with run_lock(
        ("folder", path),
        lambda deadline, waiting: _lock_file(path, deadline, waiting),
        wait_seconds=wait_seconds,
        on_wait=on_wait,
        busy=lambda: SubmitInProgress(path),
    ):
        yield


# Takes the lock shared with other processes by ``deadline`` (calling ``waiting`` while it
# waits) and returns what releases it.
TakeLock = Callable[[float, Callable[[], None]], Callable[[], None]]


@contextmanager
def run_lock(
    key: Hashable,
    take: TakeLock,
    *,
    wait_seconds: float | None,
    on_wait: Callable[[], None] | None,
    busy: Callable[[], Exception] | None = None,
) -> Iterator[None]:
    """Hold the run lock named ``key`` for the block: this process's re-entrant lock, then
    (at the outermost level) the one ``take`` gets from the file system or the database."""
    if wait_seconds is None:
        wait_seconds = DEFAULT_WAIT_SECONDS  # read now, so a test may shorten it
    lock = _lock_of(key, busy or (lambda: SubmitInProgress()))
    lock.acquire(time.monotonic() + wait_seconds, on_wait, take)
    try:
        yield
    finally:
        lock.release()


class _RunLock:
    """The lock of one folder or database in this process: a re-entrant thread lock plus the
    lock shared with other processes."""

    def __init__(self, busy: Callable[[], Exception]) -> None:
        self._busy = busy
        self._threads = threading.RLock()
        self._depth = 0
        self._release_shared: Callable[[], None] | None = None

    def acquire(self, deadline: float, on_wait: Callable[[], None] | None, take: TakeLock) -> None:
        waiting = _Waiting(on_wait)
        if not self._threads.acquire(blocking=False):
            waiting.start()  # another thread of this process is submitting
            if not self._threads.acquire(timeout=max(0.0, deadline - time.monotonic())):
                raise self._busy()
        try:
            if self._depth == 0:
                self._release_shared = take(deadline, waiting.start)
            self._depth += 1
        except BaseException:
            self._threads.release()
            raise

    def release(self) -> None:
        self._depth -= 1
        if self._depth == 0 and self._release_shared is not None:
            release, self._release_shared = self._release_shared, None
            release()
        self._threads.release()


def _lock_file(path: Path, deadline: float, waiting: Callable[[], None]) -> Callable[[], None]:
    if fcntl is None:
        return lambda: None
    with storage_faults(path):
        make_private_dir(path.parent)
        make_private_file(path)
        descriptor = os.open(path, os.O_RDWR)
    while True:
        try:
            fcntl.flock(descriptor, fcntl.LOCK_EX | fcntl.LOCK_NB)
            return lambda: os.close(descriptor)  # closing the file releases the flock
        except BlockingIOError:
            if time.monotonic() >= deadline:
                os.close(descriptor)
                raise SubmitInProgress(path) from None
            waiting()
            time.sleep(POLL_SECONDS)
        except BaseException:
            os.close(descriptor)
            raise


class _Waiting:
    """Calls ``on_wait`` at most once."""

    def __init__(self, on_wait: Callable[[], None] | None) -> None:
        self._on_wait = on_wait

    def start(self) -> None:
        if self._on_wait is not None:
            on_wait, self._on_wait = self._on_wait, None
            on_wait()


_locks: dict[Hashable, _RunLock] = {}
_locks_guard = threading.Lock()


def _lock_of(key: Hashable, busy: Callable[[], Exception]) -> _RunLock:
    with _locks_guard:
        if key not in _locks:
            _locks[key] = _RunLock(busy)
        return _locks[key]
