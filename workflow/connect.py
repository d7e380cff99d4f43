"""Connecting a KashFlow account: log in, learn the company name, remember the connection."""

from __future__ import annotations

from dataclasses import dataclass

from kashflow import Company, Credentials, KashFlowClient, KashFlowError
from store import SavedConnection
from workflow.workspace import Workspace


@dataclass(frozen=True)
class ActiveConnection:
    """A live connection for one user session. The client holds the session token in memory."""

    client: KashFlowClient
    company: Company
    saved: SavedConnection | None
    is_demo: bool = False

    @property
    def display_name(self) -> str:
        return self.company.name or self.client.credentials.username


def connect(
    credentials: Credentials,
    *,
    base_url: str,
    workspace: Workspace,
    is_demo: bool = False,
    save: bool = True,
) -> ActiveConnection:
    """Log in now and read the company name; raises the specific ``KashFlowError`` on failure."""
    client = KashFlowClient(credentials, base_url=base_url)
    try:
        client.login()
        company = client.company()
    except KashFlowError as error:
        workspace.audit.record(
            "connect_failed", detail=f"{credentials.username}: {type(error).__name__}"
        )
        raise
    saved = None
    if save:
        saved = workspace.connections.save(
            credentials,
            company_name=company.name,
            base_url=None if is_demo else client.base_url,
            is_demo=is_demo,
        )
    workspace.audit.record(
        "connected",
        connection_id=saved.id if saved else None,
        detail=f"{credentials.username} to {company.name or 'KashFlow'}",
    )
    return ActiveConnection(client, company, saved, is_demo)


def reconnect(
    connection_id: int, *, workspace: Workspace, demo_base_url: str | None = None
) -> ActiveConnection:
    """Log in again with a saved connection, without the user typing anything."""
    saved = workspace.connections.get(connection_id)
    base_url = demo_base_url if saved.is_demo else saved.base_url
    if not base_url:
        raise ValueError("The demo company is not running in this process.")
    active = connect(
        workspace.connections.credentials(connection_id),
        base_url=base_url,
        workspace=workspace,
        is_demo=saved.is_demo,
    )
    return active
