"""Picking a saved connection up again in a new browser session: a reload, a second tab.

Streamlit forgets a session's state (and with it the live KashFlow login) on every reload, so
the app logs in again, without the analyst typing anything, with the saved connection the
page's address names, or else the one the app on this data folder used last.
"""

from __future__ import annotations

from kashflow import AuthenticationError
from store import SavedConnection, StoredCredentialsUnreadable
from workflow.connect import ActiveConnection, reconnect
from workflow.workspace import Workspace


def connection_to_resume(requested_id: int | None, workspace: Workspace) -> SavedConnection | None:
    """The saved connection a new session picks up: ``requested_id`` (from the page address)
    when given, else the one connected last unless it was disconnected; None when there is
    none or it has been removed since."""
    connection_id = requested_id if requested_id is not None else workspace.resume.connection_id()
    if connection_id is None:
        return None
    try:
        return workspace.connections.get(connection_id)
    except KeyError:
        return None


def resume(saved: SavedConnection, *, workspace: Workspace) -> ActiveConnection:
    """``reconnect`` to ``saved``; raises as it does. A login KashFlow refuses (the password
    was changed, say) or secrets that cannot be read stop later sessions from trying again
    on their own: repeated failed logins can lock a KashFlow account."""
    try:
        return reconnect(saved.id, workspace=workspace, resumed=True)
    except (AuthenticationError, StoredCredentialsUnreadable):
        workspace.resume.forget()
        raise
