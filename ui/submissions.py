"""The submission side as the pages see it: where cases go and which invoices were sent."""

from __future__ import annotations

from ui import context
from workflow.connect import ActiveConnection
from workflow.debitura_target import DebituraTarget, resolve_debitura
from workflow.submit import kashflow_account


def debitura_target() -> DebituraTarget:
    return resolve_debitura(context.settings())


def submitted_invoice_numbers(connection: ActiveConnection) -> set[str]:
    """Invoices the ledger holds as sent to this Debitura target for this KashFlow company."""
    workspace = context.workspace()
    return workspace.ledger.submitted_invoice_numbers(
        kashflow_account(connection), debitura_target().key
    )
