"""The saved Debitura connection: one row, the API key encrypted with the app's Fernet key.

Who the key belongs to (the creditor name ``GET /me`` gave), the address and test mode are kept
in clear, so the frame can say where cases go without decrypting anything.
"""

from __future__ import annotations

from dataclasses import dataclass
from datetime import UTC, datetime

from cryptography.fernet import Fernet, InvalidToken
from sqlite_utils import Database

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


class DebituraConnectionStore:
    def __init__(self, database: Database, fernet: Fernet) -> None:
        self._table = database[TABLE]
        self._fernet = fernet

    def current(self) -> SavedDebitura | None:
        """The saved connection, or None (also for a read-only store made before this table)."""
        if not self._table.exists():
            return None
        rows = list(self._table.rows_where("id = ?", [_ROW_ID]))
        if not rows:
            return None
        return _saved(rows[0])

    def api_key(self) -> str:
        """The saved API key, decrypted; ``KeyError`` when none is saved."""
        rows = list(self._table.rows_where("id = ?", [_ROW_ID])) if self._table.exists() else []
        if not rows:
            raise KeyError("No Debitura connection is saved")
        try:
            return self._fernet.decrypt(rows[0]["api_key_encrypted"].encode("ascii")).decode()
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
        }
        self._table.upsert(row, pk="id")
        return _saved(row)

    def set_test_mode(self, test_mode: bool) -> SavedDebitura | None:
        """Switch test mode of the saved connection; None when there is none."""
        if self.current() is None:
            return None
        self._table.update(_ROW_ID, {"test_mode": int(test_mode)})
        return self.current()

    def remove(self) -> bool:
        """Forget the saved connection; False when there was none."""
        if self.current() is None:
            return False
        self._table.delete_where("id = ?", [_ROW_ID])
        return True


def _saved(row: dict) -> SavedDebitura:
    return SavedDebitura(
        base_url=row["base_url"],
        test_mode=bool(row["test_mode"]),
        creditor_name=row["creditor_name"] or "",
        creditor_id=row["creditor_id"] or "",
        saved_at=row["saved_at"],
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
