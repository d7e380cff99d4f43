"""The one place PostgreSQL (psycopg) errors become ``StorageError``s, and the server named in
messages without its password.

As with SQLite, only storage faults are translated (the server unreachable, a login refused,
locks, a full disk, damage, missing rights); anything else (a unique key the ledger relies on,
a programming error) passes through unchanged. Messages name the server as ``user@host:port/db``
and never hold the password of ``APP_DATABASE_URL``, nor libpq's own message (which may quote
connection parameters).
"""

from __future__ import annotations

from types import TracebackType
from urllib.parse import urlsplit

import psycopg

from store.errors import (
    DatabaseCorrupt,
    DatabaseLocked,
    DatabaseUnreachable,
    DataDirNotWritable,
    DiskFull,
    StorageError,
)

# SQLSTATE codes (PostgreSQL's appendix A) and classes (their first two characters).
_LOCKED = {"40P01", "55P03", "57014", "40001"}  # deadlock, lock timeout, cancelled, serialization
_NOT_WRITABLE = {"42501", "25006"}  # insufficient privilege, read-only transaction
_CORRUPT = {"XX001", "XX002"}  # data corrupted, index corrupted
_FULL = {"53100"}  # disk full
_LOGIN_REFUSED = {"28000", "28P01"}  # invalid authorization, invalid password
_NO_DATABASE = "3D000"
_UNREACHABLE_CLASSES = {"08", "57"}  # connection exception, operator intervention
_STORAGE_CLASSES = {"53", "58", "XX"}  # insufficient resources, system error, internal error


def server_label(url: str) -> str:
    """``user@host:port/database`` for messages: the URL without its password or options."""
    try:
        parts = urlsplit(url)
        host = parts.hostname or "localhost"
        port = f":{parts.port}" if parts.port else ""
    except ValueError:
        return "(APP_DATABASE_URL)"
    user = f"{parts.username}@" if parts.username else ""
    database = parts.path.lstrip("/")
    return f"{user}{host}{port}/{database}" if database else f"{user}{host}{port}"


def postgres_storage_error(error: BaseException, server: str) -> StorageError | None:
    """The ``StorageError`` that a psycopg ``error`` means, or None if it is not one."""
    if isinstance(error, StorageError):
        return error
    if not isinstance(error, psycopg.Error):
        return None
    state = error.sqlstate or ""
    if state in _LOGIN_REFUSED:
        return DatabaseUnreachable(
            detail="the server refused the user name or password", server=server
        )
    if state == _NO_DATABASE:
        return DatabaseUnreachable(detail="the database does not exist", server=server)
    if state in _LOCKED:
        return DatabaseLocked(detail="waited too long for a lock", server=server)
    if state in _NOT_WRITABLE:
        return DataDirNotWritable(detail="permission denied or read-only", server=server)
    if state in _CORRUPT:
        return DatabaseCorrupt(detail="damaged data or index", server=server)
    if state in _FULL:
        return DiskFull(detail="no space left", server=server)
    if state[:2] in _UNREACHABLE_CLASSES:
        return DatabaseUnreachable(detail="the connection was lost", server=server)
    if state[:2] in _STORAGE_CLASSES:
        return StorageError(detail=f"server error {state}", server=server)
    if isinstance(error, psycopg.OperationalError):
        # No SQLSTATE: libpq could not reach the server, or lost it (refused, timed out, a
        # name that does not resolve). Its message is not shown: it may quote the URL.
        return DatabaseUnreachable(detail=_connection_problem(str(error)), server=server)
    return None


def _connection_problem(message: str) -> str:
    lower = message.lower()
    if "password" in lower or "authentication" in lower:
        return "the server refused the user name or password"
    if "does not exist" in lower and "database" in lower:
        return "the database does not exist"
    if "refused" in lower:
        return "connection refused"
    if "timeout" in lower or "timed out" in lower:
        return "no answer in time"
    if "resolve" in lower or "translate host name" in lower or "name or service" in lower:
        return "the host name is not known"
    return "the server could not be reached"


class postgres_faults:  # noqa: N801 - used like a function: ``with postgres_faults(server):``
    """Raise the matching ``StorageError`` for a PostgreSQL storage fault. The original error is
    not chained (``from None``): its text may hold connection parameters."""

    __slots__ = ("server",)

    def __init__(self, server: str) -> None:
        self.server = server

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
        translated = postgres_storage_error(error, self.server)
        if translated is None:
            return False
        raise translated from None
