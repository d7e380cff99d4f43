"""The demo sandbox servers: started once per process, on free loopback ports.

The KashFlow sandbox is the demo company; the Debitura sandbox receives the cases whenever
neither ``DEBITURA_API_KEY`` nor a saved Debitura connection says otherwise (its cases live in
this process's memory only, and move on by themselves after they are sent: see
``sandbox.debitura_story``).
"""

from __future__ import annotations

import threading
from dataclasses import dataclass

from sandbox.debitura_server import SANDBOX_API_KEY, DebituraSandbox, DebituraSandboxConfig
from sandbox.kashflow_server import (
    DEMO_MEMORABLE_WORD,
    DEMO_PASSWORD,
    DEMO_USERNAME,
    KashFlowSandbox,
)

__all__ = [
    "DEMO_MEMORABLE_WORD",
    "DEMO_PASSWORD",
    "DEMO_USERNAME",
    "SANDBOX_API_KEY",
    "DemoServers",
    "demo_servers",
]


@dataclass(frozen=True)
class DemoServers:
    kashflow: KashFlowSandbox
    debitura: DebituraSandbox

    @property
    def kashflow_url(self) -> str:
        return self.kashflow.url

    @property
    def debitura_url(self) -> str:
        return self.debitura.url

    @property
    def debitura_api_key(self) -> str:
        return SANDBOX_API_KEY


_lock = threading.Lock()
_servers: DemoServers | None = None


def demo_servers() -> DemoServers:
    """The running demo servers, starting them on first use (thread-safe)."""
    global _servers
    with _lock:
        if _servers is None:
            kashflow = KashFlowSandbox().start()
            try:
                # Cases move on after they are sent, so the demo has follow-through to show.
                story = DebituraSandboxConfig(follow_through_story=True)
                debitura = DebituraSandbox(story).start()
            except BaseException:
                kashflow.stop()
                raise
            _servers = DemoServers(kashflow=kashflow, debitura=debitura)
        return _servers
