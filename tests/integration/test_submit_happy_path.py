"""Eligible rows become one Debitura case each, with the right fields, recorded in the ledger."""

from __future__ import annotations

from decimal import Decimal

import pytest

from jsonwire.fields import to_date
from store.ledger import CREATED as LEDGER_CREATED
from workflow.submit import ALREADY_SENT, CREATED, SENT_STATUSES


@pytest.mark.parametrize("concurrency", [1, 4])
def test_each_eligible_row_becomes_exactly_one_case_with_its_fields(world, concurrency):
    rows = world.eligible_rows()
    assert len(rows) >= 5
    report = world.submit(rows, concurrency=concurrency)

    assert [o.invoice_number for o in report.outcomes] == [r.invoice_number for r in rows]
    assert {o.status for o in report.outcomes} == {CREATED}
    assert report.counts[CREATED] == len(rows) and report.all_sent
    # on_result saw every outcome, in input order
    assert [o.invoice_number for o in world.outcomes_seen] == [r.invoice_number for r in rows]

    cases = {case["creditorReference"]: case for case in world.debitura.cases()}
    assert len(world.debitura.cases()) == len(cases) == len(rows)
    for row, outcome in zip(rows, report.outcomes, strict=True):
        case = cases[row.invoice_number]
        assert (outcome.case_id, outcome.case_reference) == (case["id"], case["reference"])
        assert case["currency"] == row.currency
        assert Decimal(case["grossAmount"]) == row.amount_to_recover
        assert to_date(case["date"]) == row.issued_date
        assert to_date(case["dueDate"]) == row.due_date
        assert case["claimDescription"].startswith(f"KashFlow invoice {row.invoice_number} ")
        debtor = case["debtor"]
        assert debtor["name"] == row.debtor.name and debtor["type"] == row.debtor.type
        assert debtor["address"] == row.debtor.address and debtor["city"] == row.debtor.city
        assert debtor["zipCode"] == row.debtor.postcode
        assert debtor["countryAlpha2"] == row.debtor.country
        assert case["isTestCase"] is False

    ledger = world.ledger
    for outcome in report.outcomes:
        recorded = ledger.get(world.account, world.target.key, outcome.invoice_number)
        assert recorded.state == LEDGER_CREATED
        assert recorded.case_id == outcome.case_id
        assert recorded.case_reference == outcome.case_reference


def test_a_second_run_sends_nothing(world):
    rows = world.eligible_rows()
    first = world.submit(rows)
    calls = world.create_calls()

    # Re-imported, the sent invoices carry already_submitted; submitting them anyway is safe.
    numbers = {row.invoice_number for row in rows}
    again = [row for row in world.import_rows() if row.invoice_number in numbers]
    assert all(not row.eligible for row in again)
    second = world.submit(again)
    assert {o.status for o in second.outcomes} == {ALREADY_SENT}
    assert [o.case_reference for o in second.outcomes] == [o.case_reference for o in first.outcomes]
    assert world.create_calls() == calls
    assert len(world.debitura.cases()) == len(rows)
    assert all(o.status in SENT_STATUSES for o in second.outcomes)


def test_repeated_rows_in_one_call_are_sent_once(world):
    row = world.eligible_rows()[0]
    report = world.submit([row, row, row])
    assert [o.status for o in report.outcomes] == [CREATED]
    assert world.case_count(row.invoice_number) == 1


def test_the_database_holds_no_debtor_or_amount(world):
    rows = world.eligible_rows()
    world.submit(rows)
    on_disk = b"".join(p.read_bytes() for p in world.data_dir.rglob("*") if p.is_file())
    for row in rows:
        assert row.debtor.name.encode() not in on_disk
        assert row.debtor.address.encode() not in on_disk
        assert str(row.amount_to_recover).encode() not in on_disk
