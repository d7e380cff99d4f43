"""The router: which pages exist and which one opens first. No business logic.

Each page draws the shared frame (navigation, connected company, sandbox banner) and its
gate itself, through ``ui.page``; see there for why.
"""

import streamlit as st

from ui.navigation import router_pages

st.navigation(router_pages()).run()
