"""The one place sqlite3 and OS errors become ``StorageError``s.

Only storage faults are translated (permissions, damage, locks, a full disk, I/O); anything
else (a constraint the ledger relies on, a programming error) passes through unchanged.
"""

from __future__ import annotations

import errno
import sqlite3
from pathlib import Path
from types import TracebackType

from store.errors import (
    DatabaseCorrupt,
    DatabaseLocked,
    DataDirNotWritable,
    DiskFull,
    StorageError,
)

# SQLite's primary result codes (the low byte of an extended code).
SQLITE_PERM = 3
SQLITE_BUSY = 5
SQLITE_LOCKED = 6
SQLITE_READONLY = 8
SQLITE_IOERR = 10
SQLITE_CORRUPT = 11
SQLITE_FULL = 13
SQLITE_CANTOPEN = 14
SQLITE_NOTADB = 26

_NOT_WRITABLE_ERRNOS = {errno.EACCES, errno.EPERM, errno.EROFS}
_FULL_ERRNOS = {errno.ENOSPC, errno.EDQUOT}


def storage_error(
    error: BaseException, path: Path, *, busy_timeout: float = 0
) -> StorageError | None:
    """The ``StorageError`` that ``error`` (raised using ``path``) means, or None if not one."""
    if isinstance(error, StorageError):
        return error
    if isinstance(error, sqlite3.Error):
        return _from_sqlite(error, path, busy_timeout)
    if isinstance(error, OSError):
        return _from_os(error, path)
    return None


class storage_faults:  # noqa: N801 - used like a function: ``with storage_faults(path):``
    """Raise the matching ``StorageError`` (chained to the original) for a storage fault."""

    __slots__ = ("path", "busy_timeout")

    def __init__(self, path: Path, *, busy_timeout: float = 0) -> None:
        self.path = path
        self.busy_timeout = busy_timeout

    def __enter__(self) -> None:
        return None

    def __exit__(
        self,
        kind: type[BaseException] | None,
        error: BaseException | None,
        traceback: TracebackType | None,
    ) -> bool:
        if error is None or isinstance(error, StorageError):
            return False
        translated = storage_error(error, self.path, busy_timeout=self.busy_timeout)
        if translated is None:
            return False
        raise translated from error


def _from_sqlite(error: sqlite3.Error, path: Path, busy_timeout: float) -> StorageError | None:
    code = getattr(error, "sqlite_errorcode", None)
    primary = code & 0xFF if isinstance(code, int) else _code_from_message(str(error))
    detail = str(error)
    if primary in (SQLITE_BUSY, SQLITE_LOCKED):
        return DatabaseLocked(path, detail, waited_seconds=busy_timeout)
    if primary in (SQLITE_READONLY, SQLITE_CANTOPEN, SQLITE_PERM):
        return DataDirNotWritable(path, detail)
    if primary == SQLITE_NOTADB:
        return DatabaseCorrupt(path, "not a SQLite database")
    if primary == SQLITE_CORRUPT:
        return DatabaseCorrupt(path, "damaged or truncated")
    if primary == SQLITE_FULL:
        return DiskFull(path, detail)
    if primary == SQLITE_IOERR:
        return StorageError(path, detail)
    return None


def _code_from_message(message: str) -> int | None:
    """For errors that carry no result code (raised before SQLite was reached)."""
    known = {
        "database is locked": SQLITE_BUSY,
        "readonly database": SQLITE_READONLY,
        "unable to open database": SQLITE_CANTOPEN,
        "file is not a database": SQLITE_NOTADB,
        "malformed": SQLITE_CORRUPT,
        "disk is full": SQLITE_FULL,
        "disk i/o error": SQLITE_IOERR,
    }
    return next((code for text, code in known.items() if text in message.lower()), None)


def _from_os(error: OSError, path: Path) -> StorageError:
    detail = (error.strerror or str(error)).lower()
    if error.errno in _NOT_WRITABLE_ERRNOS:
        return DataDirNotWritable(path, detail)
    if error.errno in _FULL_ERRNOS:
        return DiskFull(path, detail)
    return StorageError(path, detail)
