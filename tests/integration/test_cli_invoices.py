"""`python cli.py invoices`: review rows on stdout, a summary on stderr, nothing on disk."""

from __future__ import annotations

import csv
import io
import json
import unicodedata
from datetime import timedelta
from decimal import Decimal

from mapping.outside_text import terminal_text
from tests.integration.test_cli_connect import login_env, run_cli
from workflow.text_table import display_width

ROW_KEYS = {
    "invoice_number", "customer_code", "status", "issued_date", "due_date", "currency",
    "gross_amount", "amount_to_recover", "days_overdue", "debtor", "eligible", "problems",
}  # fmt: skip
DEBTOR_KEYS = {
    "type", "name", "email", "phone", "address", "postcode", "city", "country", "state",
    "contact_person", "company_registration_number", "phone_valid",
}  # fmt: skip


def invoices(server, *args: str, **env: str):
    """``cli.py invoices`` judging due dates on the day the sandbox's books are as of."""
    as_of = server.dataset.as_of.isoformat()
    return run_cli("invoices", "--as-of", as_of, *args, env=login_env(server) | env)


def test_json_rows_are_the_review_rows(kashflow_sandbox):
    result = invoices(kashflow_sandbox, "--format", "json")
    assert result.returncode == 0, result.stderr
    rows = json.loads(result.stdout)
    expected = {str(n) for n in kashflow_sandbox.dataset.open_invoice_numbers()}
    assert {row["invoice_number"] for row in rows} == expected
    for row in rows:
        assert set(row) == ROW_KEYS
        assert set(row["debtor"]) == DEBTOR_KEYS
        assert row["eligible"] == (not any(p["severity"] == "error" for p in row["problems"]))
    jpy = [row for row in rows if row["currency"] == "JPY"]
    assert jpy and all("." not in row["amount_to_recover"] for row in jpy)
    gbp = [row for row in rows if row["currency"] == "GBP"]
    assert all(len(row["amount_to_recover"].split(".")[1]) == 2 for row in gbp)


def test_the_summary_goes_to_stderr(kashflow_sandbox):
    result = invoices(kashflow_sandbox)
    assert "Imported" in result.stderr and "eligible" in result.stderr
    assert "Per status:" in result.stderr and "Per currency:" in result.stderr
    assert "Excluded:" in result.stderr


def test_as_of_moves_the_due_date_judgement(kashflow_sandbox):
    books = kashflow_sandbox.dataset
    before_any_invoice = min(invoice.issued for invoice in books.invoices) - timedelta(days=1)
    env = login_env(kashflow_sandbox)
    early = json.loads(
        run_cli("invoices", "--as-of", before_any_invoice.isoformat(), env=env).stdout
    )
    assert all("not_yet_due" in {p["code"] for p in row["problems"]} for row in early)
    assert all(row["days_overdue"] == 0 for row in early)
    # On the books' own day the overdue invoices are overdue again.
    on_the_day = json.loads(invoices(kashflow_sandbox, "--format", "json").stdout)
    overdue = {str(i.number) for i in books.invoices if i.is_open and i.due < books.as_of}
    assert {row["invoice_number"] for row in on_the_day if row["days_overdue"] > 0} == overdue


def test_the_csv_format_keeps_the_machine_field_names_scripts_rely_on(kashflow_sandbox):
    as_csv = invoices(kashflow_sandbox, "--format", "csv")
    records = list(csv.DictReader(io.StringIO(as_csv.stdout)))
    assert records and {"invoice_number", "debtor_city", "problems"} <= set(records[0])


TABLE_HEADERS = (
    "Invoice", "Debtor", "Due", "Days overdue", "Outstanding", "Cur", "Status", "Ready / blocked",
)  # fmt: skip
LONG_NAMES = {
    "HOST01": "株式会社" * 30,  # wide characters: two terminal columns each
    "HOST03": "The Exceedingly Long Name of a Holding Company " * 4,
    "HOST05": "\x1b[2J\x1b]0;pwned\x07Evil\r\nForged " * 8,
}


def columns_of(line: str, start: int, end: int) -> str:
    """What a terminal shows in display columns [start, end) of ``line``."""
    shown, column = [], 0
    for character in line:
        if start <= column < end:
            shown.append(character)
        column += display_width(character)
    return "".join(shown)


def test_the_table_reads_in_120_columns_even_with_long_hostile_names(start_kashflow_sandbox):
    server = start_kashflow_sandbox(hostile=True, invoices=40, customers=12)
    for code, name in LONG_NAMES.items():
        server.dataset.customer(code).detail["Name"] = name
    rows = json.loads(invoices(server, "--format", "json").stdout)
    table = invoices(server, "--format", "table")
    assert table.returncode == 0, table.stderr
    header, *lines = table.stdout.splitlines()
    assert [h.strip() for h in header.split("  ") if h.strip()] == list(TABLE_HEADERS)
    assert len(lines) == len(rows)  # no line forged by a line break in a name
    assert all(display_width(line) <= 120 for line in [header, *lines])
    assert not any(unicodedata.category(c) == "Cc" for c in table.stdout if c != "\n")
    # Amounts are right-aligned under their header, with thousands separators.
    end = display_width(header[: header.index("Outstanding")]) + len("Outstanding")
    for line, row in zip(lines, rows, strict=True):  # the same rows in the same order
        number = terminal_text(row["invoice_number"])
        assert line.startswith(number[:9])  # long numbers are cut too
        amount = f"{Decimal(row['amount_to_recover']):,}"
        assert columns_of(line, end - len(amount) - 1, end) == " " + amount
        if row["customer_code"] in LONG_NAMES:
            assert "…" in columns_of(line, len("Invoice  "), 120)  # the name is cut, visibly
        if not row["eligible"]:
            assert "Blocked: " in line


def test_a_bad_as_of_date_is_a_usage_error(kashflow_sandbox):
    result = run_cli("invoices", "--as-of", "21/11/2026", env=login_env(kashflow_sandbox))
    assert result.returncode == 2 and "--as-of" in result.stderr


def test_nothing_of_the_invoices_is_written_to_disk(kashflow_sandbox, tmp_path):
    data_dir = tmp_path / "cli-data"
    rows = json.loads(invoices(kashflow_sandbox, APP_DATA_DIR=str(data_dir)).stdout)
    on_disk = b"".join(p.read_bytes() for p in data_dir.rglob("*") if p.is_file())
    for row in rows[:40]:
        assert row["debtor"]["name"].encode() not in on_disk
        assert f'"{row["invoice_number"]}"'.encode() not in on_disk
