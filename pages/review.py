"""Review: fetch the open invoices, filter, fix debtor data, select rows for collection."""

import streamlit as st

from ui import context
from ui.connections import connection_picker
from ui.import_runner import fetched_label, run_import
from ui.page import just_entered, start_page
from ui.plain import as_markdown_text
from ui.review_body import draw_review_body
from ui.review_panels import import_details
from ui.review_state import review_state

FIRST_ROWS = 100  # shown while an import runs: a screenful, cheap to redraw

connection = start_page("Review", why="this page shows its unpaid and overdue invoices.")
st.title("Review open invoices")
workspace = context.workspace()

connection, switched = connection_picker(connection, workspace)

state = review_state(connection.account_key)
refresh = st.button("Refresh from KashFlow", icon=":material/refresh:")
entered = just_entered()
if (
    entered
    or refresh
    or switched
    or st.session_state.pop("review_retry", False)
    or (state.result is None and state.error is None)
):
    run_import(connection, state, first_rows=FIRST_ROWS)

if state.error:
    st.error(as_markdown_text(state.error), icon=":material/error:")
    if st.button("Try again"):
        st.session_state["review_retry"] = True
        st.rerun()
    st.stop()
if not state.rows:
    company = as_markdown_text(connection.display_name)
    st.info(f"{company} has no unpaid or overdue invoices in KashFlow.")
    st.stop()

st.caption(
    f"{as_markdown_text(connection.display_name)}: {fetched_label(state).lower()}. "
    "Filters and edits work on this copy; Refresh fetches again."
)
draw_review_body(connection, state, entering=entered)
with st.expander("Import details"):
    import_details(state.result)
