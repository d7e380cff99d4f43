"""Connect in real Chromium against a real `streamlit run app.py`."""

from __future__ import annotations

import re

from playwright.sync_api import Page, expect

from tests.e2e.conftest import wait_for_app

COMPANY = "Harrow & Finch Joinery Ltd"


def test_connect_to_the_demo_company_shows_its_name(page: Page, start_app, screenshot):
    server = start_app()
    page.goto(server.url)
    wait_for_app(page)
    expect(page.get_by_role("button", name="Try the demo company")).to_be_visible()
    screenshot("connect-page")

    page.get_by_role("button", name="Try the demo company").click()
    wait_for_app(page)
    expect(page.get_by_text(f"Connected to {COMPANY}")).to_be_visible(timeout=20_000)
    expect(page.get_by_test_id("stSidebar").get_by_text(COMPANY)).to_be_visible()
    expect(
        page.get_by_text("Sandbox: you are looking at the built-in demo company")
    ).to_be_visible()
    screenshot("connected")


def test_the_demo_login_shown_on_the_page_connects_when_typed(page: Page, start_app, screenshot):
    from workflow.demo import DEMO_CREDENTIALS

    server = start_app()  # no KASHFLOW_BASE_URL: typed logins go to the real KashFlow ...
    page.set_viewport_size({"width": 1366, "height": 768})
    page.goto(server.url)
    wait_for_app(page)
    page.get_by_label("KashFlow login email").fill(DEMO_CREDENTIALS.username)
    page.get_by_label("Password", exact=True).fill(DEMO_CREDENTIALS.password)
    page.get_by_role("textbox", name="Memorable word (all of it)").fill(
        DEMO_CREDENTIALS.memorable_word
    )
    page.get_by_role("button", name="Connect", exact=True).click()
    wait_for_app(page)
    # ... but this login is the demo company's, so it goes there.
    expect(page.get_by_text(f"Connected to {COMPANY}")).to_be_visible(timeout=20_000)
    expect(
        page.get_by_text("Sandbox: you are looking at the built-in demo company")
    ).to_be_visible()
    screenshot("connected-by-typing")
    # What was typed is not on the page any more: the secrets' fields are empty.
    expect(page.get_by_label("Password", exact=True)).to_have_value("")
    expect(page.get_by_role("textbox", name="Memorable word (all of it)")).to_have_value("")

    page.get_by_role("link", name="Review invoices →").click()
    wait_for_app(page)
    expect(page.get_by_role("heading", name="Review open invoices")).to_be_visible()
    expect(page).to_have_url(re.compile(r"/review\?connection=\d+$"))
