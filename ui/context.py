"""Settings and the opened workspace for the current script run."""

from __future__ import annotations

from typing import Any

import streamlit as st
from streamlit.errors import StreamlitSecretNotFoundError

from store import StorageError
from ui.plain import as_markdown_text
from workflow.settings import Settings
from workflow.workspace import Workspace


def settings() -> Settings:
    return Settings.load(secrets=secrets())


def workspace() -> Workspace:
    """Opened per script run: a sqlite3 connection must stay on the thread that opened it.

    A data folder or database the app cannot use stops the page with what to do about it.
    What it records is recorded as done by the signed-in user (``ui.identity``).
    """
    from ui.identity import current_actor  # here: ui.identity reads its settings from this module

    try:
        return Workspace.open(settings(), actor=current_actor())
    except StorageError as error:
        # Folder names may hold Markdown characters ("my_data"): show them as typed.
        st.error(as_markdown_text(str(error)), icon=":material/database:")
        st.stop()


def secrets() -> dict[str, Any]:
    """``.streamlit/secrets.toml`` as a dict; empty when there is none."""
    try:
        return dict(st.secrets)
    except (StreamlitSecretNotFoundError, FileNotFoundError):
        return {}
