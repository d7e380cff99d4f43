"""The Connect page in AppTest: success, every error a user can act on, saved connections."""

from __future__ import annotations

import re

import pytest

from sandbox.kashflow_server import (
    DEMO_MEMORABLE_WORD,
    DEMO_PASSWORD,
    DEMO_USERNAME,
    EXPIRED_PASSWORD_USERNAME,
    LOCKED_USERNAME,
)
from tests.app.conftest import button, texts

COMPANY = "Harrow & Finch Joinery Ltd"


def fill_and_connect(at, username, password, memorable_word):
    at.text_input[0].input(username)
    at.text_input[1].input(password)
    at.text_input[2].input(memorable_word)
    button(at, "Connect").click()
    return at.run()


def test_the_demo_company_connects_and_names_the_company(app):
    app.run()
    button(app, "Try the demo company").click().run()
    assert not app.exception
    assert f"Connected to {COMPANY}" in texts(app.success)
    assert COMPANY in " ".join(m.value for m in app.sidebar.markdown)
    assert any("Sandbox" in info.value for info in app.info)  # the sandbox banner
    assert any(COMPANY in m.value for m in app.markdown)  # listed as a saved connection


def test_typed_credentials_connect_and_are_saved(app, kashflow_sandbox, monkeypatch):
    monkeypatch.setenv("KASHFLOW_BASE_URL", kashflow_sandbox.url)
    app.run()
    fill_and_connect(app, DEMO_USERNAME, DEMO_PASSWORD, DEMO_MEMORABLE_WORD)
    assert not app.exception
    assert f"Connected to {COMPANY}" in texts(app.success)
    assert [b.label for b in app.button].count("Reconnect") == 1


@pytest.mark.parametrize(
    ("username", "password", "memorable_word", "expected"),
    [
        (
            DEMO_USERNAME,
            "wrong",
            DEMO_MEMORABLE_WORD,
            "did not accept this login email and password",
        ),
        (DEMO_USERNAME, DEMO_PASSWORD + " ", DEMO_MEMORABLE_WORD, "starts or ends with a space"),
        (DEMO_USERNAME, DEMO_PASSWORD, "xxxxxxx", "did not accept the memorable word"),
        (DEMO_USERNAME, DEMO_PASSWORD, "le", "Nothing was sent to KashFlow"),
        (LOCKED_USERNAME, DEMO_PASSWORD, DEMO_MEMORABLE_WORD, "account is locked"),
        (EXPIRED_PASSWORD_USERNAME, DEMO_PASSWORD, DEMO_MEMORABLE_WORD, "password has expired"),
    ],
)
def test_each_login_failure_shows_its_own_message(
    app, kashflow_sandbox, monkeypatch, username, password, memorable_word, expected
):
    monkeypatch.setenv("KASHFLOW_BASE_URL", kashflow_sandbox.url)
    app.run()
    fill_and_connect(app, username, password, memorable_word)
    assert not app.exception
    errors = texts(app.error)
    assert len(errors) == 1 and expected in errors[0]
    assert not app.success
    assert "Reconnect" not in [b.label for b in app.button]  # nothing saved on failure


def test_a_short_memorable_word_sends_nothing_to_kashflow(app, kashflow_sandbox, monkeypatch):
    monkeypatch.setenv("KASHFLOW_BASE_URL", kashflow_sandbox.url)
    app.run()
    fill_and_connect(app, DEMO_USERNAME, DEMO_PASSWORD, "le")
    assert not app.exception and not app.success
    # KashFlow asks for three of the six letters of "ledger"; at least one is past the second.
    errors = texts(app.error)
    assert len(errors) == 1
    assert re.fullmatch(
        r"KashFlow asked for character [3-6] of the memorable word, but the word entered has "
        r"2 characters\. Enter the whole memorable word\. Nothing was sent to KashFlow\.",
        errors[0],
    ), errors[0]
    logins = kashflow_sandbox.stats_snapshot()["logins"]
    assert logins["post"] == 1  # the password step ran and asked for the letters ...
    assert logins["put"] == 0  # ... and nothing at all reached the memorable-word step
    assert "Reconnect" not in [b.label for b in app.button]  # nothing saved


def test_unreachable_kashflow_is_explained(app, monkeypatch):
    monkeypatch.setenv("KASHFLOW_BASE_URL", "http://127.0.0.1:9/v2")
    app.run()
    fill_and_connect(app, DEMO_USERNAME, DEMO_PASSWORD, DEMO_MEMORABLE_WORD)
    assert "could not be reached" in texts(app.error)[0]


def test_garbage_from_kashflow_is_explained(app, kashflow_sandbox, monkeypatch):
    kashflow_sandbox.faults.update(html_error_every=1, faults_on_login=True)
    monkeypatch.setenv("KASHFLOW_BASE_URL", kashflow_sandbox.url)
    app.run()
    fill_and_connect(app, DEMO_USERNAME, DEMO_PASSWORD, DEMO_MEMORABLE_WORD)
    assert "KashFlow is having problems" in texts(app.error)[0]


def test_missing_fields_are_asked_for_before_connecting(app, kashflow_sandbox, monkeypatch):
    monkeypatch.setenv("KASHFLOW_BASE_URL", kashflow_sandbox.url)
    app.run()
    fill_and_connect(app, DEMO_USERNAME, DEMO_PASSWORD, "")
    assert "whole memorable word" in texts(app.error)[0]
    assert kashflow_sandbox.stats_snapshot()["logins"]["post"] == 0


def new_session():
    """Another browser session of the same app and data folder: a reload, a second tab."""
    from streamlit.testing.v1 import AppTest

    from tests.app.conftest import APP

    return AppTest.from_file(str(APP), default_timeout=30)


def test_a_new_session_picks_the_saved_connection_up_without_typing(
    app, kashflow_sandbox, monkeypatch
):
    monkeypatch.setenv("KASHFLOW_BASE_URL", kashflow_sandbox.url)
    app.run()
    fill_and_connect(app, DEMO_USERNAME, DEMO_PASSWORD, DEMO_MEMORABLE_WORD)
    assert app.query_params["connection"] == "1"  # the id only, never a credential

    reloaded = new_session()  # a reload keeps the address, and with it the connection
    reloaded.query_params["connection"] = "1"
    reloaded.run()
    assert not reloaded.exception
    assert f"Connected to {COMPANY}" in texts(reloaded.success)
    second_tab = new_session()  # no address: the connection this app used last
    second_tab.run()
    assert f"Connected to {COMPANY}" in texts(second_tab.success)
    assert second_tab.query_params["connection"] == "1"
    assert kashflow_sandbox.stats_snapshot()["logins"]["put_ok"] == 3


def test_after_disconnect_a_new_session_waits_to_be_connected(app, kashflow_sandbox, monkeypatch):
    monkeypatch.setenv("KASHFLOW_BASE_URL", kashflow_sandbox.url)
    app.run()
    fill_and_connect(app, DEMO_USERNAME, DEMO_PASSWORD, DEMO_MEMORABLE_WORD)
    button(app, "Disconnect").click().run()
    assert "connection" not in app.query_params

    restarted = new_session()
    restarted.run()
    assert not restarted.success
    button(restarted, "Reconnect").click().run()
    assert f"Connected to {COMPANY}" in texts(restarted.success)
    assert kashflow_sandbox.stats_snapshot()["logins"]["put_ok"] == 2


def test_a_pick_up_that_kashflow_refuses_shows_the_gate_with_the_reason(
    app, kashflow_sandbox, monkeypatch
):
    from kashflow import Credentials
    from workflow.settings import Settings
    from workflow.workspace import Workspace

    # Saved with a password KashFlow no longer takes (changed there since).
    workspace = Workspace.open(Settings.load())
    saved = workspace.connections.save(
        Credentials(DEMO_USERNAME, "changed-since", DEMO_MEMORABLE_WORD),
        company_name=COMPANY,
        base_url=kashflow_sandbox.url,
    )
    workspace.resume.remember(saved.id)

    app.query_params["connection"] = str(saved.id)
    app.run()
    app.switch_page("pages/review.py").run()
    assert not app.exception
    assert [w.value for w in app.warning if "Connect a KashFlow account first" in w.value]
    (error,) = texts(app.error)
    assert error.startswith(f"Could not reconnect to {COMPANY}")
    assert "did not accept this login email and password" in error
    assert "connection" not in app.query_params
    assert workspace.resume.connection_id() is None  # no more tries on its own
    assert kashflow_sandbox.stats_snapshot()["logins"]["post"] == 1


def login_fields(app) -> list[str]:
    keys = ("connect_username", "connect_password", "connect_memorable_word")
    return [app.text_input(key=key).value for key in keys]


def test_the_password_and_memorable_word_are_emptied_after_submit(
    app, kashflow_sandbox, monkeypatch
):
    monkeypatch.setenv("KASHFLOW_BASE_URL", kashflow_sandbox.url)
    app.run()
    fill_and_connect(app, DEMO_USERNAME, "wrong", DEMO_MEMORABLE_WORD)
    assert "did not accept" in texts(app.error)[0]
    assert login_fields(app) == [DEMO_USERNAME, "", ""]

    fill_and_connect(app, DEMO_USERNAME, DEMO_PASSWORD, DEMO_MEMORABLE_WORD)
    assert f"Connected to {COMPANY}" in texts(app.success)
    assert login_fields(app) == [DEMO_USERNAME, "", ""]


def test_after_connecting_the_next_step_is_a_link_to_review(app):
    app.run()
    assert "Review invoices →" not in [link.label.strip("*") for link in app.page_link]
    button(app, "Try the demo company").click().run()
    (link,) = [link for link in app.page_link if link.label.strip("*") == "Review invoices →"]
    assert link.page == "review"


def test_the_demo_login_shown_on_the_page_connects_when_typed(app):
    app.run()  # KASHFLOW_BASE_URL unset: typed logins go to the real KashFlow ...
    shown = " ".join(texts(app.caption))
    assert all(f"`{part}`" in shown for part in (DEMO_USERNAME, DEMO_PASSWORD))
    fill_and_connect(app, DEMO_USERNAME, DEMO_PASSWORD, DEMO_MEMORABLE_WORD)
    assert not app.exception and not app.error  # ... but this one reaches the demo company
    assert f"Connected to {COMPANY}" in texts(app.success)
    assert any("Sandbox" in info.value for info in app.info)
    assert [b.label for b in app.button].count("Reconnect") == 1  # the demo's saved connection


def test_two_saved_connections_to_one_company_are_told_apart(app, kashflow_sandbox, monkeypatch):
    monkeypatch.setenv("KASHFLOW_BASE_URL", kashflow_sandbox.url)
    app.run()
    fill_and_connect(app, DEMO_USERNAME, DEMO_PASSWORD, DEMO_MEMORABLE_WORD)
    button(app, "Try the demo company").click().run()
    # Each saved connection's label names its login (shown escaped, hence only the domain).
    labels = [m.value for m in app.markdown if "harrowfinch.example" in m.value]
    assert len(labels) == 2 and len(set(labels)) == 2
    assert all(label.startswith("**Harrow & Finch Joinery Ltd") for label in labels)
    assert [label.endswith("· demo**") for label in labels].count(True) == 1


def test_a_saved_connection_can_be_removed(app, kashflow_sandbox, monkeypatch):
    monkeypatch.setenv("KASHFLOW_BASE_URL", kashflow_sandbox.url)
    app.run()
    fill_and_connect(app, DEMO_USERNAME, DEMO_PASSWORD, DEMO_MEMORABLE_WORD)
    button(app, "Remove").click().run()
    assert "Reconnect" not in [b.label for b in app.button]
