"""What every page shows around its content: the connected company and the demo banner."""

from __future__ import annotations

import streamlit as st

from workflow.connect import ActiveConnection


def render_frame(connection: ActiveConnection | None) -> None:
    with st.sidebar:
        if connection is None:
            st.caption("Not connected to KashFlow")
        else:
            st.markdown(f"**{connection.display_name}**")
            st.caption(f"KashFlow · {connection.client.credentials.username}")
    if connection is not None and connection.is_demo:
        st.info(
            "Sandbox: you are looking at the built-in demo company. Its invoices are made up "
            "and nothing leaves this computer.",
            icon=":material/science:",
        )
