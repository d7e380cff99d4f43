"""Review rows as text: JSON (the ARCHITECTURE shape), CSV (flattened) and a plain table."""

from __future__ import annotations

import csv
import io
import json
from collections.abc import Sequence

from mapping import ReviewRow

TABLE_COLUMNS = (
    "invoice_number", "customer_code", "status", "due_date", "days_overdue", "currency",
    "amount_to_recover_text", "debtor_name", "eligible", "problem_codes",
)  # fmt: skip


def rows_json(rows: Sequence[ReviewRow]) -> str:
    return json.dumps([row.to_dict() for row in rows], indent=2, ensure_ascii=False) + "\n"


def rows_csv(rows: Sequence[ReviewRow]) -> str:
    """The JSON fields flattened: ``debtor_*`` columns, problems as ``code:severity`` lists."""
    out = io.StringIO()
    writer = None
    for row in rows:
        record = row.to_dict()
        debtor = record.pop("debtor")
        problems = record.pop("problems")
        record |= {f"debtor_{key}": value for key, value in debtor.items()}
        record["problems"] = "; ".join(f"{p['code']}:{p['severity']}" for p in problems)
        if writer is None:
            writer = csv.DictWriter(out, fieldnames=list(record), lineterminator="\n")
            writer.writeheader()
        writer.writerow(record)
    return out.getvalue()


def rows_table(rows: Sequence[ReviewRow]) -> str:
    from mapping.frame import rows_to_frame  # pandas only when a table is asked for

    if not rows:
        return "(no open invoices)\n"
    return rows_to_frame(rows)[list(TABLE_COLUMNS)].to_string(index=False) + "\n"
