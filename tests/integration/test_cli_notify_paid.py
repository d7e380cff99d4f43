"""`python cli.py cases --notify-paid` against the two sandboxes: a payment since the case was
created is told once, however often the command runs, even when Debitura's answer is lost."""

from __future__ import annotations

from decimal import Decimal

from sandbox.debitura_server import DebituraFaults
from store import SubmissionLedger, open_database
from tests.integration.test_cli_connect import run_cli
from tests.integration.test_cli_submit import lines, submit, submit_env
from workflow.paid_directly import case_created_on


def test_notify_paid_tells_each_payment_once_across_runs_and_lost_answers(start_world):
    world = start_world(DebituraFaults(drop_after_chat_every=1))
    number = world.eligible_rows()[0].invoice_number
    assert submit(world, "--invoice", number).returncode == 0
    (submission,) = SubmissionLedger(open_database(world.data_dir)).list()
    world.kashflow.add_payment(
        number, Decimal("30.00"), case_created_on(submission), reference="BACS 30"
    )

    first = run_cli("cases", "--notify-paid", env=submit_env(world))
    assert first.returncode == 0, first.stderr
    status, detail = lines(first.stdout)[number]
    assert status == "found"  # the answer was lost; the chat was read back, not posted again
    assert "30.00" in detail

    for _ in range(2):
        again = run_cli("cases", "--notify-paid", env=submit_env(world))
        assert again.returncode == 0, again.stderr
        assert lines(again.stdout)[number][0] == "told"
    assert len(world.debitura.chats.chats(submission.case_id)) == 1


def test_notify_paid_exits_41_while_a_message_is_unconfirmed(start_world):
    world = start_world(DebituraFaults(fail_next_chats=1))
    number = world.eligible_rows()[0].invoice_number
    submit(world, "--invoice", number)
    (submission,) = SubmissionLedger(open_database(world.data_dir)).list()
    world.kashflow.add_payment(number, Decimal("30.00"), case_created_on(submission))

    first = run_cli("cases", "--notify-paid", env=submit_env(world))
    assert first.returncode == 41, first.stderr
    assert lines(first.stdout)[number][0] == "unconfirmed"
    second = run_cli("cases", "--notify-paid", env=submit_env(world))
    assert second.returncode == 0, second.stderr
    assert lines(second.stdout)[number][0] == "told"
    assert len(world.debitura.chats.chats(submission.case_id)) == 1
