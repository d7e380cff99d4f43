"""Two app servers on one PostgreSQL database: two ``cli.py submit`` processes at once, each
with a data folder of its own, against a Debitura that would accept a duplicate creditor
reference. The database alone keeps each invoice to one case."""

from __future__ import annotations

import os
import subprocess
import sys
from collections import Counter

from cryptography.fernet import Fernet

from sandbox.debitura_server import DebituraFaults
from store import SubmissionLedger, open_store
from tests.integration.test_cli_connect import ROOT
from tests.integration.test_cli_submit import lines, submit_env

# Slow enough answers that the two runs overlap for real.
OVERLAPPING = dict(latency_ms=40, faults_only_on=["POST /cases"])


def start_submits(world, envs: list[dict[str, str]]) -> list[subprocess.CompletedProcess]:
    as_of = world.policy.as_of.isoformat()
    processes = [
        subprocess.Popen(
            [sys.executable, "cli.py", "submit", "--as-of", as_of, "--all-eligible"],
            cwd=ROOT,
            env={**os.environ, **env},
            stdout=subprocess.PIPE,
            stderr=subprocess.PIPE,
            text=True,
        )
        for env in envs
    ]
    results = []
    for process in processes:
        stdout, stderr = process.communicate(timeout=180)
        results.append(
            subprocess.CompletedProcess(process.args, process.returncode, stdout, stderr)
        )
    return results


def cases_per_reference(world) -> Counter:
    return Counter(case["creditorReference"] for case in world.debitura.cases())


def test_two_submits_on_one_postgresql_create_each_case_exactly_once(
    start_world, postgres_url, tmp_path
):
    world = start_world(
        DebituraFaults(skip_duplicate_reference_check=True, **OVERLAPPING), invoices=60
    )
    eligible = sorted(row.invoice_number for row in world.eligible_rows())
    assert len(eligible) > 10
    shared = {"APP_DATABASE_URL": postgres_url, "APP_SECRET_KEY": Fernet.generate_key().decode()}
    servers = [
        submit_env(world) | shared | {"APP_DATA_DIR": str(tmp_path / f"server-{n}")} for n in (1, 2)
    ]

    first, second = start_submits(world, servers)

    assert (first.returncode, second.returncode) == (0, 0), first.stderr + second.stderr
    assert cases_per_reference(world) == Counter({number: 1 for number in eligible})
    outcomes = [lines(first.stdout), lines(second.stdout)]
    created = [n for run in outcomes for n, (status, _) in run.items() if status == "created"]
    assert sorted(created) == eligible  # each invoice created by one run; the other saw it sent
    ledger = SubmissionLedger(open_store(tmp_path, database_url=postgres_url))
    assert sorted(s.invoice_number for s in ledger.list() if s.state == "created") == eligible
    assert {s.sent_by for s in ledger.list()} == {"local"}


def test_without_a_shared_database_the_same_two_submits_would_send_twice(start_world, tmp_path):
    # The control: two servers with their own SQLite files share nothing, and this sandbox
    # accepts the duplicates, so every invoice becomes two cases.
    world = start_world(
        DebituraFaults(skip_duplicate_reference_check=True, **OVERLAPPING), invoices=20
    )
    eligible = sorted(row.invoice_number for row in world.eligible_rows())
    servers = [submit_env(world) | {"APP_DATA_DIR": str(tmp_path / f"own-{n}")} for n in (1, 2)]

    first, second = start_submits(world, servers)

    assert (first.returncode, second.returncode) == (0, 0), first.stderr + second.stderr
    assert cases_per_reference(world) == Counter({number: 2 for number in eligible})
