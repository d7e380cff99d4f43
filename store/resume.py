"""Which saved connection a new browser session of the app picks up (a reload, a second tab).

One resume point per user: the signed-in user's email, or ``LOCAL_USER`` without sign-in (the
one resume point of the days before sign-in is ``local``'s). Connecting in the app sets it;
Disconnect clears it, so a reload after Disconnect lands on the Connect page, not back in.
"""

from __future__ import annotations

from datetime import UTC, datetime

from sqlite_utils import Database

from store.engine import StoreConnection, store_connection
from store.migrations import LOCAL_ACTOR
from store.transactions import immediate_transaction

TABLE = "resume_point"
LOCAL_USER = LOCAL_ACTOR


class ResumePoint:
    def __init__(self, database: StoreConnection | Database, user: str = LOCAL_USER) -> None:
        self._conn = store_connection(database)
        self._user = user
        self._read_only = self._conn.is_read_only
        # A read-only store made before resume points has none (looked at once, at open).
        self._exists = TABLE in self._conn.table_names()

    def connection_id(self) -> int | None:
        """The saved connection to pick up, or None (never connected, or disconnected)."""
        if not self._exists:
            return None
        # "user" quoted: a column here, not PostgreSQL's current user.
        row = self._conn.query_one(
            f'select connection_id from {TABLE} where "user" = ? limit 1', [self._user]
        )
        return row["connection_id"] if row else None

    def remember(self, connection_id: int) -> None:
        if self._read_only:
            return
        with immediate_transaction(self._conn):
            self._conn.execute(
                f'insert into {TABLE} ("user", connection_id, at) values (?, ?, ?) '
                'on conflict ("user") do update set connection_id = excluded.connection_id, '
                "at = excluded.at",
                [self._user, connection_id, datetime.now(UTC).isoformat(timespec="seconds")],
            )

    def forget(self) -> None:
        if self._read_only or not self._exists:
            return
        with immediate_transaction(self._conn):
            self._conn.execute(f'delete from {TABLE} where "user" = ?', [self._user])


def ensure_resume_schema(database: Database) -> None:
    """The ``resume_point`` table (called by ``store.database``)."""
    database[TABLE].create(
        {"user": str, "connection_id": int, "at": str}, pk="user", if_not_exists=True
    )
