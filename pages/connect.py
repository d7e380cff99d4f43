"""Connect a KashFlow account (or the demo company); reconnect or remove saved ones."""

import streamlit as st

from kashflow import Credentials, KashFlowError
from store import SecretKeyError, StoredCredentialsUnreadable
from ui import context
from ui.demo import DEMO_CREDENTIALS, demo_kashflow_url
from ui.page import start_public_page
from ui.session import set_active_connection
from workflow.connect import connect, reconnect

current = start_public_page("Connect")
st.title("Connect KashFlow")

try:
    workspace = context.workspace()
except SecretKeyError as error:
    st.error(str(error))
    st.stop()


def _run(action) -> None:
    """Connect through ``action`` and show the outcome; errors are the client's own words."""
    try:
        with st.spinner("Logging in to KashFlow…"):
            connection = action()
    except (KashFlowError, StoredCredentialsUnreadable) as error:
        st.error(str(error), icon=":material/error:")
        return
    set_active_connection(connection)
    st.rerun()


if current is not None:
    st.success(f"Connected to {current.display_name}", icon=":material/check_circle:")
    if st.button("Disconnect", icon=":material/link_off:"):
        set_active_connection(None)
        st.rerun()

saved_connections = workspace.connections.list()
if saved_connections:
    st.subheader("Saved connections")
    for saved in saved_connections:
        name_column, reconnect_column, remove_column = st.columns([4, 1, 1])
        name_column.markdown(f"**{saved.label}**")
        name_column.caption(f"Last used {saved.last_used_at[:16].replace('T', ' ')} UTC")
        if reconnect_column.button("Reconnect", key=f"reconnect-{saved.id}"):
            demo_url = demo_kashflow_url() if saved.is_demo else None
            _run(
                lambda saved=saved, demo_url=demo_url: reconnect(
                    saved.id, workspace=workspace, demo_base_url=demo_url
                )
            )
        if remove_column.button("Remove", key=f"remove-{saved.id}"):
            workspace.connections.remove(saved.id)
            workspace.audit.record("connection_removed", connection_id=saved.id)
            st.rerun()

st.subheader("Add a KashFlow account")
with st.form("connect"):
    username = st.text_input("KashFlow login email", autocomplete="username")
    password = st.text_input("Password", type="password", autocomplete="current-password")
    memorable_word = st.text_input(
        "Memorable word (all of it)",
        type="password",
        help="KashFlow asks for three of its letters on each login; the app picks them for you.",
    )
    submitted = st.form_submit_button("Connect", type="primary")
if submitted:
    if not (username and password and memorable_word):
        st.error("Enter the login email, the password and the whole memorable word.")
    else:
        credentials = Credentials(username, password, memorable_word)
        base_url = workspace.settings.kashflow_base_url
        _run(lambda: connect(credentials, base_url=base_url, workspace=workspace))

st.divider()
st.subheader("No KashFlow account at hand?")
st.caption(
    "The demo company is a sandbox KashFlow that runs inside this app with a few hundred "
    f"made-up invoices. Its login: {DEMO_CREDENTIALS.username} · password "
    f"{DEMO_CREDENTIALS.password} · memorable word {DEMO_CREDENTIALS.memorable_word}."
)
if st.button("Try the demo company", icon=":material/science:"):
    _run(
        lambda: connect(
            DEMO_CREDENTIALS, base_url=demo_kashflow_url(), workspace=workspace, is_demo=True
        )
    )
