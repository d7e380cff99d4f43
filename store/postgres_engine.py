"""The store on PostgreSQL (psycopg 3), for several app servers sharing one database.

Chosen by ``APP_DATABASE_URL`` (a ``postgresql://`` URL). The connection runs in autocommit
mode: a read is its own statement and sees the latest commits; a write transaction is opened
explicitly by ``begin_write``, which first takes the app's write lock (a transaction-level
advisory lock, released at commit or rollback). Every writer takes it, so writers on all
servers take turns exactly as SQLite's ``BEGIN IMMEDIATE`` makes processes on one file do.
Every statement goes through ``store.postgres_faults``.
"""

from __future__ import annotations

import functools
import time
from collections.abc import Callable, Sequence
from contextlib import AbstractContextManager
from typing import Any

import psycopg
from psycopg.pq import TransactionStatus
from psycopg.rows import dict_row

from store.engine import POSTGRESQL, StoreConnection
from store.errors import SubmitInProgress
from store.postgres_faults import postgres_faults, server_label

# Advisory lock keys: any fixed 64-bit numbers, the same in every process of the app.
WRITE_LOCK_KEY = 0x4B46_4442_0001  # held by each write transaction
MIGRATION_LOCK_KEY = 0x4B46_4442_0002  # held while the schema is brought up to date
RUN_LOCK_KEY = 0x4B46_4442_0003  # held by a whole submit run (session-level)

LOCK_TIMEOUT_SECONDS = 10.0  # like SQLite's busy timeout: how long a write waits for another
CONNECT_TIMEOUT_SECONDS = 10
RUN_LOCK_POLL_SECONDS = 0.1
URL_SCHEMES = ("postgresql://", "postgres://")


def is_postgres_url(url: str) -> bool:
    return url.strip().lower().startswith(URL_SCHEMES)


def connect_postgres(
    url: str, *, read_only: bool = False, lock_timeout: float | None = None
) -> psycopg.Connection:
    """A new autocommit connection (``StorageError`` naming the server when it cannot be had)."""
    timeout = LOCK_TIMEOUT_SECONDS if lock_timeout is None else lock_timeout
    options = f"-c lock_timeout={int(timeout * 1000)}"
    if read_only:
        options += " -c default_transaction_read_only=on"
    with postgres_faults(server_label(url)):
        return psycopg.connect(
            url,
            autocommit=True,
            row_factory=dict_row,
            connect_timeout=CONNECT_TIMEOUT_SECONDS,
            options=options,
            application_name="kashflow-debitura",
        )


class PostgresStore(StoreConnection):
    dialect = POSTGRESQL

    def __init__(self, url: str, *, read_only: bool = False) -> None:
        self._url = url
        self.server = server_label(url)
        self._read_only = read_only
        self._conn = connect_postgres(url, read_only=read_only)

    @property
    def is_read_only(self) -> bool:
        return self._read_only

    @property
    def in_transaction(self) -> bool:
        return self._conn.info.transaction_status != TransactionStatus.IDLE

    @property
    def session(self) -> object:
        return self._conn

    def execute(self, sql: str, params: Sequence[Any] = ()) -> int:
        with postgres_faults(self.server):
            return self._conn.execute(pyformat(sql), list(params)).rowcount

    def query(self, sql: str, params: Sequence[Any] = ()) -> list[dict[str, Any]]:
        with postgres_faults(self.server):
            return self._conn.execute(pyformat(sql), list(params)).fetchall()

    def begin_write(self) -> None:
        with postgres_faults(self.server):
            self._conn.execute("begin")
            try:
                self._conn.execute("select pg_advisory_xact_lock(%s)", [WRITE_LOCK_KEY])
            except BaseException:
                self._conn.execute("rollback")
                raise

    def commit(self) -> None:
        with postgres_faults(self.server):
            self._conn.execute("commit")

    def rollback(self) -> None:
        if self._conn.closed:
            return
        with postgres_faults(self.server):
            self._conn.execute("rollback")

    def table_names(self) -> set[str]:
        rows = self.query(
            "select table_name from information_schema.tables where table_schema = current_schema()"
        )
        return {row["table_name"] for row in rows}

    def columns(self, table: str) -> set[str]:
        rows = self.query(
            "select column_name from information_schema.columns "
            "where table_schema = current_schema() and table_name = ?",
            [table],
        )
        return {row["column_name"] for row in rows}

    def migration_lock(self) -> None:
        self.execute("select pg_advisory_xact_lock(?)", [MIGRATION_LOCK_KEY])

    def run_lock(
        self, *, wait_seconds: float | None, on_wait: Callable[[], None] | None
    ) -> AbstractContextManager[None]:
        from store.submit_lock import run_lock

        return run_lock(
            ("postgresql", self.server),
            lambda deadline, waiting: _DatabaseRunLock(self._url).take(deadline, waiting),
            wait_seconds=wait_seconds,
            on_wait=on_wait,
            busy=lambda: SubmitInProgress(server=self.server),
        )

    def close(self) -> None:
        self._conn.close()

    def __del__(self) -> None:
        # The app opens a workspace per page run and drops it without a close: end the
        # session then, quietly (psycopg would warn about a connection left open).
        connection = getattr(self, "_conn", None)
        if connection is not None and not connection.closed:
            connection.close()


class _DatabaseRunLock:
    """The submit lock across app servers: a session-level advisory lock on a connection of its
    own, which the server releases when the connection ends (also when the process dies)."""

    def __init__(self, url: str) -> None:
        self._url = url
        self._server = server_label(url)

    def take(self, deadline: float, waiting: Callable[[], None]) -> Callable[[], None]:
        connection = connect_postgres(self._url)
        try:
            while True:
                with postgres_faults(self._server):
                    row = connection.execute(
                        "select pg_try_advisory_lock(%s) as taken", [RUN_LOCK_KEY]
                    ).fetchone()
                if row and row["taken"]:
                    return connection.close  # ending the session releases the lock
                if time.monotonic() >= deadline:
                    raise SubmitInProgress(server=self._server)
                waiting()
                time.sleep(RUN_LOCK_POLL_SECONDS)
        except BaseException:
            connection.close()
            raise


@functools.lru_cache(maxsize=512)
def pyformat(sql: str) -> str:
    """``sql`` with its ``?`` placeholders as psycopg's ``%s`` (and a literal ``%`` doubled);
    quoted text and identifiers are left as they are."""
    out: list[str] = []
    quote = ""
    for char in sql:
        if quote:
            out.append("%%" if char == "%" else char)
            if char == quote:
                quote = ""
        elif char in "'\"":
            quote = char
            out.append(char)
        elif char == "?":
            out.append("%s")
        elif char == "%":
            out.append("%%")
        else:
            out.append(char)
    return "".join(out)
