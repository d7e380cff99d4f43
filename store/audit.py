"""An append-only record of what was done with which connection (never secrets)."""

from __future__ import annotations

from datetime import UTC, datetime

from sqlite_utils import Database


class AuditLog:
    def __init__(self, database: Database) -> None:
        self._table = database["audit_log"]

    def record(self, event: str, *, connection_id: int | None = None, detail: str = "") -> None:
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
