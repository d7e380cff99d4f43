"""Paid directly, against both sandboxes: a payment KashFlow records after the case was created
is told to the partner exactly once, whatever is lost, refused or repeated on the way."""

from __future__ import annotations

from datetime import timedelta
from decimal import Decimal

import pytest

from sandbox.debitura_server import DebituraFaults
from store import open_database
from store.payment_notices import FAILED as NOTICE_FAILED
from store.payment_notices import SENDING as NOTICE_SENDING
from store.payment_notices import SENT as NOTICE_SENT
from store.payment_notices import PaymentNotices
from workflow.paid_directly import (
    ALREADY_TOLD,
    FAILED,
    FOUND,
    TOLD,
    UNKNOWN,
    case_created_on,
    find_paid_directly,
    tell_partners,
)

CHAT_POST = ["POST /cases/{id}/chats"]


def notices(world) -> PaymentNotices:
    return PaymentNotices(open_database(world.data_dir))  # a new connection, like each run


def check(world):
    return find_paid_directly(
        world.kashflow_client,
        world.ledger,
        notices(world),
        account=world.account,
        target_key=world.target.key,
    )


def run(world):
    """One press of "Tell the partners" (or one ``cli.py cases --notify-paid``)."""
    return tell_partners(
        check(world).payments,
        target=world.target,
        ledger=world.ledger,
        notices=notices(world),
        account=world.account,
    )


def sent_case(world, count: int = 1):
    """Send ``count`` eligible invoices as cases; their ledger rows."""
    rows = world.eligible_rows()[:count]
    world.submit(rows)
    return [world.ledger.get(world.account, world.target.key, row.invoice_number) for row in rows]


def chats_on(world, submission) -> list[dict]:
    return world.debitura.chats.chats(submission.case_id)


def pay(world, submission, amount: str, *, days_after_case: int = 0, **options):
    on = case_created_on(submission) + timedelta(days=days_after_case)
    return world.kashflow.add_payment(submission.invoice_number, Decimal(amount), on, **options)


def test_a_payment_after_the_case_is_told_once_however_often_the_check_runs(world):
    (submission,) = sent_case(world)
    assert check(world).payments == ()  # nothing paid since the case was created
    pay(world, submission, "50.00", reference="BACS HF 1042")

    found = check(world)
    assert [p.invoice_number for p in found.to_tell] == [submission.invoice_number]
    assert found.to_tell[0].summary.startswith("paid in KashFlow on ")

    first = run(world)
    assert [o.status for o in first] == [TOLD]
    for _ in range(3):  # the page refreshed, the CLI run again
        assert run(world) == []
        assert check(world).to_tell == []
    chats = chats_on(world, submission)
    assert len(chats) == 1
    assert "50.00" in chats[0]["message"] and "BACS HF 1042" in chats[0]["message"]
    told = check(world).payments[0]
    assert told.told and told.notice.chat_id == chats[0]["id"]


def test_a_second_payment_on_the_same_invoice_is_told_on_its_own(world):
    (submission,) = sent_case(world)
    pay(world, submission, "10.00")
    run(world)
    pay(world, submission, "15.00", days_after_case=1)
    outcomes = run(world)
    assert [o.status for o in outcomes] == [TOLD]
    assert "15.00" in outcomes[0].payment.summary
    assert len(chats_on(world, submission)) == 2


def test_a_lost_answer_is_settled_from_the_chats_without_a_second_message(start_world):
    world = start_world(DebituraFaults(drop_after_chat_every=1))
    (submission,) = sent_case(world)
    pay(world, submission, "40.00")

    outcomes = run(world)
    assert [o.status for o in outcomes] == [FOUND]  # read back in the same run
    assert len(chats_on(world, submission)) == 1
    assert run(world) == []
    assert len(chats_on(world, submission)) == 1
    assert world.debitura.stats_snapshot()["counters"]["chat_posts"] == 1


def test_an_unconfirmed_send_is_checked_next_run_before_anything_is_resent(start_world):
    # The answer is lost and the chats cannot be read at that moment either.
    faults = DebituraFaults(drop_after_chat_every=1)
    world = start_world(faults)
    (submission,) = sent_case(world)
    pay(world, submission, "40.00")
    faults.update(status_500_every=1, faults_only_on=["GET /cases/{id}/chats"])

    first = run(world)
    assert [o.status for o in first] == [UNKNOWN]
    row = notices(world).of_account(world.account, world.target.key)[0]
    assert row.state == NOTICE_SENDING
    assert len(chats_on(world, submission)) == 1  # it did arrive

    faults.reset()
    second = run(world)
    assert [o.status for o in second] == [FOUND]
    assert len(chats_on(world, submission)) == 1  # never posted again
    assert world.debitura.stats_snapshot()["counters"]["chat_posts"] == 1


def test_a_send_that_never_arrived_is_sent_once_on_the_next_run(start_world):
    faults = DebituraFaults(fail_next_chats=1)  # 500 before anything is stored
    world = start_world(faults)
    (submission,) = sent_case(world)
    pay(world, submission, "40.00")

    first = run(world)
    assert [o.status for o in first] == [UNKNOWN]  # a 500 may have stored it: unknown
    assert chats_on(world, submission) == []

    second = run(world)
    assert [o.status for o in second] == [TOLD]
    assert len(chats_on(world, submission)) == 1
    assert run(world) == []


def test_a_refused_message_is_recorded_failed_and_sent_on_the_next_run(world, monkeypatch):
    (submission,) = sent_case(world)
    pay(world, submission, "40.00")
    original = world.target.client.team_members

    from debitura.chats import TeamMember

    monkeypatch.setattr(
        world.target.client, "team_members", lambda: [TeamMember("x", email="no@one.example")]
    )
    first = run(world)
    assert [o.status for o in first] == [FAILED]
    assert "team" in first[0].message
    assert notices(world).of_account(world.account, world.target.key)[0].state == NOTICE_FAILED
    assert chats_on(world, submission) == []

    monkeypatch.setattr(world.target.client, "team_members", original)
    second = run(world)
    assert [o.status for o in second] == [TOLD]
    assert notices(world).of_account(world.account, world.target.key)[0].state == NOTICE_SENT
    assert len(chats_on(world, submission)) == 1


def test_payments_made_before_the_case_and_other_companies_cases_are_left_alone(world):
    first, second = sent_case(world, 2)
    pay(world, first, "20.00", days_after_case=-1)
    assert check(world).payments == ()
    pay(world, second, "20.00")
    other = find_paid_directly(
        world.kashflow_client,
        world.ledger,
        notices(world),
        account="another|Company",
        target_key=world.target.key,
    )
    assert other.payments == ()


def test_a_telling_that_raced_a_finished_one_reports_already_told(world):
    (submission,) = sent_case(world)
    pay(world, submission, "40.00")
    stale = check(world).payments  # read before the other run told it
    run(world)
    again = tell_partners(
        stale,
        target=world.target,
        ledger=world.ledger,
        notices=notices(world),
        account=world.account,
    )
    assert [o.status for o in again] == [ALREADY_TOLD]
    assert len(chats_on(world, submission)) == 1


@pytest.mark.parametrize("credit", [False, True])
def test_the_message_says_paid_or_credited_and_the_balance_now(world, credit):
    (submission,) = sent_case(world)
    invoice = world.kashflow.dataset.invoice(submission.invoice_number)
    pay(world, submission, f"{invoice.due_amount}", credit_note=credit)
    run(world)
    (chat,) = chats_on(world, submission)
    assert ("credit note" in chat["message"]) is credit
    assert "please stop collecting" in chat["message"]
