"""Storage faults as a user meets them in `python cli.py ...`: one exit code and one message
each, never a traceback, and nothing recorded lost. Two submits at once take turns."""

from __future__ import annotations

import json
import os
import sqlite3
import subprocess
import sys

import pytest

from kashflow import Credentials, KashFlowClient
from sandbox.debitura_server import DebituraFaults
from sandbox.kashflow_server import DEMO_MEMORABLE_WORD, DEMO_PASSWORD, DEMO_USERNAME
from store import SubmissionLedger, open_database, submit_lock
from store.database import DATABASE_FILE
from tests.integration.test_cli_connect import COMPANY, ROOT, login_env
from tests.integration.test_cli_connect import run_cli as run_cli_as_is
from tests.integration.test_cli_submit import lines, submit, submit_env
from tests.storage_support import (  # noqa: F401 - fixture
    permissions_bind,
    read_only_folder,
    run_cli,
)
from workflow.debitura_target import SANDBOX_KEY

EXIT_NOT_WRITABLE, EXIT_DAMAGED, EXIT_LOCKED, EXIT_DISK_FULL, EXIT_SUBMIT_RUNNING = range(50, 55)

# `cli.py` in a process whose every SQLite connection cannot grow its file: a full disk.
FULL_DISK_CLI = """
import runpy, sqlite3, sys
real_connect = sqlite3.connect
def connect(*args, **kwargs):
    connection = real_connect(*args, **kwargs)
    pages = connection.execute("PRAGMA page_count").fetchone()[0]
    connection.execute(f"PRAGMA max_page_count = {pages}")
    return connection
sqlite3.connect = connect
sys.argv = ["cli.py", *sys.argv[1:]]
runpy.run_path("cli.py", run_name="__main__")
"""

# `cli.py` that waits only a second for another submit.
IMPATIENT_CLI = (
    "import sys, cli, store.submit_lock; store.submit_lock.DEFAULT_WAIT_SECONDS = 1; "
    "sys.exit(cli.main(sys.argv[1:]))"
)


def run_python_cli(program: str, *args: str, env: dict[str, str]) -> subprocess.CompletedProcess:
    return subprocess.run(
        [sys.executable, "-c", program, *args],
        cwd=ROOT,
        env={**os.environ, **env},
        capture_output=True,
        text=True,
        timeout=120,
    )


def assert_no_traceback(result) -> None:
    assert "Traceback" not in result.stderr, result.stderr


def kashflow_account(server) -> str:
    """The ledger's name for the sandbox company, as the CLI computes it."""
    client = KashFlowClient(
        Credentials(DEMO_USERNAME, DEMO_PASSWORD, DEMO_MEMORABLE_WORD), base_url=server.url
    )
    return f"{client.base_url}|{COMPANY}"


def record_sent(data_dir, account: str, number: str) -> None:
    database = open_database(data_dir)
    ledger = SubmissionLedger(database)
    submission = ledger.begin(
        account=account,
        target=SANDBOX_KEY,
        invoice_number=number,
        creditor_reference=number,
        payload_fingerprint="fp",
    )
    ledger.mark_created(submission, case_id="c-1", case_reference="Q8OAXF3W")
    database.close()  # as a finished run leaves it: no -wal or -shm file beside it


def invoices_args(server) -> list[str]:
    return ["invoices", "--as-of", server.dataset.as_of.isoformat(), "--format", "json"]


# --- a damaged data file -------------------------------------------------------------------------


@pytest.mark.parametrize("command", ["connect", "invoices", "submit"])
def test_a_damaged_data_file_exits_51_with_what_to_do(kashflow_sandbox, tmp_path, command):
    data_dir = tmp_path / "data"
    data_dir.mkdir()
    (data_dir / DATABASE_FILE).write_bytes(b"\x00garbage, not a database\n" * 200)
    args = {"connect": ["connect"], "invoices": invoices_args(kashflow_sandbox)}.get(
        command, ["submit", "--all-eligible"]
    )
    result = run_cli_as_is(*args, env=login_env(kashflow_sandbox) | {"APP_DATA_DIR": str(data_dir)})
    assert result.returncode == EXIT_DAMAGED, result.stderr
    assert result.stderr.strip() == (
        f"The app's data file {data_dir / DATABASE_FILE} is damaged (not a SQLite database). "
        "Move it aside and start again; your KashFlow and Debitura data are not affected, but "
        "saved connections and the record of sent cases live in that file: keep the moved "
        "file, and check the cases at Debitura before sending again."
    )
    assert result.stdout == ""


# --- a data folder the app cannot write ----------------------------------------------------------


def test_a_read_only_data_folder_exits_50_naming_the_folder(
    kashflow_sandbox,
    tmp_path,
    permissions_bind,  # noqa: F811 - fixture
):
    data_dir = tmp_path / "data"
    open_database(data_dir)
    read_only_folder(data_dir)
    env = login_env(kashflow_sandbox) | {"APP_DATA_DIR": str(data_dir)}
    result = run_cli("connect", "--save", env=env)
    assert result.returncode == EXIT_NOT_WRITABLE, result.stderr
    assert f"The app cannot write to its data folder {data_dir}" in result.stderr
    assert "Make that folder writable for the user running the app" in result.stderr
    assert_no_traceback(result)


def test_invoices_reads_a_folder_it_cannot_write_and_still_marks_sent_invoices(
    kashflow_sandbox,
    tmp_path,
    permissions_bind,  # noqa: F811 - fixture
):
    data_dir = tmp_path / "data"
    sent = str(kashflow_sandbox.dataset.open_invoice_numbers()[0])
    record_sent(data_dir, kashflow_account(kashflow_sandbox), sent)
    read_only_folder(data_dir)
    before = sorted(path.name for path in data_dir.iterdir())

    env = login_env(kashflow_sandbox) | {"APP_DATA_DIR": str(data_dir)}
    result = run_cli(*invoices_args(kashflow_sandbox), env=env)

    assert result.returncode == 0, result.stderr
    rows = {row["invoice_number"]: row for row in json.loads(result.stdout)}
    assert "already_submitted" in {p["code"] for p in rows[sent]["problems"]}
    assert sorted(path.name for path in data_dir.iterdir()) == before
    assert_no_traceback(result)


def test_invoices_with_a_saved_connection_from_a_folder_it_cannot_write(
    kashflow_sandbox,
    tmp_path,
    permissions_bind,  # noqa: F811 - fixture
):
    data_dir = tmp_path / "data"
    env = login_env(kashflow_sandbox) | {"APP_DATA_DIR": str(data_dir)}
    saved = run_cli_as_is("connect", "--save", env=env)
    assert saved.returncode == 0, saved.stderr
    read_only_folder(data_dir)
    only_the_saved_login = {"APP_DATA_DIR": str(data_dir)}
    result = run_cli(
        *invoices_args(kashflow_sandbox), "--connection", COMPANY, env=only_the_saved_login
    )
    assert result.returncode == 0, result.stderr
    assert json.loads(result.stdout)


def test_invoices_without_any_data_folder_yet_creates_none(
    kashflow_sandbox,
    tmp_path,
    permissions_bind,  # noqa: F811 - fixture
):
    parent = read_only_folder(tmp_path / "not-ours")
    env = login_env(kashflow_sandbox) | {"APP_DATA_DIR": str(parent / "data")}
    result = run_cli(*invoices_args(kashflow_sandbox), env=env)
    assert result.returncode == 0, result.stderr
    assert json.loads(result.stdout)
    assert list(parent.iterdir()) == []


# --- a data file another program holds -----------------------------------------------------------


def test_a_data_file_locked_by_another_program_exits_52(kashflow_sandbox, tmp_path):
    data_dir = tmp_path / "data"
    open_database(data_dir)
    holder = sqlite3.connect(data_dir / DATABASE_FILE, isolation_level=None)
    holder.execute("BEGIN EXCLUSIVE")
    try:
        env = login_env(kashflow_sandbox) | {"APP_DATA_DIR": str(data_dir)}
        result = run_cli_as_is("connect", env=env)
    finally:
        holder.execute("ROLLBACK")
        holder.close()
    assert result.returncode == EXIT_LOCKED, result.stderr
    assert f"The app's data file {data_dir / DATABASE_FILE} is locked by another program" in (
        result.stderr
    )
    assert "Close other copies of the app or cli.py" in result.stderr
    assert_no_traceback(result)


# --- a full disk ---------------------------------------------------------------------------------


def test_a_disk_full_mid_submit_exits_53_and_the_next_run_sends_each_case_once(start_world):
    world = start_world(invoices=120, customers=30)
    eligible = [row.invoice_number for row in world.eligible_rows()]
    open_database(world.data_dir)  # the tables exist; the disk fills as cases are recorded
    as_of = world.policy.as_of.isoformat()

    full = run_python_cli(
        FULL_DISK_CLI, "submit", "--as-of", as_of, "--all-eligible", env=submit_env(world)
    )

    assert full.returncode == EXIT_DISK_FULL, full.stderr
    assert f"The disk that holds the app's data folder {world.data_dir} is full" in full.stderr
    assert "Free some space on it" in full.stderr
    assert_no_traceback(full)
    recorded = {s.invoice_number: s.state for s in world.ledger.list()}
    assert recorded and len(world.debitura.cases()) < len(eligible)
    assert all(
        world.case_count(number) == 1 for number, state in recorded.items() if state == "created"
    )

    again = submit(world, "--all-eligible")
    assert again.returncode == 0, again.stderr
    outcome = lines(again.stdout)
    assert {n for n, (status, _) in outcome.items() if status == "already sent"} == {
        n for n, state in recorded.items() if state == "created"
    }
    assert sorted(c["creditorReference"] for c in world.debitura.cases()) == sorted(eligible)


# --- two submits on one data folder --------------------------------------------------------------


def test_two_submits_at_once_take_turns_and_create_each_case_once(start_world):
    # Slow answers keep the first run's cases in flight while the second decides (without
    # the lock: a LedgerError in one run every time).
    world = start_world(DebituraFaults(latency_ms=150, faults_only_on=["POST /cases"]))
    eligible = [row.invoice_number for row in world.eligible_rows()]
    as_of = world.policy.as_of.isoformat()
    runs = [
        subprocess.Popen(
            [sys.executable, "cli.py", "submit", "--as-of", as_of, "--all-eligible"],
            cwd=ROOT,
            env={**os.environ, **submit_env(world)},
            stdout=subprocess.PIPE,
            stderr=subprocess.PIPE,
            text=True,
        )
        for _ in range(2)
    ]
    results = [(run.wait(timeout=120), *run.communicate(timeout=30)) for run in runs]

    for code, _, stderr in results:
        assert code == 0, stderr
        assert "Traceback" not in stderr
    outcomes = [lines(stdout) for _, stdout, _ in results]
    assert all(set(outcome) == set(eligible) for outcome in outcomes)
    statuses = [{status for status, _ in outcome.values()} for outcome in outcomes]
    assert sorted(statuses, key=len) == [{"already sent"}, {"created"}] or statuses == [
        {"created"},
        {"already sent"},
    ]
    assert any("waiting for it to finish" in stderr for _, _, stderr in results)
    assert sorted(c["creditorReference"] for c in world.debitura.cases()) == sorted(eligible)
    assert world.create_calls() == len(eligible)


def test_a_submit_that_waits_too_long_exits_54_and_sends_nothing(world):
    as_of = world.policy.as_of.isoformat()
    with submit_lock(world.data_dir):  # another run holds the data folder
        result = run_python_cli(
            IMPATIENT_CLI, "submit", "--as-of", as_of, "--all-eligible", env=submit_env(world)
        )
    assert result.returncode == EXIT_SUBMIT_RUNNING, result.stderr
    assert (
        f"Another submit is running on this data folder ({world.data_dir}); try again when it "
        "finishes." in result.stderr
    )
    assert "waiting for it to finish" in result.stderr
    assert_no_traceback(result)
    assert world.debitura.cases() == [] and world.create_calls() == 0
