"""The saved Debitura connection: one row, the API key encrypted with the app's Fernet key.

Who the key belongs to (the creditor name ``GET /me`` gave), the address and test mode are kept
in clear, so the frame can say where cases go without decrypting anything. It is the team's
(every user sees it); ``saved_by`` says who saved it.
"""

from __future__ import annotations

from dataclasses import dataclass
from datetime import UTC, datetime

from cryptography.fernet import Fernet, InvalidToken
from sqlite_utils import Database

from store.engine import StoreConnection, store_connection
from store.migrations import LOCAL_ACTOR
from store.transactions import immediate_transaction

TABLE = "debitura_connection"
_ROW_ID = 1  # there is one Debitura connection per data folder


class StoredDebituraKeyUnreadable(Exception):
    """The saved API key cannot be decrypted with the current key."""

    def __init__(self) -> None:
        super().__init__(
            "The saved Debitura API key cannot be decrypted with this app's key (was "
            "APP_SECRET_KEY changed, or the data folder copied without its key?). Disconnect "
            "Debitura on the Connect page and connect it again."
        )


@dataclass(frozen=True)
class SavedDebitura:
    """What is known of the saved connection without decrypting its key."""

    base_url: str
    test_mode: bool
    creditor_name: str
    creditor_id: str
    saved_at: str
    saved_by: str = ""  # an email, or ``local``


class DebituraConnectionStore:
    def __init__(
        self, database: StoreConnection | Database, fernet: Fernet, *, actor: str = LOCAL_ACTOR
    ) -> None:
        self._conn = store_connection(database)
        self._fernet = fernet
        self._actor = actor
        # A read-only store made before this table has none (looked at once, at open).
        self._table_exists = TABLE in self._conn.table_names()

    def current(self) -> SavedDebitura | None:
        """The saved connection, or None (also for a read-only store made before this table)."""
        row = self._row()
        return _saved(row) if row else None

    def api_key(self) -> str:
        """The saved API key, decrypted; ``KeyError`` when none is saved."""
        row = self._row()
        if row is None:
            raise KeyError("No Debitura connection is saved")
        try:
            return self._fernet.decrypt(row["api_key_encrypted"].encode("ascii")).decode()
        except InvalidToken:
            raise StoredDebituraKeyUnreadable() from None

    def save(
        self,
        *,
        api_key: str,
        base_url: str,
        test_mode: bool,
        creditor_name: str,
        creditor_id: str = "",
    ) -> SavedDebitura:
        """Replace the saved connection (there is only ever one)."""
        row = {
            "id": _ROW_ID,
            "base_url": base_url,
            "api_key_encrypted": self._fernet.encrypt(api_key.encode()).decode("ascii"),
            "test_mode": int(test_mode),
            "creditor_name": creditor_name,
            "creditor_id": creditor_id,
            "saved_at": datetime.now(UTC).isoformat(timespec="seconds"),
            "saved_by": self._actor,
        }
        columns = ", ".join(row)
        updates = ", ".join(f"{column} = excluded.{column}" for column in row if column != "id")
        with immediate_transaction(self._conn):
            self._conn.execute(
                f"insert into {TABLE} ({columns}) values ({', '.join('?' * len(row))}) "
                f"on conflict (id) do update set {updates}",
                list(row.values()),
            )
        return _saved(row)

    def set_test_mode(self, test_mode: bool) -> SavedDebitura | None:
        """Switch test mode of the saved connection; None when there is none."""
        if self.current() is None:
            return None
        with immediate_transaction(self._conn):
            self._conn.execute(
                f"update {TABLE} set test_mode = ? where id = ?", [int(test_mode), _ROW_ID]
            )
        return self.current()

    def remove(self) -> bool:
        """Forget the saved connection; False when there was none."""
        if self.current() is None:
            return False
        with immediate_transaction(self._conn):
            self._conn.execute(f"delete from {TABLE} where id = ?", [_ROW_ID])
        return True

    def _row(self) -> dict | None:
        if not self._table_exists:
            return None
        return self._conn.query_one(f"select * from {TABLE} where id = ?", [_ROW_ID])


def _saved(row: dict) -> SavedDebitura:
    return SavedDebitura(
        base_url=row["base_url"],
        test_mode=bool(row["test_mode"]),
        creditor_name=row["creditor_name"] or "",
        creditor_id=row["creditor_id"] or "",
        saved_at=row["saved_at"],
        saved_by=row.get("saved_by") or "",
    )


def ensure_debitura_connection_schema(database: Database) -> None:
    database[TABLE].create(
        {
            "id": int,
            "base_url": str,
            "api_key_encrypted": str,
            "test_mode": int,
            "creditor_name": str,
            "creditor_id": str,
            "saved_at": str,
        },
        pk="id",
        not_null={"base_url", "api_key_encrypted", "saved_at"},
        defaults={"test_mode": 0},
        if_not_exists=True,
    )
