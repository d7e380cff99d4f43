"""Against the Debitura sandbox: what its preview refuses (here: a partner minimum above
Debitura's USD 100, as individual partners may set) is remembered, so the CLI's dry run and
its real run agree with the page: held back, never sent; the rest goes."""

from __future__ import annotations

from decimal import Decimal

from kashflow import Credentials
from sandbox.kashflow_server import DEMO_MEMORABLE_WORD, DEMO_PASSWORD, DEMO_USERNAME
from tests.integration.test_cli_submit import lines, submit, submit_env
from workflow.connect import connect
from workflow.debitura_target import resolve_debitura
from workflow.decision import PREVIEW_REFUSED_KIND
from workflow.eligibility import check_with_debitura, count_text
from workflow.review import import_for_review
from workflow.settings import Settings
from workflow.workspace import Workspace


def check_as_the_page_does(world):
    """The Review/Submit pages' "Check with Debitura", for the CLI's data folder and target."""
    workspace = Workspace.open(Settings.load(submit_env(world)))
    credentials = Credentials(DEMO_USERNAME, DEMO_PASSWORD, DEMO_MEMORABLE_WORD)
    connection = connect(credentials, base_url=world.kashflow.url, workspace=workspace, save=False)
    rows = import_for_review(connection, workspace=workspace, as_of=world.policy.as_of).rows
    eligible = [row for row in rows if row.eligible]
    answers = check_with_debitura(
        eligible,
        target=resolve_debitura(workspace),
        ledger=workspace.ledger,
        account=connection.account_key,
    )
    return answers, workspace


def test_a_preview_refusal_is_held_back_by_the_dry_run_and_the_real_run(start_world):
    world = start_world(minimum_usd=Decimal(1500))  # this partner's minimum: USD 1,500
    answers, workspace = check_as_the_page_does(world)
    refused = [number for number, answer in answers.items() if answer.refused]
    accepted = [number for number, answer in answers.items() if answer.eligible]
    assert refused and accepted, count_text(answers.values())
    entries = {entry.invoice_number: entry for entry in workspace.ledger.list()}
    assert {entries[number].error_kind for number in refused} == {PREVIEW_REFUSED_KIND}
    assert all(entries[number].attempts == 0 for number in refused)

    chosen = [refused[0], accepted[0]]
    dry = submit(world, "--dry-run", "--invoice", *chosen)
    assert dry.returncode == 0, dry.stderr
    planned = lines(dry.stdout)
    assert planned[refused[0]][0] == "refused before"
    assert "Debitura's preview refused it" in planned[refused[0]][1]
    assert planned[accepted[0]][0] == "would send"

    real = submit(world, "--retry-failed", "--invoice", *chosen)
    done = lines(real.stdout)
    assert done[refused[0]][0] == "failed" and done[accepted[0]][0] == "created"
    assert world.case_count(refused[0]) == 0 and world.case_count(accepted[0]) == 1
    assert world.create_calls() == 1  # the refused body never left
