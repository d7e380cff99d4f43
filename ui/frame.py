"""What every page shows around its content: the page links, the connected company, where
cases go, the demo banner, and (with sign-in) who is signed in."""

from __future__ import annotations

import streamlit as st

from store import SecretKeyError, StorageError
from ui.identity import current_actor
from ui.navigation import page_links
from ui.plain import as_markdown_text
from ui.sign_in import sign_out_control
from workflow.connect import ActiveConnection
from workflow.debitura_target import FROM_SANDBOX, Destination, current_destination
from workflow.settings import Settings
from workflow.workspace import Workspace


def render_frame(connection: ActiveConnection | None, settings: Settings) -> None:
    with st.sidebar:
        page_links()
        st.divider()
        if connection is None:
            st.caption("Not connected to KashFlow")
        else:
            st.markdown(f"**{as_markdown_text(connection.display_name)}**")
            st.caption(f"KashFlow · {as_markdown_text(connection.client.credentials.username)}")
        destination = _destination(settings)
        if destination is not None:
            _destination_banner(destination)
        sign_out_control()  # with sign-in on: who is signed in, and Sign out
    if connection is not None and connection.is_demo:
        _demo_banner(destination)


def _demo_banner(destination: Destination | None) -> None:
    about = "Sandbox: you are looking at the built-in demo company. Its invoices are made up"
    if destination is None or destination.is_sandbox:
        st.info(about + " and nothing leaves this computer.", icon=":material/science:")
        return
    # Made-up invoices would become cases at a real Debitura account: say so plainly.
    where = as_markdown_text(destination.creditor_name or destination.host)
    if destination.test_mode:
        st.info(
            f"{about}; cases you create from them go to Debitura as {where}, in test mode.",
            icon=":material/science:",
        )
    else:
        st.warning(
            f"{about}, but cases you create from them go to Debitura as {where} for real "
            "collection. Turn on test mode on the Connect page, or disconnect Debitura, to "
            "practise.",
            icon=":material/warning:",
        )


def _destination(settings: Settings) -> Destination | None:
    """Where cases go, read without creating or changing anything; None when the data folder
    cannot be read (the page itself then says what to do about it)."""
    try:
        return current_destination(Workspace.open(settings, read_only=True, actor=current_actor()))
    except (StorageError, SecretKeyError):
        return None


def _destination_banner(destination: Destination) -> None:
    if destination.source == FROM_SANDBOX:
        st.info(
            "Practice mode: cases go to a built-in Debitura sandbox on this computer and are "
            "not collected. To send real cases:",
            icon=":material/science:",
        )
        st.page_link("pages/connect.py", label="Connect Debitura", icon=":material/link:")
        return
    if destination.creditor_name:
        where = f"Cases go to Debitura as **{as_markdown_text(destination.creditor_name)}**"
    else:
        host = as_markdown_text(destination.host)
        where = f"Cases go to Debitura ({host}) with the API key this app was started with"
    if destination.test_mode:
        where += ", in test mode: flagged as test data and not collected"
    st.info(where + ".", icon=":material/send:")
