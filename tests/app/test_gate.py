"""The gate in AppTest: every page but Connect offers the ways to connect, and connecting
there carries on with that page."""

from __future__ import annotations

import pytest

from tests.app.conftest import button, connect_demo

COMPANY = "Harrow & Finch Joinery Ltd"


@pytest.mark.parametrize("page", ["pages/review.py", "pages/submit.py", "pages/cases.py"])
def test_a_page_without_a_connection_says_why_and_offers_every_way_to_connect(app, page):
    app.run()
    app.switch_page(page).run()
    assert not app.exception
    assert [w.value for w in app.warning if "Connect a KashFlow account first" in w.value]
    assert button(app, "Try the demo company")
    assert button(app, "Connect")  # the login form
    assert not app.data_editor and not app.title


def test_connecting_on_the_gate_carries_on_with_the_page_asked_for(app):
    app.run()
    app.switch_page("pages/review.py").run()
    button(app, "Try the demo company").click().run()
    assert not app.exception
    assert [t.value for t in app.title] == ["Review open invoices"]
    assert app.data_editor  # the import ran and the grid is there


def test_a_saved_connection_reconnects_from_the_gate(app):
    connect_demo(app)
    button(app, "Disconnect").click().run()
    app.switch_page("pages/cases.py").run()
    assert any(COMPANY in m.value for m in app.markdown)  # listed as a saved connection
    button(app, "Reconnect").click().run()
    assert not app.exception
    assert [t.value for t in app.title] == ["Sent cases"]
