"""The app's SQLite file and its schema."""

from __future__ import annotations

from pathlib import Path

from sqlite_utils import Database

from store.ledger import ensure_ledger_schema

DATABASE_FILE = "app.db"


def open_database(data_dir: Path) -> Database:
    """Open (creating if needed) the database in ``data_dir`` with every table in place.

    A new connection per call: Streamlit runs each session's script in its own thread, and a
    sqlite3 connection must stay on the thread that made it.
    """
    data_dir.mkdir(parents=True, exist_ok=True)
    database = Database(data_dir / DATABASE_FILE)
    database.execute("PRAGMA busy_timeout = 10000")
    _ensure_schema(database)
    return database


def _ensure_schema(database: Database) -> None:
    database["connections"].create(
        {
            "id": int,
            "name": str,
            "username": str,
            "base_url": str,  # NULL for the built-in demo company (its port changes per run)
            "is_demo": int,
            "company_name": str,
            "password_encrypted": str,
            "memorable_word_encrypted": str,
            "created_at": str,
            "last_used_at": str,
        },
        pk="id",
        not_null={"name", "username", "password_encrypted", "memorable_word_encrypted"},
        defaults={"is_demo": 0},
        if_not_exists=True,
    )
    database["connections"].create_index(["name"], unique=True, if_not_exists=True)
    database["audit_log"].create(
        {"id": int, "at": str, "event": str, "connection_id": int, "detail": str},
        pk="id",
        not_null={"at", "event"},
        if_not_exists=True,
    )
    ensure_ledger_schema(database)
