"""Benchmark: submit 1,000 cases to the Debitura sandbox at 50 ms latency per request.

Run from the project root: ``python -m bench.bench_submit [--cases N --latency-ms L
--concurrency C [C ...] --skip-sequential]``.

The sandbox runs in a child process (so its work does not share this process's interpreter
lock). Each run submits its own invoice numbers with its own ledger file, exactly as the app
does: a ledger row committed before every request, the answer committed after it. Measured in
the same run:

- ``submit_cases`` with each pool size asked for (the app's default is
  ``workflow.submit.DEFAULT_SUBMIT_CONCURRENCY``);
- the same with one worker (strictly sequential) as the baseline;
- the floor: latency × round trips (cases ÷ workers, rounded up).

Prints wall time, requests, cases per second, the ratio to the floor and the speed-up over
the sequential run, and checks exactly once: the cases the sandbox holds for each run, counted
there, must be one per invoice. Cases only: no invoice PDFs are attached (see
``bench.bench_documents`` for that).
"""

from __future__ import annotations

import argparse
import math
import multiprocessing
import tempfile
import time
from collections import Counter
from dataclasses import dataclass
from datetime import date, timedelta
from decimal import Decimal
from pathlib import Path

from debitura import DebituraClient
from mapping import Debtor, ReviewRow
from store import SubmissionLedger, open_database
from workflow.debitura_target import DebituraTarget
from workflow.submit import CREATED, DEFAULT_SUBMIT_CONCURRENCY, submit_cases


@dataclass(frozen=True)
class Run:
    label: str
    concurrency: int
    seconds: float
    requests: int
    created: int
    prefix: str  # of this run's invoice numbers, to count its cases at the sandbox


def serve_sandbox(latency_ms: int, urls, stop, counts) -> None:
    """Child process: the Debitura sandbox with latency on every request, until told to stop;
    then how many cases it holds per run prefix, and how many distinct creditor references."""
    from sandbox.debitura_server import DebituraFaults, DebituraSandbox, DebituraSandboxConfig

    config = DebituraSandboxConfig(minimum_usd=Decimal(0))
    with DebituraSandbox(config, DebituraFaults(latency_ms=latency_ms)) as server:
        urls.put(server.url)
        stop.wait()
        references = [case["creditorReference"] for case in server.cases()]
    per_run = Counter(reference.split("-")[0] + "-" for reference in references)
    distinct = Counter(reference.split("-")[0] + "-" for reference in set(references))
    counts.put((dict(per_run), dict(distinct)))


def synthetic_rows(count: int, prefix: str) -> list[ReviewRow]:
    """Eligible review rows, as an import would give them (one debtor per ten invoices)."""
    today = date.today()
    rows = []
    for index in range(count):
        issued = today - timedelta(days=60 + index % 300)
        amount = Decimal(150 + (index * 37) % 9000).quantize(Decimal("0.01"))
        debtor = Debtor(
            "Company",
            f"Customer {index // 10:04d} Ltd",
            email=f"accounts{index // 10}@customer.example",
            phone="+441132496000",
            address=f"{index % 90 + 1} High Street",
            postcode="LS1 4AB",
            city="Leeds",
            country="GB",
        )
        rows.append(
            ReviewRow(
                f"{prefix}{index + 1:05d}",
                f"C{index // 10:04d}",
                "Overdue",
                issued,
                issued + timedelta(days=30),
                "GBP",
                amount,
                amount,
                30,
                debtor,
                (),
            )  # fmt: skip
        )
    return rows


def timed_submit(url: str, cases: int, concurrency: int, label: str, data_dir: Path) -> Run:
    from sandbox.debitura_server import SANDBOX_API_KEY

    client = DebituraClient(SANDBOX_API_KEY, base_url=url)
    target = DebituraTarget(client, url, True, False, "bench")
    ledger = SubmissionLedger(open_database(data_dir / f"run-{concurrency}"))
    prefix = f"B{concurrency}-"
    rows = synthetic_rows(cases, prefix=prefix)
    started = time.perf_counter()
    report = submit_cases(
        rows, target=target, ledger=ledger, account="bench", concurrency=concurrency
    )
    seconds = time.perf_counter() - started
    client.close()
    return Run(label, concurrency, seconds, client.requests_sent, report.counts[CREATED], prefix)


def main() -> None:
    parser = argparse.ArgumentParser(description=__doc__.splitlines()[0])
    parser.add_argument("--cases", type=int, default=1_000)
    parser.add_argument("--latency-ms", type=int, default=50)
    parser.add_argument(
        "--concurrency",
        type=int,
        nargs="+",
        # The default, half of it and double: what the choice was made from.
        default=sorted(
            {
                max(1, DEFAULT_SUBMIT_CONCURRENCY // 2),
                DEFAULT_SUBMIT_CONCURRENCY,
                2 * DEFAULT_SUBMIT_CONCURRENCY,
            }
        ),
        help="pool sizes to measure",
    )
    parser.add_argument("--skip-sequential", action="store_true", help="no baseline (faster)")
    args = parser.parse_args()

    urls, counts, stop = multiprocessing.Queue(), multiprocessing.Queue(), multiprocessing.Event()
    child = multiprocessing.Process(
        target=serve_sandbox, args=(args.latency_ms, urls, stop, counts), daemon=True
    )
    child.start()
    runs: list[Run] = []
    try:
        url = urls.get(timeout=60)
        with tempfile.TemporaryDirectory() as folder:
            for size in args.concurrency:
                label = f"pool of {size}" + (
                    " (default)" if size == DEFAULT_SUBMIT_CONCURRENCY else ""
                )
                runs.append(timed_submit(url, args.cases, size, label, Path(folder)))
            if not args.skip_sequential:
                runs.append(timed_submit(url, args.cases, 1, "sequential (baseline)", Path(folder)))
    finally:
        stop.set()
    at_sandbox, distinct = counts.get(timeout=60)
    child.join(timeout=10)

    print(f"Submit of {args.cases} cases, {args.latency_ms} ms latency per request")
    print(
        f"{'run':<24}{'seconds':>9}{'requests':>10}{'created':>9}{'at sandbox':>12}"
        f"{'cases/s':>9}{'× floor':>9}"
    )
    for run in runs:
        floor = math.ceil(args.cases / run.concurrency) * args.latency_ms / 1000
        print(
            f"{run.label:<24}{run.seconds:>9.2f}{run.requests:>10}{run.created:>9}"
            f"{at_sandbox.get(run.prefix, 0):>12}{run.created / run.seconds:>9.1f}"
            f"{run.seconds / floor:>9.2f}"
        )
    for run in runs:
        held, unique = at_sandbox.get(run.prefix, 0), distinct.get(run.prefix, 0)
        if not held == unique == args.cases:
            print(f"{run.label}: NOT exactly once: {held} cases, {unique} invoices at the sandbox")
    baseline = next((run for run in runs if run.concurrency == 1), None)
    if baseline is not None:
        for run in runs:
            if run is not baseline:
                print(f"{run.label}: {baseline.seconds / run.seconds:.1f}× faster than sequential")


if __name__ == "__main__":
    main()
