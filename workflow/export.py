"""Review rows as files and text: the spreadsheets people open (the review rows, the cases to
create), and the CLI's JSON (the ARCHITECTURE shape), machine CSV and table.

Every cell is KashFlow's data: the CSV neutralises cells a spreadsheet would run as formulas,
the XLSX writes them as string cells, and the JSON and the table carry no character that a
terminal would act on.

Two CSVs, on purpose: ``review_csv`` (the page's download) is for people, with the headers
they read and problems in words; ``rows_csv`` (``cli.py invoices --format csv``) keeps the
JSON's field names and the problem codes, which scripts filter on.
"""

from __future__ import annotations

import csv
import io
import json
from collections.abc import Sequence

from mapping import ReviewRow
from mapping.case_payload import BULK_CSV_COLUMNS, bulk_csv_row
from mapping.money import display_money, round_money
from mapping.outside_text import BIDI_CONTROLS, csv_record, terminal_text
from mapping.problems import problem_text
from mapping.readiness import readiness
from mapping.status import status_words
from workflow.spreadsheet import AMOUNT, DATE, INTEGER, TEXT, Column, Table, table_csv, table_xlsx
from workflow.text_table import text_table

TABLE_HEADERS = (
    "Invoice", "Debtor", "Due", "Days overdue", "Outstanding", "Cur", "Status", "Ready / blocked",
)  # fmt: skip
TABLE_WIDTH = 120
# When the table is too wide, columns give up room in these tiers, each down to its minimum: a
# long invoice number first, then the name and the reasons alike, amounts only as a last resort.
_SHRINK = (
    {"Invoice": 10},
    {"Debtor": 16, "Ready / blocked": 20},
    {"Status": 10},
    {"Outstanding": 12},
)


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


REVIEW_COLUMNS = (
    Column("Invoice"), Column("Debtor"), Column("Due date", DATE),
    Column("Days overdue", INTEGER), Column("Outstanding", AMOUNT), Column("Currency"),
    Column("Status"), Column("Ready / blocked"), Column("Problems"),
    Column("Invoice date", DATE), Column("Invoice total", AMOUNT), Column("Customer code"),
    Column("Debtor type"), Column("Email"), Column("Phone"), Column("Address"),
    Column("Postcode"), Column("City"), Column("State"), Column("Country"),
)  # fmt: skip
# Debitura's bulk import reads these as dates and a number; the rest is text.
_BULK_KINDS = {"InvoiceDate": DATE, "DueDate": DATE, "PrincipalAmount": AMOUNT}
BULK_IMPORT_COLUMNS = tuple(Column(name, _BULK_KINDS.get(name, TEXT)) for name in BULK_CSV_COLUMNS)


def review_table(rows: Sequence[ReviewRow]) -> Table:
    """The review rows as people read them: the grid's order, problems in words."""
    return Table("Open invoices", REVIEW_COLUMNS, [_review_record(row) for row in rows])


def _review_record(row: ReviewRow) -> tuple:
    debtor = row.debtor
    return (
        row.invoice_number,
        debtor.name,
        row.due_date,
        row.days_overdue,
        round_money(row.amount_to_recover, row.currency),
        row.currency,
        status_words(row.status),
        readiness(row),
        problem_text(row.problems, separator="\n"),
        row.issued_date,
        round_money(row.gross_amount, row.currency),
        row.customer_code,
        debtor.type,
        debtor.email,
        debtor.phone,
        debtor.address,
        debtor.postcode,
        debtor.city,
        debtor.state,
        debtor.country,
    )


def review_csv(rows: Sequence[ReviewRow]) -> str:
    """The review page's CSV download (``review_table``)."""
    return table_csv(review_table(rows), for_excel=True)


def review_xlsx(rows: Sequence[ReviewRow]) -> bytes:
    """The review page's XLSX download (``review_table``)."""
    return table_xlsx(review_table(rows))


def bulk_import_table(rows: Sequence[ReviewRow]) -> Table:
    """The cases to create in the columns of Debitura's bulk import, headers exactly as that
    import names them (``mapping.case_payload.BULK_CSV_COLUMNS``)."""
    records = []
    for row in rows:
        record = bulk_csv_row(row) | {
            "InvoiceDate": row.issued_date,
            "DueDate": row.due_date,
            "PrincipalAmount": round_money(row.amount_to_recover, row.currency),
        }
        records.append(tuple(record[name] for name in BULK_CSV_COLUMNS))
    return Table("Cases to create", BULK_IMPORT_COLUMNS, records)


def bulk_import_csv(rows: Sequence[ReviewRow]) -> str:
    """A CSV file Debitura's bulk import reads: the header, then one line per case.

    >>> bulk_import_csv([]).splitlines()[0].split(",")[:3]
    ['InvoiceNumber', 'DebtorName', 'Address']
    """
    return table_csv(bulk_import_table(rows))


def bulk_import_xlsx(rows: Sequence[ReviewRow]) -> bytes:
    """The same cases as an XLSX workbook, same headers."""
    return table_xlsx(bulk_import_table(rows))


def rows_csv(rows: Sequence[ReviewRow]) -> str:
    """The JSON fields flattened: ``debtor_*`` columns, problems as ``code:severity`` lists.
    The machine format of ``cli.py invoices --format csv``: scripts rely on these names."""
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


def rows_table(rows: Sequence[ReviewRow], *, width: int = TABLE_WIDTH) -> str:
    """``cli.py invoices --format table``: one line per row in ``width`` columns, long names and
    reasons cut with "…", amounts right-aligned with thousands separators, dates ISO."""
    if not rows:
        return "(no open invoices)\n"
    lines = [
        [
            terminal_text(cell)
            for cell in (
                row.invoice_number,
                row.debtor.name,
                row.due_date.isoformat() if row.due_date else "",
                str(row.days_overdue),
                display_money(row.amount_to_recover, row.currency),
                row.currency,
                status_words(row.status),
                readiness(row),
            )
        ]
        for row in rows
    ]
    table = text_table(
        TABLE_HEADERS, lines, right={"Days overdue", "Outstanding"}, shrink=_SHRINK, width=width
    )
    return table + "\n"
