"""Review rows as text: JSON (the ARCHITECTURE shape), CSV (flattened) and a plain table.

Every cell is KashFlow's data: the CSV neutralises cells a spreadsheet would run as formulas,
and the JSON and the table carry no character that a terminal would act on.
"""

from __future__ import annotations

import csv
import io
import json
from collections.abc import Sequence

from mapping import ReviewRow
from mapping.outside_text import BIDI_CONTROLS, csv_record, terminal_text

TABLE_COLUMNS = (
    "invoice_number", "customer_code", "status", "due_date", "days_overdue", "currency",
    "amount_to_recover_text", "debtor_name", "eligible", "problem_codes",
)  # fmt: skip


# json escapes C0 controls itself; these it writes as they are, and a terminal would act on
# them: DEL, the C1 controls (U+009B is CSI), line and paragraph separators, bidi overrides.
_JSON_ESCAPES = str.maketrans(
    {
        character: f"\\u{ord(character):04x}"
        for character in (
            "\x7f",
            *map(chr, range(0x80, 0xA0)),
            "\u2028",
            "\u2029",
            *sorted(BIDI_CONTROLS),
        )
    }
)


def rows_json(rows: Sequence[ReviewRow]) -> str:
    """The rows as JSON; the same strings, with terminal controls written as ``\\uXXXX``."""
    text = json.dumps([row.to_dict() for row in rows], indent=2, ensure_ascii=False)
    return json_for_terminal(text) + "\n"


def json_for_terminal(text: str) -> str:
    """JSON text with the characters a terminal would act on written as ``\\uXXXX`` escapes
    (still the same JSON value)."""
    return text.translate(_JSON_ESCAPES)


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
        writer.writerow(csv_record(record))
    return out.getvalue()


def rows_table(rows: Sequence[ReviewRow]) -> str:
    from mapping.frame import rows_to_frame  # pandas only when a table is asked for

    if not rows:
        return "(no open invoices)\n"
    table = rows_to_frame(rows)[list(TABLE_COLUMNS)]
    table = table.map(lambda cell: terminal_text(cell) if isinstance(cell, str) else cell)
    return table.to_string(index=False) + "\n"
