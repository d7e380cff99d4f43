"""The import as the Review page and ``cli.py invoices`` show it: every open invoice, checked
against the company's policy, with the invoices the ledger holds as sent marked as such."""

from __future__ import annotations

from collections.abc import Callable
from datetime import date

from workflow.connect import ActiveConnection, policy_for
from workflow.debitura_target import target_key
from workflow.importing import ImportProgress, ImportResult, import_open_invoices
from workflow.workspace import Workspace


def import_for_review(
    connection: ActiveConnection,
    *,
    workspace: Workspace,
    as_of: date | None = None,
    on_progress: Callable[[ImportProgress], None] | None = None,
) -> ImportResult:
    """Fetch and map the open invoices; raises the client's ``KashFlowError`` on failure."""
    submitted = submitted_invoice_numbers(connection, workspace)
    return import_open_invoices(
        connection.client,
        policy=policy_for(connection, as_of),
        submitted_invoices=submitted,
        on_progress=on_progress,
    )


def submitted_invoice_numbers(connection: ActiveConnection, workspace: Workspace) -> set[str]:
    """Invoices of this KashFlow company the ledger holds as cases at the configured target."""
    return workspace.ledger.submitted_invoice_numbers(
        connection.account_key, target_key(workspace.settings)
    )
