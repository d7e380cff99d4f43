"""An append-only record of what was done with which connection, and by whom (never secrets)."""

from __future__ import annotations

from dataclasses import dataclass
from datetime import UTC, datetime
from typing import Any

from sqlite_utils import Database

from store.engine import StoreConnection, store_connection
from store.migrations import LOCAL_ACTOR
from store.transactions import immediate_transaction

TABLE = "audit_log"
DEFAULT_LIMIT = 1000


@dataclass(frozen=True, slots=True)
class AuditEntry:
    """One recorded action, with the saved connection's name when it still exists."""

    id: int
    at: str  # UTC, ISO 8601
    event: str
    actor: str  # the signed-in user's email, or ``local``
    connection_id: int | None
    connection_name: str
    detail: str


class AuditLog:
    def __init__(self, database: StoreConnection | Database, *, actor: str = LOCAL_ACTOR) -> None:
        self._conn = store_connection(database)
        self._actor = actor
        # A store opened read-only (``cli.py invoices`` on a read-only folder) changes nothing,
        # so what it does goes unrecorded; it only reads.
        self._read_only = self._conn.is_read_only

    def record(self, event: str, *, connection_id: int | None = None, detail: str = "") -> None:
        if self._read_only:
            return
        with immediate_transaction(self._conn):
            append_entry(
                self._conn, event, actor=self._actor, connection_id=connection_id, detail=detail
            )

    def recent(self, limit: int = 50) -> list[dict]:
        return self._conn.query(f"select * from {TABLE} order by id desc limit ?", [limit])

    def entries(
        self,
        *,
        actor: str | None = None,
        event: str | None = None,
        connection_id: int | None = None,
        since: str | None = None,
        until: str | None = None,
        text: str | None = None,
        limit: int | None = DEFAULT_LIMIT,
    ) -> list[AuditEntry]:
        """Entries matching every filter given, newest first, at most ``limit`` (None: all).

        ``since`` (from, inclusive) and ``until`` (before, exclusive) are ISO 8601 UTC times as
        the log writes them; a bare date as ``until`` takes in that whole day. ``text`` is
        looked for, in any case, in the detail, the event and the connection's name."""
        clauses, params = [], []
        if actor is not None:
            clauses.append("a.actor = ?")
            params.append(actor)
        if event is not None:
            clauses.append("a.event = ?")
            params.append(event)
        if connection_id is not None:
            clauses.append("a.connection_id = ?")
            params.append(connection_id)
        if since:
            clauses.append("a.at >= ?")
            params.append(since)
        if until:
            clauses.append("a.at < ?")
            # A bare date takes in its whole day: "2026-11-30z" sorts after its every time.
            params.append(until + "z" if len(until) == len("2026-11-30") else until)
        if text:
            clauses.append(
                "(lower(coalesce(a.detail, '')) like ? escape '\\' "
                "or lower(a.event) like ? escape '\\' "
                "or lower(coalesce(c.name, '')) like ? escape '\\')"
            )
            pattern = "%" + _escape_like(text.lower()) + "%"
            params.extend([pattern, pattern, pattern])
        where = " and ".join(clauses) or "1 = 1"
        if limit is not None:
            params.append(limit)
        rows = self._conn.query(
            f"select a.*, c.name as connection_name from {TABLE} a "
            f"left join connections c on c.id = a.connection_id where {where} "
            f"order by a.at desc, a.id desc{' limit ?' if limit is not None else ''}",
            params,
        )
        return [_entry(row) for row in rows]

    def actors(self) -> list[str]:
        """Everyone who has an entry, in alphabetical order (for a filter picker)."""
        return self._distinct("actor")

    def events(self) -> list[str]:
        """Every kind of event recorded, in alphabetical order (for a filter picker)."""
        return self._distinct("event")

    def _distinct(self, column: str) -> list[str]:
        rows = self._conn.query(
            f"select distinct {column} as value from {TABLE} where {column} is not null "
            "order by value"
        )
        return [row["value"] for row in rows]


def append_entry(
    connection: StoreConnection,
    event: str,
    *,
    actor: str,
    connection_id: int | None = None,
    detail: str = "",
) -> None:
    """One entry, inside the caller's transaction: a state change elsewhere in the store and its
    entry here are committed together, so the log never misses or invents an outcome."""
    connection.execute(
        f"insert into {TABLE} (at, event, connection_id, detail, actor) values (?, ?, ?, ?, ?)",
        [datetime.now(UTC).isoformat(timespec="seconds"), event, connection_id, detail, actor],
    )


def _escape_like(text: str) -> str:
    return text.replace("\\", "\\\\").replace("%", "\\%").replace("_", "\\_")


def _entry(row: dict[str, Any]) -> AuditEntry:
    return AuditEntry(
        id=row["id"],
        at=row["at"],
        event=row["event"],
        actor=row.get("actor") or LOCAL_ACTOR,
        connection_id=row["connection_id"],
        connection_name=row.get("connection_name") or "",
        detail=row["detail"] or "",
    )
