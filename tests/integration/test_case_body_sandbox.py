"""Against the sandboxes: a submit sends each case with its contact person, registration
number, what was sold and its history, from one detail read per invoice, and every body fits
Debitura's OpenAPI schema for ``POST /cases``."""

from __future__ import annotations

import json
from dataclasses import replace
from decimal import Decimal
from pathlib import Path

import pytest
from jsonschema import Draft202012Validator

from jsonwire.encoding import dumps
from kashflow.models import InvoiceDetail
from mapping.case_text import MAX_CASE_TEXT, text_length
from mapping.phone import e164_or_blank
from workflow.case_details import read_case_details
from workflow.submit import CREATED, recheck_selection

SCHEMA = json.loads((Path(__file__).parent / "debitura_case_create.schema.json").read_text())
DETAIL_ROUTE = "GET /v2/invoices/{number}"


def schema_errors(body) -> list[str]:
    validator = Draft202012Validator(SCHEMA, format_checker=Draft202012Validator.FORMAT_CHECKER)
    wire = json.loads(dumps(body))  # as the client writes it (exact decimals as numbers)
    return [f"{'/'.join(map(str, e.path))}: {e.message}" for e in validator.iter_errors(wire)]


@pytest.fixture
def sent_bodies(world, monkeypatch):
    """Every ``POST /cases`` body the Debitura client sends, in order."""
    bodies: list = []
    client = world.target.client
    create = client.create_case

    def spy(payload, **options):
        bodies.append(payload)
        return create(payload, **options)

    monkeypatch.setattr(client, "create_case", spy)
    return bodies


def detail_reads(world) -> int:
    return world.kashflow.stats_snapshot()["routes"].get(DETAIL_ROUTE, 0)


def test_a_submit_sends_the_full_case_body_and_every_body_fits_the_schema(world, sent_bodies):
    rows = world.eligible_rows()
    before = detail_reads(world)
    recheck = recheck_selection(world.kashflow_client, rows, world.policy)
    report = world.submit(recheck.kept)
    assert {o.status for o in report.outcomes} == {CREATED}
    assert detail_reads(world) - before == len(rows)  # one detail read per invoice per send

    assert len(sent_bodies) == len(rows)
    assert [error for body in sent_bodies for error in schema_errors(body)] == []
    dataset = world.kashflow.dataset
    by_reference = {body["creditorReference"]: body for body in sent_bodies}
    companies = 0
    for row in rows:
        body = by_reference[row.invoice_number]
        record = dataset.invoice(int(row.invoice_number))
        debtor = body["debtor"]
        # What was sold: every line item's description, with the invoice number.
        assert body["claimDescription"].startswith(f"KashFlow invoice {row.invoice_number}")
        for item in record.detail["LineItems"]:
            assert item["Description"] in body["claimDescription"]
        assert text_length(body["claimDescription"]) <= MAX_CASE_TEXT
        if row.debtor.type == "Company":
            companies += 1
            contact = record.detail["CustomerContactName"]
            assert debtor.get("contactPerson", "") == (contact or row.debtor.contact_person)
            vat = row.debtor.company_registration_number
            assert debtor.get("companyRegistrationNumber", "") == (
                vat or record.detail["VATNumber"]
            )
        else:
            assert "contactPerson" not in debtor and "companyRegistrationNumber" not in debtor
        # Only an E.164 phone; anything else is in the comments as typed.
        if row.debtor.phone:
            sendable = e164_or_blank(row.debtor.phone, row.debtor.country)
            assert debtor.get("phone", "") == sendable
            if not sendable:
                assert row.debtor.phone in body["comments"]
        comments = body.get("comments", "")
        for payment in record.detail["PaymentLines"]:
            assert f"{Decimal(payment['Amount']):,.2f}" in comments
        assert comments.count("letter ") == len(record.detail["ReminderLetters"])
        if record.customer_reference:
            assert f"Customer's reference: {record.customer_reference}." in comments
        stored = world.debitura.case_by_reference(row.invoice_number)
        assert stored["claimDescription"] == body["claimDescription"]
    assert companies  # the seeded books have company debtors with contacts


def test_part_paid_invoices_carry_payments_that_add_up_to_what_was_paid(world, sent_bodies):
    rows = [row for row in world.eligible_rows() if row.status.endswith("PartPaid")]
    assert rows, "the seeded books have part-paid invoices"
    recheck = recheck_selection(world.kashflow_client, rows, world.policy)
    world.submit(recheck.kept)
    for row, body in zip(recheck.kept, sent_bodies, strict=True):
        paid = sum((p.amount for p in row.detail.payment_lines), Decimal(0))
        assert paid == row.gross_amount - row.amount_to_recover  # consistent with the amounts
        assert body["comments"].startswith("Paid so far (KashFlow): ")


def test_the_submit_page_read_shows_the_same_body_the_send_builds(world):
    rows = world.eligible_rows()[:5]
    progress: list = []
    read = read_case_details(world.kashflow_client, rows, on_progress=lambda *p: progress.append(p))
    assert progress[-1] == (5, 5) and read.failed == ()
    assert all(row.detail.line_items for row in read.rows)
    before = detail_reads(world)
    again = read_case_details(world.kashflow_client, rows, known=read.invoices)
    assert detail_reads(world) == before and again.rows == read.rows  # nothing read twice
    kept = recheck_selection(world.kashflow_client, list(read.rows), world.policy).kept
    assert kept == read.rows


def test_an_invoice_whose_detail_cannot_be_read_is_shown_as_imported(world):
    rows = world.eligible_rows()[:2]
    missing = replace(rows[0], invoice_number="999999")
    read = read_case_details(world.kashflow_client, [missing, rows[1]])
    assert [number for number, _ in read.failed] == ["999999"]
    assert read.rows[0] is missing and read.rows[0].detail == InvoiceDetail()
    assert read.rows[1].detail.line_items
