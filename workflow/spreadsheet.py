"""Files people open in Excel: a list of records with typed columns, as CSV text or XLSX bytes.

Every export the app offers (the review rows, the cases to create, the sent cases) is a
``Table`` built in ``workflow.export`` and written here, so both files of an export carry the
same headers and the same values:

- CSV: UTF-8 (with a byte order mark when meant for Excel), ISO dates (``2026-10-01``, which
  Excel reads as dates), amounts as plain numbers with the currency's decimals and no
  thousands separators, times as ``2026-11-30 10:15 UTC``, and every text cell through
  ``mapping.outside_text.csv_cell`` (formula starts neutralised);
- XLSX (XlsxWriter): real date cells shown ``dd mmm yyyy``, amounts as numbers in a number
  format with the currency's decimals, text always written as a string cell (never a formula or
  a link, whatever it starts with), the header row frozen, an autofilter, widths that fit.

>>> from decimal import Decimal
>>> table = Table("Invoices", (Column("Invoice"), Column("Outstanding", AMOUNT)),
...     [("=1+1", Decimal("805.00"))])
>>> table_csv(table).splitlines()
['Invoice,Outstanding', "'=1+1,805.00"]
>>> table_xlsx(table)[:2]
b'PK'
"""

from __future__ import annotations

import csv
import io
import unicodedata
from collections.abc import Sequence
from dataclasses import dataclass
from datetime import UTC, datetime
from typing import Any

import xlsxwriter

from mapping.outside_text import csv_cell, xlsx_text

# Column kinds: how a value is written.
TEXT = "text"  # str (outside text, or words of ours)
DATE = "date"  # datetime.date
TIME_UTC = "time_utc"  # an aware datetime, written in UTC with the zone named
AMOUNT = "amount"  # Decimal already rounded to its currency (its exponent gives the decimals)
INTEGER = "integer"  # int

XLSX_MIME = "application/vnd.openxmlformats-officedocument.spreadsheetml.sheet"
CSV_MIME = "text/csv"
_DATE_FORMAT = "dd mmm yyyy"
_TIME_FORMAT = 'dd mmm yyyy hh:mm "UTC"'
_MAX_WIDTH = 60  # characters: wider text wraps in the formula bar, not across the screen
_SHEET_NAME_FORBIDDEN = str.maketrans(dict.fromkeys("[]:*?/\\", " "))


@dataclass(frozen=True)
class Column:
    """One column: its header (a person's words) and how its values are written."""

    header: str
    kind: str = TEXT


@dataclass(frozen=True)
class Table:
    """Records with typed columns: ``rows`` hold one value per column (``None`` for blank)."""

    name: str  # the XLSX sheet's name
    columns: tuple[Column, ...]
    rows: Sequence[Sequence[Any]]

    @property
    def headers(self) -> list[str]:
        return [column.header for column in self.columns]


def table_csv(table: Table, *, for_excel: bool = False) -> str:
    """The table as CSV text: one header line, then one line per record.

    ``for_excel`` starts the text with a byte order mark: without it Excel reads a UTF-8 file
    in the machine's legacy code page ("Währung" becomes "WÃ¤hrung"). Not for files another
    program parses by its exact first header (Debitura's bulk import).
    """
    out = io.StringIO()
    if for_excel:
        out.write("\ufeff")
    writer = csv.writer(out, lineterminator="\n")
    writer.writerow(csv_cell(header) for header in table.headers)
    for record in table.rows:
        writer.writerow(
            _csv_value(value, column.kind)
            for value, column in zip(record, table.columns, strict=True)
        )
    return out.getvalue()


def _csv_value(value: Any, kind: str) -> str:
    if value is None:
        return ""
    if kind == DATE:
        return value.isoformat()
    if kind == TIME_UTC:
        return _in_utc(value).strftime("%Y-%m-%d %H:%M UTC")
    if kind == AMOUNT:
        return f"{value:f}"
    if kind == INTEGER:
        return str(int(value))
    return csv_cell(value)


def table_xlsx(table: Table) -> bytes:
    """The table as an XLSX workbook of one sheet."""
    out = io.BytesIO()
    # Text is written with write_string anyway; these options make sure no other path ever
    # turns a KashFlow name into a formula, a link or a number.
    workbook = xlsxwriter.Workbook(
        out,
        {
            "in_memory": True,
            "strings_to_formulas": False,
            "strings_to_urls": False,
            "strings_to_numbers": False,
        },
    )
    sheet = workbook.add_worksheet(_sheet_name(table.name))
    header = workbook.add_format({"bold": True, "bottom": 1})
    formats = _Formats(workbook)
    widths = [_width(column.header) for column in table.columns]
    for col, column in enumerate(table.columns):
        sheet.write_string(0, col, xlsx_text(column.header), header)
    for row_index, record in enumerate(table.rows, start=1):
        for col, (value, column) in enumerate(zip(record, table.columns, strict=True)):
            if value is None or value == "":
                continue  # a blank cell, so Excel's "Blanks" filter finds it
            shown = _write_cell(sheet, row_index, col, value, column.kind, formats)
            widths[col] = max(widths[col], _width(shown))
    for col, width in enumerate(widths):
        sheet.set_column(col, col, min(width, _MAX_WIDTH) + 2)
    sheet.freeze_panes(1, 0)
    sheet.autofilter(0, 0, max(len(table.rows), 1), max(len(table.columns) - 1, 0))
    workbook.close()
    return out.getvalue()


class _Formats:
    """The cell formats of one workbook, made once each (one per amount precision)."""

    def __init__(self, workbook: xlsxwriter.Workbook) -> None:
        self._workbook = workbook
        self.date = workbook.add_format({"num_format": _DATE_FORMAT, "align": "left"})
        self.time = workbook.add_format({"num_format": _TIME_FORMAT, "align": "left"})
        self._amounts: dict[int, Any] = {}

    def amount(self, decimals: int):
        if decimals not in self._amounts:
            pattern = "#,##0" + ("." + "0" * decimals if decimals else "")
            self._amounts[decimals] = self._workbook.add_format({"num_format": pattern})
        return self._amounts[decimals]


def _write_cell(sheet, row: int, col: int, value: Any, kind: str, formats: _Formats) -> str:
    """Writes one cell; returns its text as shown, for the column width."""
    if kind == DATE:
        sheet.write_datetime(row, col, datetime(value.year, value.month, value.day), formats.date)
        return "01 Jan 2026"
    if kind == TIME_UTC:
        sheet.write_datetime(row, col, _in_utc(value).replace(tzinfo=None), formats.time)
        return "01 Jan 2026 00:00 UTC"
    if kind == AMOUNT:
        decimals = max(-value.as_tuple().exponent, 0) if value.is_finite() else 0
        # Excel holds numbers as doubles: exact to 15 significant digits, ample for an amount.
        sheet.write_number(row, col, float(value), formats.amount(decimals))
        return f"{value:,f}"
    if kind == INTEGER:
        sheet.write_number(row, col, int(value))
        return str(value)
    text = xlsx_text(value)
    sheet.write_string(row, col, text)
    return max(text.split("\n"), key=len)


def _in_utc(moment: datetime) -> datetime:
    """An aware time in UTC; a naive one is taken to be UTC already (the ledger writes UTC)."""
    return moment.astimezone(UTC) if moment.tzinfo else moment.replace(tzinfo=UTC)


def _width(text: str) -> int:
    """Columns ``text`` needs: two for East Asian wide characters, one for the rest."""
    if text.isascii():  # the common case, and 20,000 rows have many cells
        return len(text)
    return sum(2 if unicodedata.east_asian_width(c) in "WF" else 1 for c in text)


def _sheet_name(name: str) -> str:
    """Excel's rules for a sheet name: at most 31 characters, none of ``[]:*?/\\``."""
    return name.translate(_SHEET_NAME_FORBIDDEN).strip("' ")[:31] or "Sheet1"
