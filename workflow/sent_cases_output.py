"""``cli.py cases``: the sent cases and their follow-through as JSON, CSV or a terminal table.

The CSV is the Sent cases page's download (``workflow.sent_cases``), so a script and a person
read the same columns. JSON carries ISO dates and decimal strings; every text from KashFlow or
Debitura reaches the terminal without control characters.
"""

from __future__ import annotations

import json
from collections.abc import Sequence
from decimal import Decimal
from typing import Any

from mapping.money import display_money, format_money
from mapping.outside_text import terminal_text
from workflow.export import TABLE_WIDTH, json_for_terminal
from workflow.follow_through import FollowThrough, recovered_totals
from workflow.sent_cases import SentCase, sent_cases_table
from workflow.spreadsheet import table_csv
from workflow.text_table import text_table

TABLE_HEADERS = (
    "Invoice", "Debtor", "Case", "Where it stands", "Needs from you", "Docs", "Recovered",
)  # fmt: skip
_SHRINK = [{"Needs from you": 14, "Debtor": 12}, {"Where it stands": 16}]


def case_record(case: SentCase) -> dict[str, Any]:
    """One case as JSON: the ledger's facts, Debitura's view and its follow-through."""
    return {
        "invoice_number": case.invoice_number,
        "state": case.state,
        "case_reference": case.case_reference,
        "case_id": case.case_id,
        "debtor": case.debtor_name,
        "amount": format_money(case.amount, case.currency),
        "currency": case.currency,
        "lifecycle": case.lifecycle,
        "close_code": case.close_code,
        "status": case.status,
        "where_it_stands": case.stage,
        "needs_from_you": list(case.needs_from_you),
        "open_tasks": list(case.open_tasks),
        "validation_items": list(case.validation_items),
        "documents": list(case.documents) if case.followed else None,
        "payments": [
            {
                "date": payment.date.isoformat() if payment.date else None,
                "amount": format_money(payment.amount, payment.currency or case.currency),
                "currency": payment.currency or case.currency,
            }
            for payment in case.payments
        ],
        "recovered": _amounts(case.recovered_by_currency),
        "sent_at": case.sent_at,
        "sent_by": case.sent_by,
        "connection": case.connection,
        "message": case.message,
    }


def cases_json(result: FollowThrough) -> str:
    """``{"cases": [...], "recovered_totals": {currency: amount}, "account_tasks": [...]}``."""
    document = {
        "cases": [case_record(case) for case in result.cases],
        "recovered_totals": _amounts(recovered_totals(result.cases)),
        "account_tasks": [task.words for task in result.account_tasks],
    }
    text = json.dumps(document, indent=2, ensure_ascii=False)
    return json_for_terminal(text) + "\n"


def cases_csv(result: FollowThrough) -> str:
    """The Sent cases page's CSV download (without the byte order mark Excel wants)."""
    return table_csv(sent_cases_table(result.cases))


def cases_table(result: FollowThrough, *, width: int = TABLE_WIDTH) -> str:
    """One line per case, then the money recovered per currency."""
    if not result.cases:
        return "(no sent cases)\n"
    lines = [
        [
            terminal_text(cell)
            for cell in (
                case.invoice_number,
                case.debtor_name,
                case.case_reference,
                case.stage,
                "; ".join(case.needs_from_you),
                str(len(case.documents)) if case.followed else "",
                case.recovered_text,
            )
        ]
        for case in result.cases
    ]
    table = text_table(
        TABLE_HEADERS, lines, right={"Docs", "Recovered"}, shrink=_SHRINK, width=width
    )
    return table + "\n" + "\n".join(totals_lines(result.cases)) + "\n"


def totals_lines(cases: Sequence[SentCase]) -> list[str]:
    """``["Recovered: GBP 322.10 · EUR 4.00"]``, or that nothing was recovered yet."""
    totals = recovered_totals(cases)
    if not totals:
        return ["Recovered: nothing yet"]
    shown = " · ".join(f"{code} {display_money(amount, code)}" for code, amount in totals.items())
    return [f"Recovered: {shown}"]


def _amounts(amounts: dict[str, Decimal]) -> dict[str, str | None]:
    return {currency: format_money(amount, currency) for currency, amount in amounts.items()}
