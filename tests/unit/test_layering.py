"""The layers hold: each package imports only what ARCHITECTURE.md allows it, read from the
source with ``ast`` (so a lazy import inside a function counts too)."""

from __future__ import annotations

import ast
import sys
from pathlib import Path

import pytest

ROOT = Path(__file__).resolve().parents[2]
STANDARD_LIBRARY = frozenset(sys.stdlib_module_names)

# Top-level names each package may import besides the standard library and itself.
ALLOWED = {
    "jsonwire": set(),
    "httpretry": {"jsonwire", "requests", "urllib3", "tenacity"},
    "kashflow": {"jsonwire", "httpretry", "requests", "urllib3"},
    "debitura": {"jsonwire", "httpretry", "requests", "urllib3"},
    "mapping": {"kashflow", "pycountry", "phonenumbers"},
    "store": {"kashflow", "sqlite_utils", "cryptography"},
    "workflow": {"kashflow", "debitura", "mapping", "store", "jsonwire", "httpretry"},
    "sandbox": {"jsonwire", "pycountry"},
    "ui": {"streamlit", "altair", "pandas", "workflow", "store", "mapping", "kashflow",
           "debitura", "pycountry"},
    "pages": {"streamlit", "pandas", "ui", "workflow", "store", "mapping", "kashflow",
              "debitura"},
}  # fmt: skip
# Single modules with one more allowance than their package, and why.
EXTRA = {
    "mapping/frame.py": {"pandas", "numpy"},  # the DataFrame side of the review rows
    "workflow/demo.py": {"sandbox"},  # demo mode's one entry point into the sandboxes
    "workflow/spreadsheet.py": {"xlsxwriter"},  # the XLSX downloads
    # Totals and the ageing chart as masks over every row: 50,000 at each filter change.
    "workflow/review_figures.py": {"numpy"},
    "ui/review_view.py": {"numpy"},  # the shown rows' positions, handed to those masks
    "ui/grid_paging.py": {"numpy"},  # one page's positions among them, ordered
    "sandbox/kashflow_documents.py": {"fpdf"},  # real invoice PDFs behind the permalinks
    "store/postgres_engine.py": {"psycopg"},  # PostgreSQL, only when APP_DATABASE_URL is set
    "store/postgres_faults.py": {"psycopg"},
}
UI_ONLY = {"streamlit", "altair"}


def imported_top_level_names(path: Path) -> set[str]:
    tree = ast.parse(path.read_text(), filename=str(path))
    names = set()
    for node in ast.walk(tree):
        if isinstance(node, ast.Import):
            names.update(alias.name.split(".")[0] for alias in node.names)
        elif isinstance(node, ast.ImportFrom) and node.level == 0 and node.module:
            names.add(node.module.split(".")[0])
    return names - STANDARD_LIBRARY


def modules(package: str) -> list[Path]:
    return sorted((ROOT / package).rglob("*.py"))


@pytest.mark.parametrize("package", sorted(ALLOWED))
def test_each_package_imports_only_what_its_layer_allows(package):
    wrong = {}
    for path in modules(package):
        relative = path.relative_to(ROOT).as_posix()
        allowed = {package} | ALLOWED[package] | EXTRA.get(relative, set())
        extra = imported_top_level_names(path) - allowed
        if extra:
            wrong[relative] = sorted(extra)
    assert wrong == {}


def test_nothing_below_the_pages_imports_streamlit():
    below = [p for p in ALLOWED if p not in ("ui", "pages")]
    offenders = [
        path.relative_to(ROOT).as_posix()
        for package in below
        for path in modules(package)
        if imported_top_level_names(path) & UI_ONLY
    ]
    offenders += [
        name
        for name in ("cli.py", "cli_commands.py")
        if imported_top_level_names(ROOT / name) & UI_ONLY
    ]
    assert offenders == []


def test_only_the_demo_entry_point_reaches_the_sandbox():
    reaching = [
        path.relative_to(ROOT).as_posix()
        for package in ("workflow", "ui", "pages", "store", "mapping", "kashflow", "debitura")
        for path in modules(package)
        if "sandbox" in imported_top_level_names(path)
    ]
    assert reaching == ["workflow/demo.py"]
    assert "sandbox" not in imported_top_level_names(ROOT / "app.py")


def test_the_cli_imports_the_sandbox_only_to_run_it():
    """``cli.py sandbox`` serves the sandboxes themselves; every other command goes through
    ``workflow``."""
    tree = ast.parse((ROOT / "cli_commands.py").read_text())
    importers = {
        function.name
        for function in ast.walk(tree)
        if isinstance(function, ast.FunctionDef)
        for node in ast.walk(function)
        if isinstance(node, ast.ImportFrom) and (node.module or "").split(".")[0] == "sandbox"
    }
    top_level = [
        node
        for node in tree.body
        if isinstance(node, ast.ImportFrom) and (node.module or "").split(".")[0] == "sandbox"
    ]
    assert (importers, top_level) == ({"command_sandbox"}, [])
