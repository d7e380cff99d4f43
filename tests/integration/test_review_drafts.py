"""The analyst's kept work (store.drafts, written through by the review state): it survives a
new session, per KashFlow company, leaves on send and reset, and holds no KashFlow data."""

from __future__ import annotations

import sqlite3
from dataclasses import replace

import pytest

from kashflow import Credentials
from mapping.frame import ReviewFilter, filter_positions
from sandbox.kashflow_server import DEMO_MEMORABLE_WORD, DEMO_PASSWORD, DEMO_USERNAME
from store.database import DATABASE_FILE
from store.drafts import TABLE
from tests.conftest import SANDBOX_AS_OF
from ui.review_state import ReviewState
from workflow.connect import connect
from workflow.review import import_for_review
from workflow.settings import Settings
from workflow.workspace import Workspace

ACCOUNT = "demo|Harrow & Finch Joinery Ltd"


@pytest.fixture
def workspace() -> Workspace:
    return Workspace.open(Settings.load())


@pytest.fixture
def imported(kashflow_sandbox, workspace):
    connection = connect(
        Credentials(DEMO_USERNAME, DEMO_PASSWORD, DEMO_MEMORABLE_WORD),
        base_url=kashflow_sandbox.url,
        workspace=workspace,
    )
    return import_for_review(connection, workspace=workspace, as_of=SANDBOX_AS_OF)


def kept_state(workspace: Workspace, account: str = ACCOUNT) -> ReviewState:
    """A review state as a new browser session makes it: the draft read back, then kept."""
    state = ReviewState(
        account,
        keep_draft=lambda account, numbers, overrides, selected: workspace.drafts.write(
            account, numbers, overrides=overrides, selected=selected
        ),
    )
    draft = workspace.drafts.load(account)
    state.overrides = {number: dict(fields) for number, fields in draft.overrides.items()}
    state._selected = draft.selected
    return state


def test_edits_and_ticks_round_trip_per_company(workspace):
    workspace.drafts.write(
        ACCOUNT,
        {"1001", "1002", "1003"},
        overrides={"1001": {"city": "Doncaster"}, "1003": {"email": "ap@example.org"}},
        selected={"1002", "1003"},
    )
    again = Workspace.open(Settings.load()).drafts.load(ACCOUNT)  # another session
    assert again.overrides == {"1001": {"city": "Doncaster"}, "1003": {"email": "ap@example.org"}}
    assert again.selected == {"1002", "1003"}
    other = workspace.drafts.load("https://api.kashflow.com/v2|Another Ltd")
    assert other.overrides == {} and other.selected == set()

    workspace.drafts.write(ACCOUNT, {"1001", "1002"}, overrides={}, selected=set())
    left = workspace.drafts.load(ACCOUNT)
    assert (left.overrides, left.selected) == ({"1003": {"email": "ap@example.org"}}, {"1003"})


def test_rows_of_another_draft_format_are_skipped(workspace):
    workspace.drafts.write(ACCOUNT, {"1001"}, overrides={"1001": {"city": "Ely"}}, selected=set())
    database = sqlite3.connect(Settings.load().app_data_dir / DATABASE_FILE)
    with database:
        database.execute(f"update {TABLE} set format = 99")
    assert workspace.drafts.load(ACCOUNT).overrides == {}


def test_every_change_of_the_review_state_is_kept(workspace, imported):
    state = kept_state(workspace)
    state.set_import(imported)
    first, second, third = (row.invoice_number for row in imported.rows[:3])
    customer = imported.rows[0].customer_code

    state.edit({first: {"city": "Doncaster"}})
    state.select([first, second])
    state.selected = state.selected | {third}  # as the grid and the submit runner assign it
    siblings = state.apply_to_customer(first)
    reopened = kept_state(workspace)
    assert reopened.selected == {first, second, third}
    assert reopened.overrides[first] == {"city": "Doncaster"}
    assert siblings == sum(row.customer_code == customer for row in imported.rows)
    assert len(reopened.overrides) == siblings

    state.reset_edits([first])
    state.clear_selection()
    reopened = kept_state(workspace)
    assert first not in reopened.overrides and reopened.selected == set()
    state.reset_edits()
    assert workspace.drafts.load(ACCOUNT).overrides == {}


def test_a_sent_invoice_leaves_the_draft_edits_and_all(workspace, imported):
    state = kept_state(workspace)
    state.set_import(imported)
    sent, kept = (row.invoice_number for row in imported.rows[:2])
    state.edit({sent: {"city": "Doncaster"}, kept: {"city": "Ely"}})
    state.select([sent, kept])

    state.forget_sent({sent})  # what the submit runner does with the cases created
    draft = workspace.drafts.load(ACCOUNT)
    assert draft.selected == {kept} and set(draft.overrides) == {kept}


def test_a_fresh_import_drops_invoices_gone_or_sent_since(workspace, imported):
    gone, sent_elsewhere, kept = (row.invoice_number for row in imported.rows[:3])
    workspace.drafts.write(
        ACCOUNT,
        {gone, sent_elsewhere, kept},
        overrides={gone: {"city": "Ely"}, sent_elsewhere: {"city": "Ely"}},
        selected={gone, sent_elsewhere, kept},
    )
    state = kept_state(workspace)  # before the import, nothing is dropped
    assert state.selected == {gone, sent_elsewhere, kept}

    # Since the last session: one invoice was paid, one sent from another tab or the CLI.
    rows = tuple(
        replace(row, already_submitted=row.invoice_number == sent_elsewhere)
        for row in imported.rows
        if row.invoice_number != gone
    )
    state.set_import(replace(imported, rows=rows))
    assert state.selected == {kept}
    draft = workspace.drafts.load(ACCOUNT)
    assert draft.selected == {kept} and draft.overrides == {}


def test_the_store_holds_no_kashflow_data(workspace, imported):
    state = kept_state(workspace)
    state.set_import(imported)
    edited = imported.rows[0]
    state.edit({edited.invoice_number: {"city": "Typed Town"}})
    state.select(row.invoice_number for row in imported.rows)

    database = sqlite3.connect(Settings.load().app_data_dir / DATABASE_FILE)
    columns = [row[1] for row in database.execute(f"pragma table_info({TABLE})")]
    assert columns == [
        "account", "actor", "invoice_number", "overrides", "selected", "format", "updated_at"
    ]  # fmt: skip
    stored = {
        row[0]: row[1] for row in database.execute(f"select invoice_number, overrides from {TABLE}")
    }
    assert set(stored) == {row.invoice_number for row in imported.rows}
    assert {number: text for number, text in stored.items() if text != "{}"} == {
        edited.invoice_number: '{"city": "Typed Town"}'
    }
    on_disk = b"".join(
        path.read_bytes() for path in Settings.load().app_data_dir.rglob("*") if path.is_file()
    )
    kashflow_values = {
        value
        for row in imported.rows
        for value in (row.debtor.name, row.debtor.email, row.debtor.address, row.debtor.postcode)
        if value and len(value) > 4
    }
    assert kashflow_values
    assert [value for value in kashflow_values if value.encode() in on_disk] == []


def test_the_kept_search_text_follows_an_edited_debtor_name(workspace, imported):
    """The review keeps what the search box looks in between searches; an edit to a debtor's
    name is found at once, and the old name no longer finds the invoice."""
    state = kept_state(workspace)
    state.set_import(imported)
    first = imported.rows[0]
    found = ReviewFilter(search="Zyxwvut Holdings")
    assert filter_positions(state.frame, found, searched=state.search_text).tolist() == []

    state.edit({first.invoice_number: {"name": "Zyxwvut Holdings Ltd"}})
    shown = filter_positions(state.frame, found, searched=state.search_text)
    assert state.frame["invoice_number"].take(shown).tolist() == [first.invoice_number]
    old_name = ReviewFilter(search=first.debtor.name)
    still = filter_positions(state.frame, old_name, searched=state.search_text)
    assert first.invoice_number not in state.frame["invoice_number"].take(still).tolist()
