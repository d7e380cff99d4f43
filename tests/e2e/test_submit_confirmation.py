"""In real Chromium: an invoice under Debitura's minimum is blocked on Review, Debitura's
preview is asked from Review, Submit confirms the number of cases and the total per currency
before sending, a double click sends each case once, and a second visit counts nothing again."""

from __future__ import annotations

import re
import time

from playwright.sync_api import Page, expect

from sandbox.debitura_server import SANDBOX_API_KEY, DebituraSandbox
from tests.e2e.conftest import wait_for_app
from tests.e2e.demo_data import demo_rows, sendable
from tests.e2e.grid import tick
from tests.e2e.test_review_and_submit_flow import continue_to_submit, grid, open_review

UNDER_MINIMUM = "1118"  # the demo company's £54 invoice: about USD 71


def search_and_tick(page: Page, number: str) -> None:
    """Narrow the grid to one invoice with the search box, then tick it."""
    search = page.get_by_test_id("stSidebar").get_by_role("textbox", name="Search")
    search.fill(number)
    search.press("Enter")
    wait_for_app(page)
    expect(page.get_by_text(re.compile(r"^Showing 1 of \d+"))).to_be_visible()
    grid(page).scroll_into_view_if_needed()
    tick(page, grid(page), 0)
    wait_for_app(page)


def cases_at(debitura: DebituraSandbox, count: int, timeout: float = 30.0) -> list[dict]:
    deadline = time.monotonic() + timeout
    while len(debitura.cases()) < count and time.monotonic() < deadline:
        time.sleep(0.2)
    return debitura.cases()


def test_blocked_on_review_checked_confirmed_created_once_and_not_counted_again(
    page: Page, start_app, started, screenshot
):
    debitura = started(DebituraSandbox())  # the Debitura the app sends to, counted here
    rows = demo_rows()
    gbp = [r for r in rows if r.currency == "GBP" and sendable(r)][:2]
    eur = [r for r in rows if r.currency == "EUR" and sendable(r)][:1]
    assert len(gbp) == 2 and eur, "the demo books have cases Debitura accepts"
    chosen = [*gbp, *eur]
    server = start_app({"DEBITURA_BASE_URL": debitura.url, "DEBITURA_API_KEY": SANDBOX_API_KEY})
    page.set_viewport_size({"width": 1440, "height": 900})
    open_review(page, server.url)

    for number in [UNDER_MINIMUM, *(r.invoice_number for r in chosen)]:
        search_and_tick(page, number)
    search = page.get_by_test_id("stSidebar").get_by_role("textbox", name="Search")
    search.fill("")
    search.press("Enter")
    wait_for_app(page)

    page.get_by_text("Check with Debitura", exact=True).click()  # the expander
    expect(page.get_by_text(f"Not asked, blocked here first (1): {UNDER_MINIMUM}")).to_be_visible()
    page.get_by_role("button", name="Check with Debitura (3 selected)").click()
    wait_for_app(page)
    expect(page.get_by_text("3 eligible · 0 refused", exact=True)).to_be_visible(timeout=20_000)
    screenshot("review-checked-with-debitura")
    assert debitura.cases() == []  # a preview creates nothing

    continue_to_submit(page)
    expect(page.get_by_text("1 selected invoice cannot be sent until fixed")).to_be_visible()
    expect(page.get_by_text(re.compile(r"£54\.00, about USD 71: under Debitura"))).to_be_visible()
    expect(page.get_by_text("3 eligible · 0 refused")).to_be_visible()  # the same answers
    page.set_viewport_size({"width": 1366, "height": 768})
    screenshot("submit-before-create-1366")

    page.get_by_role("button", name="Create 3 cases").click()
    wait_for_app(page)
    gbp_total = sum(r.home_amount for r in gbp)  # GBP invoices: home amount = the amount
    assert gbp_total > 0
    confirmation = page.get_by_text(re.compile(r"^Create 3 cases: GBP [\d,]+\.\d\d · EUR [\d,.]+$"))
    expect(confirmation).to_be_visible()
    assert debitura.cases() == []  # nothing before the confirmation
    page.set_viewport_size({"width": 1440, "height": 900})
    screenshot("confirmation-1440")

    page.get_by_role("button", name="Yes, create 3 cases").dblclick()  # a double click
    wait_for_app(page)
    result = page.get_by_text(re.compile("^Debitura cases: "))
    expect(result).to_be_visible(timeout=30_000)
    screenshot("cases-created")
    cases = cases_at(debitura, 3)
    time.sleep(1)  # a second send would arrive by now
    references = sorted(case["creditorReference"] for case in debitura.cases())
    assert references == sorted(r.invoice_number for r in chosen), cases

    # The next visit counts nothing again: only 1118 is still selected, and it is blocked.
    page.get_by_role("link", name="Review invoices").click()
    wait_for_app(page)
    continue_to_submit(page)
    expect(page.get_by_text("1 selected invoice cannot be sent until fixed")).to_be_visible()
    expect(page.get_by_role("button", name=re.compile(r"^Create \d+ case"))).to_have_count(0)
    screenshot("submit-revisited")
    assert len(debitura.cases()) == 3
