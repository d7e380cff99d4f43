"""Submit: the selected invoices as Debitura cases; check with Debitura, confirm, then create
each once."""

import streamlit as st

from mapping.rows import invoice_sort_key
from ui import context
from ui.agreement_panel import agreement_check, agreement_warning, target_to_send
from ui.case_details import with_case_details
from ui.documents_panel import documents_readiness
from ui.identity import current_rights
from ui.page import just_entered, start_page
from ui.plain import as_markdown_text
from ui.review_preview import ask_debitura, stored_answers
from ui.review_state import current_review_state
from ui.submissions import debitura_target
from ui.submit_panels import (
    blocked_list,
    cases_table,
    confirmation,
    held_back_list,
    outcomes_table,
    signatures_needed,
)
from ui.submit_runner import (
    NOTES,
    OUTCOMES,
    ask_to_confirm,
    cancel_confirmation,
    confirmed_rows,
    confirming,
    is_running,
    run_submit,
    start_submit,
)
from workflow.decision import BLOCKED, plan_submission
from workflow.eligibility import count_text
from workflow.export import bulk_import_csv, bulk_import_xlsx
from workflow.spreadsheet import CSV_MIME, XLSX_MIME

connection = start_page("Submit", why="this page sends its selected invoices to Debitura.")
st.title("Send to Debitura")
target = debitura_target()
state = current_review_state()
running = is_running()
# The collection agreement, asked on entering: unsigned holds every case back unless the
# analyst ticks "send anyway" (the cases then carry allowPendingContracts).
agreement = agreement_check(target, refresh=just_entered())
send_target = target_to_send(target, agreement)

outcomes = st.session_state.get(OUTCOMES)
notes = st.session_state.get(NOTES, [])
if (outcomes or notes) and not running:  # a run that sent nothing still says why
    st.subheader("Result of the last run")
    for note in notes:
        st.warning(as_markdown_text(note))  # notes quote KashFlow's data
    if outcomes:
        outcomes_table(outcomes)
        st.page_link("pages/cases.py", label="See all sent cases", icon=":material/fact_check:")

if state is None or state.account != connection.account_key or not state.selected:
    st.info("No invoices are selected. Tick them on the Review page, then continue here.")
    st.page_link("pages/review.py", label="Go to Review", icon=":material/table_view:")
    st.stop()

selected = [state.row(number) for number in sorted(state.selected, key=invoice_sort_key)]
# Line items, payments, reminders and contact come from each invoice's detail.
selected = with_case_details(connection, selected)
plan = plan_submission(
    selected,
    ledger=context.workspace().ledger,
    account=connection.account_key,
    target=send_target or target,
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

count = f"{len(sendable)} case{'s' if len(sendable) != 1 else ''}"
st.subheader(f"{count} to create")
st.caption(f"Destination: {target.label}. Each invoice becomes one case, sent at most once.")
answers = stored_answers(selected, target, connection.account_key)
if answers:
    st.markdown(f"Debitura's preview: **{count_text(answers.values())}**")
agreement_warning(target, agreement)
cases_table(sendable, answers, test_mode=target.test_mode)
documents_readiness(sendable, test_mode=target.test_mode)
signatures_needed(answers)

numbers = [row.invoice_number for row in sendable]
rights = current_rights()  # reviewers see Create disabled; the send itself checks again
if confirming() and (set(confirming()) != set(numbers) or not rights.may_submit):
    cancel_confirmation()  # the cases changed since "Create" was pressed: confirm them anew
if confirming() and not running:
    # Where the Create button was: the eye is there.
    confirmation(sendable, target.label, on_confirm=start_submit, on_cancel=cancel_confirmation)

check, create, download_csv, download_xlsx = st.columns(4, vertical_alignment="center")
if check.button("Check with Debitura", disabled=running, icon=":material/rule:"):
    ask_debitura(sendable, connection, target)
    st.rerun()
create.button(
    f"Create {count}",
    type="primary",
    disabled=running or bool(confirming()) or send_target is None or not rights.may_submit,
    on_click=ask_to_confirm,
    args=(numbers,),
    icon=":material/send:",
    help=None if rights.may_submit else rights.why_not,
)
download_csv.download_button(
    "CSV for bulk import",
    lambda: bulk_import_csv(sendable),
    "debitura-cases.csv",
    CSV_MIME,
    help="These cases in the columns of Debitura's bulk import, to upload in its portal instead",
    disabled=running,
    on_click="ignore",
)
download_xlsx.download_button(
    "Cases as XLSX",
    lambda: bulk_import_xlsx(sendable),
    "debitura-cases.xlsx",
    XLSX_MIME,
    help="The same columns as the bulk-import CSV, as a spreadsheet",
    disabled=running,
    on_click="ignore",
)
if not rights.may_submit:
    st.caption(f"Only submitters can create cases. {as_markdown_text(rights.why_not)}")
if running:
    run_submit(connection, state, confirmed_rows(sendable), send_target or target)
    st.rerun()
