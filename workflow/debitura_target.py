"""Where cases go: the real Debitura API (with DEBITURA_API_KEY) or the built-in sandbox.

The target's ``key`` is what the submission ledger records with every case, so a case sent to
the sandbox, or sent in test mode, never marks an invoice as sent for real collection.
"""

from __future__ import annotations

from dataclasses import dataclass
from urllib.parse import urlsplit

from debitura import DebituraClient
from mapping.case_payload import DEFAULT_TEST_TAG
from workflow.settings import Settings

SANDBOX_KEY = "sandbox"
TEST_MODE_SUFFIX = "#test"
SANDBOX_LABEL = "Debitura sandbox (no DEBITURA_API_KEY set): cases stay on this computer"


@dataclass(frozen=True)
class DebituraTarget:
    """A Debitura client plus what the app says and records about where it sends."""

    client: DebituraClient
    key: str  # "sandbox", or the base URL ("…#test" in test mode): the ledger's debitura_target
    is_sandbox: bool
    test_mode: bool
    label: str  # one line for the banner / CLI
    tag: str = DEFAULT_TEST_TAG  # groups test-mode cases (DELETE /test/cases?tag=…)


def target_key(settings: Settings) -> str:
    """The ledger's name for where these settings send cases, without connecting anywhere."""
    base = SANDBOX_KEY if not settings.debitura_api_key else settings.debitura_base_url
    return base + (TEST_MODE_SUFFIX if settings.debitura_test_mode else "")


def resolve_debitura(settings: Settings) -> DebituraTarget:
    """The target for these settings; without an API key, the demo Debitura sandbox (started
    in this process on first use). Raises ``SettingsError`` for an address or key that cannot
    work."""
    test_mode = settings.debitura_test_mode
    key = target_key(settings)
    if not settings.debitura_api_key:
        from workflow.demo import debitura_sandbox  # the sandbox only when it is needed

        sandbox = debitura_sandbox()
        client = DebituraClient(sandbox.api_key, base_url=sandbox.base_url)
        return DebituraTarget(client, key, True, test_mode, SANDBOX_LABEL)
    base_url, api_key = settings.checked_debitura()
    client = DebituraClient(api_key, base_url=base_url)
    host = urlsplit(client.base_url).netloc or client.base_url
    label = f"Debitura ({host})"
    if test_mode:
        label += f": test mode, cases are flagged as test data (tag {DEFAULT_TEST_TAG})"
    return DebituraTarget(client, key, False, test_mode, label)
