"""Audit log: who did what, with which connection, newest first; filters and an export."""

import streamlit as st

from ui import context
from ui.audit_view import audit_downloads, audit_filters, audit_table_view
from ui.page import start_public_page
from workflow.audit import DEFAULT_LIMIT, AuditFilter, audit_entries

start_public_page("Audit log")
st.title("Audit log")
st.caption(
    "Every connection saved or removed, every edit kept, every case sent or refused and every "
    "paid-directly message, with who did it. Times are UTC. Never holds passwords, memorable "
    "words or keys."
)
workspace = context.workspace()
wanted = audit_filters(workspace.audit, workspace.connections.list())
if wanted is None:
    st.stop()
entries = audit_entries(workspace.audit, wanted)
if not entries:
    filtered = wanted != AuditFilter()
    st.info("Nothing recorded matches these filters." if filtered else "Nothing recorded yet.")
    st.stop()
shown = f"{len(entries):,} entries" if len(entries) != 1 else "1 entry"
if len(entries) >= DEFAULT_LIMIT:
    shown = f"The newest {DEFAULT_LIMIT:,} entries: narrow the filters to see older ones"
st.caption(shown + ", newest first.")
audit_table_view(entries)
audit_downloads(entries)
