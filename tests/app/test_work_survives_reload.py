"""The analyst's edits and ticks outlive the browser session (a reload, a second tab), in
AppTest: a new AppTest on the same data folder is a new browser session."""

from __future__ import annotations

from streamlit.testing.v1 import AppTest

from tests.app.conftest import APP, button, connect_demo, texts

KEPT_NOTE = "Your edits and selection are kept"


def new_session(connection_id: str | None = None) -> AppTest:
    session = AppTest.from_file(str(APP), default_timeout=30)
    if connection_id is not None:
        session.query_params["connection"] = connection_id  # what a reload's address keeps
    return session


def open_review(app: AppTest) -> AppTest:
    app.run()
    app.switch_page("pages/review.py").run()
    assert not app.exception
    return app


def state(app: AppTest):
    return app.session_state["review_state"]


def edit_grid(app: AppTest, changes: dict[str, dict]) -> None:
    grid = app.data_editor[0]
    positions = {n: i for i, n in enumerate(grid.value["invoice_number"].tolist())}
    app.session_state[grid.key] = {
        "edited_rows": {positions[number]: cells for number, cells in changes.items()},
        "added_rows": [],
        "deleted_rows": [],
    }
    app.run()


def test_a_new_session_comes_back_with_the_edits_and_the_selection(app):
    connect_demo(app)
    app.switch_page("pages/review.py").run()
    rows = state(app).rows
    fixed, ticked = rows[0].invoice_number, rows[1].invoice_number
    edit_grid(app, {fixed: {"debtor_city": "Doncaster", "select": True}, ticked: {"select": True}})
    assert state(app).selected == {fixed, ticked}
    assert any(KEPT_NOTE in caption for caption in texts(app.caption))

    for session in (new_session(app.query_params["connection"]), new_session()):
        open_review(session)  # connects by itself, imports afresh, reads the draft back
        assert [t.value for t in session.title] == ["Review open invoices"]
        assert state(session).selected == {fixed, ticked}
        assert state(session).row(fixed).debtor.city == "Doncaster"
        table = session.data_editor[0].value.set_index("invoice_number")
        assert table.loc[fixed, "debtor_city"] == "Doncaster"
        assert set(table.index[table["select"]]) == {fixed, ticked}


def test_a_reset_or_a_cleared_selection_is_gone_in_the_next_session_too(app):
    connect_demo(app)
    app.switch_page("pages/review.py").run()
    fixed = state(app).rows[0].invoice_number
    edit_grid(app, {fixed: {"debtor_city": "Doncaster", "select": True}})
    button(app, "Reset all edits").click().run()
    button(app, "Clear selection").click().run()

    session = open_review(new_session())
    assert state(session).overrides == {} and state(session).selected == set()


def test_a_reload_on_submit_still_has_the_selection_to_send(app):
    connect_demo(app)
    app.switch_page("pages/review.py").run()
    picked = [row.invoice_number for row in state(app).rows if row.eligible][:2]
    edit_grid(app, {number: {"select": True} for number in picked})

    session = new_session(app.query_params["connection"])
    session.run()
    session.switch_page("pages/submit.py").run()
    assert not session.exception
    assert not [i for i in texts(session.info) if "No invoices are selected" in i]
    assert state(session).selected == set(picked)
    assert [b.label for b in session.button if b.label.startswith("Create ")]
