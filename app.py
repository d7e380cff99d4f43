"""The router: which pages exist and which one opens first. No business logic.

Each page draws the shared frame (connected company, sandbox banner) and its guard itself,
through ``ui.page``; see there for why.
"""

import streamlit as st

navigation = st.navigation(
    [
        st.Page("pages/connect.py", title="Connect", icon=":material/link:", default=True),
        st.Page("pages/review.py", title="Review invoices", icon=":material/table_view:"),
        st.Page("pages/submit.py", title="Submit", icon=":material/send:"),
        st.Page("pages/cases.py", title="Sent cases", icon=":material/fact_check:"),
    ]
)
navigation.run()
