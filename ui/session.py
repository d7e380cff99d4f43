"""Typed access to this browser session's state (memory only, never shared between users)."""

from __future__ import annotations

import streamlit as st

from workflow.connect import ActiveConnection

_CONNECTION = "active_connection"


def active_connection() -> ActiveConnection | None:
    return st.session_state.get(_CONNECTION)


def set_active_connection(connection: ActiveConnection | None) -> None:
    previous = st.session_state.get(_CONNECTION)
    if previous is not None and (connection is None or previous.client is not connection.client):
        previous.client.logout()
    if connection is None:
        st.session_state.pop(_CONNECTION, None)
    else:
        st.session_state[_CONNECTION] = connection
