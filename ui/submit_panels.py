"""Submit page parts: what is left out and why, the cases to create with Debitura's answer
beside each, the confirmation before sending, and the run's outcomes."""

from __future__ import annotations

from collections.abc import Callable, Mapping, Sequence

import pandas as pd
import streamlit as st

from mapping import ERROR, ReviewRow
from mapping.case_payload import PayloadError, case_payload
from mapping.dates import uk_date
from mapping.money import display_money, totals_by_currency
from mapping.problems import problem_text
from ui.plain import as_markdown_text, link_target
from ui.review_preview import answer_words
from workflow.decision import ALREADY_SENT, SubmitDecision
from workflow.documents import DOCUMENT_WORDS, DocumentOutcome
from workflow.eligibility import EligibilityAnswer
from workflow.submit import SubmissionOutcome

_RIGHT = {"alignment": "right"}


def _plural(count: int, word: str) -> str:
    return f"{count} {word}{'s' if count != 1 else ''}"


def blocked_list(rows: Sequence[ReviewRow]) -> None:
    """Rows that will not be sent, each with its reasons, and the way back to fix them."""
    st.error(
        f"{_plural(len(rows), 'selected invoice')} cannot be sent until fixed; they are left out.",
        icon=":material/block:",
    )
    for row in rows:
        who = row.debtor.name or row.customer_code
        st.markdown(
            f"- **{as_markdown_text(row.invoice_number)}** ({as_markdown_text(who)}): "
            f"{as_markdown_text(problem_text(row.problems, ERROR))}"
        )
    st.page_link("pages/review.py", label="Back to Review to fix them", icon=":material/edit:")


def held_back_list(decisions: Sequence[SubmitDecision]) -> None:
    """Selected invoices that are fine on our side but are not sent now: refused by Debitura
    (or its preview) with nothing changed since, and those already cases."""
    refused = [d for d in decisions if d.action != ALREADY_SENT]
    sent = [d for d in decisions if d.action == ALREADY_SENT]
    if refused:
        st.warning(
            f"{_plural(len(refused), 'selected invoice')} refused by Debitura, so held back:",
            icon=":material/do_not_disturb_on:",
        )
        _reasons(refused)
    if sent:
        st.info(
            f"{_plural(len(sent), 'selected invoice')} already sent; not sent again:",
            icon=":material/info:",
        )
        _reasons(sent)


def _reasons(decisions: Sequence[SubmitDecision]) -> None:
    for decision in decisions:
        st.markdown(
            f"- **{as_markdown_text(decision.invoice_number)}**: "
            f"{as_markdown_text(decision.message)}"
        )


def cases_table(
    rows: Sequence[ReviewRow], answers: Mapping[str, EligibilityAnswer], *, test_mode: bool
) -> None:
    """One row per case: Debitura's answer in its own columns first, then every field sent."""
    records = []
    for row in rows:
        answer = answers.get(row.invoice_number)
        record = {"Creditor reference": row.creditor_reference, **_answer_columns(answer)}
        try:
            payload = case_payload(row, test_mode=test_mode)
        except PayloadError as error:
            records.append(record | {"Warnings": str(error)})
            continue
        debtor = payload["debtor"]
        record |= {
            "Creditor reference": payload["creditorReference"],
            "Amount to recover": display_money(row.amount_to_recover, row.currency),
            "Currency": payload["currencyCode"],
            "Debtor": debtor.get("name", ""),
            # The dates sent, as UK readers read them (the CSV download keeps ISO).
            "Invoice date": uk_date(row.issued_date) if row.issued_date else "",
            "Due date": uk_date(row.due_date) if row.due_date else "",
            "Debtor type": debtor.get("type", ""),
            "Address": debtor.get("address", ""),
            "Postcode": debtor.get("zipCode", ""),
            "City": debtor.get("city", ""),
            "Country": debtor.get("countryAlpha2", ""),
            "State": debtor.get("stateAlpha2", ""),
            "Email": debtor.get("email", ""),
            "Phone": debtor.get("phone", ""),
            "Contact person": debtor.get("contactPerson", ""),
            "Company reg. no.": debtor.get("companyRegistrationNumber", ""),
            "Claim description": payload.get("claimDescription", ""),
            "Comments": payload.get("comments", ""),
            "Warnings": problem_text(row.problems),
        }
        records.append(record)
    columns = ["Creditor reference", "Amount to recover", "Currency", "Debtor", *_ANSWER_COLUMNS]
    frame = pd.DataFrame(records)
    frame = frame[[*columns, *[c for c in frame.columns if c not in columns]]]
    st.dataframe(
        frame,
        hide_index=True,
        key="cases_preview",
        column_config={
            "Amount to recover": st.column_config.TextColumn(**_RIGHT),
            "Reason": st.column_config.TextColumn(width="large"),
            "Claim description": st.column_config.TextColumn(width="large"),
            "Comments": st.column_config.TextColumn(width="large"),
        },
    )
    _case_texts(records)


def _case_texts(records: Sequence[Mapping[str, str]]) -> None:
    """The description and comments in full: a table cell shows only their first line."""
    with st.expander("What each case tells the collection partner"):
        for record in records:
            if not record.get("Claim description"):
                continue
            st.markdown(f"**{as_markdown_text(record['Creditor reference'])}**")
            st.text(record["Claim description"])  # KashFlow's text: never Markdown
            if record.get("Comments"):
                st.text(record["Comments"])


_ANSWER_COLUMNS = ("Eligible", "Partner", "Jurisdiction", "Fee", "Signatures needed", "Reason")


def _answer_columns(answer: EligibilityAnswer | None) -> dict[str, str]:
    """Debitura's preview of one case as columns; blank until asked."""
    if answer is None:
        return dict.fromkeys(_ANSWER_COLUMNS, "")
    preview = answer.preview
    fee = preview.fee_percent
    return {
        "Eligible": "not answered" if preview.error else ("yes" if preview.eligible else "no"),
        "Partner": preview.partner,
        "Jurisdiction": preview.jurisdiction,
        "Fee": f"{fee:f}%" if fee is not None else "",
        "Signatures needed": ", ".join(s.what for s in preview.signatures),
        "Reason": "" if answer.eligible and not preview.signatures else answer_words(answer),
    }


def signatures_needed(answers: Mapping[str, EligibilityAnswer]) -> None:
    """Links to what must be signed first (the same agreement usually covers every case)."""
    links = {s.url: s.what for a in answers.values() for s in a.preview.signatures if s.url}
    for url, what in links.items():
        target = link_target(url)
        where = f"[sign here]({target})" if target else f"sign at {as_markdown_text(url)}"
        st.warning(f"{as_markdown_text(what)}: {where}, then Check with Debitura again.")


def confirmation_text(rows: Sequence[ReviewRow]) -> str:
    """``"Create 11 cases: GBP 45,321.10 · EUR 2,000.00"``."""
    totals = totals_by_currency((row.currency, row.amount_to_recover) for row in rows)
    return f"Create {_plural(len(rows), 'case')}: {totals}"


def confirmation(
    rows: Sequence[ReviewRow],
    destination: str,
    *,
    on_confirm: Callable[[], None],
    on_cancel: Callable[[], None],
) -> None:
    """The last step before anything is sent: how many cases, how much per currency, where."""
    with st.container(border=True, key="submit_confirmation"):
        st.markdown(f"**{as_markdown_text(confirmation_text(rows))}**")
        st.caption(
            f"Destination: {as_markdown_text(destination)}. Each invoice becomes one case, sent "
            "at most once; nothing is sent until you confirm."
        )
        yes, no, _ = st.columns([2, 1, 3])
        yes.button(
            f"Yes, create {_plural(len(rows), 'case')}",
            type="primary",
            on_click=on_confirm,
            icon=":material/send:",
            key="submit_confirm",
        )
        no.button("Cancel", on_click=on_cancel, key="submit_cancel")


_PAIRS_SPELLED_OUT = 10


def documents_notes(documents: Sequence[DocumentOutcome]) -> None:
    """Each case whose invoice PDF is not attached, and why: Debitura will ask for it."""
    if not documents:
        return
    st.warning(
        f"{_plural(len(documents), 'case')} without the invoice PDF:",
        icon=":material/description:",
    )
    for document in documents:
        st.markdown(f"- {as_markdown_text(document.note)}")  # the note names the invoice


def _document_word(outcome: SubmissionOutcome) -> str:
    """The Invoice PDF column: attached, missing in KashFlow, failed (retried), unconfirmed."""
    if outcome.document is None:
        return ""
    return DOCUMENT_WORDS.get(outcome.document.state, outcome.document.state)


def outcomes_table(outcomes: Sequence[SubmissionOutcome]) -> None:
    """The run's result per invoice, and each failure's message in full (not in a cell)."""
    sent = [o for o in outcomes if o.case_reference and o.is_sent]
    if sent:
        # A few pairs read at a glance; a long run's pairs are a wall of text: the table has them.
        pairs = (
            ", ".join(
                f"{as_markdown_text(o.invoice_number)} → {as_markdown_text(o.case_reference)}"
                for o in sent
            )
            if len(sent) <= _PAIRS_SPELLED_OUT
            else f"{len(sent)} created, each with its case reference in the table below"
        )
        st.success("Debitura cases: " + pairs, icon=":material/check_circle:")
    not_sent = [o for o in outcomes if not o.is_sent]
    if not_sent:
        st.error(f"{_plural(len(not_sent), 'invoice')} not sent:", icon=":material/error:")
        for outcome in not_sent:
            st.markdown(
                f"- **{as_markdown_text(outcome.invoice_number)}** ({outcome.label}): "
                f"{as_markdown_text(outcome.message)}"
            )
    documents_notes([o.document for o in outcomes if o.document and not o.document.attached])
    st.dataframe(
        pd.DataFrame(
            [
                {
                    "Invoice": outcome.invoice_number,
                    "Result": outcome.label,
                    "Debitura case": outcome.case_reference,
                    "Invoice PDF": _document_word(outcome),
                    "Details": outcome.message,
                }
                for outcome in outcomes
            ]
        ),
        hide_index=True,
        key="submit_outcomes",
        column_config={"Details": st.column_config.TextColumn(width="large")},
    )
