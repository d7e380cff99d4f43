"""Sent cases: every submission in the ledger with Debitura's current status and follow-through
(where each case stands, what Debitura needs, documents, money recovered); retry failures."""

import hashlib

import streamlit as st

from store.ledger import CREATED
from ui import context
from ui.follow_through_panels import (
    account_notices,
    needs_list,
    progress_bar,
    recovered_totals_panel,
    sent_cases_table,
)
from ui.identity import current_rights
from ui.import_runner import run_import
from ui.page import just_entered, start_page
from ui.paid_directly_panel import paid_directly_section
from ui.plain import as_markdown_text
from ui.review_state import review_state
from ui.submissions import debitura_target
from ui.submit_panels import outcomes_table
from ui.submit_runner import OUTCOMES, run_submit
from workflow.eligibility import retry_candidates
from workflow.follow_through import read_sent_cases
from workflow.sent_cases import sent_cases_csv, sent_cases_xlsx
from workflow.spreadsheet import CSV_MIME, XLSX_MIME

connection = start_page("Sent cases", why="this page lists the cases sent from its invoices.")
st.title("Sent cases")
target = debitura_target()
ledger = context.workspace().ledger
st.caption(f"Destination: {target.label}")

refresh_column, scope_column = st.columns([1, 2])
refresh = refresh_column.button("Refresh status from Debitura", icon=":material/refresh:")
every_connection = scope_column.toggle(
    "All connections",
    key="sent_cases_all_connections",
    help=f"Off: only the cases sent from {as_markdown_text(connection.display_name)}'s invoices.",
)
scope = None if every_connection else connection.account_key
if just_entered() or refresh or st.session_state.get("sent_cases_scope") != scope:
    st.session_state["sent_cases_scope"] = scope
    show_progress, remove_progress = progress_bar()
    followed = read_sent_cases(ledger, target, account=scope, on_progress=show_progress)
    remove_progress()
    st.session_state["sent_cases"] = followed.cases
    st.session_state["sent_cases_follow"] = followed
followed = st.session_state.get("sent_cases_follow")
if followed is not None and followed.listing_error:
    st.error(as_markdown_text(followed.listing_error))
cases = st.session_state.get("sent_cases", [])
if not cases:
    st.info("No cases have been sent from this connection to this destination yet.")
    st.stop()
paid_directly_section(connection, target, refresh=refresh or just_entered())  # paid since sent

account_notices(followed)
recovered_totals_panel(cases)
sent_cases_table(cases)
needs_list(cases)
csv_download, xlsx_download = st.columns(2)
csv_download.download_button(
    "Download sent cases (CSV)",
    lambda: sent_cases_csv(cases),
    "sent-cases.csv",
    CSV_MIME,
    on_click="ignore",
)
xlsx_download.download_button(
    "Download sent cases (XLSX)",
    lambda: sent_cases_xlsx(cases),
    "sent-cases.xlsx",
    XLSX_MIME,
    on_click="ignore",
)

# Only this connection's invoices can be sent again from here: another company's number
# would name a different invoice in this KashFlow account.
mine = [case for case in cases if case.account == connection.account_key]
unsent = [case.invoice_number for case in mine if case.state != CREATED]
if unsent:
    st.subheader("Not sent")
    state = review_state(connection.account_key)
    # A refusal is offered again only once the invoice changed: the same body would be refused.
    offered = retry_candidates(
        state.rows if state.result else None,
        target=target,
        ledger=ledger,
        account=connection.account_key,
        client=connection.client,
    )
    unchanged = [number for number in unsent if number not in offered]
    if unchanged:
        st.caption(
            "Refused by Debitura, so not offered again until changed: "
            + ", ".join(as_markdown_text(number) for number in unchanged)
            + ". Change them on Review; then they are offered here and on Submit."
        )
    # Keyed by what is offered: a newly offered invoice starts ticked, as the others did.
    offered_key = hashlib.sha256("\n".join(offered).encode()).hexdigest()[:12]
    retry = (
        st.multiselect(
            "Invoices to send again", offered, default=offered, key=f"retry_{offered_key}"
        )
        if offered
        else []
    )
    rights = current_rights()
    if offered and not rights.may_submit:
        st.caption(f"Only submitters can retry cases. {as_markdown_text(rights.why_not)}")
    if offered and st.button(
        "Retry",
        type="primary",
        disabled=not retry or not rights.may_submit,
        help=None if rights.may_submit else rights.why_not,
    ):
        if state.result is None:
            run_import(connection, state)
        rows = [row for row in state.rows if row.invoice_number in set(retry)]
        missing = set(retry) - {row.invoice_number for row in rows}
        if missing:
            st.warning(
                "No longer open in KashFlow (paid or removed), so not sent: "
                + ", ".join(as_markdown_text(number) for number in sorted(missing))
            )
        if rows:
            run_submit(connection, state, rows, target)
            followed = read_sent_cases(ledger, target, account=scope)
            st.session_state["sent_cases"] = followed.cases
            st.session_state["sent_cases_follow"] = followed
            st.rerun()
if st.session_state.get(OUTCOMES):
    with st.expander("Result of the last run"):
        outcomes_table(st.session_state[OUTCOMES])
