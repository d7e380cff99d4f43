"""This browser session's connection (memory only, never shared between users), and picking
it up again in a new session.

Streamlit starts a new session, with empty state, on every reload and in every new tab. So
that the analyst comes back to the same connection there, the saved connection's id rides in
the page address (``?connection=3``: an id, never a credential), set again on every page run
because Streamlit's page links drop it; and the app remembers the connection used last for a
tab opened without it. A new session logs in again from the stored, encrypted credentials.
"""

from __future__ import annotations

import streamlit as st

from kashflow import KashFlowError
from store import SecretKeyError, StorageError, StoredCredentialsUnreadable
from ui import context
from ui.identity import current_actor
from ui.plain import as_markdown_text
from workflow.connect import ActiveConnection
from workflow.resume import connection_to_resume, resume
from workflow.workspace import Workspace

ADDRESS_PARAM = "connection"
_CONNECTION = "active_connection"
_PICKED_UP = "connection_picked_up"  # tried once per session: a Disconnect then holds
_PICK_UP_PROBLEM = "connection_pick_up_problem"


def active_connection() -> ActiveConnection | None:
    return st.session_state.get(_CONNECTION)


def set_active_connection(connection: ActiveConnection | None) -> None:
    """Make ``connection`` this session's (None: disconnect); a new session of this app picks
    it up too, and after a disconnect none does."""
    previous = st.session_state.get(_CONNECTION)
    if previous is not None and (connection is None or previous.client is not connection.client):
        previous.client.logout()
    if connection is None:
        st.session_state.pop(_CONNECTION, None)
    else:
        st.session_state[_CONNECTION] = connection
        st.session_state.pop(_PICK_UP_PROBLEM, None)
    _remember_for_new_sessions(connection)
    show_in_address(connection)


def pick_up_connection() -> None:
    """On a session's first page run: log in again, silently, with the saved connection the
    address names, or else the one this app used last (until it was disconnected). A login
    that fails is kept for the connect panel to show (``pick_up_problem``)."""
    if active_connection() is not None or st.session_state.get(_PICKED_UP):
        return
    st.session_state[_PICKED_UP] = True
    try:
        workspace = Workspace.open(context.settings(), actor=current_actor())
    except (StorageError, SecretKeyError):
        return  # the page says what is wrong with the store when it opens it
    saved = connection_to_resume(_requested_connection_id(), workspace)
    if saved is None:
        return
    try:
        with st.spinner(f"Reconnecting to {as_markdown_text(saved.label)}…"):
            connection = resume(saved, workspace=workspace)
    except (KashFlowError, StoredCredentialsUnreadable, StorageError) as error:
        st.session_state[_PICK_UP_PROBLEM] = f"Could not reconnect to {saved.label}: {error}"
        return
    set_active_connection(connection)


def pick_up_problem() -> str | None:
    """Why this session could not log in again by itself, until it connects."""
    return st.session_state.get(_PICK_UP_PROBLEM)


def show_in_address(connection: ActiveConnection | None) -> None:
    """Put the saved connection's id in the page address (or take it out)."""
    wanted = str(connection.saved.id) if connection and connection.saved else None
    if st.query_params.get(ADDRESS_PARAM) == wanted:
        return
    if wanted is None:
        st.query_params.pop(ADDRESS_PARAM, None)
    else:
        st.query_params[ADDRESS_PARAM] = wanted


def _requested_connection_id() -> int | None:
    value = st.query_params.get(ADDRESS_PARAM, "")
    return int(value) if value.isdigit() else None


def _remember_for_new_sessions(connection: ActiveConnection | None) -> None:
    # One local user (the app listens on 127.0.0.1): one resume point per data folder. Issue
    # 12 (sign-in) makes it per user. Best effort: a store that cannot be written costs only
    # the pick-up after a reload, and the page reports the store on its own.
    try:
        resume_point = Workspace.open(context.settings(), actor=current_actor()).resume
        if connection is None:
            resume_point.forget()
        elif connection.saved is not None:
            resume_point.remember(connection.saved.id)
    except (StorageError, SecretKeyError):
        pass
