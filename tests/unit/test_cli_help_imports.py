"""``python cli.py --help`` (and a command's own help) loads none of the app's heavy libraries:
they are imported when a command runs, not to print how to call one."""

from __future__ import annotations

import subprocess
import sys
from pathlib import Path

import pytest

ROOT = Path(__file__).resolve().parents[2]
# What the commands need and help does not: sqlite-utils alone brings pandas and numpy.
HEAVY = {"pandas", "numpy", "sqlite_utils", "streamlit", "requests", "pycountry", "phonenumbers"}


def modules_imported(*args: str) -> set[str]:
    """The top-level modules ``python cli.py ARGS`` imports, as ``-X importtime`` lists them."""
    result = subprocess.run(
        [sys.executable, "-X", "importtime", "cli.py", *args],
        cwd=ROOT,
        capture_output=True,
        text=True,
        timeout=60,
    )
    assert result.returncode == 0, result.stderr[-2000:]
    assert "usage: cli.py" in result.stdout
    names = {
        line.rsplit("|", 1)[1].strip()
        for line in result.stderr.splitlines()
        if line.startswith("import time:") and line.count("|") == 2
    }
    return {name.split(".")[0] for name in names}


@pytest.mark.parametrize("args", [("--help",), ("submit", "--help"), ("cases", "--help")])
def test_help_imports_none_of_the_apps_libraries(args):
    imported = modules_imported(*args)
    assert "argparse" in imported  # the listing was read
    assert imported & HEAVY == set()
    assert (
        imported & {"store", "workflow", "kashflow", "debitura", "mapping", "cli_commands"} == set()
    )
