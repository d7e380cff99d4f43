"""Storage faults through the store's API: each its own ``StorageError`` with a message that
names the file or folder and the fix, and nothing recorded before is lost."""

from __future__ import annotations

import errno
import multiprocessing
import sqlite3
from pathlib import Path

import pytest

from kashflow import Credentials
from store import (
    AuditLog,
    ConnectionStore,
    DatabaseCorrupt,
    DatabaseLocked,
    DataDirNotWritable,
    DiskFull,
    StorageError,
    SubmissionLedger,
    SubmitInProgress,
    load_fernet,
    open_database,
    submit_lock,
)
from store import secret_key as secret_key_module
from store.database import DATABASE_FILE
from store.faults import storage_error
from store.ledger import CREATED, SENDING
from store.secret_key import KEY_FILE
from tests.storage_support import (  # noqa: F401 - fixture
    permissions_bind,
    read_only_folder,
    run_python,
)
from workflow.settings import Settings
from workflow.workspace import Workspace

ACCOUNT = "https://kf.example/v2|Harrow & Finch Joinery Ltd"
TARGET = "sandbox"
PASSWORD = "correct horse battery staple"
MEMORABLE_WORD = "kingfisher"


def begin(ledger: SubmissionLedger, number: str, fingerprint: str = "fp"):
    return ledger.begin(
        account=ACCOUNT,
        target=TARGET,
        invoice_number=number,
        creditor_reference=number,
        payload_fingerprint=fingerprint,
    )


def record_a_case(data_dir: Path, number: str = "1001") -> None:
    ledger = SubmissionLedger(open_database(data_dir))
    ledger.mark_created(begin(ledger, number), case_id=f"c-{number}", case_reference=f"R{number}")


def limit_to_current_size(database) -> None:
    """From now on this connection cannot grow the file: SQLite says the disk is full."""
    pages = database.execute("PRAGMA page_count").fetchone()[0]
    database.execute(f"PRAGMA max_page_count = {pages}")


# --- which error each fault is ------------------------------------------------------------------


@pytest.mark.parametrize(
    ("error", "expected"),
    [
        (PermissionError(errno.EACCES, "Permission denied"), DataDirNotWritable),
        (OSError(errno.EROFS, "Read-only file system"), DataDirNotWritable),
        (OSError(errno.ENOSPC, "No space left on device"), DiskFull),
        (OSError(errno.EDQUOT, "Disk quota exceeded"), DiskFull),
        (OSError(errno.EIO, "Input/output error"), StorageError),
        (sqlite3.OperationalError("database or disk is full"), DiskFull),
        (sqlite3.OperationalError("database is locked"), DatabaseLocked),
        (sqlite3.OperationalError("attempt to write a readonly database"), DataDirNotWritable),
        (sqlite3.DatabaseError("file is not a database"), DatabaseCorrupt),
        (sqlite3.DatabaseError("database disk image is malformed"), DatabaseCorrupt),
    ],
)
def test_each_storage_fault_has_its_own_error(error, expected):
    translated = storage_error(error, Path("/srv/app/data/app.db"))
    assert type(translated) is expected
    assert "/srv/app/data" in str(translated)


@pytest.mark.parametrize(
    "error",
    [
        sqlite3.IntegrityError("UNIQUE constraint failed: submissions.invoice_number"),
        sqlite3.OperationalError("no such table: nowhere"),
        ValueError("not storage"),
    ],
)
def test_other_errors_are_not_storage_faults(error):
    assert storage_error(error, Path("app.db")) is None


# --- a damaged file ------------------------------------------------------------------------------


def test_a_file_that_is_not_sqlite_is_reported_as_damaged_and_left_alone(tmp_path):
    data_dir = tmp_path / "data"
    data_dir.mkdir()
    database_file = data_dir / DATABASE_FILE
    database_file.write_bytes(b"These are not the bytes of a SQLite database.\n" * 100)
    before = database_file.read_bytes()

    with pytest.raises(DatabaseCorrupt) as raised:
        open_database(data_dir)

    message = str(raised.value)
    assert f"The app's data file {database_file} is damaged (not a SQLite database)." in message
    assert "Move it aside and start again" in message
    assert "saved connections and the record of sent cases live in that file" in message
    assert database_file.read_bytes() == before
    with pytest.raises(DatabaseCorrupt):
        open_database(data_dir, read_only=True)


def test_a_truncated_file_is_reported_as_damaged(tmp_path):
    data_dir = tmp_path / "data"
    database = open_database(data_dir)
    AuditLog(database).record("filler", detail="x" * 20_000)  # several pages
    database.close()
    database_file = data_dir / DATABASE_FILE
    content = database_file.read_bytes()
    database_file.write_bytes(content[: len(content) // 2])

    with pytest.raises(DatabaseCorrupt, match="is damaged"):
        Workspace.open(Settings.load({"APP_DATA_DIR": str(data_dir)}))


# --- a locked file -------------------------------------------------------------------------------


def test_a_database_held_by_another_process_is_reported_after_the_wait(tmp_path):
    data_dir = tmp_path / "data"
    record_a_case(data_dir)
    holder = sqlite3.connect(data_dir / DATABASE_FILE, isolation_level=None)
    holder.execute("BEGIN EXCLUSIVE")
    try:
        # With the write-ahead log, opening and reading do not wait for the other writer...
        ledger = SubmissionLedger(open_database(data_dir, busy_timeout=0.2))
        assert ledger.submitted_invoice_numbers(ACCOUNT, TARGET) == {"1001"}
        # ...a write does, and says so after the wait.
        with pytest.raises(DatabaseLocked) as raised:
            begin(ledger, "1002")
    finally:
        holder.execute("ROLLBACK")
    message = str(raised.value)
    assert "is locked by another program (still busy after 0.2 seconds)" in message
    assert "Close other copies of the app or cli.py" in message and str(data_dir) in message
    assert SubmissionLedger(open_database(data_dir)).submitted_invoice_numbers(ACCOUNT, TARGET) == {
        "1001"
    }


def test_a_write_that_waits_too_long_for_another_writer_is_reported(tmp_path):
    data_dir = tmp_path / "data"
    ledger = SubmissionLedger(open_database(data_dir, busy_timeout=0.2))
    holder = sqlite3.connect(data_dir / DATABASE_FILE, isolation_level=None)
    holder.execute("BEGIN IMMEDIATE")  # another writer mid-transaction
    try:
        assert ledger.get(ACCOUNT, TARGET, "1001") is None  # reading still works
        with pytest.raises(DatabaseLocked):
            begin(ledger, "1001")
    finally:
        holder.execute("ROLLBACK")
    assert begin(ledger, "1001").state == SENDING  # and once it is gone, so does writing


# --- a full disk ---------------------------------------------------------------------------------


def test_a_full_disk_stops_the_write_and_keeps_what_was_recorded(tmp_path):
    data_dir = tmp_path / "data"
    record_a_case(data_dir, "1001")
    database = open_database(data_dir)
    ledger = SubmissionLedger(database)
    limit_to_current_size(database)

    with pytest.raises(DiskFull) as raised:
        for number in range(2000, 2500):
            begin(ledger, str(number), fingerprint="f" * 200)

    message = str(raised.value)
    assert f"The disk that holds the app's data folder {data_dir} is full" in message
    assert "Free some space" in message and "what was saved before is kept" in message
    reopened = SubmissionLedger(open_database(data_dir))
    assert reopened.get(ACCOUNT, TARGET, "1001").state == CREATED
    assert reopened.submitted_invoice_numbers(ACCOUNT, TARGET) == {"1001"}
    # Each begin that returned is on disk; the one that failed left nothing half-written.
    started = [s.invoice_number for s in reopened.list() if s.state == SENDING]
    assert started and all(reopened.get(ACCOUNT, TARGET, n).attempts == 1 for n in started)

    database.execute("PRAGMA max_page_count = 1000000")  # space freed: the same store goes on
    assert begin(ledger, "3000").state == SENDING


def test_a_full_disk_while_saving_credentials_never_shows_them(tmp_path):
    data_dir = tmp_path / "data"
    database = open_database(data_dir)
    connections = ConnectionStore(database, load_fernet(data_dir))
    limit_to_current_size(database)
    with pytest.raises(DiskFull) as raised:
        for number in range(500):
            credentials = Credentials(f"user{number}@example.com", PASSWORD, MEMORABLE_WORD)
            connections.save(credentials, company_name="X" * 300, base_url=None)
    text = repr(raised.value) + str(raised.value) + repr(raised.value.__cause__)
    assert PASSWORD not in text and MEMORABLE_WORD not in text


def test_a_full_disk_while_writing_the_key_leaves_no_empty_key_file(tmp_path, monkeypatch):
    def no_space(descriptor, mode):
        raise OSError(errno.ENOSPC, "No space left on device")

    monkeypatch.setattr(secret_key_module.os, "fdopen", no_space)
    with pytest.raises(DiskFull, match="is full"):
        load_fernet(tmp_path / "data")
    assert not (tmp_path / "data" / KEY_FILE).exists()


# --- read-only use -------------------------------------------------------------------------------


def test_a_read_only_store_that_does_not_exist_yet_reads_as_nothing_sent(tmp_path):
    data_dir = tmp_path / "never-created"
    workspace = Workspace.open(Settings.load({"APP_DATA_DIR": str(data_dir)}), read_only=True)
    assert workspace.ledger.submitted_invoice_numbers(ACCOUNT, TARGET) == set()
    assert workspace.connections.list() == []
    workspace.audit.record("connected")  # a read-only run records nothing, and says nothing
    assert not data_dir.exists()
    with pytest.raises(DataDirNotWritable):
        begin(workspace.ledger, "1001")


def test_a_read_only_store_reads_the_ledger_and_saved_connections_and_changes_nothing(tmp_path):
    data_dir = tmp_path / "data"
    record_a_case(data_dir, "1001")
    settings = Settings.load({"APP_DATA_DIR": str(data_dir)})
    saved = Workspace.open(settings).connections.save(
        Credentials("me@example.com", PASSWORD, MEMORABLE_WORD), company_name="Acme", base_url=None
    )
    before = (data_dir / DATABASE_FILE).read_bytes()

    workspace = Workspace.open(settings, read_only=True)

    assert workspace.ledger.submitted_invoice_numbers(ACCOUNT, TARGET) == {"1001"}
    assert workspace.connections.credentials(saved.id).password == PASSWORD
    again = workspace.connections.save(
        Credentials("me@example.com", PASSWORD, MEMORABLE_WORD), company_name="Acme", base_url=None
    )
    assert again.id == saved.id
    workspace.connections.touch(saved.id)
    workspace.audit.record("connected", connection_id=saved.id)
    with pytest.raises(DataDirNotWritable):
        begin(workspace.ledger, "1002")
    assert (data_dir / DATABASE_FILE).read_bytes() == before


def test_a_folder_the_app_cannot_write_is_reported_on_opening_and_read_only_still_works(
    tmp_path,
    permissions_bind,  # noqa: F811 - fixture
):
    data_dir = tmp_path / "data"
    record_a_case(data_dir, "1001")
    load_fernet(data_dir)
    read_only_folder(data_dir)
    result = run_python(
        "from store import StorageError\n"
        "from workflow.settings import Settings\n"
        "from workflow.workspace import Workspace\n"
        "settings = Settings.load()\n"
        "try:\n"
        "    Workspace.open(settings)\n"
        "except StorageError as error:\n"
        "    print(type(error).__name__, error)\n"
        "ledger = Workspace.open(settings, read_only=True).ledger\n"
        f"print(sorted(ledger.submitted_invoice_numbers({ACCOUNT!r}, {TARGET!r})))",
        env={"APP_DATA_DIR": str(data_dir)},
    )
    assert result.returncode == 0, result.stderr
    refused, read = result.stdout.strip().splitlines()
    assert refused.startswith(
        f"DataDirNotWritable The app cannot write to its data folder {data_dir}"
    )
    assert "Make that folder writable" in refused
    assert read == "['1001']"


def test_a_missing_folder_under_one_the_app_cannot_write(tmp_path, permissions_bind):  # noqa: F811
    parent = read_only_folder(tmp_path / "locked-parent")
    result = run_python(
        "from store import open_database, DataDirNotWritable\n"
        "from pathlib import Path\n"
        "try:\n"
        f"    open_database(Path({str(parent / 'data')!r}))\n"
        "except DataDirNotWritable as error:\n"
        "    print(error)\n"
    )
    assert result.returncode == 0, result.stderr
    assert f"The app cannot write to its data folder {parent / 'data'}" in result.stdout


# --- two submits at once -------------------------------------------------------------------------


def test_no_other_process_can_change_the_row_between_begin_reading_and_claiming_it(tmp_path):
    data_dir = tmp_path / "data"
    first = SubmissionLedger(open_database(data_dir))
    first.mark_failed(begin(first, "1001"), error_kind="Refused", error_message="no")
    other_process = sqlite3.connect(data_dir / DATABASE_FILE, timeout=0.1, isolation_level=None)
    got_in = []

    def clock_that_lets_another_writer_try() -> str:
        # begin reads the clock between looking at the row and writing its claim.
        try:
            other_process.execute(
                "update submissions set state = 'sending', idempotency_key = 'theirs'"
            )
            got_in.append(True)
        except sqlite3.OperationalError:  # database is locked: begin holds the write lock
            got_in.append(False)
        return "2026-11-21T09:00:00.000000+00:00"

    ledger = SubmissionLedger(open_database(data_dir), clock=clock_that_lets_another_writer_try)
    submission = begin(ledger, "1001")

    assert got_in == [False]
    assert submission.state == SENDING and submission.idempotency_key != "theirs"
    assert submission.attempts == 2


def test_a_second_submit_lock_waits_then_gives_up_with_a_clear_message(tmp_path):
    data_dir = tmp_path / "data"
    context = multiprocessing.get_context("fork")
    holding, release = context.Event(), context.Event()

    def hold() -> None:
        with submit_lock(data_dir):
            holding.set()
            release.wait(30)

    holder = context.Process(target=hold)
    holder.start()
    try:
        assert holding.wait(30)
        waited = []
        with (
            pytest.raises(SubmitInProgress) as raised,
            submit_lock(data_dir, wait_seconds=0.3, on_wait=lambda: waited.append(True)),
        ):
            pass
        assert waited == [True]
        assert str(raised.value) == (
            f"Another submit is running on this data folder ({data_dir}); try again when it "
            "finishes."
        )
    finally:
        release.set()
        holder.join(30)
    with submit_lock(data_dir, wait_seconds=5):  # free again once the first run ends
        pass


def test_the_submit_lock_can_be_taken_again_by_the_same_run(tmp_path):
    ledger = SubmissionLedger(open_database(tmp_path / "data"))
    with submit_lock(tmp_path / "data"), ledger.submit_lock(wait_seconds=0.2):
        begin(ledger, "1001")  # e.g. the CLI holds it and workflow.submit takes it again
