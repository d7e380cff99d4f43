"""Benchmark (server time only): the Review page's script run after a filter change, 20,000 rows.

Run from the project root: ``python -m bench.bench_review [--invoices N]``.

The page runs in Streamlit's AppTest (the real page script, in this process) against a KashFlow
sandbox holding ``--invoices`` open invoices. After the import, each filter change is timed as
the full script run it causes (filtering, totals, chart, grid serialisation). The baseline, in
the same run, is the same page over a 1,000-invoice account, so the ratio shows how the redraw
grows with the data. This is server time only: what the analyst waits for in a browser
(the websocket, the browser drawing the page) is measured by ``bench/bench_browser.py``.
"""

from __future__ import annotations

import argparse
import os
import statistics
import tempfile
import time
from pathlib import Path

from streamlit.testing.v1 import AppTest

from mapping import OPEN_STATUSES
from sandbox.kashflow_data import generate
from sandbox.kashflow_server import (
    DEMO_MEMORABLE_WORD,
    DEMO_PASSWORD,
    DEMO_USERNAME,
    KashFlowSandbox,
    KashFlowSandboxConfig,
)

APP = Path(__file__).resolve().parents[1] / "app.py"
FILTER_CHANGES = [
    ("filter_currencies", ["EUR"]),
    ("filter_currencies", []),
    ("filter_show", "Eligible"),
    ("filter_show", "All invoices"),
    ("filter_search", "Ltd"),
    ("filter_search", ""),
]


def measure(invoices: int, customers: int) -> tuple[float, list[float], int]:
    """(import seconds, seconds per filter change, rows) for one account size."""
    dataset = generate(
        invoices=invoices,
        customers=customers,
        status_weights={status: 1.0 for status in OPEN_STATUSES},
        credit_notes=0,
    )
    with KashFlowSandbox(KashFlowSandboxConfig(dataset=dataset)) as server:
        os.environ["KASHFLOW_BASE_URL"] = server.url
        app = AppTest.from_file(str(APP), default_timeout=600)
        app.run()
        app.text_input[0].input(DEMO_USERNAME)
        app.text_input[1].input(DEMO_PASSWORD)
        app.text_input[2].input(DEMO_MEMORABLE_WORD)
        next(b for b in app.button if b.label == "Connect").click().run()
        started = time.perf_counter()
        app.switch_page("pages/review.py").run()
        imported = time.perf_counter() - started
        assert not app.exception and not app.error, (app.exception, [e.value for e in app.error])
        rows = len(app.session_state["review_state"].rows)
        timings = []
        for key, value in FILTER_CHANGES:
            widget = next(w for w in _widgets(app) if w.key == key)
            started = time.perf_counter()
            if key == "filter_search":
                widget.input(value).run()
            else:
                widget.set_value(value).run()
            timings.append(time.perf_counter() - started)
            assert not app.exception, app.exception
    return imported, timings, rows


def _widgets(app: AppTest):
    return [*app.multiselect, *app.selectbox, *app.text_input]


def main() -> None:
    parser = argparse.ArgumentParser(description=__doc__.splitlines()[0])
    parser.add_argument("--invoices", type=int, default=20_000)
    parser.add_argument("--baseline-invoices", type=int, default=1_000)
    args = parser.parse_args()
    os.environ["APP_DATA_DIR"] = tempfile.mkdtemp(prefix="bench-review-")

    results = {}
    for label, invoices in (("baseline", args.baseline_invoices), ("large", args.invoices)):
        results[label] = measure(invoices, max(50, invoices // 5))
    print(f"{'account':<10}{'rows':>8}{'import s':>10}{'median redraw s':>17}{'max redraw s':>14}")
    for label, (imported, timings, rows) in results.items():
        print(
            f"{label:<10}{rows:>8}{imported:>10.2f}"
            f"{statistics.median(timings):>17.3f}{max(timings):>14.3f}"
        )
    base = statistics.median(results["baseline"][1])
    large = statistics.median(results["large"][1])
    print(f"redraw at {results['large'][2]} rows is {large / base:.1f}× the baseline's")
    print("Server time only (AppTest): the browser's figures are bench/bench_browser.py's.")


if __name__ == "__main__":
    main()
