"""Connect a KashFlow account (or the demo company); reconnect or remove saved ones; connect
Debitura."""

import streamlit as st

from store import SecretKeyError
from ui import context
from ui.connect_panel import connect_panel, next_step_link, reference_prefix_form
from ui.debitura_panel import debitura_panel
from ui.page import start_public_page
from ui.plain import as_markdown_text
from ui.session import set_active_connection

current = start_public_page("Connect")
st.title("Connect KashFlow")

try:
    workspace = context.workspace()
except SecretKeyError as error:
    st.error(str(error))
    st.stop()

if current is not None:
    st.success(
        f"Connected to {as_markdown_text(current.display_name)}", icon=":material/check_circle:"
    )
    next_step_link()
    if current.reference_prefix:
        example = as_markdown_text(current.reference_prefix + "1121")
        st.caption(f"Cases go to Debitura under the prefix and the invoice number: {example}.")
    reference_prefix_form(current, workspace)
    if st.button("Disconnect", icon=":material/link_off:"):
        set_active_connection(None)
        st.rerun()
    st.divider()
    debitura_panel(workspace)  # with KashFlow connected, Debitura is the next to connect
    st.divider()

connect_panel(workspace)

if current is None:
    st.divider()
    debitura_panel(workspace)
