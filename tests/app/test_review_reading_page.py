"""The Review page reads at a glance (AppTest, demo company): an empty result says so, filters
survive a trip to Submit, the by-customer view selects a debtor's invoices, the amount filter
stays inside one currency, and sent invoices show their case apart from the totals."""

from __future__ import annotations

from decimal import Decimal

from mapping.money import display_money
from tests.app.conftest import table_with, texts
from tests.app.test_review_page import edit_grid, open_review, shown, state
from tests.app.test_submit_and_cases_pages import create_cases, eligible_rows, to_submit
from ui.review_grid import DECISION


def test_the_grid_leads_with_the_decision_columns_and_says_status_in_words(app):
    open_review(app)
    table = app.data_editor[0].value
    assert list(table.columns[: len(DECISION)]) == DECISION
    assert "OverduePartPaid" not in set(table["status"].astype(str))
    part_paid = [r.invoice_number for r in state(app).rows if r.status == "OverduePartPaid"]
    assert part_paid, "the demo books have part-paid overdue invoices"
    by_number = table.set_index("invoice_number")
    assert by_number.loc[part_paid[0], "status"] == "Overdue, part paid"


def test_an_empty_result_says_so_and_offers_to_clear_the_filters(app):
    open_review(app)
    app.sidebar.text_input(key="filter_search").input("no invoice is called this").run()
    assert "No invoices match these filters." in texts(app.info)
    assert not app.data_editor
    next(b for b in app.button if b.key == "clear_filters_empty").click().run()
    assert not app.exception
    assert app.sidebar.text_input(key="filter_search").value == ""
    assert len(shown(app)) == len(state(app).rows)


def test_filters_survive_a_trip_to_submit_and_back(app):
    open_review(app)
    app.sidebar.multiselect(key="filter_currencies").set_value(["GBP"]).run()
    app.sidebar.selectbox(key="filter_show").set_value("Eligible").run()
    app.sidebar.number_input(key="filter_amount_from").set_value(1000.0).run()
    before = shown(app)
    assert before and len(before) < len(state(app).rows)
    row = next(r for r in state(app).rows if r.invoice_number == before[0])
    edit_grid(app, {row.invoice_number: {"select": True}})

    app.switch_page("pages/submit.py").run()
    assert not app.exception
    app.switch_page("pages/review.py").run()
    assert not app.exception
    assert app.sidebar.multiselect(key="filter_currencies").value == ["GBP"]
    assert app.sidebar.selectbox(key="filter_show").value == "Eligible"
    assert app.sidebar.number_input(key="filter_amount_from").value == 1000.0
    assert shown(app) == before
    assert state(app).selected == {row.invoice_number}


def test_the_amount_filter_appears_for_one_currency_and_stays_inside_it(app):
    open_review(app)
    assert not [n for n in app.sidebar.number_input if n.key == "filter_amount_from"]
    assert any("choose one currency" in c.value for c in app.sidebar.caption)
    app.sidebar.multiselect(key="filter_currencies").set_value(["GBP"]).run()
    amount = app.sidebar.number_input(key="filter_amount_from")
    assert amount.label == "Outstanding ≥ (GBP)"
    amount.set_value(10_000.0).run()
    rows = {r.invoice_number: r for r in state(app).rows}
    assert sorted(shown(app)) == sorted(
        n for n, r in rows.items() if r.currency == "GBP" and r.amount_to_recover >= 10_000
    )
    # A second currency: amounts no longer compare, so the range is dropped, not misapplied.
    app.sidebar.multiselect(key="filter_currencies").set_value(["GBP", "JPY"]).run()
    assert not [n for n in app.sidebar.number_input if n.key == "filter_amount_from"]
    assert sorted(shown(app)) == sorted(n for n, r in rows.items() if r.currency in ("GBP", "JPY"))


def customer_view(app):
    app.segmented_control(key="review_view").set_value("By customer").run()
    assert not app.exception
    return table_with(app, "Blocked by")


def customer_selection(app, positions: list[int]) -> None:
    table = next(frame for frame in app.dataframe if (frame.key or "").startswith("by-customer"))
    app.session_state[table.key] = {"selection": {"rows": positions, "columns": [], "cells": []}}
    app.run()
    assert not app.exception


def test_the_by_customer_view_selects_all_of_a_debtors_invoices(app):
    open_review(app)
    lines = customer_view(app)
    rows = state(app).rows
    many = next(
        i
        for i, line in lines.iterrows()
        if line["Invoices"] > 1 and line["Cur."] == "GBP" and line["Sent"] == 0
    )
    line = lines.loc[many]
    theirs = {
        r.invoice_number
        for r in rows
        if r.customer_code == line["Customer"] and r.currency == "GBP"
    }
    assert len(theirs) == line["Invoices"]
    expected = sum((state(app).row(n).amount_to_recover for n in theirs), Decimal(0))
    assert display_money(Decimal(str(line["Outstanding"])), "GBP") == display_money(expected, "GBP")

    customer_selection(app, [int(many)])
    assert state(app).selected == theirs
    # The same selection, seen from the invoice grid.
    app.segmented_control(key="review_view").set_value("By invoice").run()
    ticked = app.data_editor[0].value.set_index("invoice_number")["select"]
    assert set(ticked[ticked].index) == theirs
    # Unticking the line unselects them again.
    customer_view(app)
    customer_selection(app, [])
    assert state(app).selected == set()


def test_explain_names_the_changed_fields_as_the_grid_does(app):
    open_review(app)
    row = next(r for r in state(app).rows if r.eligible)
    edit_grid(app, {row.invoice_number: {"debtor_postcode": "LS1 1AA", "debtor_city": "Leeds"}})
    app.selectbox(key="explain_invoice").set_value(row.invoice_number).run()
    assert "You changed: Postcode, City" in texts(app.caption)


def test_sent_invoices_show_their_case_and_leave_the_outstanding_totals(app, fresh_demo_sandboxes):
    open_review(app)
    rows = eligible_rows(app, 2)
    gbp_before = table_with(app, "Outstanding").set_index("Currency").loc[rows[0].currency]
    to_submit(app, rows)
    create_cases(app, 2)
    app.switch_page("pages/review.py").run()
    assert not app.exception

    table = app.data_editor[0].value.set_index("invoice_number")
    for row in rows:
        case = fresh_demo_sandboxes.debitura.case_by_reference(row.invoice_number)
        assert table.loc[row.invoice_number, "readiness"] == f"Sent: case {case['reference']}"
    totals = table_with(app, "Already sent").set_index("Currency")
    currency = rows[0].currency
    sent_here = [r for r in rows if r.currency == currency]
    sent_amount = sum((r.amount_to_recover for r in sent_here), Decimal(0))
    assert totals.loc[currency, "Already sent"].startswith(
        f"{display_money(sent_amount, currency)} in {len(sent_here)} invoice"
    )
    assert totals.loc[currency, "Outstanding"] != gbp_before["Outstanding"]
