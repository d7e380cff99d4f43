"""Submit: the selected invoices as Debitura cases; check eligibility, then create each once."""

import streamlit as st

from mapping.case_payload import bulk_csv
from mapping.rows import invoice_sort_key
from ui import context
from ui.page import start_page
from ui.plain import as_markdown_text
from ui.review_state import current_review_state
from ui.submissions import debitura_target
from ui.submit_panels import (
    blocked_list,
    cases_table,
    held_back_list,
    outcomes_table,
    signatures_needed,
)
from ui.submit_runner import NOTES, OUTCOMES, is_running, run_submit, start_submit
from workflow.decision import BLOCKED, plan_submission
from workflow.submit import preview_cases

connection = start_page("Submit", why="this page sends its selected invoices to Debitura.")
st.title("Send to Debitura")
target = debitura_target()
state = current_review_state()
running = is_running()

outcomes = st.session_state.get(OUTCOMES)
if outcomes and not running:
    st.subheader("Result of the last run")
    for note in st.session_state.get(NOTES, []):
        st.warning(as_markdown_text(note))  # notes quote KashFlow's data
    outcomes_table(outcomes)
    st.page_link("pages/cases.py", label="See all sent cases", icon=":material/fact_check:")

if state is None or state.account != connection.account_key or not state.selected:
    st.info("No invoices are selected. Tick them on the Review page, then continue here.")
    st.page_link("pages/review.py", label="Go to Review", icon=":material/table_view:")
    st.stop()

selected = [state.row(number) for number in sorted(state.selected, key=invoice_sort_key)]
plan = plan_submission(
    selected, ledger=context.workspace().ledger, account=connection.account_key, target=target
)
sendable = [row for row, decision in zip(selected, plan, strict=True) if decision.sends]
blocked = [row for row, decision in zip(selected, plan, strict=True) if decision.action == BLOCKED]
held_back = [decision for decision in plan if not decision.sends and decision.action != BLOCKED]
if blocked:
    blocked_list(blocked)
if held_back:
    held_back_list(held_back)
if not sendable:
    st.stop()

st.subheader(f"{len(sendable)} case{'s' if len(sendable) != 1 else ''} to create")
st.caption(f"Destination: {target.label}. Each invoice becomes one case, sent at most once.")
previews = st.session_state.get("submit_previews", {})
cases_table(sendable, previews, test_mode=target.test_mode)
signatures_needed(previews)

check, create, download = st.columns(3)
if check.button("Check eligibility", disabled=running, icon=":material/rule:"):
    with st.spinner("Asking Debitura about each case…"):
        st.session_state["submit_previews"] = preview_cases(sendable, target)
    st.rerun()
create.button(
    f"Create {len(sendable)} case{'s' if len(sendable) != 1 else ''}",
    type="primary",
    disabled=running,
    on_click=start_submit,
    icon=":material/send:",
)
download.download_button(
    "Download cases (CSV for Debitura's bulk import)",
    lambda: bulk_csv(sendable),
    "debitura-cases.csv",
    "text/csv",
    disabled=running,
    on_click="ignore",
)
if running:
    run_submit(connection, state, sendable, target)
    st.rerun()
