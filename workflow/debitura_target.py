"""Where cases go, decided in one place for the pages and the CLI.

In this order: ``DEBITURA_API_KEY`` (environment or secrets.toml, for headless use); else the
Debitura connection saved on the Connect page; else the built-in Debitura sandbox.

The target's ``key`` is what the submission ledger records with every case, so a case sent to
the sandbox, or sent in test mode, never marks an invoice as sent for real collection.
"""

from __future__ import annotations

from dataclasses import dataclass
from urllib.parse import urlsplit

from debitura import DebituraClient
from mapping.case_payload import DEFAULT_TEST_TAG
from store import SavedDebitura, StoredDebituraKeyUnreadable
from workflow.settings import Settings, SettingsError
from workflow.workspace import Workspace

SANDBOX_KEY = "sandbox"
TEST_MODE_SUFFIX = "#test"
# Where to connect a real Debitura account is said once, by the sidebar (and `cli.py --help`).
SANDBOX_LABEL = "Built-in Debitura sandbox: cases stay on this computer and are not collected"

# Where the choice came from.
FROM_ENVIRONMENT = "environment"  # DEBITURA_API_KEY
FROM_SAVED = "saved"  # the Connect page's Debitura connection
FROM_SANDBOX = "sandbox"  # neither: the built-in sandbox


@dataclass(frozen=True)
class Destination:
    """Where cases go, known without decrypting a key or connecting anywhere."""

    source: str  # FROM_ENVIRONMENT, FROM_SAVED or FROM_SANDBOX
    base_url: str  # "" for the sandbox (its port changes with every run)
    test_mode: bool
    creditor_name: str = ""  # the saved connection's, as Debitura's GET /me named it

    @property
    def is_sandbox(self) -> bool:
        return self.source == FROM_SANDBOX

    @property
    def host(self) -> str:
        return urlsplit(self.base_url).netloc or self.base_url

    @property
    def key(self) -> str:
        """The ledger's name for this destination: "sandbox" or the base URL, "#test" added in
        test mode."""
        base = SANDBOX_KEY if self.is_sandbox else self.base_url
        return base + (TEST_MODE_SUFFIX if self.test_mode else "")

    @property
    def label(self) -> str:
        """One line for the CLI."""
        if self.is_sandbox:
            label = SANDBOX_LABEL
        elif self.creditor_name:
            label = f"Debitura as {self.creditor_name} ({self.host})"
        else:
            label = f"Debitura ({self.host})"
        if self.test_mode:
            label += f": test mode, cases are flagged as test data (tag {DEFAULT_TEST_TAG})"
        return label


@dataclass(frozen=True)
class DebituraTarget:
    """A Debitura client plus what the app says and records about where it sends."""

    client: DebituraClient
    key: str  # "sandbox", or the base URL ("…#test" in test mode): the ledger's debitura_target
    is_sandbox: bool
    test_mode: bool
    label: str  # one line for the banner / CLI
    tag: str = DEFAULT_TEST_TAG  # groups test-mode cases (DELETE /test/cases?tag=…)
    # Send cases while the collection agreement is unsigned (see workflow.contract).
    allow_pending_contracts: bool = False


def choose_destination(settings: Settings, saved: SavedDebitura | None) -> Destination:
    """The environment's key wins, then the saved connection, then the sandbox.
    ``DEBITURA_TEST_MODE`` turns test mode on for any of them.

    >>> choose_destination(Settings.load({}), None).key
    'sandbox'
    >>> choose_destination(Settings.load({"DEBITURA_API_KEY": "k", "DEBITURA_TEST_MODE": "1"}),
    ...                    None).key
    'https://customer-api.debitura.com#test'
    """
    forced_test_mode = settings.debitura_test_mode
    if settings.debitura_api_key:
        return Destination(FROM_ENVIRONMENT, settings.debitura_base_url, forced_test_mode)
    if saved is not None:
        return Destination(
            FROM_SAVED, saved.base_url, saved.test_mode or forced_test_mode, saved.creditor_name
        )
    return Destination(FROM_SANDBOX, "", forced_test_mode)


def current_destination(workspace: Workspace) -> Destination:
    return choose_destination(workspace.settings, workspace.debitura.current())


def target_key(workspace: Workspace) -> str:
    """The ledger's name for where cases go now, without connecting anywhere."""
    return current_destination(workspace).key


def resolve_debitura(workspace: Workspace) -> DebituraTarget:
    """The target cases go to now; the sandbox starts in this process on first use.

    Raises ``SettingsError`` for an address or key that cannot work, or a saved key that
    cannot be decrypted.
    """
    destination = current_destination(workspace)
    if destination.source == FROM_SANDBOX:
        from workflow.demo import debitura_sandbox  # the sandbox only when it is needed

        sandbox = debitura_sandbox()
        client = DebituraClient(sandbox.api_key, base_url=sandbox.base_url)
    elif destination.source == FROM_ENVIRONMENT:
        base_url, api_key = workspace.settings.checked_debitura()
        client = DebituraClient(api_key, base_url=base_url)
    else:
        try:
            api_key = workspace.debitura.api_key()
        except StoredDebituraKeyUnreadable as error:
            raise SettingsError(str(error)) from None
        except KeyError:  # disconnected by another session a moment ago
            raise SettingsError(
                "The Debitura connection was just removed: check where cases go on the Connect "
                "page, then try again."
            ) from None
        client = DebituraClient(api_key, base_url=destination.base_url)
    return DebituraTarget(
        client,
        destination.key,
        destination.is_sandbox,
        destination.test_mode,
        destination.label,
    )
