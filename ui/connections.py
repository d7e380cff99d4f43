"""Switching to a saved connection, for the Connect page, the gate and the review's picker."""

from __future__ import annotations

from kashflow import KashFlowError
from store import SavedConnection, StoredCredentialsUnreadable
from ui.session import set_active_connection
from workflow.connect import ActiveConnection, reconnect
from workflow.workspace import Workspace


def switch_to(saved: SavedConnection, workspace: Workspace) -> ActiveConnection:
    """Log in with a saved connection and make it this session's; raises on failure."""
    connection = reconnect(saved.id, workspace=workspace)
    set_active_connection(connection)
    return connection


SWITCH_ERRORS = (KashFlowError, StoredCredentialsUnreadable)
