"""Eligible means Debitura will take it: the minimum blocks on Review, Debitura's preview is
asked from Review and Submit, its refusals are held back (now and on the next visit, and not
offered as a retry), and nothing is sent before the confirmation."""

from __future__ import annotations

import os
from pathlib import Path

from store import SubmissionLedger, open_database
from tests.app.conftest import button, table_with, texts
from tests.app.test_review_page import follow_continue_link, open_review, state
from tests.app.test_submit_and_cases_pages import eligible_rows, select

UNDER_MINIMUM = "1118"  # the demo company's £54 invoice


def ledger_entry(number: str):
    ledger = SubmissionLedger(open_database(Path(os.environ["APP_DATA_DIR"])))
    return next((s for s in ledger.list() if s.invoice_number == number), None)


def to_submit(app, rows):
    select(app, rows)
    follow_continue_link(app)
    assert not app.exception
    return app


def move_debtor_to_russia(app, row) -> None:
    """An edit Review accepts but Debitura refuses: it has no partner for Russian debtors."""
    state(app).edit({row.invoice_number: {"country": "RU"}})


def test_an_invoice_clearly_under_the_minimum_is_blocked_with_its_amount_in_words(app):
    open_review(app)
    row = state(app).row(UNDER_MINIMUM)
    assert not row.eligible
    (minimum,) = [p for p in row.problems if p.code == "below_minimum"]
    assert minimum.severity == "error"
    assert minimum.message.startswith("£54.00, about USD 71: under Debitura's USD 100 minimum")

    sendable = eligible_rows(app, 2)
    to_submit(app, [row, *sendable])
    assert any("cannot be sent until fixed" in e.value for e in app.error)
    assert any(UNDER_MINIMUM in m and "about USD 71" in m for m in texts(app.markdown))
    assert "Create 2 cases" in [b.label for b in app.button]


def test_create_asks_for_a_confirmation_with_totals_per_currency_and_cancel_sends_nothing(
    app, fresh_demo_sandboxes
):
    open_review(app)
    rows = state(app).rows
    gbp = [r for r in rows if r.eligible and r.currency == "GBP"][:2]
    eur = [r for r in rows if r.eligible and r.currency == "EUR"][:1]
    to_submit(app, [*gbp, *eur])
    button(app, "Create 3 cases").click().run()

    gbp_total = sum(r.amount_to_recover for r in gbp)
    expected = f"Create 3 cases: GBP {gbp_total:,.2f} · EUR {eur[0].amount_to_recover:,.2f}"
    assert f"**{expected}**" in texts(app.markdown)
    assert fresh_demo_sandboxes.debitura.cases() == []  # nothing sent before confirming

    button(app, "Cancel").click().run()
    assert not any(expected in text for text in texts(app.markdown))
    assert "Yes, create 3 cases" not in [b.label for b in app.button]
    assert fresh_demo_sandboxes.debitura.cases() == []


def test_a_refusal_of_the_preview_is_held_back_now_and_on_the_next_visit(app, fresh_demo_sandboxes):
    open_review(app)
    refused, *accepted = eligible_rows(app, 3)
    move_debtor_to_russia(app, refused)
    to_submit(app, [refused, *accepted])
    assert "Create 3 cases" in [b.label for b in app.button]

    button(app, "Check with Debitura").click().run()
    assert not app.exception
    assert "Debitura's preview: **2 eligible · 1 refused**" in texts(app.markdown)
    assert any("refused by Debitura, so held back" in w for w in texts(app.warning))
    reasons = [m for m in texts(app.markdown) if refused.invoice_number in m]
    assert any("Debitura's preview refused it, so it is not sent" in m for m in reasons)
    assert "Create 2 cases" in [b.label for b in app.button]
    cases = table_with(app, "Creditor reference")
    assert refused.invoice_number not in set(cases["Creditor reference"])

    # The next visit counts it out again: the refusal is in the ledger, not just on screen.
    app.switch_page("pages/review.py").run()
    app.switch_page("pages/submit.py").run()
    assert "Create 2 cases" in [b.label for b in app.button]
    entry = ledger_entry(refused.invoice_number)
    assert entry.state == "failed" and entry.error_kind == "PreviewRefused"
    assert entry.attempts == 0  # never sent

    button(app, "Create 2 cases").click().run()
    button(app, "Yes, create 2 cases").click().run()
    debitura = fresh_demo_sandboxes.debitura
    assert {c["creditorReference"] for c in debitura.cases()} == {
        r.invoice_number for r in accepted
    }


def test_sent_cases_offers_a_preview_refusal_again_only_once_the_invoice_changed(
    app, fresh_demo_sandboxes
):
    open_review(app)
    refused, accepted = eligible_rows(app, 2)
    move_debtor_to_russia(app, refused)
    to_submit(app, [refused, accepted])
    button(app, "Check with Debitura").click().run()

    app.switch_page("pages/cases.py").run()
    assert not app.exception
    assert "Retry" not in [b.label for b in app.button]
    assert any(refused.invoice_number in c and "not offered again" in c for c in texts(app.caption))

    state(app).edit({refused.invoice_number: {"country": "GB"}})  # fixed on Review
    app.run()
    assert app.multiselect[0].options == [refused.invoice_number]
    button(app, "Retry").click().run()
    assert fresh_demo_sandboxes.debitura.case_by_reference(refused.invoice_number) is not None


def test_review_checks_the_selection_with_debitura_and_says_what_it_refused(app):
    open_review(app)
    refused, accepted = eligible_rows(app, 2)
    move_debtor_to_russia(app, refused)
    blocked = state(app).row(UNDER_MINIMUM)
    select(app, [refused, accepted, blocked])
    button(app, "Check with Debitura (2 selected)").click().run()
    assert not app.exception
    markdown = texts(app.markdown)
    assert "**1 eligible · 1 refused**" in markdown
    assert any(m.startswith(f"- **{refused.invoice_number}**: Refused:") for m in markdown)
    assert any("Not asked, blocked here first (1): 1118" in m for m in markdown)

    # Submit reads the same answers: no second request needed to show them.
    follow_continue_link(app)
    assert "Debitura's preview: **1 eligible · 1 refused**" in texts(app.markdown)
