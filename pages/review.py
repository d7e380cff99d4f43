"""Review: fetch the open invoices, filter, fix debtor data, select rows for collection."""

import streamlit as st

from mapping.frame import filter_frame
from ui import context
from ui.connections import SWITCH_ERRORS, switch_to
from ui.import_runner import fetched_label, run_import
from ui.page import just_entered, start_page
from ui.plain import as_markdown_text
from ui.review_filters import filter_widgets, set_buckets
from ui.review_grid import review_grid
from ui.review_panels import ageing_chart, explain_invoice, selection_line, totals_table
from ui.review_state import review_state
from workflow.export import rows_csv

connection = start_page("Review", why="this page shows its unpaid and overdue invoices.")
st.title("Review open invoices")
workspace = context.workspace()

switched = False
# In a fixed order: the list itself is most-recently-used first, and reconnecting reorders it.
saved_connections = {
    saved.id: saved for saved in sorted(workspace.connections.list(), key=lambda c: c.id)
}
if len(saved_connections) > 1:
    current_id = connection.saved.id if connection.saved else next(iter(saved_connections))
    chosen = st.selectbox(
        "KashFlow connection",
        list(saved_connections),
        index=list(saved_connections).index(current_id) if current_id in saved_connections else 0,
        format_func=lambda saved_id: saved_connections[saved_id].label,
        key="connection_picker",
    )
    if chosen != current_id:
        try:
            connection = switch_to(saved_connections[chosen], workspace)
            switched = True
        except SWITCH_ERRORS as error:
            st.error(as_markdown_text(error))
            st.stop()

state = review_state(connection.account_key)
refresh = st.button("Refresh from KashFlow", icon=":material/refresh:")
if (
    just_entered()
    or refresh
    or switched
    or st.session_state.pop("review_retry", False)
    or (state.result is None and state.error is None)
):
    run_import(connection, state)

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
totals_area = st.container()
picked_buckets = ageing_chart(state.rows, key="ageing_chart")
if picked_buckets and picked_buckets != st.session_state.get("ageing_picked"):
    set_buckets(picked_buckets)
st.session_state["ageing_picked"] = picked_buckets

review_filter = filter_widgets(state.frame)
shown = filter_frame(state.frame, review_filter)
shown_numbers = shown["invoice_number"].tolist()
shown_rows = [state.row(number) for number in shown_numbers]
with totals_area:
    st.subheader("Totals for the invoices shown")
    totals_table(shown_rows)

st.subheader("Invoices")
eligible_shown = sum(row.eligible for row in shown_rows)
sent_shown = sum(row.already_submitted for row in shown_rows)
st.caption(
    f"Showing {len(shown_numbers)} of {len(state.rows)} · {eligible_shown} eligible"
    + (f" · {sent_shown} already sent" if sent_shown else "")
)
select_all, select_eligible, clear, reset = st.columns(4)
if select_all.button("Select all shown"):
    state.select(shown_numbers)
if select_eligible.button("Select all eligible shown"):
    state.select(row.invoice_number for row in shown_rows if row.eligible)
if clear.button("Clear selection"):
    state.clear_selection()
if reset.button("Reset all edits", disabled=not state.overrides):
    state.reset_edits()
    st.rerun()

if review_grid(state, shown):
    st.rerun()  # show the edited rows re-checked

st.markdown(selection_line(state))
go, download = st.columns([1, 1])
# A link, not a button: a button's click can be lost when it races a grid update, and the
# selection travels in session state anyway.
go.page_link(
    "pages/submit.py",
    label="Continue to submit",
    icon=":material/arrow_forward:",
    disabled=not state.selected,
)
download.download_button(
    "Download shown rows (CSV)",
    lambda: rows_csv(shown_rows),  # built on click only: costly at 20,000 rows
    "open-invoices.csv",
    "text/csv",
    on_click="ignore",
)
with st.expander("Explain an invoice", expanded=False):
    explain_invoice(state, shown_numbers)
with st.expander("Import details"):
    result = state.result
    st.write(f"{result.invoices_listed} invoices listed by KashFlow in {result.seconds:.1f} s.")
    if result.excluded:
        st.write(
            "Left out (closed): "
            + ", ".join(f"{as_markdown_text(k)} {v}" for k, v in result.excluded.items())
        )
    if result.unknown_statuses:
        st.warning(
            "Unknown statuses, left out: "
            + ", ".join(as_markdown_text(status) for status in result.unknown_statuses)
        )
    if result.unavailable_customers:
        st.warning(
            "Customers KashFlow could not give us: "
            + ", ".join(as_markdown_text(code) for code in result.unavailable_customers)
        )
    if not result.listing_complete:
        st.warning("KashFlow's list came up short after several passes: refresh to try again.")
