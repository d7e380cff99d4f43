"""The submission ledger's state machine, keys and uniqueness, on a real SQLite file and a real
PostgreSQL database (the ``engine`` fixture runs each test on both)."""

from __future__ import annotations

import uuid

import pytest

from store import LedgerError, SubmissionLedger, open_store
from store.ledger import CREATED, FAILED, SENDING
from store.transactions import immediate_transaction

ACCOUNT = "https://kf.example/v2|Harrow & Finch Joinery Ltd"
TARGET = "https://debitura.example"


@pytest.fixture
def data_dir(tmp_path):
    return tmp_path / "data"


@pytest.fixture
def reopen(data_dir, engine):
    """A new connection to the test's database, like the next run or another process."""
    return lambda: open_store(data_dir, database_url=engine)


@pytest.fixture
def ledger(reopen) -> SubmissionLedger:
    return SubmissionLedger(reopen())


def begin(ledger, number="1042", fingerprint="fp-1", *, account=ACCOUNT, target=TARGET, **kw):
    return ledger.begin(
        account=account,
        target=target,
        invoice_number=number,
        creditor_reference=number,
        payload_fingerprint=fingerprint,
        **kw,
    )


def test_begin_records_sending_with_a_fresh_uuid_key(ledger):
    submission = begin(ledger, connection_id=3, test_mode=True)
    assert submission.state == SENDING and submission.outcome_unknown
    assert uuid.UUID(submission.idempotency_key).version == 4
    assert (submission.attempts, submission.connection_id, submission.test_mode) == (1, 3, True)
    assert ledger.get(ACCOUNT, TARGET, "1042") == submission
    assert ledger.unresolved(ACCOUNT, TARGET) == [submission]
    assert ledger.submitted_invoice_numbers(ACCOUNT, TARGET) == set()


def test_created_is_final(ledger):
    submission = begin(ledger)
    created = ledger.mark_created(
        submission, case_id="c-1", case_reference="Q8OAXF3W", lifecycle="PendingVerification"
    )
    assert (created.state, created.case_id, created.case_reference) == (CREATED, "c-1", "Q8OAXF3W")
    assert created.sent_at and created.lifecycle == "PendingVerification"
    assert ledger.submitted_invoice_numbers(ACCOUNT, TARGET) == {"1042"}
    assert ledger.unresolved(ACCOUNT, TARGET) == []
    with pytest.raises(LedgerError, match="never sent twice"):
        begin(ledger)
    with pytest.raises(LedgerError):
        ledger.mark_failed(created, error_kind="X", error_message="no")
    with pytest.raises(LedgerError):
        ledger.mark_unknown(created, error_kind="X", error_message="no")


def test_an_unknown_outcome_keeps_the_key_for_the_same_body_only(ledger):
    first = begin(ledger, fingerprint="fp-1")
    unknown = ledger.mark_unknown(first, error_kind="DebituraUnavailable", error_message="lost")
    assert unknown.state == SENDING and unknown.error_message == "lost"
    again = begin(ledger, fingerprint="fp-1")
    assert again.idempotency_key == first.idempotency_key  # Debitura replays, never duplicates
    assert again.attempts == 2 and again.error_message == ""
    changed = begin(ledger, fingerprint="fp-2")  # a different body under the old key: conflict
    assert changed.idempotency_key != first.idempotency_key
    assert changed.payload_fingerprint == "fp-2" and changed.attempts == 3


def test_a_failure_is_recorded_and_a_resend_gets_a_new_key(ledger):
    first = begin(ledger)
    failed = ledger.mark_failed(first, error_kind="ValidationFailed", error_message="No city.")
    assert (failed.state, failed.error_kind, failed.error_message) == (
        FAILED, "ValidationFailed", "No city."
    )  # fmt: skip
    assert ledger.unresolved(ACCOUNT, TARGET) == []
    resend = begin(ledger)  # same body, but a failed answer may be stored under the old key
    assert resend.state == SENDING and resend.idempotency_key != first.idempotency_key
    assert resend.error_kind == "" and resend.attempts == 2
    refused_again = ledger.mark_failed(resend, error_kind="X", error_message="x")
    with pytest.raises(LedgerError):
        ledger.mark_failed(refused_again, error_kind="Y", error_message="y")


def test_a_failed_submission_can_be_adopted_when_the_case_turns_up(ledger):
    failed = ledger.mark_failed(begin(ledger), error_kind="X", error_message="x")
    assert ledger.mark_created(failed, case_id="c-9").state == CREATED


def test_one_row_per_company_target_and_invoice(ledger, reopen):
    begin(ledger)
    begin(ledger)  # the same triple: the same row again
    begin(ledger, target="sandbox")  # the sandbox never marks an invoice sent for the real API
    begin(ledger, account="demo|Harrow & Finch Joinery Ltd")
    begin(ledger, "1043")
    rows = reopen().query("select * from submissions")
    triples = [(r["kashflow_account"], r["debitura_target"], r["invoice_number"]) for r in rows]
    assert len(triples) == len(set(triples)) == 4
    ledger.mark_created(ledger.get(ACCOUNT, "sandbox", "1042"), case_id="c-s")
    assert ledger.submitted_invoice_numbers(ACCOUNT, "sandbox") == {"1042"}
    assert ledger.submitted_invoice_numbers(ACCOUNT, TARGET) == set()
    assert len(ledger.list(account=ACCOUNT)) == 3 and len(ledger.list(target=TARGET)) == 3
    assert len(ledger.list()) == 4


def test_every_change_is_on_disk_at_once(reopen):
    writer = SubmissionLedger(reopen())
    sent = begin(writer, "1042")
    begin(writer, "1043")  # "crashes" after begin: the answer never recorded
    writer.mark_created(sent, case_id="c-1", case_reference="AAAA1111")
    # A second connection (the next run, another process) sees it all without a close.
    reader = SubmissionLedger(reopen())
    assert reader.submitted_invoice_numbers(ACCOUNT, TARGET) == {"1042"}
    assert [s.invoice_number for s in reader.unresolved(ACCOUNT, TARGET)] == ["1043"]
    assert reader.get(ACCOUNT, TARGET, "1042").case_reference == "AAAA1111"


# Words that, in a column name, mean invoice or debtor data or a secret. The ledger may grow
# columns about its own bookkeeping; it must never copy what lives in KashFlow and Debitura.
DEBTOR_WORDS = {
    "debtor", "customer", "contact", "firstname", "lastname", "surname", "fullname", "title",
    "email", "mail", "phone", "mobile", "telephone", "address", "street", "line1", "line2",
    "postcode", "zip", "zipcode", "city", "town", "county", "country", "vat", "iban",
}  # fmt: skip
INVOICE_WORDS = {
    "amount", "gross", "net", "total", "balance", "due", "paid", "outstanding", "currency",
    "issued", "price", "description", "lines", "body", "json", "request", "response",
}  # fmt: skip
SECRET_WORDS = {"password", "memorable", "word", "token", "secret", "credential", "credentials"}
SECRET_PHRASES = ("api_key", "apikey", "session_token", "memorable_word")


def forbidden_reason(column: str) -> str | None:
    """Why a ledger column named ``column`` would hold data the ledger must not keep."""
    lowered = column.lower()
    words = set(lowered.split("_"))
    if lowered == "name" or words & DEBTOR_WORDS:
        return "debtor data"
    if lowered == "payload" or words & INVOICE_WORDS:
        return "invoice data"
    if words & SECRET_WORDS or any(phrase in lowered for phrase in SECRET_PHRASES):
        return "a secret"
    return None


@pytest.mark.parametrize(
    "column",
    ["debtor_name", "name", "customer_code", "gross_amount", "amount_to_recover", "due_date",
     "currency", "debtor_email", "phone", "address", "postcode", "city", "country",
     "payload", "request_body", "payload_json", "api_key", "session_token", "password_encrypted"],
)  # fmt: skip
def test_the_invoice_data_rule_recognises_debtor_data_and_secrets(column):
    assert forbidden_reason(column) is not None


@pytest.mark.parametrize(
    "column", ["id", "invoice_number", "idempotency_key", "payload_fingerprint", "case_reference",
               "error_message", "retried_at", "debitura_target", "connection_id", "notes_count"]
)  # fmt: skip
def test_the_invoice_data_rule_allows_the_ledgers_own_bookkeeping(column):
    assert forbidden_reason(column) is None


def test_the_ledger_never_stores_invoice_data(ledger, reopen):
    columns = reopen().columns("submissions")
    # What the ledger needs to keep each invoice to one case.
    assert {
        "kashflow_account", "debitura_target", "invoice_number", "creditor_reference",
        "idempotency_key", "payload_fingerprint", "state", "case_id", "case_reference",
    } <= columns  # fmt: skip
    offending = {column: forbidden_reason(column) for column in columns}
    assert {column: why for column, why in offending.items() if why} == {}


def test_listing_names_the_saved_connection(ledger, reopen):
    store = reopen()
    with immediate_transaction(store):
        connection_id = store.insert(
            "insert into connections (name, username, password_encrypted, "
            "memorable_word_encrypted) values (?, ?, ?, ?)",
            ["Harrow books", "u", "x", "y"],
        )
    begin(ledger, connection_id=connection_id)
    begin(ledger, "1043")
    names = {s.invoice_number: s.connection_name for s in ledger.list()}
    assert names == {"1042": "Harrow books", "1043": ""}
