"""The check every page starts with: no connection, no page."""

from __future__ import annotations

import streamlit as st

from ui.session import active_connection
from workflow.connect import ActiveConnection

# The main script: in navigation mode it opens the default page (Connect); on a freshly started
# server that deep-linked into pages/ (Streamlit's legacy mode) it starts the proper frame.
CONNECT_TARGET = "app.py"


def require_connection() -> ActiveConnection:
    connection = active_connection()
    if connection is None:
        st.warning("Connect a KashFlow account first: this page works on its invoices.")
        st.page_link(CONNECT_TARGET, label="Go to Connect", icon=":material/link:")
        st.stop()
    return connection
