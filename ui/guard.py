"""The check every page but Connect starts with: no connection, no page content.

A visitor without a connection (a new browser session, a reload, a deep link) gets one line
saying why, and every way to connect right on the page they asked for; once connected, the
same page runs on. Nothing here links to another page, so it works alike in Streamlit's
navigation mode and in the legacy ``pages/`` mode a fresh server's deep link starts.
"""

from __future__ import annotations

import streamlit as st

from store import SecretKeyError
from ui import context
from ui.connect_panel import connect_panel
from ui.session import active_connection
from workflow.connect import ActiveConnection


def require_connection(why: str) -> ActiveConnection:
    """This session's connection; without one, the connect panel and a stop."""
    connection = active_connection()
    if connection is not None:
        return connection
    st.warning(f"Connect a KashFlow account first: {why}", icon=":material/link:")
    try:
        connect_panel(context.workspace())
    except SecretKeyError as error:
        st.error(str(error))
    st.stop()
