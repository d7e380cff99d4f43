"""Fixtures shared by every test layer."""

from __future__ import annotations

from collections.abc import Iterator
from datetime import date

import pytest

import kashflow.client
from kashflow import RetryPolicy
from sandbox.kashflow_server import KashFlowFaults, KashFlowSandbox, KashFlowSandboxConfig
from tests.postgres_support import engine, postgres_server, postgres_url  # noqa: F401

# The day the sandbox KashFlow's books are generated as of, unless a test says otherwise: the
# data (and anything judged against its ``dataset.as_of``) is then the same on every day.
SANDBOX_AS_OF = date(2026, 11, 21)

# Real backoff waits seconds; tests keep the same retry logic with millisecond waits.
FAST_RETRY = RetryPolicy(attempts=5, initial_wait=0.005, max_wait=0.02, max_retry_after=0.05)


# The settings a developer's shell may carry; no test may see them.
SETTING_NAMES = (
    "KASHFLOW_BASE_URL",
    "KASHFLOW_USERNAME",
    "KASHFLOW_PASSWORD",
    "KASHFLOW_MEMORABLE_WORD",
    "DEBITURA_BASE_URL",
    "DEBITURA_API_KEY",
    "DEBITURA_TEST_MODE",
    "APP_SECRET_KEY",
    "APP_ALLOWED_EMAILS",
    "APP_SUBMITTERS",
    "APP_ALLOW_NO_SIGNIN",
    "APP_DATABASE_URL",
)


@pytest.fixture(autouse=True)
def isolated_environment(monkeypatch: pytest.MonkeyPatch, tmp_path) -> None:
    """Each test gets its own data directory and no credentials from the developer's shell."""
    for name in SETTING_NAMES:
        monkeypatch.delenv(name, raising=False)
    monkeypatch.setenv("APP_DATA_DIR", str(tmp_path / "data"))
    monkeypatch.setattr(kashflow.client, "DEFAULT_RETRY", FAST_RETRY)


@pytest.fixture
def started() -> Iterator:
    """``started(server)`` starts an in-process sandbox server; every one stops after the test."""
    servers = []

    def start(server):
        servers.append(server.start())
        return server

    yield start
    for server in servers:
        server.stop()


@pytest.fixture
def start_kashflow_sandbox(started):
    """Start in-process KashFlow sandboxes with the given config and faults."""

    def start(faults: KashFlowFaults | None = None, **config) -> KashFlowSandbox:
        if config.get("dataset") is None:
            config.setdefault("as_of", SANDBOX_AS_OF)
        return started(KashFlowSandbox(KashFlowSandboxConfig(**config), faults))

    return start


@pytest.fixture
def kashflow_sandbox(start_kashflow_sandbox) -> KashFlowSandbox:
    return start_kashflow_sandbox()
