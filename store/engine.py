"""The one connection interface every store module uses, over SQLite or PostgreSQL.

Statements are written once, with ``?`` placeholders, in the SQL both engines understand
(``on conflict``, ``returning``, ``coalesce``, quoted ``"user"``); rows come back as dicts. The
two implementations are ``SqliteStore`` (here: a sqlite-utils ``Database`` as opened by
``store.database``) and ``store.postgres_engine.PostgresStore``.

A write transaction (``begin_write``) holds the engine's single-writer lock from its start, so
nothing changes between its reads and its writes: SQLite's ``BEGIN IMMEDIATE``, and on
PostgreSQL a transaction-level advisory lock that every writer of the app takes first (the same
rule on both engines, so the state machines' reasoning holds unchanged).
"""

from __future__ import annotations

import sqlite3
from abc import ABC, abstractmethod
from collections.abc import Callable, Iterator, Sequence
from contextlib import AbstractContextManager, contextmanager, nullcontext
from pathlib import Path
from typing import Any

from sqlite_utils import Database

from store.submit_lock import submit_lock

SQLITE = "sqlite"
POSTGRESQL = "postgresql"


class StoreConnection(ABC):
    """What the store modules may do with their database, on either engine."""

    dialect: str = ""

    @property
    @abstractmethod
    def is_read_only(self) -> bool:
        """Opened to read only: writes fail, and the stores skip what is only a convenience."""

    @property
    @abstractmethod
    def in_transaction(self) -> bool: ...

    @property
    @abstractmethod
    def session(self) -> object:
        """The underlying connection: two wrappers of one session share a transaction."""

    @abstractmethod
    def execute(self, sql: str, params: Sequence[Any] = ()) -> int:
        """Run one statement; the number of rows it changed."""

    @abstractmethod
    def query(self, sql: str, params: Sequence[Any] = ()) -> list[dict[str, Any]]:
        """Run one statement and return every row as a dict."""

    def query_one(self, sql: str, params: Sequence[Any] = ()) -> dict[str, Any] | None:
        rows = self.query(sql, params)
        return rows[0] if rows else None

    def insert(self, sql: str, params: Sequence[Any] = ()) -> int:
        """Run an ``insert`` and return the new row's ``id`` (through ``returning id``)."""
        row = self.query_one(f"{sql} returning id", params)
        assert row is not None, "an insert with returning gives its row"
        return int(row["id"])

    @abstractmethod
    def begin_write(self) -> None:
        """Start a transaction holding the single-writer lock (waiting for it a while)."""

    @abstractmethod
    def commit(self) -> None: ...

    @abstractmethod
    def rollback(self) -> None: ...

    def savepoint(self, name: str) -> None:
        self.execute(f"savepoint {name}")

    def release(self, name: str) -> None:
        self.execute(f"release {name}")

    def rollback_to(self, name: str) -> None:
        self.execute(f"rollback to {name}")

    @abstractmethod
    def table_names(self) -> set[str]: ...

    @abstractmethod
    def columns(self, table: str) -> set[str]: ...

    @abstractmethod
    def migration_lock(self) -> None:
        """Inside an open write transaction: keep other processes out of the migrations."""

    @abstractmethod
    def run_lock(
        self, *, wait_seconds: float | None, on_wait: Callable[[], None] | None
    ) -> AbstractContextManager[None]:
        """One submit run at a time (see ``store.submit_lock``)."""

    @abstractmethod
    def close(self) -> None: ...


class SqliteStore(StoreConnection):
    """A sqlite3 connection (guarded by ``store.guarded_connection`` when opened by
    ``store.database``; a plain one in memory works too)."""

    dialect = SQLITE

    def __init__(self, database: Database) -> None:
        self.database = database  # sqlite-utils: only the SQLite schema (migration 1) uses it
        self._conn: sqlite3.Connection = database.conn

    @property
    def is_read_only(self) -> bool:
        return bool(getattr(self._conn, "read_only", False))

    @property
    def in_transaction(self) -> bool:
        return self._conn.in_transaction

    @property
    def session(self) -> object:
        return self._conn

    def execute(self, sql: str, params: Sequence[Any] = ()) -> int:
        return self._conn.execute(sql, list(params)).rowcount

    def query(self, sql: str, params: Sequence[Any] = ()) -> list[dict[str, Any]]:
        cursor = self._conn.execute(sql, list(params))
        columns = [description[0] for description in cursor.description]
        return [dict(zip(columns, row, strict=True)) for row in cursor]

    def begin_write(self) -> None:
        self._conn.execute("begin immediate")

    def commit(self) -> None:
        self._conn.commit()

    def rollback(self) -> None:
        self._conn.rollback()

    def table_names(self) -> set[str]:
        rows = self._conn.execute("select name from sqlite_master where type = 'table'")
        return {name for (name,) in rows.fetchall()}

    def columns(self, table: str) -> set[str]:
        rows = self._conn.execute(f'pragma table_info("{table}")').fetchall()
        return {row[1] for row in rows}

    def migration_lock(self) -> None:
        pass  # ``begin immediate`` already keeps every other writer out

    def run_lock(
        self, *, wait_seconds: float | None, on_wait: Callable[[], None] | None
    ) -> AbstractContextManager[None]:
        database_file = database_file_of(self._conn)
        if database_file is None:
            return nullcontext()  # an in-memory store: nobody else can see it
        return submit_lock(database_file.parent, wait_seconds=wait_seconds, on_wait=on_wait)

    def close(self) -> None:
        self._conn.close()


def database_file_of(connection: sqlite3.Connection) -> Path | None:
    """The file a connection was opened on (None for an in-memory database)."""
    path = getattr(connection, "database_file", None)
    if path is not None and path != Path():
        return path
    for _, name, filename in connection.execute("PRAGMA database_list"):
        if name == "main" and filename:
            return Path(filename)
    return None


def store_connection(database: StoreConnection | Database) -> StoreConnection:
    """The interface for what a store was given: an opened store, or a sqlite-utils
    ``Database`` (``store.database.open_database``, or one in memory in a test)."""
    if isinstance(database, StoreConnection):
        return database
    return SqliteStore(database)


@contextmanager
def closing_on_error(connection: StoreConnection) -> Iterator[StoreConnection]:
    """Close ``connection`` if setting it up fails (no half-open connection is left)."""
    try:
        yield connection
    except BaseException:
        connection.close()
        raise
