"""Review: fetch the open invoices, filter, fix debtor data, select rows for collection."""

import streamlit as st

from ui import context
from ui.by_customer import BY_CUSTOMER, customer_table, view_switch
from ui.connections import connection_picker
from ui.grid_paging import grid_page
from ui.import_runner import fetched_label, run_import
from ui.page import just_entered, start_page
from ui.plain import as_markdown_text
from ui.review_filters import clear_filters
from ui.review_grid import review_grid
from ui.review_panels import explain_invoice, import_details, selection_line, totals_table
from ui.review_preview import review_preview
from ui.review_state import kept_work_note, review_state
from ui.review_view import filters_and_chart
from workflow.export import review_csv, review_xlsx
from workflow.spreadsheet import CSV_MIME, XLSX_MIME

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
totals_area = st.container()
view = filters_and_chart(state, entering=entered)
shown, shown_numbers = view.frame, view.numbers
summaries = state.figures.summaries(view.positions)
with totals_area:
    st.subheader("Totals for the invoices shown")
    totals_table(summaries)

st.subheader("Invoices")
eligible_numbers = shown.loc[shown["eligible"].to_numpy(), "invoice_number"].tolist()
sent_shown = sum(summary.sent_invoices for summary in summaries)
st.caption(
    f"Showing {len(shown_numbers):,} of {len(state.rows):,} · {len(eligible_numbers):,} eligible"
    + (f" · {sent_shown:,} already sent" if sent_shown else "")
)
explained = shown_numbers[:500]  # a list to pick from, not every invoice
if not shown_numbers:
    st.info("No invoices match these filters.", icon=":material/filter_alt_off:")
    st.button("Clear filters", key="clear_filters_empty", on_click=clear_filters)
else:
    layout = view_switch(entering=entered)
    select_all, select_eligible, clear, reset = st.columns([2, 3, 2, 2])  # labels say how many
    # Every invoice the filters keep, on every page, not only the page on screen.
    if select_all.button(f"Select all shown ({len(shown_numbers):,})", key="select_all_shown"):
        state.select(shown_numbers)
    if select_eligible.button(
        f"Select all eligible shown ({len(eligible_numbers):,})", key="select_eligible_shown"
    ):
        state.select(eligible_numbers)
    if clear.button("Clear selection"):
        state.clear_selection()
    if reset.button("Reset all edits", disabled=not state.overrides):
        state.reset_edits()
        st.rerun()
    if layout == BY_CUSTOMER:
        customer_table(state, view.rows)
    else:
        page = grid_page(shown, signature=repr(view.review_filter))
        st.caption(page.describe())
        explained = page.rows["invoice_number"].tolist()  # the explain list: this page
        if review_grid(state, page):
            st.rerun()  # show the edited rows re-checked

st.markdown(selection_line(state))
kept_work_note(state)
go, download_csv, download_xlsx = st.columns([2, 1, 1], vertical_alignment="center")
# A link, not a button: a button's click can be lost when it races a grid update, and the
# selection travels in session state anyway.
go.page_link(
    "pages/submit.py",
    label="Continue to submit",
    icon=":material/arrow_forward:",
    disabled=not state.selected,
)
download_csv.download_button(
    "Download shown rows (CSV)",
    lambda: review_csv(view.rows),  # built on click only: costly at 20,000 rows
    "open-invoices.csv",
    CSV_MIME,
    on_click="ignore",
)
download_xlsx.download_button(
    "Download shown rows (XLSX)",
    lambda: review_xlsx(view.rows),
    "open-invoices.xlsx",
    XLSX_MIME,
    on_click="ignore",
)
with st.expander("Check with Debitura", icon=":material/travel_explore:"):
    review_preview(connection, state)  # Debitura's preview of the selection (ui.review_preview)
with st.expander("Explain an invoice", expanded=False):
    explain_invoice(state, explained)
with st.expander("Import details"):
    import_details(state.result)
