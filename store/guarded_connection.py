"""A sqlite3 connection whose every statement, fetch and commit raises ``StorageError``s.

sqlite-utils and the ledger use the connection's ``execute``/``cursor()`` and ``with
connection:``, so guarding those covers every read and write in ``store/``.
"""

from __future__ import annotations

import sqlite3
from pathlib import Path
from typing import Any

from store.faults import storage_faults


class GuardedCursor(sqlite3.Cursor):
    def _faults(self) -> storage_faults:
        return self.connection.faults()

    def execute(self, sql: str, parameters: Any = (), /) -> GuardedCursor:
        with self._faults():
            return super().execute(sql, parameters)

    def executemany(self, sql: str, parameters: Any, /) -> GuardedCursor:
        with self._faults():
            return super().executemany(sql, parameters)

    def executescript(self, script: str, /) -> GuardedCursor:
        with self._faults():
            return super().executescript(script)

    def fetchone(self) -> Any:
        with self._faults():
            return super().fetchone()

    def fetchmany(self, size: int | None = None) -> list[Any]:
        with self._faults():
            return super().fetchmany(self.arraysize if size is None else size)

    def fetchall(self) -> list[Any]:
        with self._faults():
            return super().fetchall()

    def __next__(self) -> Any:
        # A damaged page may only be read while rows are being iterated.
        with self._faults():
            return super().__next__()


class GuardedConnection(sqlite3.Connection):
    """Made by ``connect``; knows its file (for messages) and whether it is read-only."""

    database_file: Path = Path()
    busy_timeout: float = 0
    read_only: bool = False

    def faults(self) -> storage_faults:
        return storage_faults(self.database_file, busy_timeout=self.busy_timeout)

    def cursor(self, factory: type[sqlite3.Cursor] = GuardedCursor) -> sqlite3.Cursor:
        return super().cursor(factory)

    # sqlite3's own shortcuts make a plain cursor, bypassing ``cursor()``: route them through it.
    def execute(self, sql: str, parameters: Any = (), /) -> sqlite3.Cursor:
        return self.cursor().execute(sql, parameters)

    def executemany(self, sql: str, parameters: Any, /) -> sqlite3.Cursor:
        return self.cursor().executemany(sql, parameters)

    def executescript(self, script: str, /) -> sqlite3.Cursor:
        return self.cursor().executescript(script)

    def commit(self) -> None:
        with self.faults():
            super().commit()

    def __exit__(self, *exception: Any) -> bool:
        # Leaving ``with connection:`` commits: a full disk or a lock often shows only here.
        with self.faults():
            return super().__exit__(*exception)


def connect(
    database_file: Path, *, busy_timeout: float, read_only: bool = False, immutable: bool = False
) -> GuardedConnection:
    """Open ``database_file`` (read-only through SQLite's ``mode=ro`` when asked; with
    ``immutable``, also without locks or a -shm file: only for a file nobody is writing)."""
    with storage_faults(database_file, busy_timeout=busy_timeout):
        if read_only:
            uri = f"{database_file.resolve().as_uri()}?mode=ro"
            uri += "&immutable=1" if immutable else ""
            connection = sqlite3.connect(
                uri, uri=True, timeout=busy_timeout, factory=GuardedConnection
            )
        else:
            connection = sqlite3.connect(
                database_file, timeout=busy_timeout, factory=GuardedConnection
            )
    _describe(connection, database_file, busy_timeout, read_only)
    return connection


def connect_empty(database_file: Path, *, busy_timeout: float) -> GuardedConnection:
    """An in-memory stand-in for a database that does not exist yet, refusing writes."""
    connection = sqlite3.connect(":memory:", factory=GuardedConnection)
    _describe(connection, database_file, busy_timeout, read_only=True)
    return connection


def _describe(
    connection: GuardedConnection, database_file: Path, busy_timeout: float, read_only: bool
) -> None:
    connection.database_file = database_file
    connection.busy_timeout = busy_timeout
    connection.read_only = read_only
