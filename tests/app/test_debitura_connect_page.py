"""The Connect page's Debitura section in AppTest: connect with a key, the banner follows,
a wrong key's own message, DEBITURA_API_KEY winning, disconnecting."""

from __future__ import annotations

from sandbox.debitura_server import (
    SANDBOX_API_KEY,
    SANDBOX_CREDITOR_NAME,
    DebituraSandbox,
    DebituraSandboxConfig,
)
from tests.app.conftest import button, texts
from ui.plain import as_markdown_text

# The creditor name comes from Debitura: shown as text, its brackets escaped.
CREDITOR = as_markdown_text(SANDBOX_CREDITOR_NAME)
CONNECTED = f"Connected to Debitura as {CREDITOR}"
VERIFY = "Verify and connect Debitura"


def text_input(at, label: str):
    matches = [widget for widget in at.text_input if widget.label == label]
    assert len(matches) == 1, f"{len(matches)} text inputs labelled {label!r}"
    return matches[0]


def sidebar_infos(at) -> str:
    return " ".join(info.value for info in at.sidebar.info)


def paste_key(at, api_key: str, base_url: str, *, test_mode: bool = False):
    text_input(at, "Debitura API key").input(api_key)
    text_input(at, "Debitura address").input(base_url)
    if test_mode:
        at.toggle[0].set_value(True)
    button(at, VERIFY).click()
    return at.run()


def test_without_a_connection_the_banner_says_practice_mode_and_offers_the_form(app):
    app.run()
    assert not app.exception
    assert "Practice mode: cases go to a built-in Debitura sandbox" in sidebar_infos(app)
    assert "DEBITURA_API_KEY" not in sidebar_infos(app)
    key_input = text_input(app, "Debitura API key").proto
    assert key_input.type == key_input.PASSWORD
    assert VERIFY in [b.label for b in app.button]


def test_a_pasted_key_is_verified_and_names_the_creditor_everywhere(app, fresh_demo_sandboxes):
    app.run()
    paste_key(app, SANDBOX_API_KEY, fresh_demo_sandboxes.debitura_url, test_mode=True)
    assert not app.exception and not app.error
    assert CONNECTED in texts(app.success)
    banner = sidebar_infos(app)
    assert f"Cases go to Debitura as **{CREDITOR}**" in banner
    assert "test mode" in banner and "Practice mode" not in banner
    assert VERIFY not in [b.label for b in app.button]  # connected: no form
    # A new session (a reload) finds it saved.
    from streamlit.testing.v1 import AppTest

    reloaded = AppTest.from_file(str(app._script_path), default_timeout=30).run()
    assert CONNECTED in texts(reloaded.success)


def test_a_wrong_key_gets_its_own_message_and_nothing_changes(app, fresh_demo_sandboxes):
    app.run()
    paste_key(app, "not-the-key", fresh_demo_sandboxes.debitura_url)
    errors = texts(app.error)
    assert any(
        "Debitura did not accept this API key: copy it again from Debitura" in e for e in errors
    )
    assert not any("not-the-key" in e for e in errors)
    assert CONNECTED not in texts(app.success)
    assert "Practice mode" in sidebar_infos(app)


def test_an_unreachable_address_gets_its_own_message(app):
    app.run()
    paste_key(app, SANDBOX_API_KEY, "http://127.0.0.1:9")
    assert any("Debitura could not be reached at 127.0.0.1" in e for e in texts(app.error))


def test_disconnect_returns_to_practice_mode(app, fresh_demo_sandboxes):
    app.run()
    paste_key(app, SANDBOX_API_KEY, fresh_demo_sandboxes.debitura_url)
    button(app, "Disconnect Debitura").click().run()
    assert not app.exception
    assert CONNECTED not in texts(app.success)
    assert "Practice mode" in sidebar_infos(app)
    assert VERIFY in [b.label for b in app.button]


def test_the_environment_key_wins_and_the_form_is_not_offered(app, monkeypatch):
    monkeypatch.setenv("DEBITURA_API_KEY", "headless-key")
    app.run()
    assert not app.exception
    assert any("DEBITURA_API_KEY" in info.value and "wins" in info.value for info in app.info)
    assert VERIFY not in [b.label for b in app.button]
    assert "Cases go to Debitura (customer-api.debitura.com)" in sidebar_infos(app)


def test_with_the_demo_company_the_banner_warns_until_test_mode_is_on(app, fresh_demo_sandboxes):
    app.run()
    button(app, "Try the demo company").click().run()
    assert any("nothing leaves this computer" in info.value for info in app.info)
    paste_key(app, SANDBOX_API_KEY, fresh_demo_sandboxes.debitura_url)
    assert any("for real collection" in warning.value for warning in app.warning)
    assert "test mode" not in sidebar_infos(app)

    app.toggle[0].set_value(True).run()  # test mode, on the saved connection
    assert not app.warning
    assert any("in test mode" in info.value for info in app.info)
    assert "test mode" in sidebar_infos(app)
    assert app.toggle[0].value is True


def test_a_creditor_name_from_debitura_is_shown_as_text_not_markup(app, started):
    hostile = "Evil **Ltd** $x^2$ :red[alarm] ![p](http://tracker.example/p.png) <b>x</b>"
    debitura = started(DebituraSandbox(DebituraSandboxConfig(creditor_name=hostile)))
    app.run()
    paste_key(app, SANDBOX_API_KEY, debitura.url)
    shown = as_markdown_text(hostile)
    assert f"Connected to Debitura as {shown}" in texts(app.success)
    assert f"Cases go to Debitura as **{shown}**" in sidebar_infos(app)
