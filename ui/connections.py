"""Switching to a saved connection, for the Connect page, the gate and the review's picker."""

from __future__ import annotations

import streamlit as st

from kashflow import KashFlowError
from store import SavedConnection, StoredCredentialsUnreadable
from ui.plain import as_markdown_text
from ui.session import set_active_connection
from workflow.connect import ActiveConnection, reconnect
from workflow.workspace import Workspace


def switch_to(saved: SavedConnection, workspace: Workspace) -> ActiveConnection:
    """Log in with a saved connection and make it this session's; raises on failure."""
    connection = reconnect(saved.id, workspace=workspace)
    set_active_connection(connection)
    return connection


SWITCH_ERRORS = (KashFlowError, StoredCredentialsUnreadable)


def connection_picker(
    connection: ActiveConnection, workspace: Workspace
) -> tuple[ActiveConnection, bool]:
    """With more than one saved connection, a picker that switches to another; returns the
    connection to show and whether it was just switched to. A failed switch stops the page
    with the reason."""
    # In a fixed order: the list itself is most-recently-used first, and reconnecting
    # reorders it.
    saved = {each.id: each for each in sorted(workspace.connections.list(), key=lambda c: c.id)}
    if len(saved) < 2:
        return connection, False
    current_id = connection.saved.id if connection.saved else next(iter(saved))
    chosen = st.selectbox(
        "KashFlow connection",
        list(saved),
        index=list(saved).index(current_id) if current_id in saved else 0,
        format_func=lambda saved_id: saved[saved_id].label,
        key="connection_picker",
    )
    if chosen == current_id:
        return connection, False
    try:
        return switch_to(saved[chosen], workspace), True
    except SWITCH_ERRORS as error:
        st.error(as_markdown_text(error))
        st.stop()
