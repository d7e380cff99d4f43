"""The Audit log page: every entry with who did it, filters, and what it never shows."""

from __future__ import annotations

import os

from streamlit.testing.v1 import AppTest

from tests.app.conftest import APP, connect_demo
from workflow.settings import Settings
from workflow.workspace import Workspace

ANA = "ana@harrowfinch.example"


def audit_frame(app):
    [table] = [frame for frame in app.dataframe if "Who" in frame.value.columns]
    return table.value


def test_the_log_shows_who_did_what_and_filters_by_person(app):
    connect_demo(app)  # recorded as the local user (no sign-in configured)
    settings = Settings.load({"APP_DATA_DIR": os.environ["APP_DATA_DIR"]})
    Workspace.open(settings, actor=ANA).audit.record(
        "case_created", detail="Invoice 1121: case *BA9RBCQZ*"
    )
    app.switch_page("pages/audit.py").run()
    assert not app.exception
    shown = audit_frame(app)
    assert list(shown["Who"][:2]) == [ANA, "local"]
    assert shown["What"][0] == "Case created"
    assert shown["Details"][0] == "Invoice 1121: case *BA9RBCQZ*"  # as text, not Markdown
    assert "sandbox-demo" not in shown.to_csv()  # the demo password is never in the log

    app.selectbox(key="audit_who").select(ANA).run()
    assert set(audit_frame(app)["Who"]) == {ANA}

    app.text_input(key="audit_text").input("no such thing").run()
    assert any("Nothing recorded matches" in info.value for info in app.info)


def test_a_new_session_logging_in_on_its_own_is_told_apart_from_a_person_connecting(app):
    connect_demo(app)
    again = AppTest.from_file(str(APP), default_timeout=30).run()  # a reload: a new session
    assert not again.exception and again.session_state["active_connection"] is not None
    audit = Workspace.open(Settings.load({"APP_DATA_DIR": os.environ["APP_DATA_DIR"]})).audit
    assert [entry.event for entry in reversed(audit.entries())] == ["connected", "resumed"]
