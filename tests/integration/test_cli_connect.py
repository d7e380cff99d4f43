"""`python cli.py connect` and `python cli.py sandbox` as a user runs them, in subprocesses."""

from __future__ import annotations

import os
import subprocess
import sys
import urllib.request
from pathlib import Path

import pytest

from sandbox.kashflow_server import (
    DEMO_MEMORABLE_WORD,
    DEMO_PASSWORD,
    DEMO_USERNAME,
    LOCKED_USERNAME,
)

ROOT = Path(__file__).resolve().parents[2]
COMPANY = "Harrow & Finch Joinery Ltd"


def run_cli(*args: str, env: dict[str, str] | None = None, timeout: float = 60):
    return subprocess.run(
        [sys.executable, "cli.py", *args],
        cwd=ROOT,
        env={**os.environ, **(env or {})},
        capture_output=True,
        text=True,
        timeout=timeout,
    )


def login_env(server, username=DEMO_USERNAME, password=DEMO_PASSWORD, word=DEMO_MEMORABLE_WORD):
    return {
        "KASHFLOW_BASE_URL": server.url,
        "KASHFLOW_USERNAME": username,
        "KASHFLOW_PASSWORD": password,
        "KASHFLOW_MEMORABLE_WORD": word,
    }


def test_connect_prints_the_company_name(kashflow_sandbox):
    result = run_cli("connect", env=login_env(kashflow_sandbox))
    assert (result.returncode, result.stdout.strip()) == (0, COMPANY)


@pytest.mark.parametrize(
    ("overrides", "exit_code", "message"),
    [
        ({"password": "wrong"}, 3, "did not accept this login email and password"),
        ({"word": "zzzzzz"}, 4, "did not accept the memorable word"),
        ({"word": "le"}, 4, "Nothing was sent to KashFlow"),
        ({"username": LOCKED_USERNAME}, 5, "account is locked"),
    ],
)
def test_connect_failures_print_the_page_message_and_exit_with_their_own_code(
    kashflow_sandbox, overrides, exit_code, message
):
    result = run_cli("connect", env=login_env(kashflow_sandbox, **overrides))
    assert result.returncode == exit_code
    assert message in result.stderr
    assert result.stdout == ""


def test_connect_without_credentials_explains_what_to_set():
    result = run_cli("connect")
    assert result.returncode == 2
    assert "KASHFLOW_USERNAME" in result.stderr


def test_connect_to_an_unreachable_kashflow(kashflow_sandbox):
    env = login_env(kashflow_sandbox) | {"KASHFLOW_BASE_URL": "http://127.0.0.1:9/v2"}
    result = run_cli("connect", env=env)
    assert result.returncode == 11
    assert "could not be reached" in result.stderr


def test_connect_with_a_saved_connection_needs_no_credentials(kashflow_sandbox):
    saved = run_cli("connect", "--save", env=login_env(kashflow_sandbox))
    assert saved.returncode == 0
    result = run_cli(
        "connect", "--connection", COMPANY, env={"KASHFLOW_BASE_URL": "http://unused.invalid"}
    )
    assert (result.returncode, result.stdout.strip()) == (0, COMPANY)
    missing = run_cli("connect", "--connection", "Nobody Ltd")
    assert missing.returncode == 2 and COMPANY in missing.stderr


def test_sandbox_command_serves_the_demo_company():
    process = subprocess.Popen(
        [sys.executable, "cli.py", "sandbox"],
        cwd=ROOT,
        stdout=subprocess.PIPE,
        stderr=subprocess.STDOUT,
        text=True,
    )
    try:
        first_line = process.stdout.readline()
        assert first_line.startswith("KashFlow sandbox:")
        url = first_line.split()[-1]
        assert url.startswith("http://127.0.0.1:") and url.endswith("/v2")
        env = {
            "KASHFLOW_BASE_URL": url,
            "KASHFLOW_USERNAME": DEMO_USERNAME,
            "KASHFLOW_PASSWORD": DEMO_PASSWORD,
            "KASHFLOW_MEMORABLE_WORD": DEMO_MEMORABLE_WORD,
        }
        result = run_cli("connect", env=env)
        assert (result.returncode, result.stdout.strip()) == (0, COMPANY)
        lines = [process.stdout.readline() for _ in range(5)]
        debitura_url = next(line for line in lines if line.startswith("Debitura sandbox:"))
        with urllib.request.urlopen(debitura_url.split()[-1] + "/_sandbox/stats") as reply:
            assert reply.status == 200
    finally:
        process.terminate()
        process.wait(timeout=10)
