"""The review grid holds one page of the filtered invoices (AppTest, a 700-invoice sandbox):
pages turn in invoice order, the order applies to every invoice shown, "Select all shown"
takes every page, ticks are kept by invoice number across pages, and an edit the editor still
holds never lands on another invoice when the page shows other rows."""

from __future__ import annotations

import re

import pytest

from mapping import OPEN_STATUSES
from sandbox.kashflow_server import DEMO_MEMORABLE_WORD, DEMO_PASSWORD, DEMO_USERNAME
from tests.app.conftest import button, connect_typed, texts
from tests.app.test_review_page import edit_grid, shown, state
from ui.review_grid import GRID_KEY

INVOICES = 700
TOWN = "Edited-town"  # in no address of the sandbox's books


@pytest.fixture
def review(app, start_kashflow_sandbox, monkeypatch):
    server = start_kashflow_sandbox(
        invoices=INVOICES,
        customers=140,
        status_weights={status: 1.0 for status in OPEN_STATUSES},
    )
    monkeypatch.setenv("KASHFLOW_BASE_URL", server.url)
    app.run()
    connect_typed(app, DEMO_USERNAME, DEMO_PASSWORD, DEMO_MEMORABLE_WORD)
    app.switch_page("pages/review.py").run()
    assert not app.exception
    return app


def page_line(app) -> str:
    return next(text for text in texts(app.caption) if text.startswith("Rows "))


def all_numbers(app) -> list[str]:
    return [row.invoice_number for row in state(app).rows]


def test_only_one_page_goes_to_the_grid_and_the_pages_turn_in_invoice_order(review):
    app = review
    numbers = all_numbers(app)
    total = len(numbers)
    assert 500 < total <= INVOICES
    assert shown(app) == numbers[:250]
    assert page_line(app) == f"Rows 1–250 of {total} · page 1 of 3"
    assert f"Showing {total} of {total}" in " ".join(texts(app.caption))

    button(app, "Next").click().run()
    assert shown(app) == numbers[250:500]
    assert page_line(app) == f"Rows 251–500 of {total} · page 2 of 3"
    app.number_input(key="grid_page").set_value(3).run()
    assert shown(app) == numbers[500:]
    assert next(b for b in app.button if b.label == "Next").disabled

    app.selectbox(key="grid_page_size").set_value(500).run()  # a new size starts at the top
    assert shown(app) == numbers[:500]
    assert page_line(app) == f"Rows 1–500 of {total} · page 1 of 2"


def test_a_filter_change_goes_back_to_the_first_page_and_keeps_one_editor(review):
    app = review
    button(app, "Next").click().run()
    assert app.data_editor[0].key == f"{GRID_KEY}-0"
    statuses = ["Unpaid", "Overdue", "OverduePartPaid"]
    app.sidebar.multiselect(key="filter_statuses").set_value(statuses).run()
    overdue = [r.invoice_number for r in state(app).rows if r.status in statuses]
    assert len(overdue) > 250
    assert shown(app) == overdue[:250]
    assert page_line(app).startswith(f"Rows 1–250 of {len(overdue)} · page 1 of")
    assert app.data_editor[0].key == f"{GRID_KEY}-0"  # the same editor, other rows


def test_the_order_applies_to_every_invoice_shown_not_only_the_page(review):
    app = review
    app.selectbox(key="grid_sort").set_value("Most days overdue").run()
    rows = state(app).rows
    by_age = sorted(range(len(rows)), key=lambda i: -rows[i].days_overdue)  # stable
    assert shown(app) == [rows[i].invoice_number for i in by_age[:250]]
    button(app, "Next").click().run()
    assert shown(app) == [rows[i].invoice_number for i in by_age[250:500]]


def test_select_all_shown_takes_every_page_and_says_how_many(review):
    app = review
    app.sidebar.multiselect(key="filter_statuses").set_value(["Unpaid", "Overdue"]).run()
    wanted = {r.invoice_number for r in state(app).rows if r.status in ("Unpaid", "Overdue")}
    assert len(wanted) > 250  # more than the page
    button(app, f"Select all shown ({len(wanted)})").click().run()
    assert state(app).selected == wanted
    assert any(f"**{len(wanted)} selected**" in line.value for line in app.markdown)


def test_a_tick_on_page_two_is_kept_by_invoice_number(review):
    app = review
    button(app, "Next").click().run()
    second_page = shown(app)
    edit_grid(app, {second_page[3]: {"select": True}})
    assert state(app).selected == {second_page[3]}
    button(app, "Previous").click().run()
    ticks = app.data_editor[0].value["select"]
    assert not ticks.any()  # nothing on page one was ticked by position
    button(app, "Next").click().run()
    ticked = app.data_editor[0].value.set_index("invoice_number")["select"]
    assert ticked[ticked].index.tolist() == [second_page[3]]


def test_an_edit_the_editor_still_holds_never_lands_on_another_invoice(review):
    app = review
    first, second = shown(app)[0], shown(app)[250 - 1]
    edit_grid(app, {first: {"debtor_city": TOWN}})
    assert state(app).overrides == {first: {"city": TOWN}}
    # The editor's own state still says "row 0: the town"; the next page has other rows.
    button(app, "Next").click().run()
    assert not app.exception
    page_two = app.data_editor[0].value.set_index("invoice_number")
    assert TOWN not in set(page_two["debtor_city"].astype(str))
    assert state(app).overrides == {first: {"city": TOWN}}
    assert second not in state(app).overrides
    button(app, "Previous").click().run()
    page_one = app.data_editor[0].value.set_index("invoice_number")
    assert page_one.loc[first, "debtor_city"] == TOWN


def test_the_explain_list_offers_the_page_on_screen(review):
    app = review
    button(app, "Next").click().run()
    explain = app.selectbox(key="explain_invoice")
    assert [re.sub(r" · .*", "", option) for option in explain.options] == shown(app)
