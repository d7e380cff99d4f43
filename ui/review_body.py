"""The review below the import: totals, chart, filters, the grid, the selection and what to do
with it.

Not an ``st.fragment``, though that would let a filter rerun this block alone: a fragment rerun
calls the grid's change callback with the arguments of an earlier run, and a tick followed by
"Select all eligible" then lost the selection about one time in three in Chromium
(``tests/e2e/test_review_block.py``). The whole page reruns instead; what made a filter change
fast is the work each run no longer does (see ``ui.review_view`` and
``workflow.review_figures``).
"""

from __future__ import annotations

import streamlit as st

from ui.by_customer import BY_CUSTOMER, customer_table, view_switch
from ui.grid_paging import grid_page
from ui.review_filters import clear_filters
from ui.review_grid import review_grid
from ui.review_panels import explain_invoice, selection_line, totals_table
from ui.review_preview import review_preview
from ui.review_state import ReviewState, kept_work_note
from ui.review_view import filters_and_chart
from workflow.connect import ActiveConnection
from workflow.export import review_csv, review_xlsx
from workflow.spreadsheet import CSV_MIME, XLSX_MIME


def draw_review_body(connection: ActiveConnection, state: ReviewState, *, entering: bool) -> None:
    """Draw the block; ``entering`` is the page's: this run came from another page."""
    totals_area = st.container()
    view = filters_and_chart(state, entering=entering)
    shown_numbers = view.numbers
    summaries = state.figures.summaries(view.positions)
    with totals_area:
        st.subheader("Totals for the invoices shown")
        totals_table(summaries)

    st.subheader("Invoices")
    eligible_numbers = view.eligible_numbers
    sent_shown = sum(summary.sent_invoices for summary in summaries)
    st.caption(
        f"Showing {len(shown_numbers):,} of {len(state.rows):,} · "
        f"{len(eligible_numbers):,} eligible"
        + (f" · {sent_shown:,} already sent" if sent_shown else "")
    )
    explained = shown_numbers[:500]  # a list to pick from, not every invoice
    if not shown_numbers:
        st.info("No invoices match these filters.", icon=":material/filter_alt_off:")
        st.button("Clear filters", key="clear_filters_empty", on_click=clear_filters)
    else:
        layout = view_switch(entering=entering)
        select_all, select_eligible, clear, reset = st.columns([2, 3, 2, 2])  # labels: how many
        # Every invoice the filters keep, on every page, not only the page on screen.
        if select_all.button(f"Select all shown ({len(shown_numbers):,})", key="select_all_shown"):
            state.select(shown_numbers)
        if select_eligible.button(
            f"Select all eligible shown ({len(eligible_numbers):,})",
            key="select_eligible_shown",
            disabled=not eligible_numbers,  # nothing to add: not a button to press
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
            page = grid_page(state.frame, view.positions, signature=repr(view.review_filter))
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
        review_preview(connection, state)  # Debitura's preview of the selection
    with st.expander("Explain an invoice", expanded=False):
        explain_invoice(state, explained)
