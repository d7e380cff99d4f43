"""Shared set-up of the submit tests: a KashFlow sandbox, a Debitura sandbox, a ledger on disk.

Import the ``world`` fixture (and ``start_world`` for a custom one) into a test module.
"""

from __future__ import annotations

from dataclasses import dataclass, field
from datetime import date
from decimal import Decimal
from pathlib import Path

import pytest

from debitura import DebituraClient, RetryPolicy
from kashflow import Credentials, KashFlowClient
from mapping import Policy, ReviewRow
from sandbox.debitura_server import (
    SANDBOX_API_KEY,
    DebituraFaults,
    DebituraSandbox,
    DebituraSandboxConfig,
)
from sandbox.kashflow_server import (
    DEMO_MEMORABLE_WORD,
    DEMO_PASSWORD,
    DEMO_USERNAME,
    KashFlowSandbox,
    KashFlowSandboxConfig,
)
from store import SubmissionLedger, open_database
from workflow.debitura_target import DebituraTarget
from workflow.importing import import_open_invoices
from workflow.submit import SubmitReport, submit_cases

FAST = RetryPolicy(attempts=5, initial_wait=0.001, max_wait=0.005, max_retry_after=0.01)
ACCOUNT = "test|Harrow & Finch Joinery Ltd"
# The submit tests' "today", never the machine's: the KashFlow books are generated as of this
# day, rows are judged against it (Policy, the CLI's --as-of) and Debitura's date rules use it.
AS_OF = date(2026, 11, 21)
TODAY = AS_OF


def debitura_target(
    server: DebituraSandbox,
    *,
    retry: RetryPolicy = FAST,
    api_key: str = SANDBOX_API_KEY,
    test_mode: bool = False,
    key: str = "sandbox-under-test",
) -> DebituraTarget:
    client = DebituraClient(api_key, base_url=server.url, retry=retry)
    return DebituraTarget(client, key, True, test_mode, "Debitura sandbox under test")


@dataclass
class World:
    kashflow: KashFlowSandbox
    debitura: DebituraSandbox
    data_dir: Path
    target: DebituraTarget
    kashflow_client: KashFlowClient
    policy: Policy
    account: str = ACCOUNT
    outcomes_seen: list = field(default_factory=list)

    @property
    def ledger(self) -> SubmissionLedger:
        # A new connection each time, like each run of the app or the CLI.
        return SubmissionLedger(open_database(self.data_dir))

    def import_rows(self) -> tuple[ReviewRow, ...]:
        submitted = self.ledger.submitted_invoice_numbers(self.account, self.target.key)
        result = import_open_invoices(
            self.kashflow_client, policy=self.policy, submitted_invoices=submitted
        )
        return result.rows

    def eligible_rows(self) -> list[ReviewRow]:
        return [row for row in self.import_rows() if row.eligible]

    def submit(self, rows, *, target: DebituraTarget | None = None, **options) -> SubmitReport:
        options.setdefault("on_result", self.outcomes_seen.append)
        return submit_cases(
            rows,
            target=target or self.target,
            ledger=self.ledger,
            account=self.account,
            **options,
        )

    def case_count(self, creditor_reference: str) -> int:
        return sum(
            case["creditorReference"] == creditor_reference for case in self.debitura.cases()
        )

    def create_calls(self) -> int:
        return self.debitura.stats_snapshot()["cases"]["create_calls"]


@pytest.fixture
def start_world(tmp_path, started):
    """``start_world(faults=..., retry=..., **debitura_config)`` → a ``World``; stopped after."""
    worlds = 0

    def start(
        faults: DebituraFaults | None = None,
        *,
        retry: RetryPolicy = FAST,
        invoices: int = 40,
        customers: int = 12,
        **debitura_config,
    ) -> World:
        nonlocal worlds
        worlds += 1
        debitura_config.setdefault("today", TODAY)
        debitura_config.setdefault("minimum_usd", Decimal(0))  # every eligible row is accepted
        kashflow = started(
            KashFlowSandbox(
                KashFlowSandboxConfig(invoices=invoices, customers=customers, as_of=AS_OF)
            )
        )
        debitura = started(DebituraSandbox(DebituraSandboxConfig(**debitura_config), faults))
        client = KashFlowClient(
            Credentials(DEMO_USERNAME, DEMO_PASSWORD, DEMO_MEMORABLE_WORD), base_url=kashflow.url
        )
        as_of: date = kashflow.dataset.as_of
        return World(
            kashflow=kashflow,
            debitura=debitura,
            data_dir=tmp_path / f"data-{2 * worlds}",
            target=debitura_target(debitura, retry=retry),
            kashflow_client=client,
            policy=Policy(as_of=as_of),
        )

    return start


@pytest.fixture
def world(start_world) -> World:
    return start_world()
