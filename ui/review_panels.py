"""The review page's read-outs: totals per currency, the ageing chart, the selection line,
and the panel that explains one invoice."""

from __future__ import annotations

import hashlib
from collections.abc import Sequence

import pandas as pd
import streamlit as st

from mapping import AGEING_BUCKETS, ERROR
from mapping.dates import uk_date
from mapping.money import display_money
from mapping.status import status_words
from mapping.summary import (
    AgeingBar,
    CurrencySummary,
    amount_in_invoices,
    totals_by_currency,
)
from ui.plain import as_markdown_text
from ui.review_grid import COLUMN_LABELS, COLUMN_ORDER
from ui.review_state import ReviewState
from workflow.importing import ImportResult

_RIGHT = {"alignment": "right"}


def totals_table(summaries: Sequence[CurrencySummary]) -> None:
    """Per currency, never summed across currencies; sent invoices apart from the rest
    (``workflow.review_figures``, as ``mapping.summary.currency_summaries`` of the rows)."""
    if not summaries:
        st.caption("Nothing to total: no invoice matches the filters.")
        return
    any_sent = any(s.sent_invoices for s in summaries)
    records = [
        {
            "Currency": s.currency,
            "Outstanding": amount_in_invoices(s.outstanding, s.currency, s.invoices),
            "Overdue": amount_in_invoices(s.overdue, s.currency, s.overdue_invoices),
            "Ready to send": amount_in_invoices(s.eligible, s.currency, s.eligible_invoices),
            **(
                {"Already sent": amount_in_invoices(s.sent, s.currency, s.sent_invoices)}
                if any_sent
                else {}
            ),
        }
        for s in summaries
    ]
    st.dataframe(
        pd.DataFrame(records),
        hide_index=True,
        key="totals",
        column_config={
            name: st.column_config.TextColumn(name, **_RIGHT)
            for name in ("Outstanding", "Overdue", "Ready to send", "Already sent")
        },
    )


COUNT, VALUE = "Invoices", "Outstanding"


def ageing_chart(bars: Sequence[AgeingBar], *, picked: Sequence[str]) -> list[str] | None:
    """Invoices (or outstanding, one currency at a time) per days-overdue bucket, from the
    ``bars`` of the rows the other filters keep (``mapping.summary.ageing_bars``).

    ``picked`` is the bucket filter: the chart shows it highlighted. Returns the buckets the
    analyst clicked (``[]`` for a click beside the bars), or None when the chart was not used.
    """
    if not bars:
        return None
    measure_area, currency_area = st.columns([2, 1])
    measure = measure_area.segmented_control(
        "Bars show", [COUNT, VALUE], key="ageing_measure", default=COUNT, required=True
    )
    currency = None
    if measure == VALUE:
        counts: dict[str, int] = {}
        for bar in bars:
            counts[bar.currency] = counts.get(bar.currency, 0) + bar.invoices
        currencies = sorted(counts, key=lambda code: (-counts[code], code))  # most used first
        # Amounts in different currencies never share an axis.
        currency = currency_area.selectbox("Currency", currencies, key="ageing_currency")
        bars = [bar for bar in bars if bar.currency == currency]
    data = pd.DataFrame(
        {
            "bucket": [bar.bucket for bar in bars],
            "currency": [bar.currency for bar in bars],
            "invoices": [bar.invoices for bar in bars],
            "outstanding": [float(bar.amount) for bar in bars],
            "amount": [f"{display_money(bar.amount, bar.currency)} {bar.currency}" for bar in bars],
        }
    )
    # The chart's own selection starts as the bucket filter, under a key that changes with
    # it: "Clear filters" (or editing the filter) redraws the bars unhighlighted, and a bar
    # can be clicked again after.
    key = "ageing-" + _digest(measure, currency or "", *picked)
    used = key in st.session_state
    event = st.vega_lite_chart(
        data, _ageing_spec(measure, currency, picked), on_select="rerun", key=key, height=260
    )
    if not used:
        return None
    points = (event.get("selection") or {}).get("ageing") or []
    clicked = {point["bucket"] for point in points if "bucket" in point}
    chosen = [bucket for bucket in AGEING_BUCKETS if bucket in clicked]
    return chosen if chosen != list(picked) else None


def _ageing_spec(measure: str, currency: str | None, picked: Sequence[str]) -> dict:
    """The chart's Vega-Lite spec, written out (as Altair would write it, without building
    and validating an Altair chart on every filter change: a third of the block's server
    time). Clicking a bar selects its bucket (the ``ageing`` parameter)."""
    if measure == VALUE:
        title = f"Outstanding {currency} by days overdue (click a bar to filter)"
        y = {"field": "outstanding", "type": "quantitative", "title": f"Outstanding ({currency})"}
    else:
        title = "Invoices by days overdue (click a bar to filter)"
        y = {
            "field": "invoices",
            "type": "quantitative",
            "title": "Invoices",
            "axis": {"tickMinStep": 1, "format": "d"},
        }
    buckets = list(AGEING_BUCKETS)
    pick: dict = {"name": "ageing", "select": {"type": "point", "fields": ["bucket"]}}
    if picked:
        pick["value"] = [{"bucket": bucket} for bucket in picked]
    return {
        "title": title,
        "mark": {"type": "bar"},
        "encoding": {
            "x": {
                "field": "bucket",
                "type": "nominal",
                "sort": buckets,
                "scale": {"domain": buckets},  # every bucket, empty or not
                "title": "Days overdue",
                "axis": {"labelAngle": 0},
            },
            "xOffset": {"field": "currency", "type": "nominal"},
            "y": y,
            "color": {"field": "currency", "type": "nominal", "title": "Currency"},
            "opacity": {"condition": {"param": "ageing", "value": 1.0}, "value": 0.35},
            "tooltip": [
                {"field": "bucket", "type": "nominal", "title": "Days overdue"},
                {"field": "currency", "type": "nominal", "title": "Currency"},
                {"field": "invoices", "type": "quantitative", "title": "Invoices"},
                {"field": "amount", "type": "nominal", "title": "Outstanding"},
            ],
        },
        "params": [pick],
    }


def _grid_position(field: str) -> int:
    column = f"debtor_{field}"
    return COLUMN_ORDER.index(column) if column in COLUMN_ORDER else len(COLUMN_ORDER)


def _digest(*parts: str) -> str:
    return hashlib.blake2b("\n".join(parts).encode(), digest_size=6).hexdigest()


def selection_line(state: ReviewState) -> str:
    selected = state.rows_of(state.selected)
    if not selected:
        return "Nothing selected yet: tick rows in the grid."
    totals = totals_by_currency(selected)
    money = " · ".join(
        f"{display_money(amount, code)} {as_markdown_text(code)}" for code, amount in totals.items()
    )
    blocked = sum(not row.eligible for row in selected)
    note = f" ({blocked} with blocking problems)" if blocked else ""
    return f"**{len(selected):,} selected**{note} · {money}"


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
    due = f"due {uk_date(row.due_date)}" if row.due_date else "no due date"
    st.markdown(
        f"**Invoice {as_markdown_text(row.invoice_number)}** · "
        f"{as_markdown_text(row.customer_code)} · {as_markdown_text(status_words(row.status))} · "
        f"{amount} {as_markdown_text(row.currency)} outstanding · {due} · "
        f"{row.days_overdue} days overdue"
    )
    if row.already_submitted:
        reference = as_markdown_text(row.case_reference or "(no reference recorded)")
        st.info(f"Already sent to Debitura: case {reference}.")
    for problem in row.problems:  # messages quote KashFlow's data (a VAT number, a country)
        (st.error if problem.severity == ERROR else st.warning)(as_markdown_text(problem.message))
    if not row.problems:
        st.success("Nothing to fix: ready to send.")
    if row.type_reason:
        st.caption(
            f"Debtor type {as_markdown_text(row.debtor.type)}: {as_markdown_text(row.type_reason)}."
        )
    edited = sorted(state.overrides.get(number, {}), key=_grid_position)
    if edited:
        names = [COLUMN_LABELS.get(f"debtor_{field}", field) for field in edited]
        st.caption("You changed: " + ", ".join(names))
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


def import_details(result: ImportResult) -> None:
    """What the last import listed, left out and could not read."""
    st.write(f"{result.invoices_listed} invoices listed by KashFlow in {result.seconds:.1f} s.")
    if result.excluded:
        st.write(
            "Left out (closed): "
            + ", ".join(
                f"{as_markdown_text(status_words(status))} {count}"
                for status, count in result.excluded.items()
            )
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
