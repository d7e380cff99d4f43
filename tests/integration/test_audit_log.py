"""The audit log as the Audit log page and `cli.py audit` read it: who did what, filters that
mean the same on both faces, and exports whose text cells cannot become formulas."""

from __future__ import annotations

import csv
import io
import json
import os
import subprocess
import sys
from datetime import date
from pathlib import Path

import pytest

from store import AuditLog, SubmissionLedger, open_database
from workflow.audit import AuditFilter, audit_entries, audit_table
from workflow.sent_cases import sent_cases, sent_cases_csv
from workflow.settings import Settings
from workflow.spreadsheet import table_csv
from workflow.submit import submit_cases
from workflow.workspace import Workspace

ROOT = Path(__file__).resolve().parents[2]
ANA = "ana@harrowfinch.example"
BEN = "ben@harrowfinch.example"


@pytest.fixture
def data_dir(tmp_path: Path) -> Path:
    return tmp_path / "app-data"


def workspace_of(data_dir: Path, actor: str) -> Workspace:
    return Workspace.open(Settings.load({"APP_DATA_DIR": str(data_dir)}), actor=actor)


def record_a_morning(data_dir: Path) -> None:
    """Ana connects and sends a case; Ben edits a debtor; a hostile detail from Debitura."""
    ana = workspace_of(data_dir, ANA)
    ana.audit.record("connected", detail="Harrow & Finch Joinery Ltd")
    ana.audit.record("case_created", detail="Invoice 1121: case BA9RBCQZ")
    ben = workspace_of(data_dir, BEN)
    ben.audit.record("review_edited", detail="Invoice 1130: Postcode, City")
    ben.audit.record("case_failed", detail='=HYPERLINK("http://evil.example","1131")')


def test_every_entry_names_who_did_it_newest_first(data_dir):
    record_a_morning(data_dir)
    entries = audit_entries(workspace_of(data_dir, ANA).audit)
    assert [(entry.actor, entry.event) for entry in entries] == [
        (BEN, "case_failed"),
        (BEN, "review_edited"),
        (ANA, "case_created"),
        (ANA, "connected"),
    ]


def test_filters_by_person_event_and_text(data_dir):
    record_a_morning(data_dir)
    audit = workspace_of(data_dir, ANA).audit
    assert {entry.actor for entry in audit_entries(audit, AuditFilter(actor=BEN))} == {BEN}
    chosen = audit_entries(audit, AuditFilter(events=("case_created", "case_failed")))
    assert [entry.event for entry in chosen] == ["case_failed", "case_created"]
    found = audit_entries(audit, AuditFilter(text="1130"))
    assert [entry.detail for entry in found] == ["Invoice 1130: Postcode, City"]
    assert set(audit.actors()) == {ANA, BEN}
    assert {"connected", "case_created", "review_edited", "case_failed"} <= set(audit.events())


def test_day_filter_is_inclusive_and_a_reversed_range_is_refused(data_dir):
    record_a_morning(data_dir)
    audit = workspace_of(data_dir, ANA).audit
    today = date.today()
    assert len(audit_entries(audit, AuditFilter(first_day=today, last_day=today))) == 4
    assert audit_entries(audit, AuditFilter(last_day=date(2020, 1, 1))) == []
    with pytest.raises(ValueError, match="first day is after the last day"):
        AuditFilter(first_day=date(2026, 12, 2), last_day=date(2026, 12, 1))


def test_the_export_neutralises_formulas_and_keeps_the_stable_event_name(data_dir):
    record_a_morning(data_dir)
    entries = audit_entries(workspace_of(data_dir, ANA).audit)
    rows = list(csv.DictReader(io.StringIO(table_csv(audit_table(entries)))))
    assert rows[0]["Who"] == BEN
    assert rows[0]["What"] == "Case not created"
    assert rows[0]["Event"] == "case_failed"
    assert rows[0]["Details"].startswith("'=HYPERLINK")
    assert rows[0]["When"].endswith(" UTC")


def test_the_cli_prints_the_same_entries(data_dir):
    record_a_morning(data_dir)
    result = subprocess.run(
        [sys.executable, "cli.py", "audit", "--who", BEN, "--format", "json"],
        cwd=ROOT,
        env={**os.environ, "APP_DATA_DIR": str(data_dir)},
        capture_output=True,
        text=True,
        timeout=60,
    )
    assert result.returncode == 0, result.stderr
    printed = json.loads(result.stdout)["entries"]
    assert [(entry["actor"], entry["event"]) for entry in printed] == [
        (BEN, "case_failed"),
        (BEN, "review_edited"),
    ]
    table = subprocess.run(
        [sys.executable, "cli.py", "audit"],
        cwd=ROOT,
        env={**os.environ, "APP_DATA_DIR": str(data_dir)},
        capture_output=True,
        text=True,
        timeout=60,
    )
    assert table.returncode == 0, table.stderr
    assert "Debtor details edited" in table.stdout and ANA in table.stdout


def test_sent_cases_say_who_sent_each_and_the_log_has_every_outcome(start_world):
    """Through the real submit against the sandboxes: the Sent cases rows (page, CSV, JSON)
    name the sender, and each created case is in the audit log as theirs."""
    world = start_world(seed=7)
    rows = world.eligible_rows()[:3]
    ledger = SubmissionLedger(open_database(world.data_dir), actor=ANA)
    report = submit_cases(rows, target=world.target, ledger=ledger, account=world.account)
    assert {outcome.status for outcome in report.outcomes} == {"created"}
    cases = sent_cases(world.ledger, world.target, account=world.account)
    assert {case.sent_by for case in cases} == {ANA}
    exported = list(csv.DictReader(io.StringIO(sent_cases_csv(cases).lstrip("\ufeff"))))
    assert {row["Sent by"] for row in exported} == {ANA}
    logged = audit_entries(AuditLog(open_database(world.data_dir)), AuditFilter(actor=ANA))
    assert sorted(entry.detail.split(":")[0] for entry in logged) == sorted(
        f"Invoice {row.invoice_number}" for row in rows
    )
    assert {entry.event for entry in logged} == {"case_created"}
