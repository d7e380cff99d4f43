"""The Connect page keeps a creditor-reference prefix with the connection, refuses one that
will not do, and the Review rows then carry it."""

from __future__ import annotations

from tests.app.conftest import button, connect_demo


def save_prefix(app, text):
    field = next(t for t in app.text_input if t.label == "Creditor-reference prefix")
    field.input(text)
    button(app, "Save prefix").click()
    return app.run()


def test_a_saved_prefix_shows_and_reaches_the_review_rows(app):
    connect_demo(app)
    save_prefix(app, " HF- ")
    assert not app.exception and not app.error
    assert any("HF-1121" in caption.value for caption in app.caption)
    app.switch_page("pages/review.py").run()
    rows = app.session_state["review_state"].rows
    assert rows and all(row.creditor_reference == f"HF-{row.invoice_number}" for row in rows)


def test_a_prefix_that_will_not_do_is_refused_in_words(app):
    connect_demo(app)
    save_prefix(app, "H F!")
    assert any("letters, digits" in error.value for error in app.error)
    assert not any("HF" in caption.value for caption in app.caption)
