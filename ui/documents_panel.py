"""The Submit page's word on documents: which cases go to Debitura complete (the invoice PDF
attached, the description there) and which will not, and why."""

from __future__ import annotations

from collections.abc import Sequence

import streamlit as st

from mapping import ReviewRow
from ui.plain import as_markdown_text
from workflow.documents import document_plan


def documents_readiness(rows: Sequence[ReviewRow], *, test_mode: bool) -> None:
    plans = [document_plan(row, test_mode=test_mode) for row in rows]
    attached = sum(1 for plan in plans if plan.will_attach)
    incomplete = [plan for plan in plans if not plan.complete]
    unread = sum(1 for plan in plans if plan.will_attach is None)
    summary = f"Invoice PDFs: **{attached} of {len(plans)}** will be attached from KashFlow"
    if unread:
        summary += f"; {unread} looked for when sent"
    st.markdown(summary + ".")
    if not incomplete:
        return
    st.warning(
        f"{len(incomplete)} case{'s' if len(incomplete) != 1 else ''} will not go complete: "
        "Debitura needs the invoice file for them and will ask for it after the case is created.",
        icon=":material/description:",
    )
    for plan in incomplete:
        st.markdown(
            f"- **{as_markdown_text(plan.invoice_number)}**: {as_markdown_text(plan.reason)}"
        )
