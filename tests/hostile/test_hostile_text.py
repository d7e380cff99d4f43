"""Hostile text from KashFlow through the CLI: customer and company names made of Markdown, LaTeX,
HTML, spreadsheet formulas and terminal escapes, in every output (JSON, CSV, table, the dry
run's request bodies, the submit run) and in the cases Debitura receives.

Each name is data: kept exactly where data goes (JSON, Debitura), neutralised where it would
act (a formula in a CSV cell, a control character on a terminal)."""

from __future__ import annotations

import csv
import io
import json
from dataclasses import replace

import pytest

from mapping.outside_text import FORMULA_STARTS, csv_cell, terminal_text
from tests.hostile.support import (
    AS_OF,
    AS_OF_ARG,
    MEMORABLE_WORD,
    PASSWORD,
    USERNAME,
    check_ledger,
    cli_env,
    debitura_server,
    expected_cases,
    kashflow_server,
    run_cli,
    run_cli_process,
    secrets_in,
    terminal_controls,
)
from tests.hostile_books import hostile_books

HOSTILE_COMPANY = "![c](http://127.0.0.1:9/c.png) <b>Evil</b> $x$ =1+1 \x1b]0;pwned\x07\rForged Ltd"
# The hostile books' customers (sandbox/reference/kashflow/hostile.json) and what is hostile.
NAMES = {
    "markdown-image": "HOST01",
    "latex": "HOST02",
    "html": "HOST03",
    "formula": "HOST04",
    "terminal-escapes": "HOST05",
}
TEXTS = [*NAMES, "formula-address"]  # HOST04's street lines: "+1", "-1+2", "@SUM(1)"


@pytest.fixture(scope="module")
def hostile(tmp_path_factory):
    """The hostile books (hostile=True, a hostile company name), and each output of
    ``cli.py invoices`` for them, run once."""
    server = kashflow_server(invoices=40, customers=12, hostile=True, company_name=HOSTILE_COMPANY)
    server.start()
    data_dir = tmp_path_factory.mktemp("text-data")
    env = cli_env(server, None, data_dir)
    outputs = {
        fmt: run_cli("invoices", *AS_OF_ARG, "--format", fmt, env=env)
        for fmt in ("json", "csv", "table")
    }
    yield server, outputs
    server.stop()


def hostile_text(server, which: str) -> str:
    if which == "formula-address":
        address = server.dataset.customer("HOST04").detail["Addresses"][0]
        return ", ".join(address[line] for line in ("Line1", "Line2", "Line3"))
    return server.dataset.customer(NAMES[which]).detail["Name"]


def customer_of(which: str) -> str:
    return "HOST04" if which == "formula-address" else NAMES[which]


def field_of(which: str) -> str:
    return "address" if which == "formula-address" else "name"


@pytest.mark.parametrize("which", TEXTS)
def test_json_keeps_the_hostile_text_exactly_and_escapes_terminal_controls(hostile, which, tally):
    server, outputs = hostile
    run = outputs["json"]
    text = hostile_text(server, which)
    rows = (
        [r for r in run.rows() if r["customer_code"] == customer_of(which)] if run.code == 0 else []
    )
    values = [row["debtor"][field_of(which)] for row in rows]
    tally.traceback = run.traceback
    tally.judge("\n".join(map(json.dumps, values)), action=False)
    assert run.code == 0 and not run.traceback, run.stderr
    assert terminal_controls(run.stdout) == [] and terminal_controls(run.stderr) == []
    assert values and all(value == text for value in values)  # the data, unchanged


@pytest.mark.parametrize(
    "which",
    TEXTS,
)
def test_csv_neutralises_formulas_and_prints_no_terminal_control(hostile, which, tally):
    server, outputs = hostile
    run = outputs["csv"]
    text = hostile_text(server, which)
    records = list(csv.DictReader(io.StringIO(run.stdout))) if run.code == 0 else []
    cells = [
        r[f"debtor_{field_of(which)}"] for r in records if r["customer_code"] == customer_of(which)
    ]
    tally.traceback = run.traceback
    tally.judge("\n".join(cells), action=False)
    assert run.code == 0 and not run.traceback, run.stderr
    assert cells and all(cell == csv_cell(text) for cell in cells)
    for cell in cells:  # a spreadsheet shows text, never runs a formula
        assert not cell.startswith(FORMULA_STARTS) or cell.lstrip("+-").replace(".", "").isdigit()
    assert terminal_controls("".join(cells)) == []  # what this text puts on the terminal


@pytest.mark.parametrize("which", TEXTS)
def test_the_table_shows_the_text_on_one_line_without_terminal_controls(hostile, which, tally):
    server, outputs = hostile
    run = outputs["table"]
    text = hostile_text(server, which)
    # The table has no customer column: the customer's rows are found by invoice number.
    numbers = [
        r["invoice_number"]
        for r in outputs["json"].rows()
        if r["customer_code"] == customer_of(which)
    ]
    lines = [
        line
        for line in run.stdout.splitlines()[1:]
        if any(line.startswith(number + " ") for number in numbers)
    ]
    tally.traceback = run.traceback
    tally.judge("\n".join(lines), action=False)
    assert run.code == 0 and not run.traceback, run.stderr
    assert terminal_controls(run.stdout) == []
    open_rows = len(run.stdout.splitlines()) - 1
    json_rows = len(outputs["json"].rows())
    assert open_rows == json_rows  # no line forged by a carriage return or a line feed
    assert all(len(line) <= 120 for line in run.stdout.splitlines())
    if which != "formula-address":  # the table shows the name (cut with "…"), not the street
        visible = terminal_text(text)
        assert lines and all(visible[:12] in line for line in lines)


# --- the dry run and the submit run of books whose debtors and company have hostile names ------


@pytest.fixture(scope="module")
def named(tmp_path_factory):
    """tests/hostile_books.py's books (five hostile debtor names, a hostile company, a hostile
    VAT number) for this suite's user, a Debitura, and a dry run and a real run of every open
    invoice of the hostile debtors."""
    books = hostile_books("http://127.0.0.1:9", company=HOSTILE_COMPANY, as_of=AS_OF)
    user = replace(
        books.users[0], username=USERNAME, password=PASSWORD, memorable_word=MEMORABLE_WORD
    )
    kashflow = kashflow_server(dataset=books.dataset, users=(user,)).start()
    debitura = debitura_server().start()
    data_dir = tmp_path_factory.mktemp("named-data")
    env = cli_env(kashflow, debitura, data_dir)
    rows = run_cli("invoices", *AS_OF_ARG, env=env).rows()
    numbers = [row["invoice_number"] for row in rows if row["customer_code"] in books.debtors]
    dry = run_cli("submit", *AS_OF_ARG, "--dry-run", "--invoice", *numbers, env=env)
    real = run_cli("submit", *AS_OF_ARG, "--invoice", *numbers, env=env)
    connected = run_cli("connect", env=env)
    yield books, kashflow, debitura, data_dir, rows, dry, real, connected
    kashflow.stop()
    debitura.stop()


DEBTORS = ["image-and-icons", "display-latex", "links-and-emoji", "html-and-heading", "terminal"]


def debtor(books, index: int) -> tuple[str, str]:
    code, name = list(books.debtors.items())[index]
    return code, name


@pytest.mark.parametrize("index", range(5), ids=DEBTORS)
def test_the_dry_run_sends_the_hostile_debtor_name_as_data(named, index, tally):
    books, kashflow, debitura, data_dir, rows, dry, real, connected = named
    code, name = debtor(books, index)
    numbers = {row["invoice_number"] for row in rows if row["customer_code"] == code}
    verdicts = {n: v for n, v in dry.lines().items() if n in numbers}
    bodies = [json.loads(line) for line in dry.stdout.splitlines() if line.startswith("  {")]
    names = [b["debtor"]["name"] for b in bodies if b["creditorReference"] in numbers]
    tally.traceback = dry.traceback
    tally.judge("\n".join(f"{n}  {s}  {d}" for n, (s, d) in verdicts.items()), action=False)
    assert dry.code == 0 and not dry.traceback, dry.stderr
    assert numbers
    assert terminal_controls(dry.stdout) == []
    assert set(verdicts) == numbers  # every invoice of the debtor has its line
    sending = [n for n, (status, _) in verdicts.items() if status == "would send"]
    assert len(names) == len(sending) and all(shown == name for shown in names)


@pytest.mark.parametrize("index", range(5), ids=DEBTORS)
def test_cases_carry_the_hostile_debtor_name_exactly_once_each(named, index, tally):
    books, kashflow, debitura, data_dir, rows, dry, real, connected = named
    code, name = debtor(books, index)
    mine = [row for row in rows if row["customer_code"] == code]
    outcome = {n: v for n, v in real.lines().items() if n in {r["invoice_number"] for r in mine}}
    cases = [c for c in debitura.cases() if c["creditorReference"] in outcome]
    consistency = check_ledger(data_dir, debitura, expected_cases(mine), settled=False)
    tally.traceback = real.traceback
    tally.misrecorded = len(consistency.misrecorded)
    tally.duplicated = len(consistency.duplicated)
    tally.secrets_printed = len(secrets_in(real.output, kashflow.secrets() + debitura.secrets()))
    tally.judge("\n".join(f"{n}  {s}  {d}" for n, (s, d) in outcome.items()), action=False)
    assert real.code in (0, 40) and not real.traceback, real.stderr
    assert terminal_controls(real.stdout) == []
    assert not consistency, consistency
    eligible = {row["invoice_number"] for row in mine if row["eligible"]}
    assert {c["creditorReference"] for c in cases} == eligible
    assert all(case["debtor"]["name"] == name for case in cases)  # the data, unchanged
    blocked = {n for n, (status, _) in outcome.items() if status == "blocked"}
    assert blocked == {row["invoice_number"] for row in mine if not row["eligible"]}


@pytest.mark.parametrize("command", ["connect", "submit"])
def test_the_hostile_company_name_reaches_the_terminal_without_controls(named, command, tally):
    books, kashflow, debitura, data_dir, rows, dry, real, connected = named
    run = connected if command == "connect" else real
    shown = run.stdout if command == "connect" else run.stderr.splitlines()[0]
    tally.traceback = run.traceback
    tally.judge(shown, action=False)
    assert run.code in (0, 40) and not run.traceback, run.stderr
    assert terminal_controls(shown) == []
    assert "<b>Evil</b>" in shown and "Forged Ltd" in shown  # shown as typed, escapes gone


def test_a_real_terminal_gets_the_table_without_controls(hostile, tally, tmp_path):
    server, _ = hostile
    env = cli_env(server, None, tmp_path / "data")
    run = run_cli_process("invoices", *AS_OF_ARG, "--format", "table", env=env)
    tally.traceback = run.traceback
    tally.judge(run.stderr, action=False)  # the import's summary
    assert run.code == 0 and not run.traceback, run.stderr
    assert terminal_controls(run.stdout) == [] and terminal_controls(run.stderr) == []
