"""The app's database: the SQLite file in the data folder (owner-only permissions), or the
PostgreSQL database of ``APP_DATABASE_URL``; its schema brought up to date on opening
(``store.migrations``).

Every storage fault while opening, setting up the schema or later (each statement and commit
goes through ``store.guarded_connection`` or ``store.postgres_faults``) is raised as a
``store.errors.StorageError``.
"""

from __future__ import annotations

import tempfile
import time
from pathlib import Path

from sqlite_utils import Database

from store.debitura_connection import ensure_debitura_connection_schema
from store.documents import ensure_documents_schema
from store.drafts import ensure_drafts_schema
from store.engine import SqliteStore, StoreConnection, closing_on_error
from store.errors import DatabaseLocked, DataDirNotWritable, StorageError
from store.faults import storage_faults
from store.guarded_connection import GuardedConnection, connect, connect_empty
from store.ledger import ensure_ledger_schema
from store.migrations import LATEST_VERSION, applied_version, migrate
from store.payment_notices import ensure_payment_notices_schema
from store.permissions import PRIVATE_FILE_MODE, make_private_dir, make_private_file, restrict
from store.resume import ensure_resume_schema

DATABASE_FILE = "app.db"
SIDE_FILE_SUFFIXES = ("-journal", "-wal", "-shm")  # SQLite's companions of the database file
TABLES = ("connections", "audit_log", "submissions")
BUSY_TIMEOUT_SECONDS = 10.0  # how long to wait for another process's write to finish
SWITCH_RETRY_SECONDS = 0.01


def open_store(
    data_dir: Path,
    *,
    database_url: str = "",
    read_only: bool = False,
    busy_timeout: float | None = None,
) -> StoreConnection:
    """The store's connection: PostgreSQL when ``database_url`` is set, else the SQLite file
    in ``data_dir`` (see ``open_database``)."""
    if not database_url:
        return SqliteStore(open_database(data_dir, read_only=read_only, busy_timeout=busy_timeout))
    from store.postgres_engine import PostgresStore  # psycopg only when PostgreSQL is used

    with closing_on_error(PostgresStore(database_url, read_only=read_only)) as store:
        if not read_only:
            migrate(store)
        elif applied_version(store) < LATEST_VERSION:
            raise StorageError(
                detail="its tables are not set up yet: start the app (or any cli.py command "
                "that saves) once with this APP_DATABASE_URL first",
                server=store.server,
            )
    return store


def open_database(
    data_dir: Path, *, read_only: bool = False, busy_timeout: float | None = None
) -> Database:
    """Open (creating if needed) the database in ``data_dir`` with every table in place.

    ``read_only``: open with SQLite's ``mode=ro`` and create or change nothing (no folder, no
    file, no schema); a database that does not exist yet reads as empty ("nothing sent yet").

    A new connection per call: Streamlit runs each session's script in its own thread, and a
    sqlite3 connection must stay on the thread that made it.
    """
    database_file = data_dir / DATABASE_FILE
    if busy_timeout is None:
        busy_timeout = BUSY_TIMEOUT_SECONDS
    if read_only:
        return _open_read_only(database_file, busy_timeout)
    with storage_faults(database_file, busy_timeout=busy_timeout):
        make_private_dir(data_dir)
        _check_folder_writable(data_dir)
        make_private_file(database_file)
        for side_file in side_files(database_file):
            restrict(side_file, PRIVATE_FILE_MODE)
    database = Database(connect(database_file, busy_timeout=busy_timeout))
    _use_write_ahead_log(database, busy_timeout)
    # Two first runs on a new folder: the migrations take the write lock before they read the
    # schema, so the second waits for the first instead of failing at once on a lock upgrade.
    migrate(SqliteStore(database))
    return database


def _use_write_ahead_log(database: Database, busy_timeout: float) -> None:
    """Journal through a write-ahead log, kept in the file once set.

    A commit then appends to the log and syncs it once, instead of writing and syncing a
    rollback journal and the file itself (0.2-0.5 ms here instead of 0.6-3 ms), and reading never
    waits for a writer. ``synchronous`` stays FULL: a committed "sending" row survives a power
    cut, as it did before. SQLite creates the -wal and -shm files with the database file's
    permission bits, so they are owner-only like it.
    """
    deadline = time.monotonic() + busy_timeout
    while True:
        try:
            mode = database.execute("PRAGMA journal_mode = WAL").fetchone()[0]
            break
        except DatabaseLocked:
            # The switch needs the file to itself for a moment and SQLite does not wait for
            # it: another first run may be setting up the schema right now.
            if time.monotonic() >= deadline:
                raise
            time.sleep(SWITCH_RETRY_SECONDS)
    if mode.lower() != "wal":  # a file system without shared memory: keep the rollback journal
        return
    database.execute("PRAGMA synchronous = FULL")


def side_files(database_file: Path) -> list[Path]:
    return [database_file.with_name(database_file.name + suffix) for suffix in SIDE_FILE_SUFFIXES]


def _check_folder_writable(data_dir: Path) -> None:
    # SQLite creates its journal beside the file only at the first write; finding out now
    # means a read-only folder is reported on opening, not halfway through a submit.
    with tempfile.TemporaryFile(dir=data_dir, prefix=".write-check-"):
        pass


def _open_read_only(database_file: Path, busy_timeout: float) -> Database:
    with storage_faults(database_file, busy_timeout=busy_timeout):
        exists = database_file.is_file()
    if exists:
        database = _read_only_connection(database_file, busy_timeout)
        if set(TABLES) <= set(database.table_names()):
            return database
        database.close()  # a file that was never set up holds nothing either
    return _empty_database(database_file, busy_timeout)


def _read_only_connection(database_file: Path, busy_timeout: float) -> Database:
    database = Database(connect(database_file, busy_timeout=busy_timeout, read_only=True))
    try:
        database.execute("PRAGMA schema_version").fetchone()
    except DataDirNotWritable:
        # A write-ahead-log file needs its -shm index, which SQLite cannot create in a folder
        # it may not write. With no -wal file beside it every commit is in the file itself
        # (the last connection folded it in), so the file is read as it stands.
        database.close()
        if any(side.exists() for side in side_files(database_file)):
            raise
        database = Database(
            connect(database_file, busy_timeout=busy_timeout, read_only=True, immutable=True)
        )
    return database


def _empty_database(database_file: Path, busy_timeout: float) -> Database:
    """In memory, with the schema, refusing writes like a read-only file would."""
    connection: GuardedConnection = connect_empty(database_file, busy_timeout=busy_timeout)
    database = Database(connection)
    migrate(SqliteStore(database))
    database.execute("PRAGMA query_only = 1")
    return database


def ensure_sqlite_schema(store: SqliteStore) -> None:
    """Migration 1 on SQLite: today's tables, made as sqlite-utils always made them, so a file
    from before migrations is adopted as it is (a missing table made, a missing column added)."""
    database = store.database
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
            "reference_prefix": str,
        },
        pk="id",
        not_null={"name", "username", "password_encrypted", "memorable_word_encrypted"},
        defaults={"is_demo": 0},
        if_not_exists=True,
    )
    if "reference_prefix" not in database["connections"].columns_dict:
        # Saved by an earlier version: its cases went out under the bare invoice numbers.
        database["connections"].add_column("reference_prefix", str, not_null_default="")
    database["connections"].create_index(["name"], unique=True, if_not_exists=True)
    database["audit_log"].create(
        {"id": int, "at": str, "event": str, "connection_id": int, "detail": str},
        pk="id",
        not_null={"at", "event"},
        if_not_exists=True,
    )
    ensure_debitura_connection_schema(database)
    ensure_drafts_schema(database)
    ensure_resume_schema(database)
    ensure_payment_notices_schema(database)
    ensure_documents_schema(database)
    ensure_ledger_schema(database)
