"""The built-in sandbox company: started once per process, on free ports, on first use."""

from __future__ import annotations

from kashflow import Credentials
from sandbox.demo import DEMO_MEMORABLE_WORD, DEMO_PASSWORD, DEMO_USERNAME, demo_servers

DEMO_CREDENTIALS = Credentials(DEMO_USERNAME, DEMO_PASSWORD, DEMO_MEMORABLE_WORD)


def demo_kashflow_url() -> str:
    return demo_servers().kashflow_url
