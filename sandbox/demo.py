"""The demo company's sandbox servers: started once per process, on free loopback ports."""

from __future__ import annotations

import threading
from dataclasses import dataclass

from sandbox.kashflow_server import (
    DEMO_MEMORABLE_WORD,
    DEMO_PASSWORD,
    DEMO_USERNAME,
    KashFlowSandbox,
)

__all__ = ["DEMO_MEMORABLE_WORD", "DEMO_PASSWORD", "DEMO_USERNAME", "DemoServers", "demo_servers"]


@dataclass(frozen=True)
class DemoServers:
    kashflow: KashFlowSandbox

    @property
    def kashflow_url(self) -> str:
        return self.kashflow.url


_lock = threading.Lock()
_servers: DemoServers | None = None


def demo_servers() -> DemoServers:
    """The running demo servers, starting them on first use (thread-safe)."""
    global _servers
    with _lock:
        if _servers is None:
            _servers = DemoServers(kashflow=KashFlowSandbox().start())
        return _servers
