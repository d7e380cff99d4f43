"""The sign-in gate in AppTest (``st.user`` seeded by AppTest): with ``[auth]`` configured
nothing of the app is drawn before sign-in, on the router and on every page file run directly
(Streamlit's legacy deep-link mode); only allowed users get in; reviewers see the sending
buttons disabled with the reason and cannot send by a crafted rerun; without sign-in the app
refuses to serve beyond this computer."""

from __future__ import annotations

import os
from pathlib import Path

import pytest
from streamlit import config
from streamlit.testing.v1 import AppTest

from tests.app.conftest import button
from tests.app.test_paid_directly_section import restored_books  # noqa: F401 - a fixture
from tests.app.test_submit_and_cases_pages import eligible_rows, to_submit
from ui.navigation import PAGES
from ui.submit_runner import CONFIRMED, RUNNING
from workflow.settings import Settings
from workflow.workspace import Workspace

ROOT = Path(__file__).resolve().parents[2]
# The router and every page file, each run on its own as on a fresh server's deep link.
ENTRY_POINTS = ["app.py", *(entry.path for entry in PAGES)]
AUTH = {
    "redirect_uri": "http://localhost:8501/oauth2callback",
    "cookie_secret": "a-long-random-cookie-secret-for-the-tests",
    "client_id": "kashflow-collections",
    "client_secret": "client-secret-for-the-tests",
    "server_metadata_url": "http://127.0.0.1:9/.well-known/openid-configuration",
}
SIGNED_OUT = {"is_logged_in": False}


def app_at(entry: str, user: dict, *, auth: dict | None = AUTH) -> AppTest:
    at = AppTest.from_file(str(ROOT / entry), default_timeout=30)
    if auth is not None:
        at.secrets["auth"] = dict(auth)
    at.user = dict(user)
    return at


def signed_in(email: str, **claims) -> dict:
    return {"is_logged_in": True, "email": email, "name": "Test User", **claims}


def everything_shown(at: AppTest) -> str:
    parts = [
        e.value for kind in (at.markdown, at.caption, at.title, at.warning, at.error) for e in kind
    ]
    return "\n".join(str(part) for part in parts)


@pytest.fixture
def team(monkeypatch):
    monkeypatch.setenv("APP_ALLOWED_EMAILS", "@acme.example, guest@partner.example")
    monkeypatch.setenv("APP_SUBMITTERS", "sam@acme.example")


@pytest.mark.parametrize("entry", ENTRY_POINTS)
def test_before_sign_in_every_entry_point_shows_only_the_sign_in(team, entry):
    at = app_at(entry, SIGNED_OUT).run()
    assert not at.exception
    assert [b.label for b in at.button] == ["Sign in"]
    assert [t.value for t in at.title] == ["KashFlow collections"]
    assert not at.sidebar.button and not at.page_link and not at.text_input
    assert at.query_params.get("connection") is None  # no saved connection picked up


def test_an_allowed_user_gets_in_and_sees_who_they_are_and_sign_out(team):
    at = app_at("app.py", signed_in("Rita@ACME.example")).run()
    assert not at.exception
    assert button(at, "Try the demo company")
    sidebar = [c.value for c in at.sidebar.caption]
    assert any("rita@\u2060acme.example" in c and "reviewer" in c for c in sidebar)
    assert [b.label for b in at.sidebar.button] == ["Sign out"]


def test_a_user_not_allowed_sees_who_they_are_that_they_have_no_access_and_sign_out(team):
    at = app_at("pages/review.py", signed_in("eve@elsewhere.example")).run()
    assert not at.exception
    assert [t.value for t in at.title] == ["No access"]
    shown = everything_shown(at)
    assert "You are signed in as **eve@\u2060elsewhere.example**." in shown
    assert "has no access" in shown and "APP_ALLOWED_EMAILS" in shown
    assert [b.label for b in at.button] == ["Sign out"]
    assert not at.page_link and not at.data_editor


def test_signing_out_leaves_only_the_sign_in(team):
    at = app_at("app.py", signed_in("rita@acme.example")).run()
    at.sidebar.button[0].click().run()
    assert not at.exception
    assert [b.label for b in at.button] == ["Sign in"]
    assert not at.page_link


def test_with_no_allowed_list_nobody_gets_in_and_the_page_says_why(monkeypatch):
    monkeypatch.delenv("APP_ALLOWED_EMAILS", raising=False)
    at = app_at("app.py", signed_in("sam@acme.example")).run()
    assert [t.value for t in at.title] == ["No access"]
    assert "No one has access yet" in everything_shown(at)


@pytest.mark.parametrize("verified", [False, "false"])  # some providers send a string
def test_an_address_the_provider_says_is_unverified_is_refused(team, verified):
    at = app_at("app.py", signed_in("sam@acme.example", email_verified=verified)).run()
    assert [t.value for t in at.title] == ["No access"]
    assert "not verified" in everything_shown(at)


def test_a_sign_in_without_an_email_address_is_refused(team):
    at = app_at("app.py", {"is_logged_in": True, "name": "No Mail"}).run()
    assert [t.value for t in at.title] == ["No access"]
    assert "no email address" in everything_shown(at)


def test_an_incomplete_auth_section_stops_the_app_naming_what_is_missing(team):
    partial = {key: value for key, value in AUTH.items() if key != "client_secret"}
    at = app_at("app.py", signed_in("sam@acme.example"), auth=partial).run()
    assert not at.exception
    assert "client\\_secret is missing" in at.error[0].value
    assert not at.button


def test_a_bad_allowed_list_entry_stops_the_app_naming_it(monkeypatch):
    monkeypatch.setenv("APP_ALLOWED_EMAILS", "acme.example")
    at = app_at("app.py", signed_in("sam@acme.example")).run()
    assert "APP\\_ALLOWED\\_EMAILS has an entry" in at.error[0].value
    assert not at.button


def test_a_reviewer_sees_create_disabled_with_the_reason_and_a_crafted_run_sends_nothing(
    team, fresh_demo_sandboxes
):
    at = app_at("app.py", signed_in("rita@acme.example")).run()
    button(at, "Try the demo company").click().run()
    at.switch_page("pages/review.py").run()
    rows = eligible_rows(at, 2)
    to_submit(at, rows)
    create = button(at, "Create 2 cases")
    assert create.disabled
    assert "Ask sam@acme.example" in create.help
    assert any("Only submitters can create cases." in c.value for c in at.caption)

    # What a crafted rerun could set: the confirmed cases and the running flag.
    at.session_state[CONFIRMED] = tuple(row.invoice_number for row in rows)
    at.session_state[RUNNING] = True
    at.run()
    assert not at.exception
    assert fresh_demo_sandboxes.debitura.cases() == []
    assert any("only submitters can create cases" in w.value for w in at.warning)


def test_a_submitter_sees_create_enabled(team, fresh_demo_sandboxes):
    at = app_at("app.py", signed_in("Sam@acme.example")).run()
    button(at, "Try the demo company").click().run()
    at.switch_page("pages/review.py").run()
    to_submit(at, eligible_rows(at, 1))
    assert not button(at, "Create 1 case").disabled
    assert not any("Only submitters" in c.value for c in at.caption)


@pytest.fixture
def served_on_every_interface():
    before = config.get_option("server.address")
    config.set_option("server.address", "0.0.0.0")
    yield
    config.set_option("server.address", before)


@pytest.mark.parametrize("entry", ENTRY_POINTS)
def test_without_sign_in_on_a_network_address_every_page_only_refuses(
    served_on_every_interface, entry
):
    at = app_at(entry, {}, auth=None).run()
    assert not at.exception
    assert [t.value for t in at.title] == ["Not served without sign-in"]
    assert "listens on 0.0.0.0 without sign-in" in at.error[0].value
    assert "APP\\_ALLOW\\_NO\\_SIGNIN=1" in at.error[0].value
    assert not at.button and not at.page_link


def test_the_operator_can_allow_a_network_without_sign_in(served_on_every_interface, monkeypatch):
    monkeypatch.setenv("APP_ALLOW_NO_SIGNIN", "1")
    at = app_at("app.py", {}, auth=None).run()
    assert not at.exception
    assert button(at, "Try the demo company")


def test_with_sign_in_a_network_address_is_served(served_on_every_interface, team):
    at = app_at("app.py", SIGNED_OUT).run()
    assert [b.label for b in at.button] == ["Sign in"]


def test_a_reviewer_sees_retry_and_tell_the_partners_disabled_with_the_reason(
    team,
    fresh_demo_sandboxes,
    restored_books,  # noqa: F811 - the fixture imported above
):
    from decimal import Decimal

    from mapping.dates import london_today
    from tests.app.test_submit_and_cases_pages import create_cases

    at = app_at("app.py", signed_in("sam@acme.example")).run()
    button(at, "Try the demo company").click().run()
    at.switch_page("pages/review.py").run()
    sent, refused = eligible_rows(at, 2)
    to_submit(at, [sent])
    create_cases(at, 1)
    debitura = fresh_demo_sandboxes.debitura
    at.switch_page("pages/review.py").run()
    to_submit(at, [refused])
    debitura.faults.update(missing_contract=True)  # refused: offered for a retry
    create_cases(at, 1)
    debitura.faults.reset()
    restored_books(sent.invoice_number)
    fresh_demo_sandboxes.kashflow.add_payment(sent.invoice_number, Decimal("25.00"), london_today())

    at.user = signed_in("rita@acme.example")  # a reviewer opens Sent cases
    at.switch_page("pages/cases.py").run()
    assert not at.exception
    retry = button(at, "Retry")
    tell = next(b for b in at.button if b.label.startswith("Tell the partners"))
    assert retry.disabled and tell.disabled
    assert "Ask sam@acme.example" in retry.help and "Ask sam@acme.example" in tell.help
    captions = [c.value for c in at.caption]
    assert any(c.startswith("Only submitters can retry cases.") for c in captions)
    assert any(c.startswith("Only submitters can tell the partners.") for c in captions)
    chats_before = debitura.stats_snapshot()["counters"].get("chat_posts", 0)

    at.user = signed_in("sam@acme.example")  # the submitter finds them enabled
    at.run()
    assert not button(at, "Retry").disabled
    assert not next(b for b in at.button if b.label.startswith("Tell the partners")).disabled
    assert chats_before == 0


def test_who_came_in_and_who_was_turned_away_is_in_the_audit_log_once_per_session(team):
    at = app_at("app.py", signed_in("rita@acme.example")).run()
    at.run()  # a second click in the same session records nothing more
    app_at("pages/review.py", signed_in("eve@elsewhere.example")).run()
    connect = app_at("app.py", signed_in("rita@acme.example")).run()
    button(connect, "Try the demo company").click().run()
    audit = Workspace.open(Settings.load({"APP_DATA_DIR": os.environ["APP_DATA_DIR"]})).audit
    recorded = [(entry.actor, entry.event) for entry in reversed(audit.entries())]
    assert recorded == [
        ("rita@acme.example", "signed_in"),
        ("eve@elsewhere.example", "sign_in_refused"),
        ("rita@acme.example", "signed_in"),
        ("rita@acme.example", "connected"),
    ]
