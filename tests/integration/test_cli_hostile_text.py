"""The CLI prints KashFlow's names without terminal control: a customer or company name cannot
retitle the terminal, clear it, move the cursor, reorder the line or forge another one."""

from __future__ import annotations

import json
import unicodedata

import pytest

from mapping.outside_text import BIDI_CONTROLS
from tests.hostile_books import hostile_books
from tests.integration.test_cli_connect import login_env, run_cli

TERMINAL_NAME = "\x1b]0;pwned\x07Evil\x1b[2J\rForged line\u202eexe.txt\x00\x9b31m"


@pytest.fixture
def server(start_kashflow_sandbox):
    """A KashFlow whose company and customers have names full of terminal controls."""
    return start_kashflow_sandbox(
        **hostile_books("http://127.0.0.1:9", company=TERMINAL_NAME).config
    )


def controls(text: str) -> list[str]:
    """Characters a terminal acts on (line feeds aside: lines are how output is made)."""
    return [
        f"U+{ord(c):04X}"
        for c in text
        if c != "\n" and (unicodedata.category(c) == "Cc" or c in BIDI_CONTROLS)
    ]


def invoices(server, fmt: str):
    as_of = server.dataset.as_of.isoformat()
    return run_cli("invoices", "--as-of", as_of, "--format", fmt, env=login_env(server))


def test_the_table_prints_a_hostile_customer_name_without_control_characters(server):
    result = invoices(server, "table")
    assert result.returncode == 0, result.stderr
    assert controls(result.stdout) == []
    assert controls(result.stderr) == []
    # The visible characters stay, in order (the table cuts the long name with "…").
    assert "]0;pwnedEvil[2J Forge" in result.stdout
    open_invoices = len(server.dataset.open_invoice_numbers())
    assert len(result.stdout.splitlines()) == 1 + open_invoices  # nothing forged


def test_the_json_escapes_terminal_controls_and_keeps_the_name_exact(server):
    result = invoices(server, "json")
    assert result.returncode == 0, result.stderr
    assert controls(result.stdout) == []
    names = {row["debtor"]["name"] for row in json.loads(result.stdout)}
    assert any("Evil" in name and "\u202e" in name for name in names)  # the data, unchanged


def test_connect_prints_a_hostile_company_name_without_control_characters(server):
    result = run_cli("connect", env=login_env(server))
    assert result.returncode == 0, result.stderr
    assert controls(result.stdout) == []
    assert result.stdout == "]0;pwnedEvil[2J Forged lineexe.txt31m\n"
