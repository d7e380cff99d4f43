"""The store on both engines: who did what, per-user drafts and resume points, the audit query,
the exactly-once claim under concurrency, the run lock across processes, and the migrations.

Every test taking ``engine`` runs on a real SQLite file and on a real PostgreSQL database
(``tests.postgres_support``).
"""

from __future__ import annotations

import os
import signal
import subprocess
import sys
import threading
from pathlib import Path

import pytest
from cryptography.fernet import Fernet

from kashflow import Credentials
from store import (
    AuditLog,
    ConnectionStore,
    DebituraConnectionStore,
    LedgerError,
    ResumePoint,
    ReviewDrafts,
    StoreConnection,
    SubmissionLedger,
    SubmitInProgress,
    open_store,
)
from store.documents import CaseDocuments
from store.migrations import LATEST_VERSION
from store.payment_notices import PaymentNotices

ROOT = Path(__file__).resolve().parents[2]
ACCOUNT = "demo|Harrow & Finch Joinery Ltd"
TARGET = "sandbox"
ANN, BOB = "ann@example.com", "bob@example.com"


@pytest.fixture
def reopen(tmp_path, engine):
    """A new connection to the test's database, like the next run or another app server."""
    return lambda: open_store(tmp_path / "data", database_url=engine)


def begin(ledger: SubmissionLedger, number: str = "1042", fingerprint: str = "fp"):
    return ledger.begin(
        account=ACCOUNT,
        target=TARGET,
        invoice_number=number,
        creditor_reference=number,
        payload_fingerprint=fingerprint,
    )


# --- who did what ----------------------------------------------------------------------------


def test_each_attempt_records_who_made_it_and_the_outcome_keeps_it(reopen):
    store = reopen()
    first = begin(SubmissionLedger(store, actor=ANN))
    assert first.sent_by == ANN
    failed = SubmissionLedger(store).mark_failed(first, error_kind="X", error_message="no")
    assert failed.sent_by == ANN  # recording the answer does not change who sent
    resent = begin(SubmissionLedger(store, actor=BOB))
    assert resent.sent_by == BOB and resent.attempts == 2
    created = SubmissionLedger(store, actor=ANN).mark_created(resent, case_id="c-1")
    assert created.sent_by == BOB
    refused = SubmissionLedger(store, actor=ANN).record_refusal_unsent(
        account=ACCOUNT,
        target=TARGET,
        invoice_number="1043",
        creditor_reference="1043",
        payload_fingerprint="fp",
        error_kind="ValidationFailed",
        error_message="No city.",
    )
    assert refused is not None and refused.sent_by == ANN  # a failure says who, too
    assert {s.invoice_number: s.sent_by for s in SubmissionLedger(reopen()).list()} == {
        "1042": BOB,
        "1043": ANN,
    }


def test_notices_documents_and_saved_connections_record_who(reopen):
    store = reopen()
    notice = PaymentNotices(store, actor=ANN).begin(
        account=ACCOUNT, target=TARGET, invoice_number="1", payment_key="id:7", case_id="c-1"
    )
    assert notice.sent_by == ANN
    documents = CaseDocuments(store, actor=BOB)
    document = documents.prepare(
        account=ACCOUNT, target=TARGET, invoice_number="1", case_id="c-1", filename="1.pdf"
    )
    assert document.sent_by == BOB
    assert CaseDocuments(store, actor=ANN).begin_upload(document).sent_by == ANN

    fernet = Fernet(Fernet.generate_key())
    saved = ConnectionStore(store, fernet, actor=ANN).save(
        Credentials("harrow", "pw-1", "word-1"), company_name="Harrow", base_url=None
    )
    assert saved.created_by == ANN
    # Saved connections are the team's: another user sees and uses the same one.
    others = ConnectionStore(reopen(), fernet, actor=BOB)
    assert [c.id for c in others.list()] == [saved.id]
    assert others.credentials(saved.id).password == "pw-1"
    again = others.save(
        Credentials("harrow", "pw-2", "word-1"), company_name="Harrow", base_url=None
    )
    assert again.id == saved.id and again.created_by == ANN  # saved first by Ann

    debitura = DebituraConnectionStore(store, fernet, actor=BOB).save(
        api_key="dk-1", base_url="https://d.example", test_mode=True, creditor_name="Harrow"
    )
    assert debitura.saved_by == BOB
    assert DebituraConnectionStore(reopen(), fernet).current().saved_by == BOB


def test_review_drafts_are_kept_per_user(reopen):
    ann, bob = ReviewDrafts(reopen(), actor=ANN), ReviewDrafts(reopen(), actor=BOB)
    ann.write(ACCOUNT, ["1", "2"], overrides={"1": {"city": "Leeds"}}, selected=["2"])
    bob.write(ACCOUNT, ["1"], overrides={"1": {"city": "York"}}, selected=[])
    assert ann.load(ACCOUNT).overrides == {"1": {"city": "Leeds"}}
    assert ann.load(ACCOUNT).selected == {"2"}
    assert bob.load(ACCOUNT).overrides == {"1": {"city": "York"}} and not bob.load(ACCOUNT).selected
    ann.write(ACCOUNT, ["1"], overrides={"1": {"city": "Hull"}}, selected=["1"])  # an update
    assert ReviewDrafts(reopen(), actor=ANN).load(ACCOUNT).overrides == {"1": {"city": "Hull"}}
    ann.forget(ACCOUNT)
    assert ann.load(ACCOUNT).overrides == {} and bob.load(ACCOUNT).overrides


def test_each_user_resumes_their_own_connection(reopen):
    store = reopen()
    ResumePoint(store, ANN).remember(1)
    ResumePoint(store, BOB).remember(2)
    ResumePoint(store, ANN).remember(3)  # a later connect replaces Ann's only
    assert ResumePoint(reopen(), ANN).connection_id() == 3
    assert ResumePoint(reopen(), BOB).connection_id() == 2
    assert ResumePoint(reopen()).connection_id() is None  # ``local``: never connected
    ResumePoint(store, BOB).forget()
    assert ResumePoint(reopen(), BOB).connection_id() is None
    assert ResumePoint(reopen(), ANN).connection_id() == 3


# --- the audit page's query ------------------------------------------------------------------


def test_the_audit_log_is_filtered_for_the_audit_page(reopen):
    store = reopen()
    fernet = Fernet(Fernet.generate_key())
    harrow = ConnectionStore(store, fernet, actor=ANN).save(
        Credentials("harrow", "pw", "w"), company_name="Harrow Books", base_url=None
    )
    AuditLog(store, actor=ANN).record("connected", connection_id=harrow.id, detail="first")
    AuditLog(store, actor=BOB).record("submitted", connection_id=harrow.id, detail="3 cases")
    AuditLog(store).record("submitted", detail="50% done_ here")
    audit = AuditLog(reopen())

    everything = audit.entries()
    assert [e.detail for e in everything] == ["50% done_ here", "3 cases", "first"]  # newest 1st
    assert everything[1].actor == BOB and everything[1].connection_name == "Harrow Books"
    assert everything[0].actor == "local" and everything[0].connection_id is None
    assert [e.detail for e in audit.entries(actor=ANN)] == ["first"]
    assert [e.detail for e in audit.entries(event="submitted")] == ["50% done_ here", "3 cases"]
    assert len(audit.entries(connection_id=harrow.id)) == 2
    assert [e.detail for e in audit.entries(text="HARROW")] == ["3 cases", "first"]  # the name
    assert [e.detail for e in audit.entries(text="50%")] == ["50% done_ here"]  # % is literal
    assert audit.entries(text="0_d") == [] and audit.entries(text="% d")  # _ is literal
    assert len(audit.entries(limit=2)) == 2
    day = everything[0].at[:10]
    assert len(audit.entries(since=day, until=day)) == 3  # a bare date is its whole day
    assert audit.entries(until="2000-01-01") == [] and audit.entries(since="2999-01-01") == []
    assert audit.actors() == sorted([ANN, BOB, "local"])
    assert audit.events() == ["connected", "submitted"]
    assert audit.recent(1)[0]["actor"] == "local"


# --- exactly once, enforced by the database --------------------------------------------------


def test_concurrent_begins_on_separate_connections_claim_the_invoice_once(reopen):
    reopen()  # the schema in place before the race
    workers = 6
    barrier = threading.Barrier(workers)
    errors: list[BaseException] = []

    def claim(actor: str) -> None:
        ledger = SubmissionLedger(reopen(), actor=actor)  # a connection of its own
        barrier.wait()
        try:
            begin(ledger)
        except BaseException as error:  # a unique-key violation: two inserts raced
            errors.append(error)

    threads = [
        threading.Thread(target=claim, args=(f"user{n}@example.com",)) for n in range(workers)
    ]
    for thread in threads:
        thread.start()
    for thread in threads:
        thread.join()
    assert errors == []
    (row,) = SubmissionLedger(reopen()).list()
    assert row.attempts == workers  # each begin saw the row the one before had claimed


HOLD_RUN_LOCK = """
import sys, time
from pathlib import Path
from store import SubmissionLedger, open_store
ledger = SubmissionLedger(open_store(Path(sys.argv[1]), database_url=sys.argv[2]))
with ledger.submit_lock():
    print("held", flush=True)
    time.sleep(120)
"""


def test_the_run_lock_keeps_other_processes_out_until_its_holder_dies(reopen, tmp_path, engine):
    reopen()
    holder = subprocess.Popen(
        [sys.executable, "-c", HOLD_RUN_LOCK, str(tmp_path / "data"), engine],
        cwd=ROOT,
        env={**os.environ, "PYTHONPATH": str(ROOT)},
        stdout=subprocess.PIPE,
        text=True,
    )
    try:
        assert holder.stdout.readline().strip() == "held"
        waited: list[bool] = []
        waiting_ledger = SubmissionLedger(reopen())
        with (
            pytest.raises(SubmitInProgress) as refused,
            waiting_ledger.submit_lock(wait_seconds=0.3, on_wait=lambda: waited.append(True)),
        ):
            pass
        assert waited == [True] and "Another submit is running" in str(refused.value)
    finally:
        holder.send_signal(signal.SIGKILL)  # no clean exit: the lock must go with the process
        holder.wait(timeout=30)
        holder.stdout.close()
    with SubmissionLedger(reopen()).submit_lock(wait_seconds=10):
        pass


# --- migrations ------------------------------------------------------------------------------


def migration_rows(store: StoreConnection) -> list[tuple[int, str]]:
    rows = store.query("select version, name from schema_migrations order by version")
    return [(row["version"], row["name"]) for row in rows]


def test_migrations_are_recorded_once_and_add_who_did_what(reopen):
    store = reopen()
    assert migration_rows(store) == [(1, "today's schema"), (2, "who did what")]
    assert LATEST_VERSION == 2
    reopen()
    assert migration_rows(reopen()) == [(1, "today's schema"), (2, "who did what")]
    assert {"actor"} <= store.columns("audit_log")
    assert {"sent_by"} <= store.columns("submissions") & store.columns("payment_notices")
    assert {"sent_by"} <= store.columns("case_documents")
    assert {"created_by"} <= store.columns("connections")
    assert {"saved_by"} <= store.columns("debitura_connection")
    assert {"account", "actor", "invoice_number"} <= store.columns("review_drafts")


OPEN_STORE = """
import sys
from pathlib import Path
from store import open_store
open_store(Path(sys.argv[1]), database_url=sys.argv[2]).close()
print("opened", flush=True)
"""


def test_processes_starting_together_on_a_new_database_migrate_it_once(tmp_path, engine):
    starters = [
        subprocess.Popen(
            [sys.executable, "-c", OPEN_STORE, str(tmp_path / "data"), engine],
            cwd=ROOT,
            env={**os.environ, "PYTHONPATH": str(ROOT)},
            stdout=subprocess.PIPE,
            stderr=subprocess.PIPE,
            text=True,
        )
        for _ in range(4)
    ]
    for starter in starters:
        stdout, stderr = starter.communicate(timeout=60)
        assert (starter.returncode, stdout.strip()) == (0, "opened"), stderr
    store = open_store(tmp_path / "data", database_url=engine)
    assert migration_rows(store) == [(1, "today's schema"), (2, "who did what")]


# --- adopting SQLite files from before migrations --------------------------------------------

# A data file made by the code of the day before migrations (connections, two submissions, an
# audit entry, a draft, a resume point, the Debitura connection, a notice and a document).
BEFORE_MIGRATIONS = Path(__file__).resolve().parents[1] / "fixtures" / "store_before_migrations.sql"
# What an older file lacked: the tables added later, and the connections' reference prefix.
LATER_TABLES = (
    "payment_notices", "case_documents", "review_drafts", "resume_point", "debitura_connection",
    "schema_versions",
)  # fmt: skip


def sqlite_file_from_before(data_dir: Path, *, older: bool = False) -> None:
    import sqlite3

    data_dir.mkdir(mode=0o700)
    connection = sqlite3.connect(data_dir / "app.db")
    connection.executescript(BEFORE_MIGRATIONS.read_text())
    if older:
        for table in LATER_TABLES:
            connection.execute(f"drop table {table}")
        connection.execute("alter table connections drop column reference_prefix")
    connection.commit()
    connection.close()


def test_a_sqlite_file_from_before_migrations_is_adopted_with_every_row(tmp_path):
    data_dir = tmp_path / "data"
    sqlite_file_from_before(data_dir)
    store = open_store(data_dir)
    assert migration_rows(store) == [(1, "today's schema"), (2, "who did what")]

    ledger = SubmissionLedger(store)
    rows = {s.invoice_number: (s.state, s.case_reference, s.sent_by) for s in ledger.list()}
    assert rows == {"1001": ("created", "R-1", "local"), "1002": ("failed", "", "local")}
    assert ledger.list()[0].connection_name == "Acme Ltd"
    (entry,) = AuditLog(store).entries()
    assert (entry.event, entry.actor, entry.connection_name) == ("connected", "local", "Acme Ltd")
    draft = ReviewDrafts(store).load("acct-1")  # today's drafts are ``local``'s
    assert draft.overrides == {"1003": {"debtor_email": "a@b.example"}}
    assert draft.selected == {"1003"}
    assert ReviewDrafts(store, actor=ANN).load("acct-1").overrides == {}
    assert ResumePoint(store).connection_id() == 1
    fernet = Fernet(Fernet.generate_key())
    (saved,) = ConnectionStore(store, fernet).list()
    assert (saved.name, saved.created_by, saved.is_demo) == ("Acme Ltd", "local", True)
    debitura = DebituraConnectionStore(store, fernet).current()
    assert (debitura.creditor_name, debitura.saved_by) == ("Acme", "local")
    notice = PaymentNotices(store).get("acct-1", "sandbox", "1001", "id:7")
    assert (notice.state, notice.sent_by) == ("sent", "local")
    document = CaseDocuments(store).get("acct-1", "sandbox", "1001")
    assert (document.state, document.sent_by) == ("pending", "local")
    # And the adopted file works on: a new send, recorded for its user.
    assert begin(SubmissionLedger(store, actor=ANN), "1004").sent_by == ANN


def test_an_older_sqlite_file_lacking_later_tables_and_columns_is_adopted(tmp_path):
    data_dir = tmp_path / "data"
    sqlite_file_from_before(data_dir, older=True)
    store = open_store(data_dir)
    assert migration_rows(store) == [(1, "today's schema"), (2, "who did what")]
    assert len(SubmissionLedger(store).list()) == 2
    (saved,) = ConnectionStore(store, Fernet(Fernet.generate_key())).list()
    assert saved.reference_prefix == "" and saved.created_by == "local"
    assert ResumePoint(store).connection_id() is None
    ReviewDrafts(store, actor=ANN).write("acct-1", ["9"], overrides={}, selected=["9"])
    assert ReviewDrafts(open_store(data_dir), actor=ANN).load("acct-1").selected == {"9"}


def test_a_read_only_sqlite_file_from_before_migrations_is_read_as_it_is(tmp_path):
    data_dir = tmp_path / "data"
    sqlite_file_from_before(data_dir)
    store = open_store(data_dir, read_only=True)  # nothing migrated, nothing written
    assert "schema_migrations" not in store.table_names()
    assert {s.invoice_number for s in SubmissionLedger(store).list()} == {"1001", "1002"}
    assert ReviewDrafts(store).load("acct-1").selected == {"1003"}
    assert ReviewDrafts(store, actor=ANN).load("acct-1").selected == frozenset()
    assert AuditLog(store).entries()[0].actor == "local"


def test_every_outcome_is_in_the_audit_log_with_who_recorded_it(reopen):
    """A case created, a refusal, an unknown answer and a paid-directly message each leave an
    entry, committed with the state change itself (never one without the other)."""
    store = reopen()
    ledger = SubmissionLedger(store, actor=ANN)
    ledger.mark_created(begin(ledger, "1042"), case_id="c-1", case_reference="BA9RBCQZ")
    ledger.mark_failed(begin(ledger, "1043"), error_kind="ValidationFailed", error_message="No.")
    ledger.mark_unknown(begin(ledger, "1044"), error_kind="Timeout", error_message="No answer.")
    notices = PaymentNotices(store, actor=BOB)
    notice = notices.begin(
        account=ACCOUNT, target=TARGET, invoice_number="1042", payment_key="id:77", case_id="c-1"
    )
    notices.mark_sent(notice, chat_id="chat-1")
    entries = AuditLog(reopen()).entries()
    assert [(entry.actor, entry.event, entry.detail) for entry in reversed(entries)] == [
        (ANN, "case_created", "Invoice 1042: case BA9RBCQZ"),
        (ANN, "case_failed", "Invoice 1043: No."),
        (ANN, "case_outcome_unknown", "Invoice 1044: No answer."),
        (BOB, "paid_directly_sent", "Invoice 1042, payment id:77: the partner was told"),
    ]


def test_a_state_change_that_does_not_happen_leaves_no_entry(reopen):
    store = reopen()
    ledger = SubmissionLedger(store, actor=ANN)
    created = ledger.mark_created(begin(ledger), case_id="c-1", case_reference="R1")
    with pytest.raises(LedgerError):
        ledger.mark_failed(created, error_kind="X", error_message="late answer")
    assert [entry.event for entry in AuditLog(store).entries()] == ["case_created"]
