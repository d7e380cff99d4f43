"""The analyst's day in real Chromium: review, filter, fix, select, submit, see it marked."""

from __future__ import annotations

import re
from datetime import timedelta

import pytest
from playwright.sync_api import Page, expect

from tests.e2e.conftest import choose, wait_for_app
from tests.e2e.demo_data import blocking_codes, demo_rows, sendable
from tests.e2e.grid import tick, type_into

COMPANY = "Harrow & Finch Joinery Ltd"


def open_review(page: Page, url: str) -> None:
    page.goto(url)
    wait_for_app(page)
    page.get_by_role("button", name="Try the demo company").click()
    wait_for_app(page)
    expect(page.get_by_text(f"Connected to {COMPANY}")).to_be_visible(timeout=20_000)
    page.get_by_role("link", name="Review invoices").first.click()
    wait_for_app(page)
    expect(page.get_by_text(re.compile(r"Fetched \d+ invoices at"))).to_be_visible()
    wait_for_app(page)  # the label comes before the rest of the page is drawn


def showing(page: Page) -> str:
    return page.get_by_text(re.compile(r"^Showing \d+ of \d+")).inner_text()


def set_date_range(page: Page, label: str, start, end) -> None:
    sidebar = page.get_by_test_id("stSidebar")
    # Day first: the pickers ask for dates the UK way.
    sidebar.get_by_role("spinbutton", name=f"day, {label} start date").click()
    page.keyboard.type(start.strftime("%d%m%Y"))
    sidebar.get_by_role("spinbutton", name=f"day, {label} end date").click()
    page.keyboard.type(end.strftime("%d%m%Y"))
    page.keyboard.press("Escape")
    page.get_by_role("heading", name="Review open invoices").click()  # commit the range
    wait_for_app(page)


def continue_to_submit(page: Page) -> None:
    heading = page.get_by_role("heading", name="Send to Debitura")
    wait_for_app(page)
    page.get_by_role("link", name="Continue to submit").click()
    wait_for_app(page)
    try:
        expect(heading).to_be_visible(timeout=5_000)
    except AssertionError:
        # A navigation that lands while the grid's last update is still being applied can be
        # dropped by Streamlit; a person would click again, and so does the test.
        page.get_by_role("link", name="Continue to submit").click()
        wait_for_app(page)
    expect(heading).to_be_visible()


def grid(page: Page):
    return page.get_by_test_id("stDataFrame").nth(1)


@pytest.fixture(scope="module")
def rows():
    return demo_rows()


def test_filter_fix_select_and_continue_to_submit(page: Page, start_app, screenshot, rows):
    missing_city = [
        r for r in rows if r.currency == "GBP" and blocking_codes(r) == {"missing_city"}
    ]
    target = missing_city[0]
    start, end = target.due_date, target.due_date + timedelta(days=20)
    in_view = [r for r in rows if r.currency == "GBP" and start <= r.due_date <= end]
    partner = next(i for i, r in enumerate(in_view) if sendable(r))

    server = start_app()
    page.set_viewport_size({"width": 1600, "height": 1100})
    open_review(page, server.url)
    screenshot("review-opened")

    sidebar = page.get_by_test_id("stSidebar")
    choose(page, sidebar, "Currency", "GBP")
    page.keyboard.press("Escape")
    wait_for_app(page)
    set_date_range(page, "Due between", start, end)
    eligible_before = sum(r.eligible for r in in_view)
    expect(
        page.get_by_text(f"Showing {len(in_view)} of {len(rows)} · {eligible_before} eligible")
    ).to_be_visible()
    screenshot("filtered-by-currency-and-due-date")

    # The invoice to fix, alone in the grid: its row is then the first one.
    sidebar.get_by_placeholder("Invoice, customer code or debtor name").fill(target.invoice_number)
    page.keyboard.press("Enter")
    wait_for_app(page)
    expect(page.get_by_text(f"Showing 1 of {len(rows)} · 0 eligible")).to_be_visible()
    grid(page).scroll_into_view_if_needed()
    type_into(page, grid(page), 0, "debtor_city", "Doncaster")
    wait_for_app(page)
    expect(page.get_by_text(f"Showing 1 of {len(rows)} · 1 eligible")).to_be_visible()
    screenshot("missing-city-fixed")
    tick(page, grid(page), 0)
    wait_for_app(page)
    expect(page.get_by_text("1 selected", exact=True)).to_be_visible()

    sidebar.get_by_placeholder("Invoice, customer code or debtor name").fill("")
    page.keyboard.press("Enter")
    wait_for_app(page)
    expect(page.get_by_text(f"· {eligible_before + 1} eligible")).to_be_visible()
    tick(page, grid(page), partner)
    wait_for_app(page)
    expect(page.get_by_text("2 selected", exact=True)).to_be_visible()
    screenshot("two-selected")

    continue_to_submit(page)
    expect(page.get_by_role("heading", name="2 cases to create")).to_be_visible()
    screenshot("submit-page")


def test_preview_create_and_see_them_marked_on_review(page: Page, start_app, screenshot, rows):
    ready = [r for r in rows if r.currency == "GBP" and sendable(r)]
    server = start_app()
    page.set_viewport_size({"width": 1600, "height": 1100})
    open_review(page, server.url)

    sidebar = page.get_by_test_id("stSidebar")
    choose(page, sidebar, "Currency", "GBP")
    page.keyboard.press("Escape")
    wait_for_app(page)
    choose(page, sidebar, "Show", "Eligible")
    wait_for_app(page)
    grid(page).scroll_into_view_if_needed()
    shown = [r for r in rows if r.currency == "GBP" and r.eligible]
    picks = [i for i, r in enumerate(shown) if sendable(r)][:2]
    for position in picks:
        tick(page, grid(page), position)
        wait_for_app(page)
    expect(page.get_by_text("2 selected", exact=True)).to_be_visible()
    continue_to_submit(page)

    page.get_by_role("button", name="Check with Debitura").click()
    wait_for_app(page)
    screenshot("eligibility-checked")
    page.get_by_role("button", name="Create 2 cases").click()
    wait_for_app(page)
    page.get_by_role("button", name="Yes, create 2 cases").click()
    wait_for_app(page)
    result = page.get_by_text(re.compile("^Debitura cases: "))
    expect(result).to_be_visible(timeout=20_000)
    references = re.findall(r"(\d+) → ([A-Z0-9]{8})", result.inner_text())
    assert sorted(n for n, _ in references) == sorted(shown[i].invoice_number for i in picks)
    screenshot("cases-created")

    page.get_by_role("link", name="Review invoices").first.click()
    wait_for_app(page)
    expect(page.get_by_text(re.compile(r"Fetched \d+ invoices at"))).to_be_visible()
    choose(page, sidebar, "Show", "Already submitted")
    wait_for_app(page)
    expect(
        page.get_by_text(f"Showing 2 of {len(rows)} · 0 eligible · 2 already sent")
    ).to_be_visible()
    screenshot("review-marks-them-submitted")

    page.get_by_role("link", name="Sent cases").click()
    wait_for_app(page)
    expect(page.get_by_role("heading", name="Sent cases")).to_be_visible()
    screenshot("sent-cases")
    assert ready  # the demo has cases Debitura accepts


def test_clicking_an_ageing_bar_filters_by_that_bucket(page: Page, start_app, screenshot, rows):
    in_bucket = [r for r in rows if 31 <= r.days_overdue <= 60]
    server = start_app()
    page.set_viewport_size({"width": 1600, "height": 1100})
    open_review(page, server.url)
    chart = page.get_by_test_id("stVegaLiteChart").first
    chart.scroll_into_view_if_needed()
    chart.locator(
        'path[aria-roledescription="bar"][aria-label^="Days overdue: 31–60;"]'
    ).first.click()
    wait_for_app(page)
    expect(
        page.get_by_text(re.compile(rf"^Showing {len(in_bucket)} of {len(rows)}"))
    ).to_be_visible()
    sidebar = page.get_by_test_id("stSidebar")
    expect(sidebar.get_by_text("31–60", exact=True)).to_be_visible()  # the filter shows it
    screenshot("filtered-by-ageing-bar")
