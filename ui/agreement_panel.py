"""The Submit page's check of the collection agreement: before anything is sent, an unsigned
agreement is said with its signing link, and sending anyway is a box the analyst ticks."""

from __future__ import annotations

import streamlit as st

from ui.plain import as_markdown_text, link_target
from workflow.contract import (
    PENDING_WORDS,
    AgreementUnsigned,
    ContractCheck,
    check_contract,
    sending_target,
)
from workflow.debitura_target import DebituraTarget

CHECKS_KEY = "agreement_checks"  # {target key: ContractCheck}, read once per visit
ALLOW_KEY = "allow_pending_contracts"  # the checkbox


def agreement_check(target: DebituraTarget, *, refresh: bool) -> ContractCheck:
    """Debitura's answer for ``target``, asked on entering the page (``refresh``) or after
    "check again", kept for the reruns between."""
    checks = st.session_state.setdefault(CHECKS_KEY, {})
    if refresh or target.key not in checks:
        checks[target.key] = check_contract(target)
    return checks[target.key]


def target_to_send(target: DebituraTarget, check: ContractCheck) -> DebituraTarget | None:
    """The target cases go out with (allowing pending contracts when ticked); ``None`` while
    the agreement is unsigned and sending anyway is not ticked."""
    allowed = bool(st.session_state.get(ALLOW_KEY, False))
    try:
        return sending_target(target, check, allow_pending_contracts=allowed)
    except AgreementUnsigned:
        return None


def agreement_warning(target: DebituraTarget, check: ContractCheck) -> None:
    """The unsigned agreement, where to sign it, and the box to send anyway."""
    if check.error:
        st.caption(as_markdown_text(check.error))
    if not check.needs_signature:
        return
    link = link_target(check.signing_url)
    if link:
        where = f"[Sign it here]({link})"
    elif check.signing_url:
        where = f"Sign it at {as_markdown_text(check.signing_url)}"
    else:
        where = "Sign it in Debitura's portal"
    with st.container(border=True, key="agreement_warning"):
        st.warning(
            f"{as_markdown_text(check.message)} Debitura refuses every case until it is. "
            f"{where}, then check again.",
            icon=":material/contract_edit:",
        )
        st.checkbox(f"Send anyway. {PENDING_WORDS}", key=ALLOW_KEY)
        if st.button("Check the agreement again", key="agreement_recheck"):
            st.session_state.get(CHECKS_KEY, {}).pop(target.key, None)
            st.rerun()
