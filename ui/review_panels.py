"""The review page's read-outs: totals per currency, the ageing chart, the selection line,
and the panel that explains one invoice."""

from __future__ import annotations

from collections.abc import Sequence

import altair as alt
import pandas as pd
import streamlit as st

from mapping import AGEING_BUCKETS, ERROR, ReviewRow
from mapping.money import display_money
from mapping.summary import ageing_bars, currency_summaries, totals_by_currency
from ui.plain import as_markdown_text
from ui.review_state import ReviewState

_RIGHT = {"alignment": "right"}


def totals_table(rows: Sequence[ReviewRow]) -> None:
    """Per currency, never summed across currencies."""
    records = [
        {
            "Currency": s.currency,
            "Invoices": s.invoices,
            "Outstanding": display_money(s.outstanding, s.currency),
            "Overdue": f"{display_money(s.overdue, s.currency)} ({s.overdue_invoices})",
            "Eligible": f"{display_money(s.eligible, s.currency)} ({s.eligible_invoices})",
        }
        for s in currency_summaries(rows)
    ]
    st.dataframe(
        pd.DataFrame(records),
        hide_index=True,
        key="totals",
        column_config={
            name: st.column_config.TextColumn(name, **_RIGHT)
            for name in ("Outstanding", "Overdue", "Eligible")
        },
    )


def ageing_chart(rows: Sequence[ReviewRow], *, key: str) -> list[str] | None:
    """Invoices per days-overdue bucket and currency; returns the buckets clicked, if any."""
    bars = ageing_bars(rows)
    if not bars:
        return None
    data = pd.DataFrame(
        {
            "bucket": [bar.bucket for bar in bars],
            "currency": [bar.currency for bar in bars],
            "invoices": [bar.invoices for bar in bars],
            "amount": [f"{display_money(bar.amount, bar.currency)} {bar.currency}" for bar in bars],
        }
    )
    pick = alt.selection_point(name="ageing", fields=["bucket"])
    chart = (
        alt.Chart(data, title="Invoices by days overdue (click a bar to filter)")
        .mark_bar()
        .encode(
            x=alt.X("bucket:N", sort=list(AGEING_BUCKETS), title="Days overdue"),
            xOffset="currency:N",
            y=alt.Y("invoices:Q", title="Invoices"),
            color=alt.Color("currency:N", title="Currency"),
            opacity=alt.condition(pick, alt.value(1.0), alt.value(0.35)),
            tooltip=["bucket", "currency", "invoices", "amount"],
        )
        .add_params(pick)
    )
    event = st.altair_chart(chart, on_select="rerun", key=key, height=260)
    points = (event.get("selection") or {}).get("ageing") or []
    return sorted({point["bucket"] for point in points if "bucket" in point}) or None


def selection_line(state: ReviewState) -> str:
    selected = [row for row in state.rows if row.invoice_number in state.selected]
    if not selected:
        return "Nothing selected yet: tick rows in the grid."
    totals = totals_by_currency(selected)
    money = " · ".join(
        f"{display_money(amount, code)} {as_markdown_text(code)}" for code, amount in totals.items()
    )
    blocked = sum(not row.eligible for row in selected)
    note = f" ({blocked} with blocking problems)" if blocked else ""
    return f"**{len(selected)} selected**{note} · {money}"


def explain_invoice(state: ReviewState, numbers: Sequence[str]) -> None:
    """Each problem of one invoice in words, why its type was guessed, and its edits."""
    if not numbers:
        return
    number = st.selectbox(
        "Explain an invoice",
        numbers,
        key="explain_invoice",
        format_func=lambda n: f"{n} · {state.row(n).debtor.name or state.row(n).customer_code}",
    )
    row = state.row(number)
    amount = display_money(row.amount_to_recover, row.currency)
    st.markdown(
        f"**Invoice {as_markdown_text(row.invoice_number)}** · "
        f"{as_markdown_text(row.customer_code)} · {as_markdown_text(row.status)} · "
        f"{amount} {as_markdown_text(row.currency)} outstanding · {row.days_overdue} days overdue"
    )
    for problem in row.problems:  # messages quote KashFlow's data (a VAT number, a country)
        (st.error if problem.severity == ERROR else st.warning)(as_markdown_text(problem.message))
    if not row.problems:
        st.success("Nothing to fix: ready to send.")
    if row.type_reason:
        st.caption(
            f"Debtor type {as_markdown_text(row.debtor.type)}: {as_markdown_text(row.type_reason)}."
        )
    edited = sorted(state.overrides.get(number, {}))
    if edited:
        st.caption("Edited here: " + ", ".join(edited))
        reset, spread = st.columns(2)
        if reset.button("Reset this invoice's edits", key="reset_one"):
            state.reset_edits([number])
            st.rerun()
        siblings = sum(r.customer_code == row.customer_code for r in state.rows)
        if siblings > 1 and spread.button(
            f"Apply to all {siblings} invoices of {as_markdown_text(row.customer_code)}",
            key="apply_customer",
        ):
            state.apply_to_customer(number)
            st.rerun()
