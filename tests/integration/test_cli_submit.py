"""`python cli.py submit` as a user runs it, against the two sandboxes, in subprocesses."""

from __future__ import annotations

import json
import os
import signal
import sqlite3
import subprocess
import sys
from decimal import Decimal

from sandbox.debitura_data import USD_RATES
from sandbox.debitura_server import SANDBOX_API_KEY, DebituraFaults
from tests.integration.test_cli_connect import ROOT, login_env, run_cli
from workflow.submit import DEFAULT_SUBMIT_CONCURRENCY


def submit_env(world) -> dict[str, str]:
    return login_env(world.kashflow) | {
        "DEBITURA_BASE_URL": world.debitura.url,
        "DEBITURA_API_KEY": SANDBOX_API_KEY,
        "APP_DATA_DIR": str(world.data_dir),
    }


def submit(world, *args: str):
    """``cli.py submit`` judging due dates on the world's day (``--as-of``), not the machine's."""
    as_of = world.policy.as_of.isoformat()
    return run_cli("submit", "--as-of", as_of, *args, env=submit_env(world))


def lines(stdout: str) -> dict[str, tuple[str, str]]:
    """invoice number → (status words, detail) from the one-line-per-case output."""
    result = {}
    for line in stdout.splitlines():
        if line.startswith(("Summary:", " ")):
            continue
        number, status, *detail = line.split("  ")
        result[number] = (status, "  ".join(detail))
    return result


def test_submitting_twice_creates_each_case_once(world):
    eligible = [row.invoice_number for row in world.eligible_rows()]
    first = submit(world, "--all-eligible")
    assert first.returncode == 0, first.stderr
    created = lines(first.stdout)
    assert set(created) == set(eligible)
    assert {status for status, _ in created.values()} == {"created"}
    references = {number: detail for number, (_, detail) in created.items()}
    assert {case["reference"] for case in world.debitura.cases()} == set(references.values())
    assert f"Summary: {len(eligible)} created." in first.stdout
    assert "Debitura (127.0.0.1:" in first.stderr

    calls = world.create_calls()
    second = submit(world, "--all-eligible")
    assert second.returncode == 0, second.stderr
    assert lines(second.stdout) == {n: ("already sent", ref) for n, ref in references.items()}
    assert world.create_calls() == calls and len(world.debitura.cases()) == len(eligible)

    # The invoices' details never reach the disk; only numbers and Debitura's identifiers.
    on_disk = b"".join(p.read_bytes() for p in world.data_dir.rglob("*") if p.is_file())
    for row in world.import_rows():
        assert row.debtor.name.encode() not in on_disk


def test_a_dry_run_previews_and_sends_or_records_nothing(world):
    eligible = [row.invoice_number for row in world.eligible_rows()]
    result = submit(world, "--all-eligible", "--dry-run")
    assert result.returncode == 0, result.stderr
    verdicts = lines(result.stdout)
    assert set(verdicts) == set(eligible)
    assert {status for status, _ in verdicts.values()} == {"would send"}
    bodies = [json.loads(line) for line in result.stdout.splitlines() if line.startswith("  {")]
    assert [body["creditorReference"] for body in bodies] == eligible
    assert all(isinstance(body["amountToRecover"], float | int) for body in bodies)
    assert "nothing was sent" in result.stderr
    assert result.stdout.splitlines()[-1] == f"Summary: {len(eligible)} would be sent."
    assert world.debitura.cases() == [] and world.create_calls() == 0
    with sqlite3.connect(world.data_dir / "app.db") as database:
        assert database.execute("select count(*) from submissions").fetchone() == (0,)


def test_a_dry_run_ends_with_one_line_that_counts_the_plan(start_world):
    eligible = start_world().eligible_rows()
    # Debitura's minimum set between the smaller and the larger half of the eligible amounts
    # (the same seeded books in each world).
    in_usd = sorted({row.amount_to_recover / USD_RATES[row.currency] for row in eligible})
    middle = len(in_usd) // 2
    world = start_world(minimum_usd=(in_usd[middle - 1] + in_usd[middle]) / 2)
    assert [row.invoice_number for row in world.eligible_rows()] == [
        row.invoice_number for row in eligible
    ]
    large = [r for r in eligible if r.amount_to_recover / USD_RATES[r.currency] >= in_usd[middle]]
    refused = len(eligible) - len(large)
    assert submit(world, "--invoice", large[0].invoice_number).returncode == 0
    blocked = next(row for row in world.import_rows() if not row.eligible)
    numbers = [row.invoice_number for row in eligible]
    dry = submit(world, "--dry-run", "--invoice", *numbers, blocked.invoice_number, "99999")
    assert dry.returncode == 0, dry.stderr
    assert dry.stdout.splitlines()[-1] == (
        f"Summary: {len(large) - 1} would be sent, {refused} would be refused, 1 already sent, "
        "1 blocked, 1 not open in KashFlow."
    )


def test_named_invoices_report_what_cannot_be_sent_and_exit_non_zero(world):
    rows = world.import_rows()
    eligible = next(row for row in rows if row.eligible)
    blocked = next(row for row in rows if not row.eligible)
    result = submit(world, "--invoice", eligible.invoice_number, blocked.invoice_number, "99999")
    assert result.returncode == 40, result.stderr
    outcome = lines(result.stdout)
    assert outcome[eligible.invoice_number][0] == "created"
    status, detail = outcome[blocked.invoice_number]
    first_error = next(p for p in blocked.problems if p.severity == "error")
    # In words, as the pages say it: the message, no internal code.
    assert status == "blocked" and detail.startswith(first_error.message)
    assert outcome["99999"] == ("failed", "Not an open invoice in KashFlow: nothing to send.")
    assert world.case_count(eligible.invoice_number) == 1 and len(world.debitura.cases()) == 1


def test_a_refused_case_exits_non_zero_with_debituras_reason(start_world):
    world = start_world(minimum_usd=Decimal(100))  # the small invoices have no partner
    result = submit(world, "--all-eligible")
    assert result.returncode == 40
    failed = [detail for status, detail in lines(result.stdout).values() if status == "failed"]
    assert failed and all("no collection partner" in detail for detail in failed)
    assert "failed" in result.stdout.splitlines()[-1]


def test_a_selection_is_required(world):
    result = submit(world)
    assert result.returncode == 2 and "--invoice" in result.stderr


def test_ctrl_c_mid_run_then_running_again_sends_each_case_once(start_world):
    # More cases than the pool holds, so some are still to start when Ctrl+C comes.
    world = start_world(
        DebituraFaults(latency_ms=300, faults_only_on=["POST /cases"]), invoices=120, customers=30
    )
    eligible = [row.invoice_number for row in world.eligible_rows()]
    assert len(eligible) > 2 * DEFAULT_SUBMIT_CONCURRENCY
    as_of = world.policy.as_of.isoformat()
    process = subprocess.Popen(
        [sys.executable, "cli.py", "submit", "--as-of", as_of, "--all-eligible"],
        cwd=ROOT,
        env={**os.environ, **submit_env(world)},
        stdout=subprocess.PIPE,
        stderr=subprocess.PIPE,
        text=True,
    )
    first_line = process.stdout.readline()  # the first answers are in: the rest in flight
    assert "  created  " in first_line
    process.send_signal(signal.SIGINT)
    _, stderr = process.communicate(timeout=30)
    assert process.returncode == 130, stderr
    assert "run the same command to finish" in stderr
    assert len(world.debitura.cases()) < len(eligible)

    world.debitura.faults.reset()
    again = submit(world, "--all-eligible")
    assert again.returncode == 0, again.stderr
    statuses = {status for status, _ in lines(again.stdout).values()}
    assert "already sent" in statuses and statuses <= {"already sent", "reconciled", "created"}
    assert sorted(c["creditorReference"] for c in world.debitura.cases()) == sorted(eligible)
