"""Read the sandbox's data files in ``sandbox/reference/`` (plain text, CSV and JSON).

Lines starting with ``#`` are comments in text and CSV files, and blank lines are skipped, so
every file can say what it holds. Callers read each file once, at import.
"""

from __future__ import annotations

import csv
import json
from importlib.resources import files
from typing import Any


def _text(name: str) -> str:
    return files("sandbox").joinpath("reference", name).read_text(encoding="utf-8")


def _data_lines(name: str) -> list[str]:
    return [line for line in _text(name).splitlines() if line.strip() and not line.startswith("#")]


def read_lines(name: str) -> tuple[str, ...]:
    """One value per line, in file order (seeded draws depend on it)."""
    return tuple(line.strip() for line in _data_lines(name))


def read_csv(name: str) -> list[dict[str, str]]:
    """Rows keyed by the header line's column names."""
    return list(csv.DictReader(_data_lines(name)))


def read_json(name: str) -> Any:
    return json.loads(_text(name))
