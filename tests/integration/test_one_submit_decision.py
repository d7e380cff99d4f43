"""The CLI and the pages share one import for review and one submit decision: after a submit,
`cli.py invoices` marks the sent invoices exactly as the Review page's import does, and a dry
run says of each invoice what the real run then does."""

from __future__ import annotations

import json

from kashflow import Credentials
from sandbox.kashflow_server import DEMO_MEMORABLE_WORD, DEMO_PASSWORD, DEMO_USERNAME
from tests.integration.test_cli_connect import run_cli
from tests.integration.test_cli_submit import lines, submit_env
from workflow.connect import connect
from workflow.review import import_for_review
from workflow.settings import Settings
from workflow.workspace import Workspace


def review_import(world):
    """What the Review page imports, for the same settings and data folder as the CLI."""
    workspace = Workspace.open(Settings.load(submit_env(world)))
    credentials = Credentials(DEMO_USERNAME, DEMO_PASSWORD, DEMO_MEMORABLE_WORD)
    connection = connect(credentials, base_url=world.kashflow.url, workspace=workspace, save=False)
    return import_for_review(connection, workspace=workspace, as_of=world.policy.as_of)


def test_cli_invoices_marks_sent_invoices_as_the_review_page_does(world):
    as_of = world.policy.as_of.isoformat()
    chosen = [row.invoice_number for row in world.eligible_rows()[:2]]
    sent = run_cli("submit", "--as-of", as_of, "--invoice", *chosen, env=submit_env(world))
    assert sent.returncode == 0, sent.stderr

    printed = run_cli("invoices", "--as-of", as_of, env=submit_env(world))
    assert printed.returncode == 0, printed.stderr
    cli_rows = {row["invoice_number"]: row for row in json.loads(printed.stdout)}
    for number in chosen:
        assert not cli_rows[number]["eligible"]
        assert "already_submitted" in {p["code"] for p in cli_rows[number]["problems"]}

    page_rows = {row.invoice_number: row for row in review_import(world).rows}
    assert set(page_rows) == set(cli_rows)
    for number, row in page_rows.items():
        assert row.eligible == cli_rows[number]["eligible"], number
        assert [p.code for p in row.problems] == [
            p["code"] for p in cli_rows[number]["problems"]
        ], number


def test_a_dry_run_says_what_the_run_then_does(world):
    as_of = world.policy.as_of.isoformat()
    eligible = [row.invoice_number for row in world.eligible_rows()[:3]]
    first = run_cli("submit", "--as-of", as_of, "--invoice", eligible[0], env=submit_env(world))
    assert first.returncode == 0, first.stderr

    dry = run_cli("submit", "--as-of", as_of, "--dry-run", "--invoice", *eligible,
                  env=submit_env(world))  # fmt: skip
    assert dry.returncode == 0, dry.stderr
    planned = {number: status for number, (status, _) in lines(dry.stdout).items()}
    assert planned == {eligible[0]: "already sent", eligible[1]: "would send",
                       eligible[2]: "would send"}  # fmt: skip

    real = run_cli("submit", "--as-of", as_of, "--invoice", *eligible, env=submit_env(world))
    done = {number: status for number, (status, _) in lines(real.stdout).items()}
    assert done == {eligible[0]: "already sent", eligible[1]: "created", eligible[2]: "created"}
    assert world.create_calls() == 3
