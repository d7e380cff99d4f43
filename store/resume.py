"""Which saved connection a new browser session of the app picks up (a reload, a second tab).

The app is used by one person on this computer (it listens on 127.0.0.1 only), so there is one
resume point per data folder, under the name ``LOCAL_USER``. Connecting in the app sets it;
Disconnect clears it, so a reload after Disconnect lands on the Connect page, not back in.
Issue 12 (sign-in) keys it by the signed-in user instead.
"""

from __future__ import annotations

from datetime import UTC, datetime

from sqlite_utils import Database

from store.guarded_connection import is_read_only

TABLE = "resume_point"
LOCAL_USER = "local"


class ResumePoint:
    def __init__(self, database: Database, user: str = LOCAL_USER) -> None:
        self._table = database[TABLE]
        self._user = user
        self._read_only = is_read_only(database.conn)

    def connection_id(self) -> int | None:
        """The saved connection to pick up, or None (never connected, or disconnected)."""
        if not self._table.exists():
            return None
        rows = list(self._table.rows_where("user = ?", [self._user], limit=1))
        return rows[0]["connection_id"] if rows else None

    def remember(self, connection_id: int) -> None:
        if self._read_only:
            return
        self._table.upsert(
            {
                "user": self._user,
                "connection_id": connection_id,
                "at": datetime.now(UTC).isoformat(timespec="seconds"),
            },
            pk="user",
        )

    def forget(self) -> None:
        if self._read_only or not self._table.exists():
            return
        self._table.delete_where("user = ?", [self._user])


def ensure_resume_schema(database: Database) -> None:
    """The ``resume_point`` table (called by ``store.database``)."""
    database[TABLE].create(
        {"user": str, "connection_id": int, "at": str}, pk="user", if_not_exists=True
    )
