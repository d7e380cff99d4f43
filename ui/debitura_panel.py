"""The Connect page's Debitura section: where cases go, and connecting or disconnecting
Debitura with an API key."""

from __future__ import annotations

import streamlit as st

from store import StorageError
from ui.plain import as_markdown_text
from ui.review_state import forget_review
from workflow.debitura_connection import (
    DebituraConnectError,
    connect_debitura,
    disconnect_debitura,
    set_debitura_test_mode,
)
from workflow.debitura_target import FROM_ENVIRONMENT, FROM_SAVED, current_destination
from workflow.settings import DEFAULT_DEBITURA_BASE_URL
from workflow.workspace import Workspace


def debitura_panel(workspace: Workspace) -> None:
    st.subheader("Debitura")
    destination = current_destination(workspace)
    if destination.source == FROM_ENVIRONMENT:
        mode = " in test mode" if destination.test_mode else ""
        st.info(
            f"Cases go to Debitura ({as_markdown_text(destination.host)}){mode} with the API key "
            "set for this app in DEBITURA_API_KEY. That key wins over a connection saved here: "
            "to connect Debitura on this page, remove it from the environment (or "
            "secrets.toml) and restart the app.",
            icon=":material/key:",
        )
        return
    if destination.source == FROM_SAVED:
        _connected(destination.creditor_name, destination.host, destination.test_mode, workspace)
        return
    st.caption(
        "Until Debitura is connected, cases go to a built-in practice sandbox on this computer "
        "and are not collected. Paste your creditor API key to send real cases."
    )
    _connect_form(workspace)


def _connected(creditor_name: str, host: str, test_mode: bool, workspace: Workspace) -> None:
    st.success(
        f"Connected to Debitura as {as_markdown_text(creditor_name)}",
        icon=":material/check_circle:",
    )
    st.caption(f"Debitura address: {as_markdown_text(host)}")
    forced_test_mode = workspace.settings.debitura_test_mode
    wanted = st.toggle(
        "Test mode: cases are flagged as test data and not collected",
        value=test_mode,
        disabled=forced_test_mode,
        help=_test_mode_help(forced_test_mode),
    )
    if wanted != test_mode and _stored(lambda: set_debitura_test_mode(wanted, workspace=workspace)):
        forget_review()  # test cases are recorded apart: "already sent" changes with it
        st.rerun()
    disconnect = st.button("Disconnect Debitura", icon=":material/link_off:")
    if disconnect and _stored(lambda: disconnect_debitura(workspace=workspace)):
        forget_review()  # "already sent" was judged for the old destination
        st.rerun()


def _stored(change) -> bool:
    """Run a change to the saved connection; a storage fault is shown, not raised."""
    try:
        change()
    except StorageError as error:
        st.error(as_markdown_text(error), icon=":material/error:")
        return False
    return True


def _test_mode_help(forced: bool) -> str:
    if forced:
        return "DEBITURA_TEST_MODE is set for this app: every case is sent as test data."
    return (
        "Cases are sent to Debitura flagged as test data (with a tag) and are not collected: "
        "for trying the app with a real account."
    )


def _connect_form(workspace: Workspace) -> None:
    forced_test_mode = workspace.settings.debitura_test_mode
    with st.form("debitura_connect"):
        api_key = st.text_input(
            "Debitura API key",
            type="password",
            autocomplete="off",
            help="In Debitura's portal: Settings → API key. It is checked with Debitura at once "
            "and kept encrypted on this computer.",
        )
        test_mode = st.toggle(
            "Test mode",
            value=forced_test_mode,
            disabled=forced_test_mode,
            help=_test_mode_help(forced_test_mode),
        )
        with st.expander("Advanced"):
            base_url = st.text_input(
                "Debitura address",
                placeholder=DEFAULT_DEBITURA_BASE_URL,
                help="Leave empty for Debitura's own API.",
            )
        submitted = st.form_submit_button("Verify and connect Debitura", type="primary")
    if not submitted:
        return
    try:
        with st.spinner("Checking the key with Debitura…"):
            connect_debitura(
                api_key,
                base_url=base_url,
                test_mode=test_mode or forced_test_mode,
                workspace=workspace,
            )
    except (DebituraConnectError, StorageError) as error:
        st.error(as_markdown_text(error), icon=":material/error:")
        return
    forget_review()  # "already sent" was judged for the old destination
    st.rerun()
