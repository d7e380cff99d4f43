"""Sent cases: a payment KashFlow recorded after the case was sent is flagged, and one press
tells the partner, once however often the page is refreshed or the button pressed."""

from __future__ import annotations

import copy
from decimal import Decimal

import pytest

from mapping.dates import london_today, uk_date
from tests.app.conftest import button, table_with
from tests.app.test_review_page import open_review
from tests.app.test_submit_and_cases_pages import create_cases, eligible_rows, to_submit


@pytest.fixture
def restored_books(fresh_demo_sandboxes):
    """The demo KashFlow books live for the whole process: put back what a test paid."""
    kashflow = fresh_demo_sandboxes.kashflow
    saved = {}

    def keep(number: str) -> None:
        invoice = kashflow.dataset.invoice(number)
        saved[number] = copy.deepcopy((invoice.summary, invoice.detail, invoice.paid_home))

    yield keep
    for number, (summary, detail, paid_home) in saved.items():
        invoice = kashflow.dataset.invoice(number)
        invoice.summary.clear()
        invoice.summary.update(summary)
        invoice.detail.clear()
        invoice.detail.update(detail)
        invoice.paid_home = paid_home
        # Through set_invoice, so the status, balance and cached answers follow.
        kashflow.set_invoice(
            number, **{k: detail[k] for k in ("Status", "DueAmount") if k in detail}
        )


def tell_button(app):
    return [b for b in app.button if b.label.startswith("Tell the partners")]


def test_a_payment_since_the_case_was_sent_is_flagged_and_told_once(
    app, fresh_demo_sandboxes, restored_books
):
    open_review(app)
    (row,) = eligible_rows(app, 1)
    to_submit(app, [row])
    create_cases(app, 1)
    kashflow, debitura = fresh_demo_sandboxes.kashflow, fresh_demo_sandboxes.debitura
    restored_books(row.invoice_number)
    today = london_today()
    kashflow.add_payment(row.invoice_number, Decimal("25.00"), today, reference="BACS 77")

    app.switch_page("pages/cases.py").run()
    assert not app.exception
    assert "Paid directly in KashFlow" in [header.value for header in app.subheader]
    shown = table_with(app, "In KashFlow").set_index("Invoice")
    summary = shown.loc[row.invoice_number, "In KashFlow"]
    assert summary.startswith(f"paid in KashFlow on {uk_date(today)}: ")
    assert "25.00" in summary and shown.loc[row.invoice_number, "Partner"] == "not told yet"
    (tell,) = tell_button(app)
    assert tell.label == "Tell the partners (1)" and tell.proto.type == "primary"

    tell.click().run()
    assert not app.exception
    case_id = debitura.case_by_reference(row.invoice_number)["id"]
    assert len(debitura.chats.chats(case_id)) == 1
    shown = table_with(app, "In KashFlow").set_index("Invoice")
    assert shown.loc[row.invoice_number, "Partner"].startswith(f"told on {uk_date(today)}")
    assert tell_button(app) == []  # nothing left to tell

    button(app, "Refresh status from Debitura").click().run()
    app.switch_page("pages/review.py").run()
    app.switch_page("pages/cases.py").run()
    assert tell_button(app) == []
    assert len(debitura.chats.chats(case_id)) == 1
