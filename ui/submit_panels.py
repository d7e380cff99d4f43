"""Submit page parts: the case preview table, eligibility results and the run's outcomes."""

from __future__ import annotations

from collections.abc import Mapping, Sequence

import pandas as pd
import streamlit as st

from mapping import ERROR, ReviewRow
from mapping.case_payload import PayloadError, case_payload
from mapping.money import display_money
from ui.plain import as_markdown_text, link_target
from workflow.decision import SubmitDecision
from workflow.submit import PreviewOutcome, SubmissionOutcome

_RIGHT = {"alignment": "right"}


def blocked_list(rows: Sequence[ReviewRow]) -> None:
    """Rows that will not be sent, each with its reasons, and the way back to fix them."""
    st.error(
        f"{len(rows)} selected invoice{'s' if len(rows) != 1 else ''} cannot be sent until "
        "fixed; they are left out.",
        icon=":material/block:",
    )
    for row in rows:
        reasons = "; ".join(p.message for p in row.problems if p.severity == ERROR)
        who = row.debtor.name or row.customer_code
        st.markdown(
            f"- **{as_markdown_text(row.invoice_number)}** ({as_markdown_text(who)}): "
            f"{as_markdown_text(reasons)}"
        )
    st.page_link("pages/review.py", label="Back to Review to fix them", icon=":material/edit:")


def held_back_list(decisions: Sequence[SubmitDecision]) -> None:
    """Selected invoices that are fine but will not be sent now: already cases, or refused
    before with nothing changed since."""
    st.info(
        f"{len(decisions)} selected invoice{'s' if len(decisions) != 1 else ''} will not be "
        "sent again:",
        icon=":material/info:",
    )
    for decision in decisions:
        st.markdown(
            f"- **{as_markdown_text(decision.invoice_number)}**: "
            f"{as_markdown_text(decision.message)}"
        )


def cases_table(
    rows: Sequence[ReviewRow], previews: Mapping[str, PreviewOutcome], *, test_mode: bool
) -> None:
    """Every field that will be sent, one row per case, warnings and eligibility beside it."""
    records = []
    for row in rows:
        try:
            payload = case_payload(row, test_mode=test_mode)
        except PayloadError as error:
            records.append({"Creditor reference": row.invoice_number, "Warnings": str(error)})
            continue
        debtor = payload["debtor"]
        records.append(
            {
                "Creditor reference": payload["creditorReference"],
                "Invoice date": payload.get("date", "")[:10],
                "Due date": (payload.get("dueDate") or "")[:10],
                "Amount to recover": display_money(row.amount_to_recover, row.currency),
                "Currency": payload["currencyCode"],
                "Debtor type": debtor.get("type", ""),
                "Debtor": debtor.get("name", ""),
                "Address": debtor.get("address", ""),
                "Postcode": debtor.get("zipCode", ""),
                "City": debtor.get("city", ""),
                "Country": debtor.get("countryAlpha2", ""),
                "State": debtor.get("stateAlpha2", ""),
                "Email": debtor.get("email", ""),
                "Phone": debtor.get("phone", ""),
                "Claim description": payload.get("claimDescription", ""),
                "Eligibility": _eligibility(previews.get(row.invoice_number)),
                "Warnings": "; ".join(p.message for p in row.problems),
            }
        )
    st.dataframe(
        pd.DataFrame(records),
        hide_index=True,
        key="cases_preview",
        column_config={"Amount to recover": st.column_config.TextColumn(**_RIGHT)},
    )


def signatures_needed(previews: Mapping[str, PreviewOutcome]) -> None:
    """Links to what must be signed first (the same agreement usually covers every case)."""
    links = {s.url: s.what for p in previews.values() for s in p.signatures if s.url}
    for url, what in links.items():
        target = link_target(url)
        where = f"[sign here]({target})" if target else f"sign at {as_markdown_text(url)}"
        st.warning(f"{as_markdown_text(what)}: {where}, then check eligibility again.")


def outcomes_table(outcomes: Sequence[SubmissionOutcome]) -> None:
    sent = [o for o in outcomes if o.case_reference]
    if sent:
        st.success(
            "Debitura cases: "
            + ", ".join(
                f"{as_markdown_text(o.invoice_number)} → {as_markdown_text(o.case_reference)}"
                for o in sent
            ),
            icon=":material/check_circle:",
        )
    st.dataframe(
        pd.DataFrame(
            [
                {
                    "Invoice": outcome.invoice_number,
                    "Result": outcome.label,
                    "Debitura case": outcome.case_reference,
                    "Details": outcome.message,
                }
                for outcome in outcomes
            ]
        ),
        hide_index=True,
        key="submit_outcomes",
    )


def _eligibility(preview: PreviewOutcome | None) -> str:
    if preview is None:
        return ""
    if preview.error:
        return preview.error
    if not preview.eligible:
        return f"Not eligible: {preview.message}" if preview.message else "Not eligible"
    parts = ["Eligible"]
    if preview.partner:
        parts.append(preview.partner)
    if preview.jurisdiction:
        parts.append(preview.jurisdiction)
    if preview.fee_percent is not None:
        parts.append(f"fee {preview.fee_percent:f}%")
    if preview.signatures:
        parts.append("needs: " + ", ".join(s.what for s in preview.signatures))
    return " · ".join(parts)
