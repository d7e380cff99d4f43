"""Connect in real Chromium against a real `streamlit run app.py`."""

from __future__ import annotations

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
