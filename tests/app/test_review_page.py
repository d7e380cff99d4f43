"""The Review page in AppTest against the demo company (the in-process KashFlow sandbox)."""

from __future__ import annotations

import re
from decimal import Decimal

import pytest

from mapping.money import display_money
from sandbox.kashflow_server import DEMO_MEMORABLE_WORD, DEMO_PASSWORD, DEMO_USERNAME
from tests.app.conftest import button, connect_demo, connect_typed, table_with, texts
from workflow.settings import Settings
from workflow.workspace import Workspace


def open_review(app):
    connect_demo(app)
    app.switch_page("pages/review.py").run()
    assert not app.exception
    return app


def state(app):
    return app.session_state["review_state"]


def shown(app) -> list[str]:
    return app.data_editor[0].value["invoice_number"].tolist()


def edit_grid(app, changes: dict[str, dict]) -> None:
    """Edit cells the way the browser does: the editor's state, by row position."""
    grid = app.data_editor[0]
    positions = {number: index for index, number in enumerate(shown(app))}
    app.session_state[grid.key] = {
        "edited_rows": {positions[number]: cells for number, cells in changes.items()},
        "added_rows": [],
        "deleted_rows": [],
    }
    app.run()


def invoice_list_requests(servers) -> int:
    routes = servers.kashflow.stats_snapshot()["routes"]
    return sum(count for route, count in routes.items() if route.startswith("GET /v2/invoices"))


def caption_text(app) -> str:
    return " ".join(texts(app.caption))


def test_opening_the_page_imports_with_progress(app, fresh_demo_sandboxes):
    open_review(app)
    expected = {str(n) for n in fresh_demo_sandboxes.kashflow.dataset.open_invoice_numbers()}
    assert re.fullmatch(rf"Fetched {len(expected)} invoices at \d\d:\d\d", app.status[0].label)
    assert set(shown(app)) == expected
    assert f"Showing {len(expected)} of {len(expected)}" in caption_text(app)


def test_filters_do_not_fetch_again_but_reentering_does(app, fresh_demo_sandboxes):
    open_review(app)
    fetched = invoice_list_requests(fresh_demo_sandboxes)
    app.sidebar.multiselect(key="filter_currencies").set_value(["EUR"]).run()
    app.sidebar.text_input(key="filter_search").input("a").run()
    assert invoice_list_requests(fresh_demo_sandboxes) == fetched
    app.switch_page("pages/connect.py").run()
    app.switch_page("pages/review.py").run()
    assert invoice_list_requests(fresh_demo_sandboxes) == 2 * fetched
    button(app, "Refresh from KashFlow").click().run()
    assert invoice_list_requests(fresh_demo_sandboxes) == 3 * fetched


def test_each_filter_narrows_the_rows_as_stated(app):
    open_review(app)
    rows = {row.invoice_number: row for row in state(app).rows}
    total = len(rows)

    def check(expected) -> None:
        assert sorted(shown(app)) == sorted(expected)
        assert f"Showing {len(expected)} of {total}" in caption_text(app)

    app.sidebar.multiselect(key="filter_currencies").set_value(["EUR", "USD"]).run()
    check([n for n, r in rows.items() if r.currency in ("EUR", "USD")])
    app.sidebar.multiselect(key="filter_currencies").set_value([]).run()

    app.sidebar.multiselect(key="filter_statuses").set_value(["OverduePartPaid"]).run()
    check([n for n, r in rows.items() if r.status == "OverduePartPaid"])
    app.sidebar.multiselect(key="filter_statuses").set_value([]).run()

    due = sorted(r.due_date for r in rows.values() if r.due_date)
    low, high = due[len(due) // 4], due[len(due) // 2]
    app.sidebar.date_input(key="filter_due").set_value((low, high)).run()
    check([n for n, r in rows.items() if r.due_date and low <= r.due_date <= high])
    app.sidebar.date_input(key="filter_due").set_value(()).run()

    issued = sorted(r.issued_date for r in rows.values() if r.issued_date)
    since = issued[len(issued) // 2]
    app.sidebar.date_input(key="filter_issued").set_value((since, issued[-1])).run()
    check([n for n, r in rows.items() if r.issued_date and r.issued_date >= since])
    app.sidebar.date_input(key="filter_issued").set_value(()).run()

    app.sidebar.number_input(key="filter_days_from").set_value(90).run()
    check([n for n, r in rows.items() if r.days_overdue >= 90])
    app.sidebar.multiselect(key="filter_currencies").set_value(["GBP"]).run()
    app.sidebar.number_input(key="filter_amount_to").set_value(1000.0).run()
    check(
        [
            n
            for n, r in rows.items()
            if r.currency == "GBP" and r.days_overdue >= 90 and r.amount_to_recover <= 1000
        ]
    )
    button(app, "Clear filters").click().run()
    check(list(rows))

    app.sidebar.multiselect(key="filter_buckets").set_value(["31–60", "61–90"]).run()
    check([n for n, r in rows.items() if 31 <= r.days_overdue <= 90])
    button(app, "Clear filters").click().run()

    app.sidebar.multiselect(key="filter_debtor_types").set_value(["Private"]).run()
    check([n for n, r in rows.items() if r.debtor.type == "Private"])
    button(app, "Clear filters").click().run()

    app.sidebar.selectbox(key="filter_show").set_value("Eligible").run()
    check([n for n, r in rows.items() if r.eligible])
    app.sidebar.selectbox(key="filter_show").set_value("With blocking problems").run()
    check([n for n, r in rows.items() if not r.eligible])
    button(app, "Clear filters").click().run()

    some = next(iter(rows.values()))
    app.sidebar.text_input(key="filter_search").input(some.debtor.name.upper()).run()
    check([n for n, r in rows.items() if some.debtor.name.casefold() in r.debtor.name.casefold()])


def only_missing_city(app):
    """An invoice whose only blocking problem is the missing city."""
    for row in state(app).rows:
        errors = {p.code for p in row.problems if p.severity == "error"}
        if errors == {"missing_city"}:
            return row
    pytest.fail("the demo data should have an invoice missing only its city")


def test_an_edit_revalidates_at_once_and_survives_filter_changes(app):
    open_review(app)
    row = only_missing_city(app)
    edit_grid(app, {row.invoice_number: {"debtor_city": "Doncaster"}})
    fixed = state(app).row(row.invoice_number)
    assert fixed.debtor.city == "Doncaster" and fixed.eligible
    table = app.data_editor[0].value.set_index("invoice_number")
    assert table.loc[row.invoice_number, "readiness"].startswith("Ready")

    other = "EUR" if row.currency != "EUR" else "GBP"
    app.sidebar.multiselect(key="filter_currencies").set_value([other]).run()
    app.sidebar.multiselect(key="filter_currencies").set_value([row.currency]).run()
    table = app.data_editor[0].value.set_index("invoice_number")
    assert table.loc[row.invoice_number, "debtor_city"] == "Doncaster"
    assert state(app).overrides[row.invoice_number] == {"city": "Doncaster"}


def test_edits_can_be_reset_and_applied_to_the_whole_customer(app):
    open_review(app)
    row = only_missing_city(app)
    edit_grid(app, {row.invoice_number: {"debtor_city": "Doncaster"}})
    siblings = [r.invoice_number for r in state(app).rows if r.customer_code == row.customer_code]
    app.selectbox(key="explain_invoice").set_value(row.invoice_number).run()
    if len(siblings) > 1:
        button(app, f"Apply to all {len(siblings)} invoices of {row.customer_code}").click().run()
        assert all(state(app).row(n).debtor.city == "Doncaster" for n in siblings)
    button(app, "Reset all edits").click().run()
    assert not state(app).overrides
    assert "missing_city" in {p.code for p in state(app).row(row.invoice_number).problems}


def test_the_selection_survives_filters_and_shows_totals_per_currency(app):
    open_review(app)
    rows = state(app).rows
    gbp = next(r for r in rows if r.currency == "GBP")
    eur = next(r for r in rows if r.currency == "EUR")
    edit_grid(app, {gbp.invoice_number: {"select": True}, eur.invoice_number: {"select": True}})
    assert state(app).selected == {gbp.invoice_number, eur.invoice_number}

    app.sidebar.multiselect(key="filter_currencies").set_value(["USD"]).run()
    assert state(app).selected == {gbp.invoice_number, eur.invoice_number}
    line = " ".join(m.value for m in app.markdown)
    assert "2 selected" in line
    assert f"{display_money(gbp.amount_to_recover, 'GBP')} GBP" in line
    assert f"{display_money(eur.amount_to_recover, 'EUR')} EUR" in line
    button(app, "Clear filters").click().run()
    ticked = app.data_editor[0].value.set_index("invoice_number")["select"]
    assert ticked[ticked].index.tolist() == sorted(
        [gbp.invoice_number, eur.invoice_number], key=shown(app).index
    )


def test_select_buttons_work_on_the_rows_shown(app):
    open_review(app)
    app.sidebar.multiselect(key="filter_currencies").set_value(["GBP"]).run()
    gbp_eligible = {r.invoice_number for r in state(app).rows if r.currency == "GBP" and r.eligible}
    button(app, f"Select all eligible shown ({len(gbp_eligible)})").click().run()
    assert state(app).selected == gbp_eligible
    button(app, f"Select all shown ({len(shown(app))})").click().run()
    assert state(app).selected == set(shown(app))
    button(app, "Clear selection").click().run()
    assert state(app).selected == set()
    # Nothing eligible among the rows shown: the button says 0 and cannot be pressed.
    app.sidebar.selectbox(key="filter_show").set_value("With blocking problems").run()
    assert button(app, "Select all eligible shown (0)").disabled


def test_totals_per_currency_are_exact_never_mixed_and_read_as_words(app):
    open_review(app)
    totals = table_with(app, "Outstanding").set_index("Currency")
    rows = state(app).rows
    for currency in {r.currency for r in rows}:
        mine = [r for r in rows if r.currency == currency]
        outstanding = sum((r.amount_to_recover for r in mine), Decimal(0))
        assert totals.loc[currency, "Outstanding"] == (
            f"{display_money(outstanding, currency)} in {len(mine)} "
            f"invoice{'s' if len(mine) != 1 else ''}"
        )
        eligible = [r for r in mine if r.eligible]
        if eligible:
            amount = sum((r.amount_to_recover for r in eligible), Decimal(0))
            assert totals.loc[currency, "Ready to send"].startswith(
                f"{display_money(amount, currency)} in {len(eligible)} invoice"
            )
    assert not any("(" in cell for cell in totals.to_numpy().ravel())


def follow_continue_link(app) -> None:
    """Follow "Continue to submit" (a page link: AppTest switches pages itself)."""
    link = next(link for link in app.page_link if link.value == "Continue to submit")
    assert not link.proto.disabled
    app.switch_page("pages/submit.py").run()
    assert not app.exception
    assert [t.value for t in app.title] == ["Send to Debitura"]


def test_continue_to_submit_is_offered_once_something_is_selected(app):
    open_review(app)
    link = next(link for link in app.page_link if link.value == "Continue to submit")
    assert link.proto.disabled
    row = next(r for r in state(app).rows if r.eligible)
    edit_grid(app, {row.invoice_number: {"select": True}})
    follow_continue_link(app)
    assert any("1 case to create" in h.value for h in app.subheader)


def test_the_page_is_guarded_without_a_connection(app):
    app.run()
    app.switch_page("pages/review.py").run()
    assert any("Connect a KashFlow account first" in w.value for w in app.warning)
    assert not app.data_editor


def test_a_failed_import_says_why_and_can_be_retried(app, fresh_demo_sandboxes):
    connect_demo(app)
    fresh_demo_sandboxes.kashflow.faults.update(status_500_every=1)
    app.switch_page("pages/review.py").run()
    assert "KashFlow is having problems" in texts(app.error)[0]
    fresh_demo_sandboxes.kashflow.faults.reset()
    button(app, "Try again").click().run()
    assert not app.error and app.data_editor


def test_an_account_without_open_invoices_says_so(app, start_kashflow_sandbox, monkeypatch):
    server = start_kashflow_sandbox(status_weights={"Paid": 1.0}, invoices=20, customers=5)
    monkeypatch.setenv("KASHFLOW_BASE_URL", server.url)
    app.run()
    connect_typed(app, DEMO_USERNAME, DEMO_PASSWORD, DEMO_MEMORABLE_WORD)
    app.switch_page("pages/review.py").run()
    assert any("no unpaid or overdue invoices" in info.value for info in app.info)


def test_with_several_saved_connections_the_page_offers_a_picker(
    app, start_kashflow_sandbox, monkeypatch, fresh_demo_sandboxes
):
    other = start_kashflow_sandbox(invoices=60, customers=30, seed=7)
    monkeypatch.setenv("KASHFLOW_BASE_URL", other.url)
    app.run()
    connect_typed(app, DEMO_USERNAME, DEMO_PASSWORD, DEMO_MEMORABLE_WORD)
    button(app, "Try the demo company").click().run()  # the last one used
    app.switch_page("pages/review.py").run()
    picker = app.selectbox(key="connection_picker")
    assert len(picker.options) == 2
    assert sorted(picker.options)[1].endswith("· demo")  # the two are told apart
    demo_rows = len(state(app).rows)  # the last connection used is preselected
    assert demo_rows == len(fresh_demo_sandboxes.kashflow.dataset.open_invoice_numbers())
    typed = next(c.id for c in Workspace.open(Settings.load()).connections.list() if not c.is_demo)
    picker.set_value(typed).run()
    assert not app.exception
    assert len(state(app).rows) == len(other.dataset.open_invoice_numbers()) != demo_rows


def test_each_edit_kept_and_each_reset_is_in_the_audit_log_with_fields_not_values(app):
    open_review(app)
    row = only_missing_city(app)
    edit_grid(app, {row.invoice_number: {"debtor_city": "Doncaster"}})
    button(app, "Reset all edits").click().run()
    audit = Workspace.open(Settings.load()).audit
    edits = [
        (entry.actor, entry.event, entry.detail)
        for entry in reversed(audit.entries())
        if entry.event.startswith("review_")
    ]
    assert edits == [
        ("local", "review_edited", f"Invoice {row.invoice_number}: city"),
        ("local", "review_edit_reset", f"Invoice {row.invoice_number}: city"),
    ]
    assert "Doncaster" not in str(audit.entries())  # what was typed stays in the draft only
