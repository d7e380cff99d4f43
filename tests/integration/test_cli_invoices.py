"""`python cli.py invoices`: review rows on stdout, a summary on stderr, nothing on disk."""

from __future__ import annotations

import csv
import io
import json
from datetime import timedelta

from tests.integration.test_cli_connect import login_env, run_cli

ROW_KEYS = {
    "invoice_number", "customer_code", "status", "issued_date", "due_date", "currency",
    "gross_amount", "amount_to_recover", "days_overdue", "debtor", "eligible", "problems",
}  # fmt: skip
DEBTOR_KEYS = {"type", "name", "email", "phone", "address", "postcode", "city", "country", "state"}


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


def test_csv_and_table_formats_print_the_rows(kashflow_sandbox):
    as_csv = invoices(kashflow_sandbox, "--format", "csv")
    records = list(csv.DictReader(io.StringIO(as_csv.stdout)))
    assert records and {"invoice_number", "debtor_city", "problems"} <= set(records[0])
    table = invoices(kashflow_sandbox, "--format", "table")
    assert table.returncode == 0 and "invoice_number" in table.stdout.splitlines()[0]


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
