"""After sending, in real Chromium: cases sent from the demo company show on Sent cases where
each stands in words, what Debitura needs, and the money recovered per currency (the demo's
Debitura sandbox moves cases on after they are sent)."""

from __future__ import annotations

import re

import pytest
from playwright.sync_api import Page, expect

from tests.e2e.conftest import choose, wait_for_app
from tests.e2e.demo_data import demo_rows, sendable
from tests.e2e.grid import tick
from tests.e2e.test_review_and_submit_flow import continue_to_submit, grid, open_review

SENT = 4  # the demo's Debitura tells a story in fours: checking, needs details, part paid, paid


@pytest.fixture(scope="module")
def rows():
    return demo_rows()


def test_sent_cases_show_lifecycle_words_needs_and_recovered_totals(
    page: Page, start_app, screenshot, rows
):
    server = start_app()
    page.set_viewport_size({"width": 1440, "height": 1000})
    open_review(page, server.url)
    sidebar = page.get_by_test_id("stSidebar")
    choose(page, sidebar, "Currency", "GBP")
    page.keyboard.press("Escape")
    wait_for_app(page)
    choose(page, sidebar, "Show", "Eligible")
    wait_for_app(page)
    grid(page).scroll_into_view_if_needed()
    shown = [r for r in rows if r.currency == "GBP" and r.eligible]
    for position in [i for i, r in enumerate(shown) if sendable(r)][:SENT]:
        tick(page, grid(page), position)
        wait_for_app(page)
    expect(page.get_by_text(f"{SENT} selected", exact=True)).to_be_visible()
    continue_to_submit(page)
    page.get_by_role("button", name=f"Create {SENT} cases").click()
    wait_for_app(page)
    page.get_by_role("button", name=f"Yes, create {SENT} cases").click()
    wait_for_app(page)
    expect(page.get_by_text(re.compile("^Debitura cases: "))).to_be_visible(timeout=20_000)

    page.get_by_role("link", name="See all sent cases").click()
    wait_for_app(page)
    expect(page.get_by_role("heading", name="Sent cases")).to_be_visible()
    expect(page.get_by_test_id("stProgress")).to_have_count(0)  # the refresh finished
    metric = page.get_by_test_id("stMetric").filter(has_text="Recovered (GBP)")
    expect(metric).to_have_count(1)
    expect(metric.get_by_test_id("stMetricValue")).to_have_text(re.compile(r"^GBP [\d,]+\.\d\d$"))
    table = page.get_by_test_id("stDataFrame")
    # The grid draws on a canvas; its cells are mirrored in an accessible table.
    for words in ("Closed: paid in full", "Waiting for details from you"):
        expect(table.locator("td", has_text=words).first).to_be_attached()
    screenshot("sent-cases-follow-through-1440")
    page.set_viewport_size({"width": 1366, "height": 900})
    wait_for_app(page)
    screenshot("sent-cases-follow-through-1366")
