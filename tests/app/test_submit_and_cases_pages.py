"""Submit and Sent cases pages in AppTest, against the demo KashFlow and Debitura sandboxes."""

from __future__ import annotations

import os
from decimal import Decimal
from pathlib import Path

from mapping.dates import uk_date
from store import SubmissionLedger, open_database
from tests.app.conftest import button, table_with, texts
from tests.app.test_review_page import edit_grid, follow_continue_link, open_review, state


def select(app, rows) -> None:
    edit_grid(app, {row.invoice_number: {"select": True} for row in rows})


def to_submit(app, rows):
    select(app, rows)
    follow_continue_link(app)
    return app


def eligible_rows(app, count: int):
    """Rows Debitura will accept: eligible and not under its minimum (a warning only)."""
    rows = [
        row
        for row in state(app).rows
        if row.eligible and "below_minimum" not in {p.code for p in row.problems}
    ]
    return rows[:count]


def blocked_row(app):
    return next(row for row in state(app).rows if not row.eligible)


def create_cases(app, count: int):
    """Press "Create N cases", then confirm: nothing is sent before the confirmation."""
    noun = "case" if count == 1 else "cases"
    button(app, f"Create {count} {noun}").click().run()
    assert not app.exception
    button(app, f"Yes, create {count} {noun}").click().run()
    return app


def outcome_table(app):
    return table_with(app, "Result").set_index("Invoice")


def test_preview_shows_every_field_and_lists_blocked_rows_apart(app):
    open_review(app)
    sendable = eligible_rows(app, 2)
    blocked = blocked_row(app)
    to_submit(app, [*sendable, blocked])

    assert any("cannot be sent until fixed" in e.value for e in app.error)
    assert any(blocked.invoice_number in m.value for m in app.markdown)
    cases = table_with(app, "Creditor reference")
    assert sorted(cases["Creditor reference"]) == sorted(r.invoice_number for r in sendable)
    first = cases.set_index("Creditor reference").loc[sendable[0].invoice_number]
    assert first["Debtor"] == sendable[0].debtor.name
    assert first["Currency"] == sendable[0].currency
    assert first["City"] == sendable[0].debtor.city
    assert first["Invoice date"] == uk_date(sendable[0].issued_date)  # "07 Aug 2026"
    assert "Create 2 cases" in [b.label for b in app.button]


def test_check_eligibility_shows_partner_and_fee_beside_each_case(app):
    open_review(app)
    to_submit(app, eligible_rows(app, 2))
    button(app, "Check with Debitura").click().run()
    cases = table_with(app, "Creditor reference")
    assert cases["Eligible"].tolist() == ["yes", "yes"]
    assert all(cases["Partner"]) and all(fee.endswith("%") for fee in cases["Fee"])
    assert all(cases["Jurisdiction"]) and not any(cases["Reason"])
    assert "Debitura's preview: **2 eligible · 0 refused**" in texts(app.markdown)


def test_create_sends_each_case_once_and_review_marks_them_submitted(app, fresh_demo_sandboxes):
    open_review(app)
    rows = eligible_rows(app, 3)
    to_submit(app, rows)
    create_cases(app, 3)
    assert not app.exception

    outcomes = outcome_table(app)
    debitura = fresh_demo_sandboxes.debitura
    for row in rows:
        case = debitura.case_by_reference(row.invoice_number)
        assert case is not None
        assert outcomes.loc[row.invoice_number, "Debitura case"] == case["reference"]
        assert Decimal(str(case["grossAmount"])) == row.amount_to_recover
    assert len(debitura.cases()) == 3

    app.switch_page("pages/review.py").run()
    for row in rows:
        again = state(app).row(row.invoice_number)
        assert "already_submitted" in {p.code for p in again.problems} and not again.eligible
    # Selecting them again and pressing Create creates nothing new.
    to_submit(app, rows)
    assert not any(label.startswith("Create") for label in [b.label for b in app.button])
    assert len(debitura.cases()) == 3


def test_an_invoice_paid_since_the_import_is_dropped_before_sending(app, fresh_demo_sandboxes):
    open_review(app)
    paid, other = eligible_rows(app, 2)
    to_submit(app, [paid, other])
    fresh_demo_sandboxes.kashflow.set_invoice(
        int(paid.invoice_number), Status="Paid", DueAmount=Decimal("0.0000")
    )
    create_cases(app, 2)
    notes = texts(app.warning)
    assert any(paid.invoice_number in note and "left out" in note for note in notes)
    debitura = fresh_demo_sandboxes.debitura
    assert debitura.case_by_reference(paid.invoice_number) is None
    assert debitura.case_by_reference(other.invoice_number) is not None


def recorded_submissions(numbers) -> dict[str, list]:
    """The app's ledger rows (in its data directory) for these invoice numbers."""
    ledger = SubmissionLedger(open_database(Path(os.environ["APP_DATA_DIR"])))
    found: dict[str, list] = {number: [] for number in numbers}
    for submission in ledger.list():
        if submission.invoice_number in found:
            found[submission.invoice_number].append(submission)
    return found


def assert_each_case_once_at_debitura_and_in_the_app(debitura, rows) -> None:
    numbers = [row.invoice_number for row in rows]
    references = [case["creditorReference"] for case in debitura.cases()]
    assert sorted(references) == sorted(numbers)  # one case per invoice, none twice
    for number, submissions in recorded_submissions(numbers).items():
        assert len(submissions) == 1, f"invoice {number} recorded {len(submissions)} times"
        (submission,) = submissions
        case = debitura.case_by_reference(number)
        assert submission.state == "created" and submission.case_id == case["id"]
        assert submission.case_reference == case["reference"]


def test_a_lost_answer_is_settled_without_a_second_case(app, fresh_demo_sandboxes):
    open_review(app)
    rows = eligible_rows(app, 2)
    to_submit(app, rows)
    debitura = fresh_demo_sandboxes.debitura
    # Debitura stores each case, then the connection drops before the answer: every answer to
    # POST /cases is lost, the retries' replays included.
    debitura.faults.update(
        drop_connection_every=1, drop_after_handler=True, faults_only_on=frozenset({"POST /cases"})
    )
    create_cases(app, 2)
    assert not app.exception
    assert set(outcome_table(app)["Result"]) <= {"unknown", "not sent"}
    assert debitura.stats_snapshot()["cases"]["stored"] == 2  # the cases exist, unseen
    assert sorted(case["creditorReference"] for case in debitura.cases()) == sorted(
        row.invoice_number for row in rows
    )

    debitura.faults.reset()
    create_cases(app, 2)
    assert not app.exception
    assert set(outcome_table(app)["Result"]) <= {"created", "reconciled"}
    assert len(debitura.cases()) == 2
    assert_each_case_once_at_debitura_and_in_the_app(debitura, rows)


def test_an_answer_lost_after_the_case_was_stored_is_replayed_not_duplicated(
    app, fresh_demo_sandboxes
):
    open_review(app)
    rows = eligible_rows(app, 2)
    to_submit(app, rows)
    debitura = fresh_demo_sandboxes.debitura
    debitura.faults.update(drop_after_store_every=1)  # each first answer lost after storing
    create_cases(app, 2)
    assert not app.exception
    assert set(outcome_table(app)["Result"]) == {"created"}
    stats = debitura.stats_snapshot()["cases"]
    assert stats["dropped_after_store"] == 2 and stats["created"] == 2
    assert_each_case_once_at_debitura_and_in_the_app(debitura, rows)


def test_sent_cases_page_joins_the_ledger_with_debitura_and_retries_failures(
    app, fresh_demo_sandboxes
):
    open_review(app)
    rows = eligible_rows(app, 2)
    to_submit(app, rows)
    debitura = fresh_demo_sandboxes.debitura
    debitura.faults.update(missing_contract=True)
    create_cases(app, 2)
    assert "failed" in set(outcome_table(app)["Result"])

    app.switch_page("pages/cases.py").run()
    table = table_with(app, "Case reference").set_index("Invoice")
    failed = [n for n in table.index if table.loc[n, "Case reference"] == ""]
    assert failed and "agreement" in " ".join(table.loc[failed, "Details"]).lower()

    debitura.faults.reset()
    app.multiselect[0].set_value(failed).run()
    button(app, "Retry").click().run()
    table = table_with(app, "Case reference").set_index("Invoice")
    for number in failed:
        assert table.loc[number, "Case reference"] != ""
    assert table.loc[rows[0].invoice_number, "Debtor"] == rows[0].debtor.name
    assert {case["creditorReference"] for case in debitura.cases()} == {
        r.invoice_number for r in rows
    }
