"""The import as the Review page and ``cli.py invoices`` show it: every open invoice, checked
against the company's policy, with the invoices the ledger holds as sent marked as such (and
carrying Debitura's case reference, so the analyst sees which case each one became)."""

from __future__ import annotations

from collections.abc import Callable
from dataclasses import replace
from datetime import date

from store.ledger import CREATED
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
    references = sent_case_references(connection, workspace)
    result = import_open_invoices(
        connection.client,
        policy=policy_for(connection, as_of),
        submitted_invoices=set(references),
        on_progress=on_progress,
    )
    if not any(row.invoice_number in references for row in result.rows):
        return result
    return replace(
        result,
        rows=tuple(
            replace(row, case_reference=references[row.invoice_number])
            if row.already_submitted and row.invoice_number in references
            else row
            for row in result.rows
        ),
    )


def sent_case_references(connection: ActiveConnection, workspace: Workspace) -> dict[str, str]:
    """Invoice number → Debitura's case reference (its case id when it gave no reference), for
    the invoices of this company that are cases at the configured target."""
    return {
        sent.invoice_number: sent.case_reference or sent.case_id
        for sent in workspace.ledger.list(connection.account_key, target_key(workspace))
        if sent.state == CREATED
    }
