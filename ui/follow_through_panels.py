"""The Sent cases page's follow-through: the table of cases with where each stands, what
Debitura needs, documents and money recovered; the recovered totals; account-wide tasks."""

from __future__ import annotations

from collections.abc import Callable, Sequence

import pandas as pd
import streamlit as st

from mapping.dates import uk_time
from mapping.money import display_money
from ui.plain import as_markdown_text, link_target
from workflow.follow_through import FollowThrough, recovered_totals
from workflow.sent_cases import LIST_SEPARATOR, SentCase


def progress_bar() -> tuple[Callable[[int, int], None], Callable[[], None]]:
    """A bar for reading the cases: the ``on_progress`` to pass on, and how to remove it."""
    bar = st.progress(0.0, text="Reading the sent cases from Debitura…")

    def show(done: int, total: int) -> None:
        share = done / total if total else 1.0
        bar.progress(share, text=f"Read {done} of {total} cases from Debitura")

    return show, bar.empty


def sent_cases_frame(cases: Sequence[SentCase]) -> pd.DataFrame:
    """One row per case; Debitura's and KashFlow's text as plain dataframe text."""
    return pd.DataFrame(
        [
            {
                "Invoice": case.invoice_number,
                "Debtor": case.debtor_name,
                "Amount": display_money(case.amount, case.currency),
                "Currency": case.currency,
                "Case reference": case.case_reference,
                "Where it stands": case.stage,
                "Recovered": case.recovered_text,
                "Documents": _documents(case),
                "Needs from you": LIST_SEPARATOR.join(case.needs_from_you),
                "Sent at": uk_time(case.sent_at),
                "Sent by": case.sent_by,
                "Connection": case.connection,
                "Details": case.message,
            }
            for case in cases
        ]
    )


def _documents(case: SentCase) -> str:
    if not case.followed and not case.documents:
        return ""
    count = len(case.documents)
    if not count:
        return "none"
    return f"{count}: {LIST_SEPARATOR.join(case.documents)}"


def sent_cases_table(cases: Sequence[SentCase]) -> None:
    st.dataframe(
        sent_cases_frame(cases),
        hide_index=True,
        key="sent_cases_table",
        column_config={
            "Amount": st.column_config.TextColumn(alignment="right"),
            "Recovered": st.column_config.TextColumn(width=140, alignment="right"),
            "Where it stands": st.column_config.TextColumn(width=250),
            "Needs from you": st.column_config.TextColumn(width=300),
        },
    )


def needs_list(cases: Sequence[SentCase]) -> None:
    """Each case Debitura waits on, with what it needs: the table cuts long text short."""
    waiting = [case for case in cases if case.needs_from_you]
    if not waiting:
        return
    st.subheader("What Debitura needs from you")
    for case in waiting:
        items = "".join(f"\n- {as_markdown_text(item)}" for item in case.needs_from_you)
        st.markdown(
            f"**{as_markdown_text(case.invoice_number)}** "
            f"(case {as_markdown_text(case.case_reference)}, "
            f"{as_markdown_text(case.debtor_name)}):{items}"
        )


def recovered_totals_panel(cases: Sequence[SentCase]) -> None:
    """Money recovered so far, one figure per currency (never added across currencies)."""
    totals = recovered_totals(cases)
    if not totals:
        st.caption("No money recovered on these cases yet.")
        return
    # Three to a row: a lone figure stays narrow, and a fourth would clip at 1366 px.
    figures = list(totals.items())
    for start in range(0, len(figures), _FIGURES_PER_ROW):
        row = figures[start : start + _FIGURES_PER_ROW]
        for column, (currency, amount) in zip(st.columns(_FIGURES_PER_ROW), row, strict=False):
            column.metric(
                f"Recovered ({currency})", f"{currency} {display_money(amount, currency)}"
            )


_FIGURES_PER_ROW = 3


def account_notices(result: FollowThrough | None) -> None:
    """Tasks that hold up every case (sign the agreement, add a bank account), and a task
    list that could not be read."""
    if result is None:
        return
    for task in result.account_tasks:
        target = link_target(task.solution_url)
        where = f": [open in Debitura]({target})" if target else ""
        st.warning(f"Debitura needs from you: {as_markdown_text(task.words)}{where}")
    if result.tasks_error:
        st.caption(as_markdown_text(result.tasks_error))
