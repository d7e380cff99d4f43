"""Outside text in files and on terminals: every CSV the product writes keeps formulas out of
spreadsheets, and what the CLI prints carries no terminal control characters."""

from __future__ import annotations

import csv
import io
import json
import unicodedata
from datetime import date
from decimal import Decimal

import pytest
from hypothesis import given
from hypothesis import strategies as st

from mapping.case_payload import BULK_CSV_COLUMNS
from mapping.debtor import Debtor
from mapping.outside_text import BIDI_CONTROLS, FORMULA_STARTS, csv_cell, terminal_text
from mapping.problems import Problem
from mapping.rows import ReviewRow
from workflow.export import bulk_import_csv, review_csv, rows_csv, rows_json, rows_table
from workflow.sent_cases import EXPORT_COLUMNS, SentCase, sent_cases_csv

# Cells a spreadsheet would run, or strip into something it would run.
HOSTILE_CELLS = (
    "=cmd|' /C calc'!A0",
    "-1+2",
    "@SUM(1)",
    "\t=1",
    "\r=1",
    '=HYPERLINK("http://evil.example","x")',
    "+1+cmd|' /C calc'!A0",
    "-",
    "+",
)
REAL_NEGATIVES = ("-12.50", "-1", "-0.01")
TERMINAL_NASTIES = "\x1b]0;pwned\x07Evil\x1b[2J\rForged line\u202eexe.txt\x00\x9b31m\x7f"


def review_row(number: str = "1042", *, debtor: Debtor | None = None, amount="805.00"):
    return ReviewRow(
        number, "ACME01", "Overdue", date(2026, 9, 1), date(2026, 10, 1), "GBP",
        Decimal(amount), Decimal(amount), 51,
        debtor or Debtor("Company", "Acme Ltd", address="1 High St", postcode="LS1 4AB",
                         city="Leeds", country="GB"),
        (Problem("missing_email", "warning", "No e-mail address."),),
    )  # fmt: skip


def hostile_debtor(text: str) -> Debtor:
    return Debtor(
        "Company", text, email=text, phone=text, address=text, postcode=text, city=text,
        country="GB", state=text, contact_person=text, company_registration_number=text,
    )  # fmt: skip


def no_nul(text: str) -> str:
    return text.replace("\x00", "")


def neutralised(cell: str) -> str:
    """What a hostile cell is written as: behind a quote, line breaks as line feeds."""
    return ("'" + no_nul(cell)).replace("\r\n", "\n").replace("\r", "\n")


# -- csv_cell ----------------------------------------------------------------------------------


@pytest.mark.parametrize("cell", HOSTILE_CELLS)
def test_a_cell_that_starts_like_a_formula_gets_a_quote_in_front(cell):
    assert csv_cell(cell) == neutralised(cell)
    assert csv_cell(cell).startswith("'")


@pytest.mark.parametrize("number", [*REAL_NEGATIVES, "+447700900123", "+1", "805.00", "0"])
def test_a_plain_signed_number_stays_a_number(number):
    """A negative amount must stay a number, and an E.164 phone reach Debitura's import as it
    is: digits, one sign and a decimal point cannot hold a formula."""
    assert csv_cell(number) == number


def test_nul_bytes_are_dropped_and_none_is_an_empty_cell():
    assert csv_cell("a\x00b") == "ab"
    assert csv_cell("\x00=1") == "'=1"  # a NUL in front hides nothing
    assert csv_cell(None) == ""
    assert csv_cell(Decimal("-3.10")) == "-3.10"


def test_a_carriage_return_inside_a_cell_becomes_a_line_feed_so_the_row_stays_whole():
    out = io.StringIO()
    csv.writer(out, lineterminator="\n").writerow([csv_cell("Unit 4\rMill Lane"), "x"])
    assert list(csv.reader(io.StringIO(out.getvalue(), newline=""))) == [["Unit 4\nMill Lane", "x"]]


@given(st.text())
def test_any_cell_is_the_text_itself_or_the_text_behind_a_quote(text):
    cell = csv_cell(text)
    assert "\x00" not in cell and "\r" not in cell and "\x1b" not in cell
    kept = "".join(
        c for c in text
        if c in "\t\n\r" or not (ord(c) < 0x20 or 0x7F <= ord(c) <= 0x9F or c in BIDI_CONTROLS)
    )  # fmt: skip
    plain = kept.replace("\r\n", "\n").replace("\r", "\n")
    assert cell in (plain, "'" + plain)
    if cell.startswith(FORMULA_STARTS):
        # Only a plain signed number may start like a formula.
        assert cell.lstrip("+-").replace(".", "", 1).isdigit() and cell.isascii()


@given(st.lists(st.text(), min_size=1, max_size=5))
def test_a_row_of_cells_survives_the_csv_round_trip(cells):
    out = io.StringIO()
    csv.writer(out, lineterminator="\n").writerow(csv_cell(cell) for cell in cells)
    (back,) = list(csv.reader(io.StringIO(out.getvalue(), newline="")))
    assert back == [csv_cell(cell) for cell in cells]


# -- every CSV the product writes ----------------------------------------------------------------


def written_cells(text: str) -> list[list[str]]:
    assert "\x00" not in text
    return list(csv.reader(io.StringIO(text, newline="")))


def assert_no_formula_cells(rows: list[list[str]]) -> None:
    for row in rows:
        for cell in row:
            if cell.startswith(FORMULA_STARTS):
                assert cell in REAL_NEGATIVES, f"formula-like cell {cell!r} in {row!r}"


@pytest.mark.parametrize("hostile", HOSTILE_CELLS)
def test_the_review_rows_csv_neutralises_every_debtor_cell(hostile):
    rows = [review_row("1042", debtor=hostile_debtor(hostile)), review_row("1043")]
    records = list(csv.DictReader(io.StringIO(rows_csv(rows), newline="")))
    assert records[0]["debtor_name"] == neutralised(hostile)
    assert records[0]["debtor_address"] == neutralised(hostile)
    assert records[1]["debtor_name"] == "Acme Ltd"
    assert_no_formula_cells(written_cells(rows_csv(rows)))


def test_the_review_rows_csv_keeps_negative_amounts_as_numbers_and_drops_nuls():
    rows = [review_row("1042", amount="-12.50", debtor=hostile_debtor("a\x00b"))]
    (record,) = csv.DictReader(io.StringIO(rows_csv(rows), newline=""))
    assert record["amount_to_recover"] == "-12.50" and record["gross_amount"] == "-12.50"
    assert record["debtor_name"] == "ab"


@pytest.mark.parametrize("hostile", HOSTILE_CELLS)
def test_the_review_download_csv_neutralises_every_debtor_cell(hostile):
    rows = [review_row("1042", debtor=hostile_debtor(hostile)), review_row("1043")]
    text = review_csv(rows).removeprefix("\ufeff")  # the byte order mark Excel needs
    records = list(csv.DictReader(io.StringIO(text, newline="")))
    assert records[0]["Debtor"] == neutralised(hostile)
    assert records[0]["Address"] == neutralised(hostile)
    assert records[1]["Debtor"] == "Acme Ltd"
    assert_no_formula_cells(written_cells(text))


@pytest.mark.parametrize("hostile", HOSTILE_CELLS)
def test_the_bulk_import_csv_neutralises_every_debtor_cell(hostile):
    text = bulk_import_csv([review_row("1042", debtor=hostile_debtor(hostile))])
    (record,) = csv.DictReader(io.StringIO(text, newline=""))
    for column in ("DebtorName", "Address", "PostalCode", "City", "Email", "DebtorContactPerson"):
        # The bulk row strips surrounding whitespace first ("\t=1" arrives as "=1").
        assert record[column] == neutralised(hostile.strip()), column
    assert record["PhoneNumber"] == ""  # only an E.164 number goes; this text is not one
    assert text.splitlines()[0] == ",".join(BULK_CSV_COLUMNS)
    assert_no_formula_cells(written_cells(text))


def test_the_bulk_import_csv_keeps_negative_amounts_and_phones_and_drops_nuls():
    debtor = Debtor("Company", "O\x00ak Ltd", phone="+447700900123", address="1 High St",
                    postcode="LS1 4AB", city="Leeds", country="GB")  # fmt: skip
    (record,) = csv.DictReader(
        io.StringIO(bulk_import_csv([review_row(amount="-12.50", debtor=debtor)]), newline="")
    )
    assert record["PrincipalAmount"] == "-12.50"
    assert record["PhoneNumber"] == "+447700900123"
    assert record["DebtorName"] == "Oak Ltd"


def sent_case(text: str, amount: str = "805.00") -> SentCase:
    return SentCase(
        invoice_number=text, state="failed", debtor_name=text, amount=Decimal(amount),
        currency="GBP", case_reference=text, status=text, sent_at="2026-11-21T10:00:00Z",
        connection=text, message=text,
    )  # fmt: skip


@pytest.mark.parametrize("hostile", HOSTILE_CELLS)
def test_the_sent_cases_csv_neutralises_every_cell_from_kashflow_or_debitura(hostile):
    text = sent_cases_csv([sent_case(hostile)]).removeprefix("\ufeff")
    (record,) = csv.DictReader(io.StringIO(text, newline=""))
    for column in ("Invoice", "Debtor", "Case reference", "Status", "Connection", "Details"):
        assert record[column] == neutralised(hostile), column
    assert text.splitlines()[0] == ",".join(column.header for column in EXPORT_COLUMNS)
    assert_no_formula_cells(written_cells(text))


def test_the_sent_cases_csv_keeps_negative_amounts_and_drops_nuls():
    (record,) = csv.DictReader(
        io.StringIO(sent_cases_csv([sent_case("a\x00b", amount="-12.50")]), newline="")
    )
    assert record["Amount"] == "-12.50" and record["Debtor"] == "ab"


# -- terminal_text and what the CLI prints ------------------------------------------------------


def is_terminal_control(character: str) -> bool:
    return unicodedata.category(character) == "Cc" or character in BIDI_CONTROLS


def test_terminal_text_drops_escapes_and_keeps_the_line_whole():
    assert terminal_text(TERMINAL_NASTIES) == "]0;pwnedEvil[2J Forged lineexe.txt31m"
    assert terminal_text("Harrow & Finch Joinery Ltd") == "Harrow & Finch Joinery Ltd"
    assert terminal_text("Åsa Øberg 日本 😀\u200dx") == "Åsa Øberg 日本 😀\u200dx"
    assert terminal_text(None) == ""


@given(st.text())
def test_terminal_text_never_holds_a_control_or_a_line_break(text):
    cleaned = terminal_text(text)
    assert not any(is_terminal_control(character) for character in cleaned)
    assert cleaned.splitlines() in ([], [cleaned])  # one line (or nothing)
    if text.isprintable():
        assert cleaned == text


def test_the_table_carries_no_control_character():
    rows = [review_row("1042", debtor=hostile_debtor(TERMINAL_NASTIES)), review_row("1043")]
    table = rows_table(rows)
    assert not any(is_terminal_control(c) for c in table if c != "\n")
    assert "Forged line" in table and "Acme Ltd" in table
    assert len(table.splitlines()) == 3  # the header and one line per row, nothing forged


def test_the_json_escapes_terminal_controls_and_keeps_the_data_exact():
    rows = [review_row("1042", debtor=hostile_debtor(TERMINAL_NASTIES))]
    text = rows_json(rows)
    assert not any(is_terminal_control(c) for c in text if c != "\n")
    assert json.loads(text)[0]["debtor"]["name"] == TERMINAL_NASTIES  # lossless


def test_cli_errors_and_dry_run_bodies_reach_the_terminal_without_controls(monkeypatch, capsys):
    import argparse

    import cli
    import cli_commands
    from kashflow import KashFlowError

    def hostile_command(args):
        raise KashFlowError("KashFlow said: \x1b]0;pwned\x07 \u009b2J done\r")

    class Parser:
        def parse_args(self, argv):
            return argparse.Namespace(command=hostile_command, verbose=False)

    monkeypatch.setattr(cli, "_parser", Parser)
    assert cli.main([]) == 10
    printed = capsys.readouterr().err
    assert "\x1b" not in printed and "\u009b" not in printed and "\r" not in printed
    assert "KashFlow said:" in printed
    assert (
        cli_commands.json_for_terminal('{"name": "a\u009bb\u202e"}')
        == '{"name": "a\\u009bb\\u202e"}'
    )
