"""A large account in real Chromium: the first invoices show while the import runs, read-only
with their debtor marked as loading; then one page of the grid at a time, ticks kept by
invoice number across pages, and "Select all shown" taking every page."""

from __future__ import annotations

import re

from playwright.sync_api import Page, expect

from mapping import OPEN_STATUSES
from sandbox.kashflow_server import (
    DEMO_MEMORABLE_WORD,
    DEMO_PASSWORD,
    DEMO_USERNAME,
    KashFlowFaults,
)
from tests.e2e.conftest import wait_for_app
from tests.e2e.grid import tick
from ui.review_grid import LOADING

INVOICES = 1_000


def grid(page: Page):
    return page.get_by_test_id("stDataFrame").nth(1)  # after the totals table


def test_first_rows_while_loading_then_pages_with_ticks_kept(
    page: Page, start_app, start_kashflow_sandbox, screenshot
):
    kashflow = start_kashflow_sandbox(
        invoices=INVOICES,
        customers=400,
        status_weights={status: 1.0 for status in OPEN_STATUSES},
        faults=KashFlowFaults(latency_ms=150),  # customers take seconds to arrive
    )
    total = len(kashflow.dataset.open_invoice_numbers())
    numbers = [str(n) for n in kashflow.dataset.open_invoice_numbers()]
    server = start_app({"KASHFLOW_BASE_URL": kashflow.url})
    page.set_viewport_size({"width": 1366, "height": 900})
    page.goto(server.url)
    wait_for_app(page)
    page.get_by_label("KashFlow login email").fill(DEMO_USERNAME)
    page.get_by_label("Password", exact=True).fill(DEMO_PASSWORD)
    page.get_by_role("textbox", name="Memorable word (all of it)").fill(DEMO_MEMORABLE_WORD)
    page.get_by_role("button", name="Connect", exact=True).click()
    wait_for_app(page)
    expect(page.get_by_role("button", name="Disconnect")).to_be_visible(timeout=20_000)

    page.get_by_role("link", name="Review invoices").first.click()
    loading = page.get_by_test_id("stDataFrame").first
    expect(page.get_by_text(re.compile("^The first 100 invoices, as they arrive"))).to_be_visible()
    expect(loading.locator("td", has_text=numbers[0]).first).to_be_attached()
    expect(loading.locator("td", has_text=LOADING).first).to_be_attached()
    # Nothing can be selected yet: no selection buttons, and a click on a tick box does not
    # tick (the rows are read-only until every invoice is in and checked).
    assert page.get_by_role("button", name=re.compile("^Select all shown")).count() == 0
    box = loading.bounding_box()
    page.mouse.click(box["x"] + 30, box["y"] + 35 + 17)
    screenshot("first-rows-while-loading")

    page_line = page.get_by_text(re.compile(r"^Rows 1–250 of "))
    expect(page_line).to_have_text(f"Rows 1–250 of {total:,} · page 1 of 4", timeout=60_000)
    wait_for_app(page)
    expect(page.get_by_text("Nothing selected yet", exact=False)).to_be_visible()
    expect(page.get_by_text("The first 100 invoices, as they arrive")).to_have_count(0)

    page.get_by_role("button", name="Next").click()
    wait_for_app(page)
    expect(page.get_by_text(f"Rows 251–500 of {total:,} · page 2 of 4")).to_be_visible()
    expect(grid(page).locator("td", has_text=numbers[250]).first).to_be_attached()
    grid(page).scroll_into_view_if_needed()
    tick(page, grid(page), 2)  # the third row of page 2
    wait_for_app(page)
    expect(page.get_by_text("1 selected", exact=True)).to_be_visible()
    screenshot("ticked-on-page-2")

    page.get_by_role("button", name="Previous").click()
    wait_for_app(page)
    expect(page.get_by_text(f"Rows 1–250 of {total:,} · page 1 of 4")).to_be_visible()
    expect(page.get_by_text("1 selected", exact=True)).to_be_visible()
    ticked = grid(page).locator("td[id^='glide-cell-0-']", has_text="true")
    expect(ticked).to_have_count(0)  # no tick moved to the same place on another page

    page.get_by_role("button", name=f"Select all shown ({total:,})").click()
    wait_for_app(page)
    expect(page.get_by_text(f"{total:,} selected", exact=True)).to_be_visible()
    screenshot("all-selected")
