"""The Submit page's read of the selected invoices' detail (line items, payments, reminders,
contact), once per invoice per session, with a progress bar while it reads."""

from __future__ import annotations

from collections.abc import Sequence

import streamlit as st

from kashflow import KashFlowError
from mapping import ReviewRow
from ui.plain import as_markdown_text
from workflow.case_details import read_case_details
from workflow.connect import ActiveConnection

_READ = "case_details_read"  # {"account": key, "invoices": {number: Invoice}}


def with_case_details(connection: ActiveConnection, rows: Sequence[ReviewRow]) -> list[ReviewRow]:
    """``rows`` with their invoice detail; what this session read before is not read again.

    A detail KashFlow did not give leaves its row as imported (the send re-reads every
    invoice anyway), and the page says which.
    """
    stored = st.session_state.get(_READ)
    known = stored["invoices"] if stored and stored["account"] == connection.account_key else {}
    to_read = [row for row in rows if row.eligible]  # a row with errors is not sent: not read
    missing = sum(1 for row in to_read if row.invoice_number not in known)
    slot = st.empty()

    def show(done: int, total: int) -> None:
        slot.progress(
            done / total, text=f"Reading invoice details from KashFlow: {done} of {total}"
        )

    try:
        if missing:
            show(0, missing)
        read = read_case_details(connection.client, to_read, known=known, on_progress=show)
    except KashFlowError as error:
        slot.empty()
        st.warning(
            "KashFlow did not give the invoices' details, so the cases below show what the "
            f"import knew; the send reads them again. {as_markdown_text(str(error))}"
        )
        return list(rows)
    slot.empty()
    st.session_state[_READ] = {"account": connection.account_key, "invoices": dict(read.invoices)}
    if read.failed:
        numbers = ", ".join(number for number, _ in read.failed)
        st.warning(
            f"KashFlow did not give the details of {as_markdown_text(numbers)}: shown as "
            "imported; the send reads them again."
        )
    enriched = {row.invoice_number: row for row in read.rows}
    return [enriched.get(row.invoice_number, row) for row in rows]
