"""Paid directly, in real Chromium: a case is sent with its invoice PDF, then the debtor pays
KashFlow directly; Sent cases flags the payment, one click tells the partner, and a reload
never offers to tell it again."""

from __future__ import annotations

import re
from datetime import date
from decimal import Decimal

from playwright.sync_api import Page, expect

from sandbox.kashflow_server import DEMO_MEMORABLE_WORD, DEMO_PASSWORD, DEMO_USERNAME
from tests.e2e.conftest import wait_for_app
from tests.e2e.demo_data import demo_rows, sendable
from tests.e2e.test_review_and_submit_flow import continue_to_submit


def connect_typed(page: Page, url: str) -> None:
    page.goto(url)
    wait_for_app(page)
    page.get_by_label("KashFlow login email").fill(DEMO_USERNAME)
    page.get_by_label("Password", exact=True).fill(DEMO_PASSWORD)
    page.get_by_role("textbox", name="Memorable word (all of it)").fill(DEMO_MEMORABLE_WORD)
    page.get_by_role("button", name="Connect", exact=True).click()
    wait_for_app(page)
    expect(page.get_by_role("button", name="Disconnect")).to_be_visible(timeout=20_000)


def test_a_payment_made_in_kashflow_after_the_case_is_told_to_the_partner_once(
    page: Page, start_app, start_kashflow_sandbox, screenshot
):
    # The demo books, served by a KashFlow sandbox this test can add a payment to.
    kashflow = start_kashflow_sandbox(as_of=date.today())
    server = start_app({"KASHFLOW_BASE_URL": kashflow.url})
    invoice = next(row for row in demo_rows() if row.currency == "GBP" and sendable(row))
    number = invoice.invoice_number
    page.set_viewport_size({"width": 1366, "height": 900})
    connect_typed(page, server.url)

    page.get_by_role("link", name="Review invoices").first.click()
    wait_for_app(page)
    expect(page.get_by_text(re.compile(r"Fetched \d+ invoices at"))).to_be_visible()
    page.get_by_test_id("stSidebar").get_by_label("Search").fill(number)
    page.keyboard.press("Enter")
    wait_for_app(page)
    expect(page.get_by_text(re.compile(r"^Showing 1 of \d+"))).to_be_visible()
    page.get_by_role("button", name="Select all eligible shown").click()
    wait_for_app(page)
    expect(page.get_by_text("1 selected", exact=True)).to_be_visible()
    continue_to_submit(page)
    page.get_by_role("button", name="Create 1 case").click()
    wait_for_app(page)
    page.get_by_role("button", name="Yes, create 1 case").click()
    wait_for_app(page)
    expect(page.get_by_text(re.compile("^Debitura cases: "))).to_be_visible(timeout=20_000)
    outcomes = page.get_by_test_id("stDataFrame").filter(has_text="Invoice PDF")
    expect(outcomes.locator("td", has_text="attached").first).to_be_attached()
    screenshot("sent-with-its-pdf")

    kashflow.add_payment(number, Decimal("100.00"), on=date.today(), reference="BACS 7781")
    page.get_by_role("link", name="See all sent cases").click()
    wait_for_app(page)
    expect(page.get_by_role("heading", name="Paid directly in KashFlow")).to_be_visible()
    tell = page.get_by_role("button", name="Tell the partners (1)")
    expect(tell).to_be_visible()
    tell.dblclick()  # an impatient double click must not tell the partner twice
    wait_for_app(page)
    expect(page.get_by_text("Told 1 of 1.")).to_be_visible()
    expect(page.get_by_role("button", name=re.compile("Tell the partners"))).to_have_count(0)
    screenshot("partner-told")

    page.reload()
    wait_for_app(page)
    expect(page.get_by_role("heading", name="Paid directly in KashFlow")).to_be_visible()
    paid = page.get_by_test_id("stDataFrame").filter(has_text="In KashFlow")
    expect(paid.locator("td", has_text=re.compile("^told on ")).first).to_be_attached()
    expect(page.get_by_role("button", name=re.compile("Tell the partners"))).to_have_count(0)
