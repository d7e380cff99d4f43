"""Outside text is data, in real Chromium: a KashFlow company and customers whose names are
Markdown, HTML, LaTeX, bare links and Streamlit icon codes are shown as the characters they
are, on the Connect, Review and Submit pages and in the sidebar. The browser fetches nothing
from the "image host" the names point at, typesets no formula and makes no link from them.

The app runs in its own process against a KashFlow sandbox started here, in the test, with
the hostile books; it connects with typed credentials, as a person would.
"""

from __future__ import annotations

import re

import pytest
from playwright.sync_api import Page, expect

from mapping.dates import london_today
from mapping.outside_text import terminal_text
from sandbox.kashflow_server import DEMO_MEMORABLE_WORD, DEMO_PASSWORD, DEMO_USERNAME
from tests.e2e.conftest import wait_for_app
from tests.e2e.grid import tick
from tests.hostile_books import hostile_books, image_host
from ui.plain import WORD_JOINER


@pytest.fixture
def image_server():
    """A local "image host" the hostile names point at: its URL and the paths it was asked."""
    with image_host() as (url, hits):
        yield url, hits


def visible(text: str) -> str:
    """What a page should read for ``text``: its characters, controls gone, spaces collapsed."""
    return " ".join(terminal_text(text).split())


def page_text(page: Page) -> str:
    text = page.evaluate("document.body.innerText").replace(WORD_JOINER, "")
    return " ".join(text.split())


def assert_shown_as_text(page: Page, image_url: str, hits: list[str], requests: list[str]):
    """No markup came out of the data: no fetch from the image host, no formula, no link."""
    page.wait_for_timeout(500)  # an <img> would have been asked for by now
    assert [url for url in requests if url.startswith(image_url)] == []
    assert hits == []
    assert page.locator(".katex, .katex-display, math").count() == 0
    assert page.locator(f"img[src^='{image_url}']").count() == 0
    hrefs = page.locator("a[href]").evaluate_all("links => links.map(a => a.href)")
    assert [href for href in hrefs if "evil.example" in href or image_url in href] == []


def test_hostile_names_are_shown_as_text_on_every_page(
    page: Page, start_app, screenshot, start_kashflow_sandbox, image_server
):
    image_url, hits = image_server
    books = hostile_books(image_url, as_of=london_today())
    kashflow = start_kashflow_sandbox(**books.config)
    server = start_app({"KASHFLOW_BASE_URL": kashflow.url})
    requests: list[str] = []
    page.on("request", lambda request: requests.append(request.url))
    page.set_viewport_size({"width": 1440, "height": 1000})

    page.goto(server.url)
    wait_for_app(page)
    page.get_by_label("KashFlow login email").fill(DEMO_USERNAME)
    page.get_by_label("Password", exact=True).fill(DEMO_PASSWORD)
    page.get_by_role("textbox", name="Memorable word (all of it)").fill(DEMO_MEMORABLE_WORD)
    page.get_by_role("button", name="Connect", exact=True).click()
    wait_for_app(page)
    expect(page.get_by_role("button", name="Disconnect")).to_be_visible(timeout=20_000)
    company = visible(books.company)
    text = page_text(page)
    assert f"Connected to {company}" in text
    assert f"{company} ({DEMO_USERNAME})" in text  # the saved connection
    sidebar = page.get_by_test_id("stSidebar").inner_text().replace(WORD_JOINER, "")
    assert company in " ".join(sidebar.split())
    assert_shown_as_text(page, image_url, hits, requests)
    screenshot("connected")

    page.get_by_role("link", name="Review invoices").first.click()
    wait_for_app(page)
    expect(page.get_by_text(re.compile(r"Fetched \d+ invoices at"))).to_be_visible()
    page.get_by_text("Explain an invoice").first.click()  # open the expander
    wait_for_app(page)
    text = page_text(page)
    assert f"{company}: fetched" in text
    assert f"VAT number {visible(books.vat)}" in text  # the explain panel, first invoice
    assert_shown_as_text(page, image_url, hits, requests)
    screenshot("review")

    # Tick the first invoice of each hostile customer (the first has no address: blocked).
    numbers = [str(n) for n in kashflow.dataset.open_invoice_numbers()]
    firsts = {}
    for number in numbers:
        code = kashflow.dataset.invoice(number).customer_code
        if code in books.debtors:
            firsts.setdefault(code, numbers.index(number))
    grid = page.get_by_test_id("stDataFrame").nth(1)
    grid.scroll_into_view_if_needed()
    for row in sorted(firsts.values()):
        tick(page, grid, row)
        wait_for_app(page)
    expect(page.get_by_text(f"{len(firsts)} selected")).to_be_visible()
    assert_shown_as_text(page, image_url, hits, requests)
    screenshot("review-selected")

    page.get_by_role("link", name="Continue to submit").click()
    wait_for_app(page)
    expect(page.get_by_role("heading", name="Send to Debitura")).to_be_visible()
    text = page_text(page)
    blocked = visible(books.debtors[books.first_code])
    assert f"{books.first_invoice} ({blocked}):" in text  # the blocked list
    assert_shown_as_text(page, image_url, hits, requests)
    screenshot("submit")
