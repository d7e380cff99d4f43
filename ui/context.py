"""Settings and the opened workspace for the current script run."""

from __future__ import annotations

from typing import Any

import streamlit as st
from streamlit.errors import StreamlitSecretNotFoundError

from workflow.settings import Settings
from workflow.workspace import Workspace


def settings() -> Settings:
    return Settings.load(secrets=_secrets())


def workspace() -> Workspace:
    """Opened per script run: a sqlite3 connection must stay on the thread that opened it."""
    return Workspace.open(settings())


def _secrets() -> dict[str, Any]:
    try:
        return dict(st.secrets)
    except (StreamlitSecretNotFoundError, FileNotFoundError):
        return {}
