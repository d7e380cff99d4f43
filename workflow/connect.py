"""Connecting a KashFlow account: log in, learn the company name, remember the connection."""

from __future__ import annotations

from dataclasses import dataclass, replace
from datetime import date

from kashflow import DEFAULT_BASE_URL, Company, Credentials, KashFlowClient, KashFlowError
from mapping import Policy, london_today
from mapping.validation import checked_reference_prefix
from store import SavedConnection
from workflow.workspace import Workspace

DEFAULT_HOME_CURRENCY = "GBP"


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

    @property
    def account_key(self) -> str:
        """A stable name for the KashFlow company behind this connection, for the ledger.

        The demo company is ``demo|<company>`` (its sandbox port changes per run); a real one
        is ``<base URL>|<company name>``.
        """
        company = self.company.name or self.client.credentials.username
        if self.is_demo:
            return f"demo|{company}"
        return f"{self.client.base_url}|{company}"

    @property
    def connection_id(self) -> int | None:
        """The saved connection's id, or None for one used without saving (the CLI's)."""
        return self.saved.id if self.saved else None

    @property
    def reference_prefix(self) -> str:
        """Put before each invoice number in the creditor reference ("" for none)."""
        return self.saved.reference_prefix if self.saved else ""


def policy_for(connection: ActiveConnection, as_of: date | None = None) -> Policy:
    """What this company's invoices are checked against: due dates as of ``as_of`` (default:
    today in London) and the company's home currency."""
    return Policy(
        as_of=as_of or london_today(),
        home_currency=connection.company.home_currency or DEFAULT_HOME_CURRENCY,
        reference_prefix=connection.reference_prefix,
    )


def connect(
    credentials: Credentials,
    *,
    base_url: str,
    workspace: Workspace,
    is_demo: bool = False,
    save: bool = True,
    resumed: bool = False,
) -> ActiveConnection:
    """Log in now and read the company name; raises the specific ``KashFlowError`` on failure.

    ``resumed``: a new browser session logging in again on its own (a reload, a second tab),
    recorded apart from a person's connecting so the audit log reads as what people did."""
    client = KashFlowClient(credentials, base_url=base_url)
    try:
        client.login()
        company = client.company()
    except KashFlowError as error:
        workspace.audit.record(
            "connect_failed", detail=f"{credentials.username}: {type(error).__name__}"
        )
        raise
    base_url_saved = None if is_demo else client.base_url
    if save:
        saved = workspace.connections.save(
            credentials, company_name=company.name, base_url=base_url_saved, is_demo=is_demo
        )
    else:
        # Not saved again, but its settings (the reference prefix) hold all the same: the same
        # company must send its cases under the same references from the CLI and the pages.
        saved = workspace.connections.find(credentials.username, base_url_saved, is_demo)
    workspace.audit.record(
        "resumed" if resumed else "connected",
        connection_id=saved.id if saved else None,
        detail=f"{credentials.username} to {company.name or 'KashFlow'}",
    )
    return ActiveConnection(client, company, saved, is_demo)


def connect_typed(
    credentials: Credentials, *, workspace: Workspace, save: bool = True
) -> ActiveConnection:
    """``connect`` to the KashFlow of the settings (``KASHFLOW_BASE_URL``); raises
    ``SettingsError`` first when that cannot be a KashFlow address.

    The demo company's login (the Connect page shows it) typed while the settings name the
    real KashFlow, where that login cannot exist, connects to the demo company instead. With
    ``KASHFLOW_BASE_URL`` set elsewhere (a sandbox of one's own), it goes there as typed.
    """
    base_url = workspace.settings.checked_kashflow_base_url()
    if base_url == DEFAULT_BASE_URL and _is_demo_login(credentials):
        return connect_demo(workspace=workspace, save=save)
    return connect(credentials, base_url=base_url, workspace=workspace, save=save)


def _is_demo_login(credentials: Credentials) -> bool:
    # Loads (never starts) the sandbox code; only typed logins for the real KashFlow get here.
    from workflow.demo import DEMO_CREDENTIALS

    return (
        credentials.username.casefold() == DEMO_CREDENTIALS.username.casefold()
        and credentials.password == DEMO_CREDENTIALS.password
        and credentials.memorable_word == DEMO_CREDENTIALS.memorable_word
    )


def set_reference_prefix(
    connection: ActiveConnection, prefix: str, *, workspace: Workspace
) -> ActiveConnection:
    """Check and save this connection's creditor-reference prefix; raises ``ValueError`` with
    a message when the prefix will not do, or when the connection is not saved."""
    if connection.saved is None:
        raise ValueError("Save the connection first: the prefix is kept with it.")
    checked = checked_reference_prefix(prefix)
    saved = workspace.connections.set_reference_prefix(connection.saved.id, checked)
    workspace.audit.record(
        "reference_prefix_set", connection_id=saved.id, detail=checked or "(none)"
    )
    return replace(connection, saved=saved)


def connect_demo(*, workspace: Workspace, save: bool = True) -> ActiveConnection:
    """Log in to the built-in demo company (starting its sandbox if needed) and save it."""
    from workflow import demo

    return connect(
        demo.DEMO_CREDENTIALS,
        base_url=demo.demo_kashflow_url(),
        workspace=workspace,
        is_demo=True,
        save=save,
    )


def reconnect(
    connection_id: int, *, workspace: Workspace, resumed: bool = False
) -> ActiveConnection:
    """Log in again with a saved connection, without the user typing anything. A demo
    connection starts the demo sandbox first when this process is not running it yet.
    ``resumed``: no one clicked (a new browser session picking its connection up)."""
    saved = workspace.connections.get(connection_id)
    if saved.is_demo:
        from workflow import demo

        base_url = demo.demo_kashflow_url()
    else:
        base_url = saved.base_url
    return connect(
        workspace.connections.credentials(connection_id),
        base_url=base_url,
        workspace=workspace,
        is_demo=saved.is_demo,
        resumed=resumed,
    )
