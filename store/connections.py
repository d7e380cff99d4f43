"""Saved KashFlow connections: the username in clear (to list them), secrets encrypted.

Saved connections are the team's: every user sees them all; ``created_by`` says who saved one.
"""

from __future__ import annotations

from dataclasses import dataclass
from typing import Any

from cryptography.fernet import Fernet, InvalidToken
from sqlite_utils import Database

from kashflow import Credentials
from store.engine import StoreConnection, store_connection
from store.migrations import LOCAL_ACTOR
from store.transactions import immediate_transaction, utc_now

TABLE = "connections"


class StoredCredentialsUnreadable(Exception):
    """The saved secrets cannot be decrypted with the current key."""

    def __init__(self, name: str) -> None:
        super().__init__(
            f"The saved password for '{name}' cannot be decrypted with this app's key (was "
            "APP_SECRET_KEY changed, or the data folder copied without its key?). Remove the "
            "connection and add it again."
        )


@dataclass(frozen=True)
class SavedConnection:
    id: int
    name: str
    username: str
    base_url: str | None
    is_demo: bool
    company_name: str
    created_at: str
    last_used_at: str
    reference_prefix: str = ""  # before each invoice number in the creditor reference
    created_by: str = ""  # who saved it first (an email, or ``local``)

    @property
    def label(self) -> str:
        """How people tell saved connections apart: company, login, and whether it is the demo."""
        company = self.company_name or "KashFlow"
        return f"{company} ({self.username})" + (" · demo" if self.is_demo else "")


class ConnectionStore:
    def __init__(
        self, database: StoreConnection | Database, fernet: Fernet, *, actor: str = LOCAL_ACTOR
    ) -> None:
        self._conn = store_connection(database)
        self._fernet = fernet
        self._actor = actor
        self._read_only = self._conn.is_read_only

    def save(
        self,
        credentials: Credentials,
        *,
        company_name: str,
        base_url: str | None,
        is_demo: bool = False,
    ) -> SavedConnection:
        """Save or update the connection for this username and KashFlow address.

        Read-only, a connection saved before is returned as it is (logging in again with it
        changes nothing that matters); saving a new one fails like any write there
        (``DataDirNotWritable``).
        """
        now = utc_now()
        existing = self.find(credentials.username, base_url, is_demo)
        if self._read_only and existing is not None:
            return existing
        record = {
            "username": credentials.username,
            "base_url": base_url,
            "is_demo": int(is_demo),
            "company_name": company_name,
            "password_encrypted": self._encrypt(credentials.password),
            "memorable_word_encrypted": self._encrypt(credentials.memorable_word),
            "last_used_at": now,
        }
        if existing is not None:
            self._update(existing.id, record)
            return self.get(existing.id)
        with immediate_transaction(self._conn):
            record |= {
                "name": self._unique_name(company_name or credentials.username),
                "created_at": now,
                "created_by": self._actor,
            }
            columns = ", ".join(record)
            marks = ", ".join("?" * len(record))
            row_id = self._conn.insert(
                f"insert into {TABLE} ({columns}) values ({marks})", list(record.values())
            )
        return self.get(row_id)

    def list(self) -> list[SavedConnection]:
        """Most recently used first."""
        rows = self._conn.query(f"select * from {TABLE} order by last_used_at desc nulls last")
        return [_saved(row) for row in rows]

    def get(self, connection_id: int) -> SavedConnection:
        return _saved(self._row(connection_id))

    def find_by_name(self, name: str) -> SavedConnection | None:
        row = self._conn.query_one(f"select * from {TABLE} where name = ? limit 1", [name])
        return _saved(row) if row else None

    def credentials(self, connection_id: int) -> Credentials:
        row = self._row(connection_id)
        try:
            return Credentials(
                username=row["username"],
                password=self._decrypt(row["password_encrypted"]),
                memorable_word=self._decrypt(row["memorable_word_encrypted"]),
            )
        except InvalidToken:
            raise StoredCredentialsUnreadable(row["name"]) from None

    def touch(self, connection_id: int, *, company_name: str | None = None) -> None:
        if self._read_only:
            return  # "last used" is a convenience, not worth failing a read-only run for
        changes: dict[str, Any] = {"last_used_at": utc_now()}
        if company_name:
            changes["company_name"] = company_name
        self._update(connection_id, changes)

    def set_reference_prefix(self, connection_id: int, prefix: str) -> SavedConnection:
        """Store the creditor-reference prefix (already checked by the caller)."""
        self._update(connection_id, {"reference_prefix": prefix})
        return self.get(connection_id)

    def remove(self, connection_id: int) -> None:
        with immediate_transaction(self._conn):
            self._conn.execute(f"delete from {TABLE} where id = ?", [connection_id])

    def find(self, username: str, base_url: str | None, is_demo: bool) -> SavedConnection | None:
        """The saved connection for this login and KashFlow address, if there is one."""
        rows = self._conn.query(
            f"select * from {TABLE} where username = ? and is_demo = ? order by id",
            [username, int(is_demo)],
        )
        for row in rows:
            if row["base_url"] == base_url:
                return _saved(row)
        return None

    def _row(self, connection_id: int) -> dict[str, Any]:
        row = self._conn.query_one(f"select * from {TABLE} where id = ?", [connection_id])
        if row is None:
            raise KeyError(f"No saved connection with id {connection_id}")
        return row

    def _update(self, connection_id: int, changes: dict[str, Any]) -> None:
        assignments = ", ".join(f"{column} = ?" for column in changes)
        with immediate_transaction(self._conn):
            self._conn.execute(
                f"update {TABLE} set {assignments} where id = ?",
                [*changes.values(), connection_id],
            )

    def _unique_name(self, wanted: str) -> str:
        taken = {row["name"] for row in self._conn.query(f"select name from {TABLE}")}
        name, suffix = wanted, 2
        while name in taken:
            name, suffix = f"{wanted} ({suffix})", suffix + 1
        return name

    def _encrypt(self, secret: str) -> str:
        return self._fernet.encrypt(secret.encode("utf-8")).decode("ascii")

    def _decrypt(self, token: str) -> str:
        return self._fernet.decrypt(token.encode("ascii")).decode("utf-8")


def _saved(row: dict) -> SavedConnection:
    return SavedConnection(
        id=row["id"],
        name=row["name"],
        username=row["username"],
        base_url=row["base_url"],
        is_demo=bool(row["is_demo"]),
        company_name=row["company_name"] or "",
        created_at=row["created_at"] or "",
        last_used_at=row["last_used_at"] or "",
        reference_prefix=row.get("reference_prefix") or "",
        created_by=row.get("created_by") or "",
    )
