"""Settings in .streamlit/config.toml that the app depends on, read the way Streamlit reads
them (in a child process started in the project folder, so nothing here leaks into the
other tests' configuration)."""

from __future__ import annotations

import subprocess
import sys
from pathlib import Path

ROOT = Path(__file__).resolve().parents[2]


def streamlit_option(name: str) -> str:
    code = (
        "from streamlit import config; config.get_config_options(force_reparse=True); "
        f"print(config.get_option({name!r}))"
    )
    done = subprocess.run(
        [sys.executable, "-c", code], cwd=ROOT, capture_output=True, text=True, check=True
    )
    return done.stdout.strip()


def test_no_full_garbage_collection_after_each_script_run():
    # Streamlit's default collects everything after every run: with 50,000 invoices held,
    # 0.1-0.2 s of a held interpreter after each filter change (bench/bench_browser.py).
    assert streamlit_option("runner.postScriptGC") == "False"


def test_errors_are_not_shown_with_their_tracebacks():
    assert streamlit_option("client.showErrorDetails") == "none"
