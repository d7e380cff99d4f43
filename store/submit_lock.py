"""One submit run at a time per data folder.

Two runs deciding about the same invoices at once would each see "not sent yet" and race to
send. The run holds an exclusive lock on ``submit.lock`` in the data folder (``flock``: the
operating system releases it if the process dies) and, inside one process, a lock per folder
that the same thread may take again, so the CLI and ``workflow.submit`` can both hold it.
A second run waits up to ``wait_seconds``, then raises ``SubmitInProgress``.
"""

from __future__ import annotations

import os
import threading
import time
from collections.abc import Callable, Iterator
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
    if wait_seconds is None:
        wait_seconds = DEFAULT_WAIT_SECONDS  # read now, so a test may shorten it
    lock = _folder_lock(data_dir / LOCK_FILE)
    lock.acquire(time.monotonic() + wait_seconds, on_wait)
    try:
        yield
    finally:
        lock.release()


class _FolderLock:
    """The lock of one folder in this process: a re-entrant thread lock plus the file lock."""

    def __init__(self, path: Path) -> None:
        self.path = path
        self._threads = threading.RLock()
        self._depth = 0
        self._descriptor: int | None = None

    def acquire(self, deadline: float, on_wait: Callable[[], None] | None) -> None:
        waiting = _Waiting(on_wait)
        if not self._threads.acquire(blocking=False):
            waiting.start()  # another thread of this process is submitting
            if not self._threads.acquire(timeout=max(0.0, deadline - time.monotonic())):
                raise SubmitInProgress(self.path)
        try:
            if self._depth == 0:
                self._descriptor = self._lock_file(deadline, waiting)
            self._depth += 1
        except BaseException:
            self._threads.release()
            raise

    def release(self) -> None:
        self._depth -= 1
        if self._depth == 0 and self._descriptor is not None:
            descriptor, self._descriptor = self._descriptor, None
            os.close(descriptor)  # closing the file releases the flock
        self._threads.release()

    def _lock_file(self, deadline: float, waiting: _Waiting) -> int | None:
        if fcntl is None:
            return None
        with storage_faults(self.path):
            make_private_dir(self.path.parent)
            make_private_file(self.path)
            descriptor = os.open(self.path, os.O_RDWR)
        while True:
            try:
                fcntl.flock(descriptor, fcntl.LOCK_EX | fcntl.LOCK_NB)
                return descriptor
            except BlockingIOError:
                if time.monotonic() >= deadline:
                    os.close(descriptor)
                    raise SubmitInProgress(self.path) from None
                waiting.start()
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


_locks: dict[Path, _FolderLock] = {}
_locks_guard = threading.Lock()


def _folder_lock(path: Path) -> _FolderLock:
    key = path.resolve()
    with _locks_guard:
        return _locks.setdefault(key, _FolderLock(key))
