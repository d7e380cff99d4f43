"""The submission side as the pages see it: where cases go."""

from __future__ import annotations

import streamlit as st

from ui import context
from workflow.debitura_target import DebituraTarget, resolve_debitura
from workflow.settings import SettingsError


def debitura_target() -> DebituraTarget:
    """Where cases go; a setting that cannot work stops the page with what to set."""
    try:
        return resolve_debitura(context.workspace())
    except SettingsError as error:
        st.error(str(error), icon=":material/error:")
        st.stop()
