"""The Audit log page's parts: its filters, the table and the downloads."""

from __future__ import annotations

from collections.abc import Sequence

import pandas as pd
import streamlit as st

from mapping.dates import uk_time
from store.audit import AuditEntry, AuditLog
from store.connections import SavedConnection
from ui.uk_dates import DATE_INPUT_FORMAT
from workflow.audit import AuditFilter, audit_table, event_words
from workflow.spreadsheet import CSV_MIME, XLSX_MIME, table_csv, table_xlsx

EVERYONE = "Everyone"
EVERY_CONNECTION = "Every connection"


def audit_filters(audit: AuditLog, connections: Sequence[SavedConnection]) -> AuditFilter | None:
    """The analyst's choice of entries; ``None`` (with the reason shown) when it cannot hold."""
    who_column, what_column, connection_column = st.columns([1, 2, 1])
    actors = [EVERYONE, *audit.actors()]
    actor = who_column.selectbox("Who", actors, key="audit_who")
    events = what_column.multiselect(
        "What", audit.events(), format_func=event_words, key="audit_events",
        placeholder="Everything",
    )  # fmt: skip
    names = {saved.id: saved.name for saved in connections}
    connection_id = connection_column.selectbox(
        "Connection", [None, *names], format_func=lambda key: names.get(key, EVERY_CONNECTION),
        key="audit_connection",
    )  # fmt: skip
    first_column, last_column, text_column = st.columns([1, 1, 2])
    first_day = first_column.date_input(
        "From", value=None, format=DATE_INPUT_FORMAT, key="audit_from"
    )
    last_day = last_column.date_input("To", value=None, format=DATE_INPUT_FORMAT, key="audit_to")
    text = text_column.text_input(
        "Search the details", key="audit_text", placeholder="An invoice number, a host, …"
    )
    try:
        return AuditFilter(
            actor=None if actor == EVERYONE else actor,
            events=tuple(events),
            connection_id=connection_id,
            first_day=first_day,
            last_day=last_day,
            text=text,
        )
    except ValueError as error:
        st.warning(str(error))
        return None


def audit_frame(entries: Sequence[AuditEntry]) -> pd.DataFrame:
    """One row per entry, every cell plain text (details may quote KashFlow or Debitura)."""
    return pd.DataFrame(
        {
            "When": [uk_time(entry.at) for entry in entries],
            "Who": [entry.actor for entry in entries],
            "What": [event_words(entry.event) for entry in entries],
            "Connection": [entry.connection_name for entry in entries],
            "Details": [entry.detail for entry in entries],
        },
        dtype="string",
    )


def audit_table_view(entries: Sequence[AuditEntry]) -> None:
    st.dataframe(
        audit_frame(entries),
        hide_index=True,
        width="stretch",
        key="audit_table",
        column_config={
            # Fixed widths for the short columns; the details take what is left.
            "When": st.column_config.TextColumn(width=150),
            "Who": st.column_config.TextColumn(width=180),
            "What": st.column_config.TextColumn(width=210),
            "Connection": st.column_config.TextColumn(width=170),
        },
    )


def audit_downloads(entries: Sequence[AuditEntry]) -> None:
    csv_column, xlsx_column = st.columns(2)
    csv_column.download_button(
        "Download the audit log (CSV)",
        lambda: table_csv(audit_table(entries), for_excel=True),
        "audit-log.csv",
        CSV_MIME,
        on_click="ignore",
    )
    xlsx_column.download_button(
        "Download the audit log (XLSX)",
        lambda: table_xlsx(audit_table(entries)),
        "audit-log.xlsx",
        XLSX_MIME,
        on_click="ignore",
    )
