"""The ways to connect: saved connections, the login form and the demo company.

Drawn by the Connect page and by the gate on every other page, so a visitor who arrives on
any page without a connection can connect right there and carry on with that page.
"""

from __future__ import annotations

from collections.abc import Callable

import streamlit as st

from kashflow import Credentials, KashFlowError
from mapping.dates import uk_time
from store import StorageError, StoredCredentialsUnreadable
from ui.plain import as_markdown_text
from ui.review_state import forget_review
from ui.session import pick_up_problem, set_active_connection
from workflow.connect import (
    ActiveConnection,
    connect_demo,
    connect_typed,
    reconnect,
    set_reference_prefix,
)
from workflow.demo import DEMO_CREDENTIALS
from workflow.settings import SettingsError
from workflow.workspace import Workspace

# The typed secrets' widgets, emptied as soon as the form is sent (see _take_typed_login).
_PASSWORD_KEY = "connect_password"
_MEMORABLE_WORD_KEY = "connect_memorable_word"
_USERNAME_KEY = "connect_username"
_TYPED_LOGIN = "connect_typed_login"


def connect_panel(workspace: Workspace) -> None:
    """Every way to connect; a successful one becomes this session's and reruns the page."""
    problem = pick_up_problem()
    if problem:
        st.error(as_markdown_text(problem), icon=":material/error:")
    saved_connections = workspace.connections.list()
    if saved_connections:
        st.subheader("Saved connections")
        for saved in saved_connections:
            name_column, reconnect_column, remove_column = st.columns([4, 1, 1])
            name_column.markdown(f"**{as_markdown_text(saved.label)}**")
            name_column.caption(f"Last used {uk_time(saved.last_used_at)}")
            if reconnect_column.button("Reconnect", key=f"reconnect-{saved.id}"):
                _run(lambda saved=saved: reconnect(saved.id, workspace=workspace))
            if remove_column.button("Remove", key=f"remove-{saved.id}"):
                try:
                    workspace.connections.remove(saved.id)
                    workspace.audit.record("connection_removed", connection_id=saved.id)
                except StorageError as error:
                    st.error(as_markdown_text(error), icon=":material/error:")
                else:
                    st.rerun()

    st.subheader("Add a KashFlow account")
    with st.form("connect"):
        st.text_input("KashFlow login email", autocomplete="username", key=_USERNAME_KEY)
        st.text_input(
            "Password", type="password", autocomplete="current-password", key=_PASSWORD_KEY
        )
        st.text_input(
            "Memorable word (all of it)",
            type="password",
            help="KashFlow asks for three of its letters on each login; the app picks them.",
            key=_MEMORABLE_WORD_KEY,
        )
        st.form_submit_button("Connect", type="primary", on_click=_take_typed_login)
    typed = st.session_state.pop(_TYPED_LOGIN, None)
    if typed is not None:
        if not all(typed):
            st.error("Enter the login email, the password and the whole memorable word.")
        else:
            credentials = Credentials(*typed)
            _run(lambda: connect_typed(credentials, workspace=workspace))

    st.divider()
    st.subheader("No KashFlow account at hand?")
    st.caption(
        "The demo company is a sandbox KashFlow that runs inside this app with a few hundred "
        "made-up invoices. Use the button, or type its login in the form above: login email "
        f"`{DEMO_CREDENTIALS.username}`, password `{DEMO_CREDENTIALS.password}`, memorable "
        f"word `{DEMO_CREDENTIALS.memorable_word}`."
    )
    if st.button("Try the demo company", icon=":material/science:"):
        _run(lambda: connect_demo(workspace=workspace))


def _take_typed_login() -> None:
    """The form's callback, run before the page: take the typed login out of the form and
    empty the password and memorable word, so they are not on screen after the submit."""
    st.session_state[_TYPED_LOGIN] = (
        st.session_state.get(_USERNAME_KEY, ""),
        st.session_state.get(_PASSWORD_KEY, ""),
        st.session_state.get(_MEMORABLE_WORD_KEY, ""),
    )
    st.session_state[_PASSWORD_KEY] = ""
    st.session_state[_MEMORABLE_WORD_KEY] = ""


def next_step_link() -> None:
    """Where the work goes on once connected: a link that stands out under the success."""
    with st.container(border=True):
        st.page_link(
            "pages/review.py",
            label="**Review invoices →**",
            icon=":material/table_view:",
            help="The company's unpaid and overdue invoices, to check, fix and select.",
            width="stretch",
        )


def _run(action: Callable[[], ActiveConnection]) -> None:
    """Connect through ``action`` and show the outcome; errors are the client's own words."""
    try:
        with st.spinner("Logging in to KashFlow…"):
            connection = action()
    except (KashFlowError, StoredCredentialsUnreadable, StorageError, SettingsError) as error:
        st.error(as_markdown_text(error), icon=":material/error:")
        return
    set_active_connection(connection)
    st.rerun()


def reference_prefix_form(connection: ActiveConnection, workspace: Workspace) -> None:
    """The connection's creditor-reference prefix, for several companies on one Debitura
    account."""
    if connection.saved is None:
        return
    with st.form("reference_prefix"):
        prefix = st.text_input(
            "Creditor-reference prefix",
            value=connection.reference_prefix,
            max_chars=20,
            placeholder="none: the bare invoice number",
            help="Debitura knows each case by its creditor reference. When several KashFlow "
            "companies send to one Debitura account, give each a prefix (for example HF-) so "
            "that invoice 1121 of one is never taken for invoice 1121 of another.",
        )
        saved = st.form_submit_button("Save prefix")
    if not saved:
        return
    try:
        updated = set_reference_prefix(connection, prefix, workspace=workspace)
    except (ValueError, StorageError) as error:
        st.error(as_markdown_text(error), icon=":material/error:")
        return
    set_active_connection(updated)
    forget_review()  # the rows were checked against the old reference
    st.rerun()
