"""Connecting Debitura in real Chromium: a wrong key's message, the creditor's name, the
banner, a reload, and a case that goes to the connected Debitura (not the built-in sandbox)."""

from __future__ import annotations

import re
import time

from playwright.sync_api import Page, expect

from sandbox.debitura_server import SANDBOX_API_KEY, SANDBOX_CREDITOR_NAME, DebituraSandbox
from tests.e2e.conftest import wait_for_app
from tests.e2e.demo_data import demo_rows, sendable

COMPANY = "Harrow & Finch Joinery Ltd"


def paste_key(page: Page, api_key: str, address: str) -> None:
    page.get_by_role("textbox", name="Debitura API key").fill(api_key)
    advanced = page.get_by_text("Advanced", exact=True)
    if not page.get_by_role("textbox", name="Debitura address").is_visible():
        advanced.click()
    page.get_by_role("textbox", name="Debitura address").fill(address)
    page.get_by_role("button", name="Verify and connect Debitura").click()
    wait_for_app(page)


def cases_at(debitura: DebituraSandbox, count: int, timeout: float = 30.0) -> list[dict]:
    deadline = time.monotonic() + timeout
    while len(debitura.cases()) < count and time.monotonic() < deadline:
        time.sleep(0.2)
    return debitura.cases()


def test_a_pasted_key_connects_debitura_and_cases_go_there(
    page: Page, start_app, started, screenshot
):
    debitura = started(DebituraSandbox())  # "Debitura", as far as the app can tell
    invoice = next(row for row in demo_rows() if row.currency == "GBP" and sendable(row))
    server = start_app()
    page.set_viewport_size({"width": 1440, "height": 900})
    page.goto(server.url)
    wait_for_app(page)
    sidebar = page.get_by_test_id("stSidebar")
    expect(
        sidebar.get_by_text("Practice mode: cases go to a built-in Debitura sandbox")
    ).to_be_visible()
    page.get_by_role("button", name="Try the demo company").click()
    wait_for_app(page)
    expect(page.get_by_text(f"Connected to {COMPANY}")).to_be_visible(timeout=20_000)

    paste_key(page, "not-the-key", debitura.url)
    expect(page.get_by_text("Debitura did not accept this API key")).to_be_visible()
    screenshot("wrong-key")

    paste_key(page, SANDBOX_API_KEY, debitura.url)
    connected = page.get_by_text(f"Connected to Debitura as {SANDBOX_CREDITOR_NAME}")
    expect(connected).to_be_visible(timeout=20_000)
    expect(sidebar.get_by_text(f"Cases go to Debitura as {SANDBOX_CREDITOR_NAME}")).to_be_visible()
    expect(sidebar.get_by_text("Practice mode")).to_have_count(0)
    expect(page.get_by_role("textbox", name="Debitura API key")).to_have_count(
        0
    )  # no key field left
    screenshot("debitura-connected")

    page.reload()
    wait_for_app(page)
    expect(connected).to_be_visible()
    expect(sidebar.get_by_text(f"Cases go to Debitura as {SANDBOX_CREDITOR_NAME}")).to_be_visible()

    # One invoice through Review and Submit: it reaches the connected Debitura.
    page.get_by_role("link", name="Review invoices").first.click()
    wait_for_app(page)
    if page.get_by_role("button", name="Try the demo company").is_visible():
        page.get_by_role("button", name="Try the demo company").click()  # the reload's session
        wait_for_app(page)
    expect(page.get_by_text(re.compile(r"Fetched \d+ invoices at"))).to_be_visible(timeout=20_000)
    sidebar.get_by_role("textbox", name="Search").fill(invoice.invoice_number)
    sidebar.get_by_role("textbox", name="Search").press("Enter")
    wait_for_app(page)
    page.get_by_role("button", name="Select all eligible shown").click()
    wait_for_app(page)
    page.get_by_role("link", name="Continue to submit").click()
    wait_for_app(page)
    page.get_by_role("button", name=re.compile(r"^Create 1 case")).click()
    wait_for_app(page)
    confirm = page.get_by_role("button", name="Yes, create 1 case")
    if confirm.count():
        confirm.click()
        wait_for_app(page)
    cases = cases_at(debitura, 1)
    assert [case["creditorReference"] for case in cases] == [invoice.invoice_number]
    screenshot("case-sent-to-connected-debitura")
