"""Sign-in in real Chromium against a local OpenID Connect provider (``oidc-provider-mock``):
nothing is reachable before sign-in, deep links included; an allowed user gets in and signs
out; a user not allowed is refused and told who they are; a reviewer sees Create disabled with
the reason. And without sign-in, a server bound beyond this computer refuses to serve."""

from __future__ import annotations

import re
from collections.abc import Iterator
from pathlib import Path

import oidc_provider_mock
import pytest
from playwright.sync_api import Browser, Page, expect

from tests.e2e.conftest import wait_for_app
from ui.navigation import PAGES

TEAM = {
    "APP_ALLOWED_EMAILS": "@acme.example, guest@partner.example",
    "APP_SUBMITTERS": "sam@acme.example",
}
WIDTHS = (1366, 1440)
COMPANY = "Harrow & Finch Joinery Ltd"


@pytest.fixture
def identity_provider() -> Iterator[str]:
    """A local OpenID Connect provider; any client id and secret are accepted."""
    with oidc_provider_mock.run_server_in_thread() as server:
        yield f"http://localhost:{server.server_port}"


@pytest.fixture
def signed_in_app(start_app, identity_provider, tmp_path: Path):
    """Start the app with sign-in configured in a secrets file of its own (the project's
    ``.streamlit/`` is left alone: ``--secrets.files`` points the server at this one)."""
    secrets = tmp_path / "secrets.toml"
    secrets.write_text(
        "[auth]\n"
        'redirect_uri = "http://127.0.0.1:{port}/oauth2callback"\n'
        'cookie_secret = "a-long-random-cookie-secret-only-for-these-tests"\n'
        'client_id = "kashflow-collections"\n'
        'client_secret = "secret-only-for-these-tests"\n'
        f'server_metadata_url = "{identity_provider}/.well-known/openid-configuration"\n'
    )
    return start_app(TEAM, args=[f"--secrets.files={secrets}"])


def expect_only_the_sign_in(page: Page) -> None:
    expect(page.get_by_role("button", name="Sign in")).to_be_visible()
    expect(page.get_by_role("button")).to_have_count(1)  # nothing else to press
    expect(page.get_by_role("link", name="Review invoices")).to_have_count(0)
    expect(page.get_by_text("Try the demo company")).to_have_count(0)
    expect(page.get_by_test_id("stSidebar")).to_have_count(0)


def sign_in_as(page: Page, email: str) -> None:
    """Sign in at the provider's form, as whoever the test says."""
    page.get_by_role("button", name="Sign in").click()
    page.wait_for_url(re.compile(r"/oauth2/authorize"))
    page.locator("input[name='sub']").fill(email)
    page.get_by_role("button", name="Authorize").click()
    page.wait_for_url(re.compile(r"^http://127\.0\.0\.1:\d+/"))
    wait_for_app(page)


def sign_out(page: Page) -> None:
    page.get_by_role("button", name="Sign out").click()
    # The provider asks to confirm the end of its session, then sends the browser back.
    page.get_by_role("button", name="End session").click()
    page.wait_for_url(re.compile(r"^http://127\.0\.0\.1:\d+/"))
    wait_for_app(page)


def email_text(email: str) -> re.Pattern:
    """The address as the app shows it (a word joiner keeps it from turning into a link)."""
    local, domain = email.split("@")
    return re.compile(re.escape(local) + "@\u2060?" + re.escape(domain))


def at_widths(page: Page, screenshot, step: str) -> None:
    for width in WIDTHS:
        page.set_viewport_size({"width": width, "height": 860})
        page.wait_for_timeout(200)
        screenshot(f"{step}-{width}")


def test_deep_links_before_sign_in_show_only_the_sign_in(
    browser: Browser, page: Page, signed_in_app, screenshot
):
    # The first request of a fresh server: Streamlit's legacy mode runs pages/review.py alone.
    page.goto(signed_in_app.url + "/review")
    wait_for_app(page)
    expect_only_the_sign_in(page)
    at_widths(page, screenshot, "sign-in")
    for path in ["/", *(f"/{Path(entry.path).stem}" for entry in PAGES)]:
        visitor = browser.new_context(viewport={"width": 1366, "height": 768}).new_page()
        visitor.goto(signed_in_app.url + path)
        wait_for_app(visitor)
        expect_only_the_sign_in(visitor)
        visitor.context.close()


def test_an_allowed_user_signs_in_reaches_the_review_and_after_signing_out_nothing(
    page: Page, signed_in_app, screenshot
):
    page.set_viewport_size({"width": 1366, "height": 860})
    page.goto(signed_in_app.url + "/review")
    wait_for_app(page)
    sign_in_as(page, "Sam@Acme.example")

    sidebar = page.get_by_test_id("stSidebar")
    expect(sidebar.get_by_text(email_text("sam@acme.example"))).to_be_visible()
    expect(sidebar.get_by_text("(submitter)")).to_be_visible()
    page.get_by_role("button", name="Try the demo company").click()
    wait_for_app(page)
    expect(page.get_by_text(f"Connected to {COMPANY}")).to_be_visible(timeout=20_000)
    page.get_by_role("link", name="Review invoices").first.click()
    wait_for_app(page)
    expect(page.get_by_role("heading", name="Review open invoices")).to_be_visible()
    expect(page.get_by_text(re.compile(r"Fetched \d+ invoices at"))).to_be_visible()
    expect(sidebar.get_by_role("button", name="Sign out")).to_be_visible()
    at_widths(page, screenshot, "review-signed-in")

    sign_out(page)
    expect_only_the_sign_in(page)
    for path in ("/review", "/cases"):  # the saved connection is not picked up either
        page.goto(signed_in_app.url + path)
        wait_for_app(page)
        expect_only_the_sign_in(page)
    screenshot("signed-out")


def test_a_user_not_allowed_is_refused_and_sees_who_they_are(page: Page, signed_in_app, screenshot):
    page.goto(signed_in_app.url)
    wait_for_app(page)
    sign_in_as(page, "eve@elsewhere.example")
    expect(page.get_by_role("heading", name="No access")).to_be_visible()
    expect(page.get_by_text(email_text("eve@elsewhere.example"))).to_be_visible()
    expect(page.get_by_text("This account has no access")).to_be_visible()
    expect(page.get_by_role("button")).to_have_count(1)
    expect(page.get_by_text("Try the demo company")).to_have_count(0)
    page.goto(signed_in_app.url + "/review")  # a new session: still refused
    wait_for_app(page)
    expect(page.get_by_role("heading", name="No access")).to_be_visible()
    at_widths(page, screenshot, "no-access")
    page.get_by_role("button", name="Sign out").click()
    page.get_by_role("button", name="End session").click()
    page.wait_for_url(re.compile(r"^http://127\.0\.0\.1:\d+/"))
    wait_for_app(page)
    expect_only_the_sign_in(page)


def test_a_reviewer_sees_create_cases_disabled_with_the_reason(
    page: Page, signed_in_app, screenshot
):
    page.set_viewport_size({"width": 1366, "height": 860})
    page.goto(signed_in_app.url)
    wait_for_app(page)
    sign_in_as(page, "rita@acme.example")
    expect(page.get_by_test_id("stSidebar").get_by_text("(reviewer)")).to_be_visible()
    page.get_by_role("button", name="Try the demo company").click()
    wait_for_app(page)
    expect(page.get_by_text(f"Connected to {COMPANY}")).to_be_visible(timeout=20_000)
    page.get_by_role("link", name="Review invoices").first.click()
    wait_for_app(page)
    expect(page.get_by_text(re.compile(r"Fetched \d+ invoices at"))).to_be_visible()
    page.get_by_role("button", name="Select all eligible shown").click()
    wait_for_app(page)
    page.get_by_role("link", name="Continue to submit").click()
    wait_for_app(page)
    expect(page.get_by_role("heading", name="Send to Debitura")).to_be_visible()

    create = page.get_by_role("button", name=re.compile(r"^Create \d+ cases?$"))
    expect(create).to_be_disabled()
    reason = page.get_by_text("Only submitters can create cases.")
    expect(reason).to_be_visible()
    expect(reason).to_contain_text("administrator to add you to APP_SUBMITTERS")
    expect(page.get_by_role("button", name="Check with Debitura")).to_be_enabled()
    for width in WIDTHS:  # with the disabled button and its reason in view
        page.set_viewport_size({"width": width, "height": 860})
        reason.scroll_into_view_if_needed()
        page.wait_for_timeout(300)
        screenshot(f"reviewer-submit-{width}")
