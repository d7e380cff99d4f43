"""What every page file runs first: page config, the frame, and (mostly) the guard.

The frame is drawn here rather than in app.py because Streamlit runs a file in ``pages/``
directly, without app.py, whenever it is in its legacy multipage mode: a fresh server's first
request deep-linking to a page, and AppTest's reruns. Drawing it from each page keeps the
company name and sandbox banner on screen in every mode; and the sign-in gate
(``ui.sign_in``) runs here first, before anything of the app is drawn or picked up.
"""

from __future__ import annotations

import streamlit as st

from ui import context
from ui.frame import render_frame
from ui.guard import require_connection
from ui.session import active_connection, pick_up_connection, show_in_address
from ui.sign_in import require_sign_in
from workflow.connect import ActiveConnection

APP_TITLE = "KashFlow collections"
_PAGE_KEY = "current_page"
_ENTERED_KEY = "page_entered"


def start_page(title: str, *, why: str) -> ActiveConnection:
    """For pages that work on a connection. Without one, the page shows ``why`` it needs one
    and the ways to connect, and stops there (see ``ui.guard``)."""
    connection = _configure(title)
    render_frame(connection, context.settings())
    return require_connection(why)


def start_public_page(title: str) -> ActiveConnection | None:
    connection = _configure(title)
    render_frame(connection, context.settings())
    return connection


def just_entered() -> bool:
    """True on the first run of a page after coming from another page (or a new session);
    False on reruns caused by widgets on the same page."""
    return st.session_state.get(_ENTERED_KEY, True)


def _configure(title: str) -> ActiveConnection | None:
    """Page config, and this session's connection: picked up again on a new session (a
    reload, a second tab) and named in the page address on every run."""
    require_sign_in(APP_TITLE)  # first: nothing below may run for a visitor who is not let in
    previous = st.session_state.get(_PAGE_KEY)
    st.session_state[_PAGE_KEY] = title
    st.session_state[_ENTERED_KEY] = previous != title
    st.set_page_config(
        page_title=f"{title} · {APP_TITLE}", page_icon=":material/gavel:", layout="wide"
    )
    pick_up_connection()
    connection = active_connection()
    show_in_address(connection)  # page links drop it; a reload on any page then keeps it
    return connection
