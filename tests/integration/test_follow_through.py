"""Before sending and after, against the sandboxes: an unsigned collection agreement holds
``cli.py submit`` back unless pending contracts are allowed; the sent cases come back with
where each stands, what Debitura needs, documents and money recovered per currency, read
concurrently, with a failure shown on its own case."""

from __future__ import annotations

import csv
import io
import json
import threading
import time
from decimal import Decimal

import pytest

from tests.integration.test_cli_connect import run_cli
from tests.integration.test_cli_submit import submit, submit_env
from workflow.contract import AgreementUnsigned, check_contract, sending_target
from workflow.follow_through import read_sent_cases, recovered_totals

UNSIGNED_EXIT = 33


def test_an_unsigned_agreement_stops_cli_submit_before_anything_is_sent(world):
    world.debitura.faults.update(missing_contract=True)
    refused = submit(world, "--all-eligible")
    assert refused.returncode == UNSIGNED_EXIT, refused.stderr
    assert "not signed" in refused.stderr and "/sign/debt-collection-agreement" in refused.stderr
    assert "--allow-pending-contracts" in refused.stderr
    assert world.create_calls() == 0 and world.debitura.cases() == []


def test_allowing_pending_contracts_sends_cases_that_wait_for_the_signature(world):
    world.debitura.faults.update(missing_contract=True)
    eligible = [row.invoice_number for row in world.eligible_rows()]
    sent = submit(world, "--all-eligible", "--allow-pending-contracts")
    assert sent.returncode == 0, sent.stderr
    assert "Sending anyway" in sent.stderr
    cases = world.debitura.cases()
    assert sorted(case["creditorReference"] for case in cases) == sorted(eligible)
    assert {case["lifecycle"] for case in cases} == {"PendingContractSigning"}


def test_a_signed_agreement_sends_without_the_flag_in_the_body(world):
    check = check_contract(world.target)
    assert not check.needs_signature and check.error == ""
    assert sending_target(world.target, check, allow_pending_contracts=True) is world.target


def test_the_workflow_refuses_an_unsigned_agreement_and_says_where_to_sign(world):
    world.debitura.faults.update(missing_contract=True)
    check = check_contract(world.target)
    assert check.needs_signature and check.signing_url.endswith("/sign/debt-collection-agreement")
    with pytest.raises(AgreementUnsigned, match="not signed"):
        sending_target(world.target, check, allow_pending_contracts=False)
    allowed = sending_target(world.target, check, allow_pending_contracts=True)
    report = world.submit(world.eligible_rows()[:1], target=allowed)
    assert report.outcomes[0].status == "created"


def test_sent_cases_show_what_happened_after_sending(start_world):
    world = start_world(follow_through_story=True, seed=7)
    rows = world.eligible_rows()[:8]
    assert {o.status for o in world.submit(rows).outcomes} == {"created"}
    followed = read_sent_cases(world.ledger, world.target, account=world.account)
    by_stage = {}
    for case in followed.cases:
        by_stage.setdefault(case.stage, []).append(case)
    assert set(by_stage) == {
        "Debitura is checking the case",
        "Waiting for details from you",
        "The collection partner is collecting",
        "Closed: paid in full",
    }
    [needs, *_] = by_stage["Waiting for details from you"]
    assert any("original invoice" in item for item in needs.validation_items)
    assert needs.open_tasks == ("Answer the partner's questions about this case",)
    paid = by_stage["Closed: paid in full"][0]
    assert paid.recovered_by_currency == {paid.currency: paid.amount}
    part = by_stage["The collection partner is collecting"][0]
    assert part.recovered_by_currency[part.currency] == (part.amount * Decimal("0.4")).quantize(
        part.amount
    )
    assert all(case.followed and case.documents == () for case in followed.cases)

    expected: dict[str, Decimal] = {}
    for case in followed.cases:
        for currency, amount in case.recovered_by_currency.items():
            expected[currency] = expected.get(currency, Decimal(0)) + amount
    assert recovered_totals(followed.cases) == dict(sorted(expected.items())) != {}


def test_cli_cases_prints_json_csv_and_a_table_with_totals_per_currency(start_world):
    world = start_world(follow_through_story=True, seed=7)
    numbers = [row.invoice_number for row in world.eligible_rows()[:8]]
    assert submit(world, "--invoice", *numbers).returncode == 0
    env = submit_env(world)
    as_json = run_cli("cases", "--format", "json", env=env)
    assert as_json.returncode == 0, as_json.stderr
    document = json.loads(as_json.stdout)
    stages = {case["where_it_stands"] for case in document["cases"]}
    assert "Closed: paid in full" in stages and "Waiting for details from you" in stages
    totals = document["recovered_totals"]
    recomputed: dict[str, Decimal] = {}
    for case in document["cases"]:
        for payment in case["payments"]:
            currency = payment["currency"]
            recomputed[currency] = recomputed.get(currency, Decimal(0)) + Decimal(payment["amount"])
    assert {c: Decimal(a) for c, a in totals.items()} == recomputed

    as_csv = run_cli("cases", "--format", "csv", env=env)
    records = list(csv.DictReader(io.StringIO(as_csv.stdout)))
    assert len(records) == 8
    assert {"Where it stands", "Needs from you", "Documents attached", "Recovered"} <= set(
        records[0]
    )
    paid = [r for r in records if r["Where it stands"] == "Closed: paid in full"]
    assert paid and all(r["Recovered"] == r["Amount"] for r in paid)

    as_table = run_cli("cases", "--format", "table", "--all-connections", env=env)
    assert as_table.returncode == 0, as_table.stderr
    last = as_table.stdout.splitlines()[-1]
    assert last.startswith("Recovered: ") and all(code in last for code in totals)


def test_refresh_reads_cases_concurrently_and_reports_progress(start_world):
    world = start_world(follow_through_story=True, seed=7, invoices=80)
    rows = world.eligible_rows()[:12]
    assert len(rows) == 12
    world.submit(rows)
    world.debitura.faults.update(latency_ms=150, faults_only_on=frozenset({"/cases/{id}/payments"}))
    in_flight = peak = 0
    lock = threading.Lock()
    original = world.target.client.case_payments

    def counting(case_id):
        nonlocal in_flight, peak
        with lock:
            in_flight += 1
            peak = max(peak, in_flight)
        try:
            return original(case_id)
        finally:
            with lock:
                in_flight -= 1

    world.target.client.case_payments = counting
    progress = []
    started = time.monotonic()
    followed = read_sent_cases(
        world.ledger, world.target, on_progress=lambda done, total: progress.append((done, total))
    )
    elapsed = time.monotonic() - started
    assert 1 < peak <= 8  # concurrent, and bounded
    assert elapsed < 12 * 0.150  # one after another would take at least this long
    assert progress[0] == (0, 12) and progress[-1] == (12, 12)
    assert [done for done, _ in progress] == list(range(13))
    assert all(case.followed for case in followed.cases)


def test_a_case_whose_payments_cannot_be_read_says_so_and_the_others_are_shown(start_world):
    world = start_world(follow_through_story=True, seed=7)
    rows = world.eligible_rows()[:4]
    world.submit(rows)
    broken = world.ledger.get(world.account, world.target.key, rows[1].invoice_number).case_id
    original = world.target.client.case_payments

    def failing_for_one(case_id):
        if case_id == broken:
            from debitura import DebituraUnavailable

            raise DebituraUnavailable("Debitura is having problems (HTTP 503).")
        return original(case_id)

    world.target.client.case_payments = failing_for_one
    followed = read_sent_cases(world.ledger, world.target)
    by_number = {case.invoice_number: case for case in followed.cases}
    failed = by_number[rows[1].invoice_number]
    assert "Payments could not be read" in failed.message and not failed.followed
    others = [by_number[row.invoice_number] for row in rows if row is not rows[1]]
    assert all(case.followed and "could not" not in case.message for case in others)
    assert followed.listing_error == ""
