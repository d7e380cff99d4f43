"""Exactly once: lost answers, crashes mid-run, 5xx storms and cases Debitura already has."""

from __future__ import annotations

import time

import pytest

from debitura import NO_RETRIES
from mapping.case_payload import case_payload
from sandbox.debitura_server import DebituraFaults
from store.ledger import CREATED as LEDGER_CREATED
from store.ledger import SENDING as LEDGER_SENDING
from workflow.submit import (
    ALREADY_SENT,
    CREATED,
    RECONCILED,
    REFERENCE_COLLISION,
    SKIPPED,
    UNKNOWN,
    UNKNOWN_MESSAGE,
)

CREATE = ["POST /cases"]


def assert_once_each(world, rows):
    counts = [world.case_count(row.invoice_number) for row in rows]
    assert counts == [1] * len(rows)
    assert len(world.debitura.cases()) == len(rows)


def test_an_answer_lost_after_the_case_was_stored_is_reconciled_next_run(start_world):
    world = start_world(DebituraFaults(drop_after_store_every=1), retry=NO_RETRIES)
    rows = world.eligible_rows()[:3]

    first = world.submit(rows)
    assert [o.status for o in first.outcomes] == [UNKNOWN] * 3
    assert all(o.message.startswith(UNKNOWN_MESSAGE) for o in first.outcomes)
    assert first.unconfirmed and not first.all_sent
    assert len(world.ledger.unresolved(world.account, world.target.key)) == 3
    assert len(world.debitura.cases()) == 3  # stored at Debitura, unseen by us

    world.debitura.faults.reset()
    calls = world.create_calls()
    everything = world.eligible_rows()  # the unresolved rows are still eligible
    second = world.submit(everything)
    by_number = {o.invoice_number: o for o in second.outcomes}
    for row in rows:
        outcome = by_number[row.invoice_number]
        assert outcome.status == RECONCILED, outcome
        assert outcome.case_id == world.debitura.case_by_reference(row.invoice_number)["id"]
    assert world.create_calls() - calls == len(second.outcomes) - len(rows)  # no re-POST
    assert world.ledger.unresolved(world.account, world.target.key) == []
    assert_once_each(world, everything)
    third = world.submit(rows)
    assert {o.status for o in third.outcomes} == {ALREADY_SENT}


def test_a_lost_answer_is_recovered_within_the_run_by_the_idempotent_retry(start_world):
    world = start_world(DebituraFaults(drop_after_store_every=1))
    rows = world.eligible_rows()
    report = world.submit(rows)
    assert {o.status for o in report.outcomes} == {CREATED}
    assert world.debitura.stats_snapshot()["cases"]["replays"] == len(rows)
    assert_once_each(world, rows)


def test_dropped_connections_with_the_handler_run_never_duplicate(start_world):
    faults = DebituraFaults(drop_connection_every=2, drop_after_handler=True, faults_only_on=CREATE)
    world = start_world(faults, retry=NO_RETRIES)
    rows = world.eligible_rows()
    reports = [world.submit(rows, concurrency=3)]
    assert reports[0].unconfirmed  # every second answer was lost
    while not reports[-1].all_sent:
        assert len(reports) < 10
        reports.append(world.submit(rows, concurrency=3))
    assert_once_each(world, rows)


@pytest.mark.parametrize("concurrency", [1, 4])
def test_a_crash_after_the_case_was_stored_leaves_sending_then_reconciles(
    world, monkeypatch, concurrency
):
    rows = world.eligible_rows()
    client = world.target.client
    real_create = client.create_case
    sent: list[str] = []

    def create_then_die(payload, *, idempotency_key):
        case = real_create(payload, idempotency_key=idempotency_key)
        sent.append(case.creditor_reference)
        if len(sent) == 2:
            time.sleep(0.3)  # the first answer, already back, is recorded by then in any pool
            raise KeyboardInterrupt  # killed after Debitura stored it, before we heard
        return case

    monkeypatch.setattr(client, "create_case", create_then_die)
    with pytest.raises(KeyboardInterrupt):
        world.submit(rows, concurrency=concurrency)
    monkeypatch.undo()

    ledger = world.ledger
    states = {r.invoice_number: r.state for r in ledger.list(world.account, world.target.key)}
    assert states[sent[1]] == LEDGER_SENDING
    assert LEDGER_CREATED in states.values()

    report = world.submit(rows, concurrency=concurrency)
    assert report.all_sent
    assert {o.invoice_number: o.status for o in report.outcomes}[sent[1]] == RECONCILED
    assert_once_each(world, rows)


def test_a_crash_before_the_request_left_resends_with_the_same_key(world, monkeypatch):
    row = world.eligible_rows()[0]
    ledger = world.ledger
    real_begin = ledger.begin

    def begin_then_die(**kwargs):
        real_begin(**kwargs)  # committed: "about to send"
        raise KeyboardInterrupt

    monkeypatch.setattr(ledger, "begin", begin_then_die)
    from workflow.submit import submit_cases

    with pytest.raises(KeyboardInterrupt):
        submit_cases([row], target=world.target, ledger=ledger, account=world.account)
    before = world.ledger.get(world.account, world.target.key, row.invoice_number)
    assert before.state == LEDGER_SENDING and world.case_count(row.invoice_number) == 0

    report = world.submit([row])
    assert [o.status for o in report.outcomes] == [CREATED]  # looked up, not there, sent
    after = world.ledger.get(world.account, world.target.key, row.invoice_number)
    assert after.idempotency_key == before.idempotency_key and after.attempts == 2
    assert world.case_count(row.invoice_number) == 1


def test_a_failing_result_callback_stops_the_run_without_losing_or_doubling(world):
    rows = world.eligible_rows()

    def explode(outcome):
        if outcome.invoice_number == rows[1].invoice_number:
            raise RuntimeError("the page was stopped")

    with pytest.raises(RuntimeError):
        world.submit(rows, on_result=explode, concurrency=4)
    assert len(world.debitura.cases()) < len(rows)  # the run really stopped early

    report = world.submit(rows, concurrency=4)
    assert report.all_sent
    assert {o.status for o in report.outcomes} <= {CREATED, RECONCILED, ALREADY_SENT}
    assert_once_each(world, rows)


def test_a_5xx_storm_is_ridden_out_with_one_case_each(start_world):
    world = start_world(DebituraFaults(fail_next_creates=3, server_error_status=503))
    rows = world.eligible_rows()
    report = world.submit(rows, concurrency=1)
    assert {o.status for o in report.outcomes} == {CREATED}
    assert world.create_calls() == len(rows) + 3
    assert_once_each(world, rows)


def test_debitura_down_stops_the_run_and_the_next_run_sends_the_rest(start_world):
    world = start_world(DebituraFaults(status_500_every=1, faults_only_on=CREATE), retry=NO_RETRIES)
    rows = world.eligible_rows()
    assert len(rows) > 3
    first = world.submit(rows, concurrency=1)
    assert [o.status for o in first.outcomes[:3]] == [UNKNOWN] * 3
    assert {o.status for o in first.outcomes[3:]} == {SKIPPED}
    assert "did not answer 3 cases in a row" in first.outcomes[3].message
    assert world.debitura.cases() == []
    assert len(world.ledger.unresolved(world.account, world.target.key)) == 3

    world.debitura.faults.reset()
    second = world.submit(rows, concurrency=1)
    assert {o.status for o in second.outcomes} == {CREATED}  # looked up first: not there
    assert_once_each(world, rows)


def test_a_case_already_at_debitura_is_reconciled_not_duplicated(world):
    rows = world.eligible_rows()[:3]
    existing = world.target.client.create_case(
        case_payload(rows[1]), idempotency_key="created-in-the-portal"
    )
    report = world.submit(rows)
    statuses = [o.status for o in report.outcomes]
    assert statuses == [CREATED, RECONCILED, CREATED]
    assert report.outcomes[1].case_id == existing.id
    assert "already existed at Debitura" in report.outcomes[1].message
    recorded = world.ledger.get(world.account, world.target.key, rows[1].invoice_number)
    assert (recorded.state, recorded.case_id) == (LEDGER_CREATED, existing.id)
    assert_once_each(world, rows)


def test_a_different_case_under_the_same_reference_is_not_claimed(world):
    row = world.eligible_rows()[0]
    foreign = dict(case_payload(row), currencyCode="EUR")
    world.target.client.create_case(foreign, idempotency_key="another-company")
    report = world.submit([row])
    outcome = report.outcomes[0]
    assert outcome.status == REFERENCE_COLLISION
    assert "currency EUR (this invoice: GBP)" in outcome.message
    recorded = world.ledger.get(world.account, world.target.key, row.invoice_number)
    assert recorded.state == "failed" and recorded.error_kind == "ReferenceCollision"
    assert world.case_count(row.invoice_number) == 1
