"""An append-only record of what was done with which connection (never secrets)."""

from __future__ import annotations

from datetime import UTC, datetime

from sqlite_utils import Database

from store.guarded_connection import is_read_only


class AuditLog:
    def __init__(self, database: Database) -> None:
        self._table = database["audit_log"]
        # A store opened read-only (``cli.py invoices`` on a read-only folder) changes nothing,
        # so what it does goes unrecorded; it only reads.
        self._read_only = is_read_only(database.conn)

    def record(self, event: str, *, connection_id: int | None = None, detail: str = "") -> None:
        if self._read_only:
            return
        self._table.insert(
            {
                "at": datetime.now(UTC).isoformat(timespec="seconds"),
                "event": event,
                "connection_id": connection_id,
                "detail": detail,
            }
        )

    def recent(self, limit: int = 50) -> list[dict]:
        return list(self._table.rows_where(order_by="id desc", limit=limit))
