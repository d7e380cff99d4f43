"""A deep link on a freshly started server must land on the guard, never on the page."""

from __future__ import annotations

from playwright.sync_api import Page, expect

from tests.e2e.conftest import wait_for_app


def test_a_deep_link_on_a_fresh_server_lands_on_the_guard(page: Page, start_app, screenshot):
    server = start_app()  # nothing has run st.navigation yet: Streamlit's legacy pages mode
    page.goto(server.url + "/review")
    wait_for_app(page)
    expect(page.get_by_text("Connect a KashFlow account first")).to_be_visible()
    expect(page.get_by_text("Review open invoices")).to_have_count(0)
    screenshot("guard")

    page.get_by_role("link", name="Go to Connect").click()
    wait_for_app(page)
    expect(page.get_by_role("button", name="Try the demo company")).to_be_visible()
    screenshot("connect")
