"""The router: which pages exist and which one opens first. No business logic.

Each page draws the shared frame (navigation, connected company, sandbox banner) and its
gate itself, through ``ui.page``; see there for why. The sign-in gate runs here too, before
``st.navigation`` reveals any page (``ui.sign_in``).
"""

import streamlit as st

from ui.navigation import router_pages
from ui.page import APP_TITLE
from ui.sign_in import require_sign_in

require_sign_in(APP_TITLE)
st.navigation(router_pages()).run()
