"""The pages (Streamlit AppTest) against the hostile sandboxes: hostile names through Review,
Submit and the cases created, a redirect at connect, an unsigned agreement on Create, and a
data folder the page cannot use. No page shows an exception; Markdown-rendering elements get
outside text escaped; another host sees nothing. (Real Chromium: tests/e2e/test_hostile_text.py.)
"""

from __future__ import annotations

import os
from pathlib import Path

import pytest
import streamlit as st
from streamlit.testing.v1 import AppTest

from store.database import DATABASE_FILE
from tests.app.conftest import button, connect_typed, table_with, texts
from tests.app.test_hostile_text_pages import markdown_sources
from tests.app.test_review_page import edit_grid, follow_continue_link, state
from tests.hostile.support import (
    API_KEY,
    MEMORABLE_WORD,
    PASSWORD,
    USERNAME,
    check_ledger,
    debitura_server,
    kashflow_server,
)
from tests.hostile.test_hostile_text import HOSTILE_COMPANY, NAMES

APP = Path(__file__).resolve().parents[2] / "app.py"


@pytest.fixture
def app(monkeypatch, tmp_path):
    st.cache_data.clear()
    st.cache_resource.clear()
    return AppTest.from_file(str(APP), default_timeout=30)


@pytest.fixture
def servers(monkeypatch):
    kashflow = kashflow_server(
        invoices=30, customers=6, hostile=True, company_name=HOSTILE_COMPANY
    ).start()
    debitura = debitura_server().start()
    monkeypatch.setenv("KASHFLOW_BASE_URL", kashflow.url)
    monkeypatch.setenv("DEBITURA_BASE_URL", debitura.url)
    monkeypatch.setenv("DEBITURA_API_KEY", API_KEY)
    yield kashflow, debitura
    kashflow.stop()
    debitura.stop()


def page_text(app) -> str:
    return "\n".join(markdown_sources(app))


def raw_hostile(kashflow) -> list[str]:
    """The hostile names as KashFlow sends them (those that carry markup)."""
    names = [kashflow.dataset.customer(code).detail["Name"] for code in NAMES.values()]
    return [HOSTILE_COMPANY, *[name for name in names if "\x1b" not in name]]


def shown_errors(app) -> str:
    return "\n".join(texts(app.error) + texts(app.warning))


def connected(app) -> AppTest:
    app.run()
    connect_typed(app, USERNAME, PASSWORD, MEMORABLE_WORD)
    return app


def hostile_rows(app) -> list:
    return [row for row in state(app).rows if row.customer_code in NAMES.values()]


def test_review_shows_hostile_names_as_text(app, servers, tally):
    kashflow, _ = servers
    connected(app)
    app.switch_page("pages/review.py").run()
    leaked = [text for text in raw_hostile(kashflow) if text in page_text(app)]
    tally.traceback = bool(app.exception)
    tally.judge("\n".join(texts(app.caption)[:3]), action=False)
    assert not app.exception, app.exception
    assert leaked == []
    shown = set(app.data_editor[0].value["invoice_number"])
    assert {row.invoice_number for row in hostile_rows(app)} <= shown


def test_submit_lists_hostile_rows_as_text_and_creates_each_case_once(app, servers, tally):
    kashflow, debitura = servers
    connected(app)
    app.switch_page("pages/review.py").run()
    rows = hostile_rows(app)
    edit_grid(app, {row.invoice_number: {"select": True} for row in rows})
    follow_continue_link(app)
    leaked_before = [text for text in raw_hostile(kashflow) if text in page_text(app)]
    create = [b for b in app.button if b.label.startswith("Create")]
    if create:
        create[0].click().run()
        button(app, create[0].label.replace("Create", "Yes, create")).click().run()
    outcomes = table_with(app, "Result") if create else None
    leaked_after = [text for text in raw_hostile(kashflow) if text in page_text(app)]
    data_dir = Path(os.environ["APP_DATA_DIR"])
    consistency = check_ledger(data_dir, debitura, {})
    tally.traceback = bool(app.exception)
    tally.misrecorded = len(consistency.misrecorded)
    tally.duplicated = len(consistency.duplicated)
    results = outcomes["Result"].tolist() if outcomes is not None else []
    tally.judge("\n".join(results + texts(app.error)[:2]), action=False)
    assert not app.exception, app.exception
    assert leaked_before == [] and leaked_after == []
    assert create and results and not consistency, consistency
    names = {case["debtor"]["name"] for case in debitura.cases()}
    assert names <= {row.debtor.name for row in rows}  # the names reach Debitura unchanged


def test_a_redirect_at_connect_is_an_error_on_the_page_and_nothing_reaches_the_other_host(
    app, servers, tally, elsewhere
):
    kashflow, _ = servers
    kashflow.faults.update(redirect_to=elsewhere.url)
    connected(app)
    message = shown_errors(app)
    tally.traceback = bool(app.exception)
    tally.credentials_elsewhere = len(elsewhere.carrying(kashflow.secrets()))
    tally.judge(message, action=True)
    assert not app.exception, app.exception
    assert "redirect" in message and elsewhere.seen == []
    assert tally.message_problems == []


def test_an_unsigned_agreement_on_create_says_what_to_sign(app, servers, tally):
    kashflow, debitura = servers
    connected(app)
    app.switch_page("pages/review.py").run()
    rows = [row for row in state(app).rows if row.eligible][:2]
    edit_grid(app, {row.invoice_number: {"select": True} for row in rows})
    follow_continue_link(app)
    debitura.faults.update(missing_contract=True)
    button(app, f"Create {len(rows)} cases").click().run()
    button(app, f"Yes, create {len(rows)} cases").click().run()
    outcomes = table_with(app, "Result")
    message = "\n".join(str(v) for v in outcomes.to_dict("records"))
    tally.traceback = bool(app.exception)
    tally.judge(message, action=True)
    assert not app.exception, app.exception
    assert set(outcomes["Result"]) <= {"failed", "not sent"} and "sign" in message.lower()
    assert debitura.cases() == []
    assert tally.message_problems == []


@pytest.mark.parametrize(
    "damage",
    [
        pytest.param(b"not a database\n" * 100, id="damaged-data-file-on-submit"),
        pytest.param("secret.key", id="damaged-secret-key-on-connect"),
    ],
)
def test_a_data_folder_the_page_cannot_use_shows_what_to_do(app, servers, damage, tally):
    data_dir = Path(os.environ["APP_DATA_DIR"])
    data_dir.mkdir(mode=0o700, parents=True)
    if damage == "secret.key":
        (data_dir / "secret.key").write_bytes(b"garbage, not a key\n")
        app.run()
        if not app.exception and len(app.text_input) >= 3:
            connect_typed(app, USERNAME, PASSWORD, MEMORABLE_WORD)
    else:
        (data_dir / DATABASE_FILE).write_bytes(damage)
        app.run()
        app.switch_page("pages/submit.py").run()
    message = shown_errors(app)
    tally.traceback = bool(app.exception)
    tally.judge(message, action=True)
    assert not app.exception, app.exception
    assert message and tally.message_problems == []
