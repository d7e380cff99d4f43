"""Without sign-in the app serves one person on this computer: started on every interface it
answers each page with the refusal (why, and how to fix it) and logs it once; the operator's
``APP_ALLOW_NO_SIGNIN=1`` lets it serve."""

from __future__ import annotations

from playwright.sync_api import Browser, Page, expect

from tests.e2e.conftest import wait_for_app

EVERY_INTERFACE = ["--server.address=0.0.0.0"]
REFUSAL = "This app listens on 0.0.0.0 without sign-in"


def test_bound_to_every_interface_without_sign_in_every_page_only_refuses(
    browser: Browser, page: Page, start_app, screenshot, tmp_path
):
    server = start_app(args=EVERY_INTERFACE)
    page.goto(server.url + "/review")  # a fresh server's deep link: the legacy pages mode
    wait_for_app(page)
    expect(page.get_by_role("heading", name="Not served without sign-in")).to_be_visible()
    expect(page.get_by_text(REFUSAL)).to_be_visible()
    expect(page.get_by_text("APP_ALLOW_NO_SIGNIN=1")).to_be_visible()
    expect(page.get_by_role("button")).to_have_count(0)
    expect(page.get_by_role("link", name="Review invoices")).to_have_count(0)
    for width in (1366, 1440):
        page.set_viewport_size({"width": width, "height": 768})
        page.wait_for_timeout(200)
        screenshot(f"refusal-{width}")
    for path in ("/", "/connect", "/cases", "/submit"):
        visitor = browser.new_context().new_page()
        visitor.goto(server.url + path)
        wait_for_app(visitor)
        expect(visitor.get_by_text(REFUSAL)).to_be_visible()
        expect(visitor.get_by_text("Try the demo company")).to_have_count(0)
        visitor.context.close()
    log = (tmp_path / "server-0.log").read_text()
    assert log.count("Refusing to serve: This app listens on 0.0.0.0") == 1, log


def test_the_operator_can_serve_a_trusted_network_without_sign_in(page: Page, start_app):
    server = start_app({"APP_ALLOW_NO_SIGNIN": "1"}, args=EVERY_INTERFACE)
    page.goto(server.url)
    wait_for_app(page)
    expect(page.get_by_role("button", name="Try the demo company")).to_be_visible()
    expect(page.get_by_text("without sign-in")).to_have_count(0)
