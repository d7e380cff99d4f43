"""What every page shows around its content: the page links, the connected company and the
demo banner."""

from __future__ import annotations

import streamlit as st

from ui.navigation import page_links
from ui.plain import as_markdown_text
from workflow.connect import ActiveConnection
from workflow.settings import Settings


def render_frame(connection: ActiveConnection | None, settings: Settings) -> None:
    with st.sidebar:
        page_links()
        st.divider()
        if connection is None:
            st.caption("Not connected to KashFlow")
        else:
            st.markdown(f"**{as_markdown_text(connection.display_name)}**")
            st.caption(f"KashFlow · {as_markdown_text(connection.client.credentials.username)}")
        if not settings.debitura_api_key:
            st.info(
                "Cases go to the built-in Debitura sandbox and stay on this computer. Set "
                "DEBITURA_API_KEY to send them to Debitura.",
                icon=":material/science:",
            )
        elif settings.debitura_test_mode:
            st.info(
                "Debitura test mode: cases are flagged as test data.", icon=":material/science:"
            )
    if connection is not None and connection.is_demo:
        st.info(
            "Sandbox: you are looking at the built-in demo company. Its invoices are made up "
            "and nothing leaves this computer.",
            icon=":material/science:",
        )
