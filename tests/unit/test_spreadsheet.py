"""The downloads people open in Excel: human headers, dates as dates, amounts as numbers with the
currency's decimals, problems in words, times with their zone, and outside text that stays text
(a string cell in the XLSX, a neutralised cell in the CSV). The XLSX is read back with openpyxl."""

from __future__ import annotations

import csv
import io
from datetime import date, datetime
from decimal import Decimal

import openpyxl
import pytest

from mapping.case_payload import BULK_CSV_COLUMNS
from mapping.debtor import Debtor
from mapping.problems import problem
from mapping.rows import ReviewRow
from workflow.export import bulk_import_csv, bulk_import_xlsx, review_csv, review_xlsx
from workflow.sent_cases import SentCase, sent_cases_csv, sent_cases_xlsx
from workflow.spreadsheet import AMOUNT, Column, Table, table_xlsx

HYPERLINK = '=HYPERLINK("http://evil.example","click")'
HOSTILE_TEXT = (HYPERLINK, "+1+cmd|' /C calc'!A0", "-2+3", "@SUM(1)", "http://evil.example")


def review_row(number="1042", *, name="Acme Ltd", currency="GBP", amount="1234567.89",
               problems=(), due=date(2026, 10, 1)) -> ReviewRow:  # fmt: skip
    return ReviewRow(
        number, "ACME01", "OverduePartPaid", date(2026, 9, 1), due, currency,
        Decimal(amount), Decimal(amount), 51,
        Debtor("Company", name, address="1 High St", postcode="LS1 4AB", city="Leeds",
               country="GB"),
        tuple(problems),
    )  # fmt: skip


def sheet_of(data: bytes):
    return openpyxl.load_workbook(io.BytesIO(data)).active


def records(sheet) -> list[dict[str, object]]:
    header, *rows = sheet.iter_rows()
    names = [cell.value for cell in header]
    return [dict(zip(names, row, strict=False)) for row in rows]


def csv_records(text: str) -> list[dict[str, str]]:
    return list(csv.DictReader(io.StringIO(text.removeprefix("\ufeff"), newline="")))


def test_the_review_xlsx_has_date_cells_numeric_amounts_and_a_frozen_filtered_header():
    rows = [
        review_row("1042"),
        review_row("1043", currency="JPY", amount="150000"),
        review_row("1044", currency="KWD", amount="12.345"),
    ]
    sheet = sheet_of(review_xlsx(rows))
    headers = [cell.value for cell in sheet[1]]
    assert headers[:9] == [
        "Invoice", "Debtor", "Due date", "Days overdue", "Outstanding", "Currency", "Status",
        "Ready / blocked", "Problems",
    ]  # fmt: skip
    assert sheet.freeze_panes == "A2"
    assert sheet.auto_filter.ref == f"A1:{openpyxl.utils.get_column_letter(len(headers))}4"
    gbp, jpy, kwd = records(sheet)
    assert gbp["Due date"].is_date and gbp["Due date"].value == datetime(2026, 10, 1)
    assert gbp["Due date"].number_format == "dd mmm yyyy"
    assert gbp["Invoice date"].is_date
    assert gbp["Outstanding"].data_type == "n" and gbp["Outstanding"].value == 1234567.89
    assert gbp["Outstanding"].number_format == "#,##0.00"
    assert jpy["Outstanding"].value == 150000 and jpy["Outstanding"].number_format == "#,##0"
    assert kwd["Outstanding"].number_format == "#,##0.000"
    assert gbp["Days overdue"].data_type == "n" and gbp["Days overdue"].value == 51
    # The invoice number is text, even when it looks like a number.
    assert gbp["Invoice"].data_type == "s" and gbp["Invoice"].value == "1042"
    assert gbp["Status"].value == "Overdue, part paid"
    assert 10 < sheet.column_dimensions["B"].width <= 62  # sized to its text, within a bound


@pytest.mark.parametrize("hostile", HOSTILE_TEXT)
def test_outside_text_stays_a_string_cell_in_every_xlsx(hostile):
    row = review_row(name=hostile)
    sent = SentCase(invoice_number="1042", state="created", debtor_name=hostile,
                    case_reference=hostile)  # fmt: skip
    for data, column in (
        (review_xlsx([row]), "Debtor"),
        (bulk_import_xlsx([row]), "DebtorName"),
        (sent_cases_xlsx([sent]), "Debtor"),
    ):
        (record,) = records(sheet_of(data))
        assert record[column].data_type == "s", column  # not "f" (formula), nor a link
        assert record[column].value == hostile  # exactly what KashFlow holds, no quote added
        assert record[column].hyperlink is None


def test_control_characters_never_reach_an_xlsx_cell():
    (record,) = records(sheet_of(review_xlsx([review_row(name="Oak\x00\x1b[2J Ltd\u202e")])))
    assert record["Debtor"].value == "Oak[2J Ltd"


def test_the_review_csv_has_human_headers_iso_dates_plain_numbers_and_problems_in_words():
    blocked = review_row(
        "1042",
        name=HYPERLINK,
        problems=[
            problem("missing_city", "No city: add one in the grid."),
            problem("missing_phone", "No phone number for the debtor."),
        ],
    )
    text = review_csv([blocked, review_row("1043", currency="JPY", amount="150000")])
    first, second = csv_records(text)
    assert text.startswith("\ufeff")  # Excel reads the names as UTF-8
    assert list(first)[:9] == [
        "Invoice", "Debtor", "Due date", "Days overdue", "Outstanding", "Currency", "Status",
        "Ready / blocked", "Problems",
    ]  # fmt: skip
    assert first["Due date"] == "2026-10-01" and first["Invoice date"] == "2026-09-01"
    assert first["Outstanding"] == "1234567.89"  # no thousands separator
    assert second["Outstanding"] == "150000"
    assert first["Debtor"] == "'" + HYPERLINK  # neutralised
    assert first["Ready / blocked"] == "Blocked: no city" and second["Ready / blocked"] == "Ready"
    assert first["Problems"] == "No city: add one in the grid.\nNo phone number for the debtor."
    assert "missing_city" not in text


def test_the_cases_to_create_keep_debituras_bulk_import_headers_in_both_files():
    row = review_row()
    text = bulk_import_csv([row])
    assert text.startswith("InvoiceNumber,")  # no byte order mark before Debitura's header
    (record,) = csv_records(text)
    assert list(record) == list(BULK_CSV_COLUMNS)
    assert (record["InvoiceDate"], record["PrincipalAmount"]) == ("2026-09-01", "1234567.89")
    sheet = sheet_of(bulk_import_xlsx([row]))
    assert [cell.value for cell in sheet[1]] == list(BULK_CSV_COLUMNS)
    (cells,) = records(sheet)
    assert cells["InvoiceDate"].is_date and cells["DueDate"].is_date
    assert cells["PrincipalAmount"].value == 1234567.89
    assert cells["Country"].value == "United Kingdom"


def test_sent_at_is_written_in_utc_with_the_zone_named():
    case = SentCase(
        invoice_number="1042", state="created", debtor_name="Acme Ltd", amount=Decimal("805"),
        currency="GBP", case_reference="C-1", status="Sent",
        sent_at="2026-11-30T11:15:00.123456+01:00",
    )  # fmt: skip
    never_sent = SentCase(invoice_number="1043", state="failed", status="Refused by Debitura")
    text = sent_cases_csv([case, never_sent])
    assert text.startswith("\ufeffInvoice,")  # Excel reads the names as UTF-8
    first, second = csv_records(text)
    assert first["Sent at"] == "2026-11-30 10:15 UTC" and second["Sent at"] == ""
    assert first["Amount"] == "805.00"
    (cell, blank) = [
        record["Sent at"] for record in records(sheet_of(sent_cases_xlsx([case, never_sent])))
    ]
    assert cell.is_date and cell.value == datetime(2026, 11, 30, 10, 15, 0, 123000)
    assert "UTC" in cell.number_format
    assert blank.value is None


def test_an_empty_table_is_still_a_workbook_with_its_header():
    sheet = sheet_of(table_xlsx(Table("Nothing: [yet]?", (Column("Amount", AMOUNT),), [])))
    assert [cell.value for cell in sheet[1]] == ["Amount"]
    assert sheet.title == "Nothing   yet"
