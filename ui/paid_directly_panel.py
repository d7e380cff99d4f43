"""The Sent cases page's "Paid directly" section: payments KashFlow recorded after a case was
created, and one button that tells the partners (``workflow.paid_directly``)."""

from __future__ import annotations

import pandas as pd
import streamlit as st

from debitura import DebituraError
from kashflow import KashFlowError
from mapping.dates import uk_time
from store.payment_notices import FAILED as NOTICE_FAILED
from store.payment_notices import SENDING as NOTICE_SENDING
from ui import context
from ui.identity import current_rights
from ui.plain import as_markdown_text
from workflow.access import NotASubmitter
from workflow.connect import DEFAULT_HOME_CURRENCY, ActiveConnection
from workflow.debitura_target import DebituraTarget
from workflow.paid_directly import (
    PaidDirectly,
    PaidDirectlyCheck,
    find_paid_directly,
    tell_partners,
)

CHECK = "paid_directly_check"  # session state: the last PaidDirectlyCheck and whose it was
RESULT = "paid_directly_result"  # session state: what the last press came to


def paid_directly_section(
    connection: ActiveConnection, target: DebituraTarget, *, refresh: bool
) -> None:
    """Read KashFlow on entry and on ``refresh`` (never on every rerun: one read per case),
    then list the payments and offer to tell the partners."""
    whose = (connection.account_key, target.key)
    saved = st.session_state.get(CHECK)
    if refresh or saved is None or saved[0] != whose:
        saved = (whose, _check(connection, target))
        st.session_state[CHECK] = saved
    check: PaidDirectlyCheck = saved[1]
    if not check.payments and not check.unreadable:
        return
    st.subheader("Paid directly in KashFlow")
    st.caption(
        "Payments and credits KashFlow recorded after the case was created. Tell the partner, "
        "so nobody chases the debtor for money already paid. Each is told once."
    )
    if check.unreadable:
        st.warning(
            "KashFlow did not give these invoices, so they were not checked for payments: "
            + ", ".join(as_markdown_text(number) for number in sorted(check.unreadable))
            + ". Refresh to try again.",
            icon=":material/warning:",
        )
    if check.payments:
        st.dataframe(
            pd.DataFrame([_row(payment) for payment in check.payments]),
            hide_index=True,
            key="paid_directly_table",
            # Sized so that "Partner" (told or not) is in view on a 1366 px laptop screen.
            column_config={
                "Invoice": st.column_config.TextColumn(width="small"),
                "Case reference": st.column_config.TextColumn(width=110),
                "In KashFlow": st.column_config.TextColumn(width=460),
                "Partner": st.column_config.TextColumn(width=210),
            },
        )
    for line in st.session_state.pop(RESULT, []):
        st.caption(as_markdown_text(line))
    to_tell = check.to_tell
    rights = current_rights()
    if to_tell and not rights.may_submit:
        st.caption(f"Only submitters can tell the partners. {as_markdown_text(rights.why_not)}")
    if to_tell and st.button(
        f"Tell the partners ({len(to_tell)})",
        type="primary",
        icon=":material/campaign:",
        key="tell_partners",
        disabled=not rights.may_submit,
        help=None if rights.may_submit else rights.why_not,
    ):
        _tell(connection, target, to_tell)
        st.session_state[CHECK] = (whose, _check(connection, target))
        st.rerun()


def _check(connection: ActiveConnection, target: DebituraTarget) -> PaidDirectlyCheck:
    workspace = context.workspace()
    try:
        return find_paid_directly(
            connection.client,
            workspace.ledger,
            workspace.payment_notices,
            account=connection.account_key,
            target_key=target.key,
            home_currency=connection.company.home_currency or DEFAULT_HOME_CURRENCY,
        )
    except KashFlowError as error:  # the login itself failed: nothing could be read
        st.error(f"KashFlow could not be read for payments: {as_markdown_text(error)}")
        return PaidDirectlyCheck()


def _tell(connection: ActiveConnection, target: DebituraTarget, payments) -> None:
    workspace = context.workspace()
    try:
        with st.spinner("Telling the partners…"):
            outcomes = tell_partners(
                payments,
                target=target,
                ledger=workspace.ledger,
                notices=workspace.payment_notices,
                account=connection.account_key,
                rights=current_rights(),
            )
    except NotASubmitter as refusal:
        st.session_state[RESULT] = [str(refusal)]
        return
    except DebituraError as error:
        st.session_state[RESULT] = [f"Nothing was sent: {error}"]
        return
    lines = []
    for outcome in outcomes:
        if not outcome.told:
            lines.append(f"Invoice {outcome.payment.invoice_number}: {outcome.message}")
    told = sum(outcome.told for outcome in outcomes)
    lines.insert(0, f"Told {told} of {len(outcomes)}.")
    st.session_state[RESULT] = lines


def _row(payment: PaidDirectly) -> dict[str, str]:
    line = payment.payment
    return {
        "Invoice": payment.invoice_number,
        "Case reference": payment.case_reference,
        "In KashFlow": payment.summary,
        "Partner": _told(payment),
        "Payment reference": " ".join(part for part in (line.reference, line.note) if part),
    }


def _told(payment: PaidDirectly) -> str:
    notice = payment.notice
    if notice is None:
        return "not told yet"
    if payment.told:
        return f"told on {uk_time(notice.sent_at)}"
    if notice.state == NOTICE_SENDING:
        return "unconfirmed: checked in the case's chat before sending again"
    if notice.state == NOTICE_FAILED:
        return f"not sent ({notice.error_message}): sent again on the next press"
    return notice.state
