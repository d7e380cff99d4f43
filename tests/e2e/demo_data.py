"""The demo company's review rows as the app will show them today (the sandbox is seeded)."""

from __future__ import annotations

from kashflow import Credentials, KashFlowClient
from mapping import Policy, ReviewRow
from sandbox.kashflow_server import (
    DEMO_MEMORABLE_WORD,
    DEMO_PASSWORD,
    DEMO_USERNAME,
    KashFlowSandbox,
)
from workflow.importing import import_open_invoices


def demo_rows() -> tuple[ReviewRow, ...]:
    with KashFlowSandbox() as server:
        client = KashFlowClient(
            Credentials(DEMO_USERNAME, DEMO_PASSWORD, DEMO_MEMORABLE_WORD), base_url=server.url
        )
        return import_open_invoices(client, policy=Policy.for_today()).rows


def blocking_codes(row: ReviewRow) -> set[str]:
    return {problem.code for problem in row.problems if problem.severity == "error"}


def sendable(row: ReviewRow) -> bool:
    """Eligible, and not under Debitura's minimum (which its sandbox refuses)."""
    return row.eligible and "below_minimum" not in {problem.code for problem in row.problems}
