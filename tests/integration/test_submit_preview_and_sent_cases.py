"""Previews before sending, and the sent cases joined with Debitura's current view."""

from __future__ import annotations

import csv
import io
from dataclasses import replace

from debitura import NO_RETRIES
from mapping import apply_overrides
from sandbox.debitura_server import DebituraFaults
from tests.integration.submit_support import debitura_target
from workflow.sent_cases import sent_cases, sent_cases_csv
from workflow.submit import preview_cases


def test_previews_say_eligible_partner_fee_or_why_not(world):
    rows = world.eligible_rows()[:2]
    russian = apply_overrides(rows[1], {"country": "RU"}, world.policy)
    world.debitura.faults.update(missing_power_of_attorney=True)
    previews = preview_cases([rows[0], russian], world.target)
    assert list(previews) == [rows[0].invoice_number, russian.invoice_number]

    ok = previews[rows[0].invoice_number]
    assert ok.eligible and ok.partner and ok.jurisdiction == "United Kingdom"
    assert ok.fee_percent is not None and ok.fee_percent > 0
    (signature,) = ok.signatures
    assert "power of attorney" in signature.what and "/sign/power-of-attorney" in signature.url
    assert not ok.can_submit

    refused = previews[russian.invoice_number]
    assert not refused.eligible and "partner" in refused.message
    assert world.debitura.cases() == [] and world.ledger.list() == []  # nothing sent or kept


def test_a_preview_that_cannot_be_made_says_why(world):
    row = replace(world.eligible_rows()[0], amount_to_recover=None)
    assert "no amount" in preview_cases([row], world.target)[row.invoice_number].error
    row = world.eligible_rows()[0]
    offline = debitura_target(world.debitura, retry=NO_RETRIES)
    world.debitura.stop()
    assert "could not be reached" in preview_cases([row], offline)[row.invoice_number].error


def test_sent_cases_show_debituras_view_and_the_ledgers(start_world):
    world = start_world(DebituraFaults(drop_after_store_every=3), retry=NO_RETRIES)
    rows = world.eligible_rows()[:4]
    refused = apply_overrides(rows[3], {"country": "RU"}, world.policy)
    report = world.submit([*rows[:3], refused], concurrency=1)
    assert [o.status for o in report.outcomes] == ["created", "created", "unknown", "failed"]
    world.debitura.faults.reset()

    cases = sent_cases(world.ledger, world.target, account=world.account)
    assert [c.invoice_number for c in cases] == [r.invoice_number for r in rows]
    first = cases[0]
    assert first.state == "created" and first.status == "Pending verification"
    assert first.debtor_name == rows[0].debtor.name
    assert (first.amount, first.currency) == (rows[0].amount_to_recover, rows[0].currency)
    assert first.case_reference == report.outcomes[0].case_reference and first.sent_at
    assert first.connection == "Harrow & Finch Joinery Ltd"

    unconfirmed = cases[2]  # stored at Debitura, the answer lost: found by reference
    assert unconfirmed.state == "sending" and unconfirmed.status.startswith("Unconfirmed")
    assert unconfirmed.debtor_name == rows[2].debtor.name and unconfirmed.case_reference

    failed = cases[3]
    assert failed.state == "failed" and failed.status == "Refused by Debitura"
    assert "no collection partner" in failed.message and failed.debtor_name == ""

    records = list(csv.DictReader(io.StringIO(sent_cases_csv(cases).removeprefix("\ufeff"))))
    assert records[0]["Amount"] == f"{rows[0].amount_to_recover:f}"
    assert records[0]["Case reference"] == first.case_reference
    assert [r["Status"] for r in records] == [case.status for case in cases]
    assert records[0]["Sent at"].endswith(" UTC") and records[3]["Sent at"] == ""

    ledger_only = sent_cases(world.ledger, world.target, fetch_status=False)
    assert ledger_only[0].debtor_name == "" and ledger_only[0].case_reference


def test_a_case_missing_from_the_listing_is_fetched_or_reported(world):
    rows = world.eligible_rows()[:2]
    world.submit(rows)
    gone = world.ledger.get(world.account, world.target.key, rows[1].invoice_number)
    world.debitura.reset()  # as the sandbox after a restart
    cases = sent_cases(world.ledger, world.target)
    assert all(case.debtor_name == "" for case in cases)
    assert "no longer has this case" in cases[1].message
    assert cases[1].case_reference == gone.case_reference
