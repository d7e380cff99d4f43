"""The ledger keeps up with the pool: a submit asks the schema nothing per case and commits
once per round of the pool, not twice per case, while each case's "sending" row is still
committed before its request leaves and its outcome before it is reported."""

from __future__ import annotations

import sqlite3

from store import SubmissionLedger, open_database
from store.database import DATABASE_FILE
from store.ledger import CREATED as LEDGER_CREATED
from store.ledger import SENDING
from workflow.submit import CREATED, submit_cases

CASES = 50
SCHEMA_QUERIES = ("sqlite_master", "sqlite_schema", "pragma table_info", "pragma table_xinfo",
                  "pragma index_list", "pragma index_info")  # fmt: skip


def fifty_rows(world):
    rows = world.eligible_rows()[:CASES]
    assert len(rows) == CASES
    return rows


def committed_state(data_dir, creditor_reference: str) -> str | None:
    """The row's state as another process would read it: only what was committed."""
    reader = sqlite3.connect(data_dir / DATABASE_FILE)
    try:
        row = reader.execute(
            "select state from submissions where creditor_reference = ?", [creditor_reference]
        ).fetchone()
    finally:
        reader.close()
    return row[0] if row else None


def test_a_50_case_submit_asks_the_schema_nothing_and_commits_once_per_round(start_world):
    world = start_world(invoices=400, customers=80)
    rows = fifty_rows(world)
    database = open_database(world.data_dir)
    ledger = SubmissionLedger(database)
    statements: list[str] = []
    database.conn.set_trace_callback(statements.append)

    report = submit_cases(
        rows, target=world.target, ledger=ledger, account=world.account, concurrency=8
    )

    assert report.counts[CREATED] == CASES and len(world.debitura.cases()) == CASES
    schema = [sql for sql in statements if any(q in sql.lower() for q in SCHEMA_QUERIES)]
    assert schema == []
    commits = [sql for sql in statements if sql.strip().lower() == "commit"]
    # One per round: the first, then at most one per answer (fifty); two per case was 100.
    assert 0 < len(commits) <= CASES + 1


def test_each_sending_row_is_committed_before_its_request_and_each_outcome_before_its_report(
    start_world, monkeypatch
):
    world = start_world(invoices=400, customers=80)
    rows = fifty_rows(world)
    client = world.target.client
    real_create = client.create_case
    seen_at_send: dict[str, str | None] = {}
    seen_at_report: dict[str, str | None] = {}

    def create_case(payload, **options):
        reference = payload["creditorReference"]
        seen_at_send[reference] = committed_state(world.data_dir, reference)
        return real_create(payload, **options)

    def on_result(outcome) -> None:
        reference = outcome.invoice_number  # no prefix on this connection
        seen_at_report[reference] = committed_state(world.data_dir, reference)

    monkeypatch.setattr(client, "create_case", create_case)
    report = world.submit(rows, concurrency=8, on_result=on_result)

    numbers = {row.invoice_number for row in rows}
    assert report.counts[CREATED] == CASES
    assert seen_at_send == dict.fromkeys(numbers, SENDING)
    assert seen_at_report == dict.fromkeys(numbers, LEDGER_CREATED)
    references = [case["creditorReference"] for case in world.debitura.cases()]
    assert sorted(references) == sorted(numbers)  # exactly once, counted at Debitura
