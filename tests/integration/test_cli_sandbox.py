"""`python cli.py sandbox`: the commands it prints work when pasted, on the ports asked for."""

from __future__ import annotations

import os
import signal
import socket
import subprocess
import sys

from tests.integration.test_cli_connect import ROOT, run_cli


def free_port() -> int:
    with socket.socket() as probe:
        probe.bind(("127.0.0.1", 0))
        return probe.getsockname()[1]


def start_sandbox(*args: str) -> subprocess.Popen:
    return subprocess.Popen(
        [sys.executable, "cli.py", "sandbox", "--invoices", "40", "--customers", "12", *args],
        cwd=ROOT,
        stdout=subprocess.PIPE,
        stderr=subprocess.STDOUT,
        text=True,
    )


def printed_until_ready(process: subprocess.Popen) -> list[str]:
    """The lines the sandbox prints before it waits for Ctrl+C."""
    lines = []
    while not lines or not lines[-1].startswith("Stop the sandboxes"):
        line = process.stdout.readline()
        assert line, "the sandbox stopped early:\n" + "".join(lines)
        lines.append(line)
    return [line.rstrip("\n") for line in lines]


def test_the_printed_commands_work_as_pasted_on_the_fixed_ports(tmp_path):
    kashflow_port, debitura_port = free_port(), free_port()
    process = start_sandbox(
        "--kashflow-port", str(kashflow_port), "--debitura-port", str(debitura_port)
    )
    try:
        printed = printed_until_ready(process)
        assert printed[0] == f"KashFlow sandbox:  http://127.0.0.1:{kashflow_port}/v2"
        start = next(i for i, line in enumerate(printed) if line.startswith("export "))
        end = printed.index("", start)
        pasted = printed[start:end]
        exports = dict(line.removeprefix("export ").split("=", 1) for line in pasted[:6])
        assert exports["KASHFLOW_BASE_URL"] == f"http://127.0.0.1:{kashflow_port}/v2"
        assert exports["DEBITURA_BASE_URL"] == f"http://127.0.0.1:{debitura_port}"
        assert {"KASHFLOW_USERNAME", "KASHFLOW_PASSWORD", "KASHFLOW_MEMORABLE_WORD"} <= set(exports)
        # Pasted into a shell as printed: the exports, then the commands that use them.
        shell = subprocess.run(
            ["bash", "-e", "-c", "\n".join(pasted)],
            cwd=ROOT,
            env={**os.environ, "APP_DATA_DIR": str(tmp_path / "data")},
            capture_output=True,
            text=True,
            timeout=120,
        )
        assert shell.returncode == 0, shell.stderr
        assert shell.stdout.startswith("Invoice  ")  # the table
        assert "Harrow & Finch Joinery Ltd → Debitura (127.0.0.1:" in shell.stderr
        assert shell.stdout.splitlines()[-1].startswith("Summary: ")  # the dry run
        assert "would be sent" in shell.stdout.splitlines()[-1]
        # And Ctrl+C stops both, as printed.
        process.send_signal(signal.SIGINT)
        assert process.wait(timeout=10) == 0
    finally:
        if process.poll() is None:
            process.terminate()
            process.wait(timeout=10)


def test_a_port_already_taken_is_a_usage_error_not_a_traceback():
    with socket.socket() as taken:
        taken.bind(("127.0.0.1", 0))
        taken.listen()
        port = taken.getsockname()[1]
        result = run_cli("sandbox", "--debitura-port", str(port), timeout=60)
    assert result.returncode == 2
    assert f"127.0.0.1:{port}" in result.stderr and "Traceback" not in result.stderr
