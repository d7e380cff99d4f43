"""Demo mode's one home: the built-in sandbox company and the Debitura sandbox.

This is the only module of ``workflow/`` (and of the app) that reaches into ``sandbox/``. The
sandbox servers start on free loopback ports the first time anything here needs them, once
per process, so a demo connection saved yesterday reconnects today without a step of its own.
Callers that may never need the demo import this module lazily, so a real connection does not
load the sandbox code.
"""

from __future__ import annotations

from dataclasses import dataclass

from kashflow import Credentials
from sandbox.demo import DEMO_MEMORABLE_WORD, DEMO_PASSWORD, DEMO_USERNAME, demo_servers

# The demo company's login, shown on the Connect page so anyone can try it.
DEMO_CREDENTIALS = Credentials(DEMO_USERNAME, DEMO_PASSWORD, DEMO_MEMORABLE_WORD)


@dataclass(frozen=True)
class DebituraSandboxAccess:
    """Where the built-in Debitura sandbox listens, and the API key it accepts."""

    base_url: str
    api_key: str


def demo_kashflow_url() -> str:
    """The demo company's KashFlow API root (starting the sandboxes if they are not running)."""
    return demo_servers().kashflow_url


def debitura_sandbox() -> DebituraSandboxAccess:
    """The built-in Debitura sandbox (starting the sandboxes if they are not running)."""
    servers = demo_servers()
    return DebituraSandboxAccess(servers.debitura_url, servers.debitura_api_key)
