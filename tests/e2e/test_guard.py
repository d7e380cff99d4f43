"""A visitor who is not connected lands on a working way to connect, on the page they asked for,
in both of Streamlit's multipage modes, and never sees an error box."""

from __future__ import annotations

from playwright.sync_api import Browser, Page, expect

from tests.e2e.conftest import wait_for_app

GATE = "Connect a KashFlow account first"
ERROR_BOXES = "[data-testid='stException'], [data-testid='stAlertContentError']"


def expect_gate(page: Page) -> None:
    expect(page.get_by_text(GATE)).to_be_visible()
    expect(page.get_by_role("button", name="Try the demo company")).to_be_visible()
    expect(page.locator(ERROR_BOXES)).to_have_count(0)
    expect(page.get_by_text("This app has encountered an error")).to_have_count(0)


def connect_demo_here(page: Page) -> None:
    page.get_by_role("button", name="Try the demo company").click()
    wait_for_app(page)


def test_a_deep_link_on_a_fresh_server_connects_and_goes_on_to_that_page(
    page: Page, start_app, screenshot
):
    server = start_app()  # nothing has run st.navigation yet: Streamlit's legacy pages mode
    page.goto(server.url + "/review")
    wait_for_app(page)
    expect_gate(page)
    expect(page.get_by_text("Review open invoices")).to_have_count(0)
    # The sidebar names the pages by title in this mode too, not by file name.
    expect(page.get_by_role("link", name="Sent cases")).to_be_visible()
    screenshot("gate")

    connect_demo_here(page)
    expect(page.get_by_role("heading", name="Review open invoices")).to_be_visible()
    expect(page.get_by_text("Harrow & Finch Joinery Ltd").first).to_be_visible()
    expect(page.locator(ERROR_BOXES)).to_have_count(0)
    screenshot("review")


def test_deep_links_after_the_server_served_someone_land_on_the_gate(
    browser: Browser, start_app, screenshot, page: Page
):
    server = start_app()
    page.goto(server.url)  # one session runs st.navigation: the server leaves legacy mode
    wait_for_app(page)
    expect(page.get_by_role("button", name="Try the demo company")).to_be_visible()

    for path in ("/review", "/submit", "/cases"):
        fresh = browser.new_context(viewport={"width": 1366, "height": 768})
        visitor = fresh.new_page()
        visitor.goto(server.url + path)
        wait_for_app(visitor)
        expect_gate(visitor)
        fresh.close()

    page.goto(server.url + "/review")
    wait_for_app(page)
    page.reload()  # a new session, and nothing saved to pick up: not connected
    wait_for_app(page)
    expect_gate(page)
    screenshot("review-after-reload")
    connect_demo_here(page)
    expect(page.get_by_role("heading", name="Review open invoices")).to_be_visible()
    expect(page.locator(ERROR_BOXES)).to_have_count(0)
    expect(page).to_have_url(server.url + "/review?connection=1")  # a reload comes back here
