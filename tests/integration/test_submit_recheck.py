"""Just before sending, each selected invoice is fetched again from KashFlow."""

from __future__ import annotations

from dataclasses import replace
from datetime import timedelta
from decimal import Decimal

from jsonwire.fields import to_decimal
from kashflow.models import InvoiceDetail
from mapping import apply_overrides
from mapping.dates import uk_date
from mapping.status import status_words
from workflow.submit import BLOCKED, CREATED, RECHECK_FAILED, recheck_selection


def recheck(world, rows, overrides=None):
    return recheck_selection(world.kashflow_client, rows, world.policy, overrides)


def test_unchanged_rows_are_kept_as_they_are_with_their_detail_read(world):
    rows = world.eligible_rows()
    result = recheck(world, rows)
    # The re-check's read is the one the case body is built from (line items and all).
    assert tuple(replace(row, detail=InvoiceDetail()) for row in result.kept) == tuple(rows)
    assert all(row.detail.line_items for row in result.kept)
    assert (result.dropped, result.updated) == ((), ())


def test_an_invoice_paid_since_the_import_is_dropped_and_never_sent(world):
    rows = world.eligible_rows()
    paid = rows[1]
    world.kashflow.set_invoice(paid.invoice_number, Status="Paid", DueAmount=Decimal("0.00"))
    result = recheck(world, rows)
    assert [number for number, _ in result.dropped] == [paid.invoice_number]
    assert "Paid in KashFlow since the import" in result.dropped[0][1]
    assert [row.invoice_number for row in result.kept] == [
        row.invoice_number for row in rows if row is not paid
    ]
    world.submit(result.kept)
    assert world.case_count(paid.invoice_number) == 0


def test_a_changed_amount_rebuilds_the_row_and_keeps_the_users_edits(world):
    rows = world.eligible_rows()
    changed = rows[0]
    edited = apply_overrides(changed, {"city": "Leeds"}, world.policy)
    new_due = (changed.amount_to_recover / 2).quantize(Decimal("0.01"))
    world.kashflow.set_invoice(changed.invoice_number, DueAmount=new_due)
    also_edited = {rows[2].invoice_number: {"email": "ar@elsewhere.example"}}

    result = recheck(world, [edited, *rows[1:]], overrides=also_edited)
    old, new = f"£{changed.amount_to_recover:,.2f}", f"£{new_due:,.2f}"
    assert changed.currency == "GBP"
    assert result.updated == ((changed.invoice_number, f"amount {old} → {new}"),)
    rebuilt = result.kept[0]
    assert rebuilt.amount_to_recover == new_due
    assert rebuilt.debtor.city == "Leeds" and rebuilt.overrides == (("city", "Leeds"),)
    assert rebuilt.eligible
    assert result.kept[2].debtor.email == "ar@elsewhere.example"  # edits passed alongside

    report = world.submit(result.kept)
    assert report.outcomes[0].status == CREATED
    case = world.debitura.case_by_reference(changed.invoice_number)
    assert to_decimal(case["grossAmount"]) == new_due and case["debtor"]["city"] == "Leeds"


def test_a_changed_due_date_and_status_are_reported(world):
    row = world.eligible_rows()[0]
    # Moved into the future of the world's day (never a literal: it must stay in the future).
    later = world.policy.as_of + timedelta(days=9)
    world.kashflow.set_invoice(
        row.invoice_number, Status="Unpaid", DueDate=f"{later.isoformat()}T00:00:00"
    )
    result = recheck(world, [row])
    ((number, description),) = result.updated
    assert number == row.invoice_number
    # In words, dates as UK readers read them.
    assert f"due date {uk_date(row.due_date)} → {uk_date(later)}" in description
    assert f"status {status_words(row.status)} → Unpaid" in description
    assert not result.kept[0].eligible  # now not yet due: it will be blocked, not sent
    assert "not_yet_due" in {problem.code for problem in result.kept[0].problems}


def test_an_invoice_that_cannot_be_fetched_is_blocked_not_sent(world):
    rows = world.eligible_rows()[:2]
    world.kashflow.faults.set(status_500_every=1)
    result = recheck(world, rows)
    assert len(result.kept) == 2 and not result.dropped
    for row in result.kept:
        assert row.problems[0].code == RECHECK_FAILED and not row.eligible
        assert "Could not check this invoice in KashFlow" in row.problems[0].message
    world.kashflow.faults.reset()
    report = world.submit(result.kept)
    assert {o.status for o in report.outcomes} == {BLOCKED}
    assert world.debitura.cases() == []


def test_a_deleted_invoice_is_dropped(world):
    ghost = replace(world.eligible_rows()[0], invoice_number="999999")
    result = recheck(world, [ghost])
    assert result.dropped == (("999999", "KashFlow no longer has this invoice."),)
    assert result.kept == ()
