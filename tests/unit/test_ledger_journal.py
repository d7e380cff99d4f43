"""The store journals through a write-ahead log (a commit syncs one log append, readers do not
wait for a writer), and the log and its index are owner-only like the database file."""

from __future__ import annotations

import os
import sqlite3
import stat

from store import SubmissionLedger, open_database
from store.database import DATABASE_FILE

ACCOUNT, TARGET = "test|Company", "sandbox"


def begin(ledger: SubmissionLedger, number: str):
    return ledger.begin(
        account=ACCOUNT,
        target=TARGET,
        invoice_number=number,
        creditor_reference=number,
        payload_fingerprint="fp",
    )


def test_the_store_journals_through_a_write_ahead_log_kept_in_the_file(tmp_path):
    database = open_database(tmp_path / "data")
    assert database.execute("PRAGMA journal_mode").fetchone()[0] == "wal"
    assert database.execute("PRAGMA synchronous").fetchone()[0] == 2  # FULL: commits survive
    other = sqlite3.connect(tmp_path / "data" / DATABASE_FILE)  # a connection that never set it
    assert other.execute("PRAGMA journal_mode").fetchone()[0] == "wal"
    other.close()


def test_the_log_and_its_index_are_owner_only_even_with_a_permissive_umask(tmp_path):
    previous = os.umask(0)
    try:
        database = open_database(tmp_path / "data")
        begin(SubmissionLedger(database), "1001")
    finally:
        os.umask(previous)
    database_file = tmp_path / "data" / DATABASE_FILE
    for suffix in ("-wal", "-shm"):
        side_file = database_file.with_name(DATABASE_FILE + suffix)
        assert side_file.exists(), suffix
        assert stat.S_IMODE(side_file.stat().st_mode) == 0o600, suffix


def test_a_reader_does_not_wait_for_another_processes_write(tmp_path):
    data_dir = tmp_path / "data"
    ledger = SubmissionLedger(open_database(data_dir))
    begin(ledger, "1001")
    writer = sqlite3.connect(data_dir / DATABASE_FILE, isolation_level=None)
    writer.execute("BEGIN EXCLUSIVE")  # with a rollback journal, this shuts readers out
    writer.execute("UPDATE submissions SET state = 'failed'")  # not committed
    try:
        reader = SubmissionLedger(open_database(data_dir, busy_timeout=0.1))
        assert reader.get(ACCOUNT, TARGET, "1001").state == "sending"
    finally:
        writer.execute("ROLLBACK")
        writer.close()
