"""A case found at Debitura under an invoice's creditor reference is claimed only when it is
that invoice's case: another company's invoice 1121, or ``INV-7`` for ``inv-7``, is a
``reference_collision`` — not sent, not recorded as sent, and the CLI exits non-zero."""

from __future__ import annotations

from dataclasses import replace
from decimal import Decimal

from mapping.case_payload import case_payload
from store.ledger import FAILED as LEDGER_FAILED
from tests.integration.test_cli_connect import run_cli
from tests.integration.test_cli_submit import lines, submit_env
from workflow.submit import REFERENCE_COLLISION


def other_companys_case(world, row, **changes):
    """A case another KashFlow company sent under the same Debitura key and reference."""
    body = case_payload(row)
    body = {**body, **changes}
    return world.target.client.create_case(body, idempotency_key="another-company")


def test_another_companys_invoice_with_the_same_number_is_not_claimed(world):
    row = world.eligible_rows()[0]
    foreign = other_companys_case(
        world,
        row,
        amountToRecover=row.amount_to_recover * 40,
        debtor={**case_payload(row)["debtor"], "name": "Somebody Else Ltd"},
    )
    outcome = world.submit([row]).outcomes[0]
    assert outcome.status == REFERENCE_COLLISION and not outcome.is_sent
    assert foreign.reference in outcome.message and "Somebody Else Ltd" in outcome.message
    recorded = world.ledger.get(world.account, world.target.key, row.invoice_number)
    assert recorded.state == LEDGER_FAILED and recorded.case_id == ""
    assert row.invoice_number not in world.ledger.submitted_invoice_numbers(
        world.account, world.target.key
    )
    assert world.case_count(row.invoice_number) == 1  # only the other company's


def test_a_reference_that_differs_only_in_letter_case_is_not_claimed(world):
    row = replace(world.eligible_rows()[0], invoice_number="inv-7")
    other_companys_case(world, row, creditorReference="INV-7")
    outcome = world.submit([row]).outcomes[0]
    assert outcome.status == REFERENCE_COLLISION
    assert "creditor reference INV-7 (this invoice: inv-7)" in outcome.message


def test_a_case_with_every_detail_equal_is_still_claimed(world):
    row = world.eligible_rows()[0]
    mine = other_companys_case(world, row, amountToRecover=Decimal(row.amount_to_recover))
    outcome = world.submit([row]).outcomes[0]
    assert outcome.status == "reconciled" and outcome.case_id == mine.id


def test_the_cli_reports_a_collision_and_exits_non_zero(world):
    row = world.eligible_rows()[0]
    other_companys_case(world, row, amountToRecover=Decimal("5760.00"))
    result = run_cli("submit", "--invoice", row.invoice_number, env=submit_env(world))
    assert result.returncode == 40, result.stderr
    status, detail = lines(result.stdout)[row.invoice_number]
    assert status == "reference in use" and "amount 5760" in detail


def test_sent_cases_never_show_the_other_companys_case_on_a_collision(world):
    from workflow.sent_cases import sent_cases

    row = world.eligible_rows()[0]
    other_companys_case(
        world, row, debtor={**case_payload(row)["debtor"], "name": "Somebody Else Ltd"}
    )
    world.submit([row])
    [shown] = sent_cases(world.ledger, world.target, account=world.account)
    assert shown.state == LEDGER_FAILED
    assert (shown.debtor_name, shown.case_reference, shown.amount) == ("", "", None)
