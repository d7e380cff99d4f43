"""A creditor-reference prefix per saved connection lets several KashFlow companies share one
Debitura account: company B's invoice 1121 goes as ``HF-1121`` beside company A's ``1121``."""

from __future__ import annotations

from dataclasses import replace

from mapping.case_payload import case_payload
from tests.integration.test_cli_connect import run_cli
from tests.integration.test_cli_submit import lines, submit_env
from workflow.submit import CREATED, RECONCILED


def with_prefix(rows, prefix="HF-"):
    return [replace(row, reference_prefix=prefix) for row in rows]


def test_with_a_prefix_the_same_invoice_number_of_another_company_is_no_collision(world):
    [row] = world.eligible_rows()[:1]
    world.target.client.create_case(case_payload(row), idempotency_key="company-a")
    [outcome] = world.submit(with_prefix([row])).outcomes
    assert outcome.status == CREATED
    references = sorted(case["creditorReference"] for case in world.debitura.cases())
    assert references == sorted([row.invoice_number, f"HF-{row.invoice_number}"])
    recorded = world.ledger.get(world.account, world.target.key, row.invoice_number)
    assert recorded.creditor_reference == f"HF-{row.invoice_number}"


def test_an_unconfirmed_send_is_looked_up_under_the_reference_it_went_with(world):
    [row] = world.eligible_rows()[:1]
    world.ledger.begin(
        account=world.account,
        target=world.target.key,
        invoice_number=row.invoice_number,
        creditor_reference=row.invoice_number,  # sent before the prefix was set
        payload_fingerprint="old",
    )
    existing = world.target.client.create_case(case_payload(row), idempotency_key="lost")
    [outcome] = world.submit(with_prefix([row])).outcomes
    assert (outcome.status, outcome.case_id) == (RECONCILED, existing.id)
    assert len(world.debitura.cases()) == 1


def test_the_cli_keeps_the_prefix_with_the_saved_connection(world):
    env = submit_env(world)
    saved = run_cli("connect", "--save", "--reference-prefix", "HF-", env=env)
    assert saved.returncode == 0, saved.stderr
    assert "Creditor references: HF-<invoice number>" in saved.stdout

    number = world.eligible_rows()[0].invoice_number
    sent = run_cli("submit", "--invoice", number, env=env)  # same login, not --connection
    assert sent.returncode == 0, sent.stderr
    assert lines(sent.stdout)[number][0] == "created"
    assert [c["creditorReference"] for c in world.debitura.cases()] == [f"HF-{number}"]

    refused = run_cli("connect", "--save", "--reference-prefix", "H F", env=env)
    assert refused.returncode == 2 and "letters, digits" in refused.stderr
