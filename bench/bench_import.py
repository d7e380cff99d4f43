"""Benchmark: import 10,000 open invoices of 2,000 customers at 50 ms latency per request.

Run from the project root: ``python -m bench.bench_import [--invoices N --customers M
--latency-ms L --concurrency C --skip-sequential]``; ``--large`` is a large account: 50,000
invoices of 10,000 customers at 20 ms (where a cost that grows faster than the work shows).

The sandbox runs in a child process (so its work does not share this process's interpreter
lock or memory figures). Measured in the same run:

- the import as the app does it (one client, a pool of ``--concurrency`` workers);
- a plain sequential import (one worker) as the baseline;
- the floor: latency × the fewest round trips the pool allows (the first page alone, since it
  tells how many pages there are, then every other page and customer spread over the pool).

Prints wall time, requests, the process's peak memory (RSS; the pooled run goes first, so its
figure is its own) and the ratios.
"""

from __future__ import annotations

import argparse
import math
import multiprocessing
import resource
import time
from dataclasses import dataclass

from kashflow import Credentials, KashFlowClient
from kashflow.client import INVOICE_PAGE_SIZE
from mapping import OPEN_STATUSES, Policy
from workflow.importing import ImportResult, import_open_invoices

AS_OF_SEED = 20261121


@dataclass(frozen=True)
class Run:
    label: str
    seconds: float
    requests: int
    rows: int
    peak_rss_mb: float  # the process's peak resident memory after this run


def serve_sandbox(invoices: int, customers: int, latency_ms: int, urls, stop) -> None:
    """Child process: the KashFlow sandbox with only open invoices, until told to stop."""
    from sandbox.kashflow_data import generate
    from sandbox.kashflow_server import KashFlowFaults, KashFlowSandbox, KashFlowSandboxConfig

    dataset = generate(
        seed=AS_OF_SEED,
        invoices=invoices,
        customers=customers,
        status_weights={status: 1.0 for status in OPEN_STATUSES},
        credit_notes=0,
    )
    config = KashFlowSandboxConfig(dataset=dataset, perpage_cap=INVOICE_PAGE_SIZE)
    with KashFlowSandbox(config, KashFlowFaults(latency_ms=latency_ms)) as server:
        urls.put((server.url, str(dataset.as_of)))
        stop.wait()


def timed_import(url: str, as_of: str, concurrency: int, label: str) -> tuple[Run, ImportResult]:
    from datetime import date

    from sandbox.kashflow_server import DEMO_MEMORABLE_WORD, DEMO_PASSWORD, DEMO_USERNAME

    client = KashFlowClient(
        Credentials(DEMO_USERNAME, DEMO_PASSWORD, DEMO_MEMORABLE_WORD),
        base_url=url,
        pool_size=concurrency,
    )
    client.login()  # the login is not part of the import
    policy = Policy(as_of=date.fromisoformat(as_of))
    started = time.perf_counter()
    result = import_open_invoices(client, policy=policy, concurrency=concurrency)
    seconds = time.perf_counter() - started
    return Run(label, seconds, result.requests, len(result.rows), _peak_rss_mb()), result


def _peak_rss_mb() -> float:
    # Not tracemalloc: tracing every allocation would slow the import it measures.
    return resource.getrusage(resource.RUSAGE_SELF).ru_maxrss / 1024


def main() -> None:
    parser = argparse.ArgumentParser(description=__doc__.splitlines()[0])
    parser.add_argument("--invoices", type=int, default=10_000)
    parser.add_argument("--customers", type=int, default=2_000)
    parser.add_argument("--latency-ms", type=int, default=50)
    parser.add_argument("--concurrency", type=int, default=8)
    parser.add_argument("--skip-sequential", action="store_true", help="no baseline (faster)")
    parser.add_argument(
        "--large", action="store_true", help="50,000 invoices, 10,000 customers, 20 ms"
    )
    args = parser.parse_args()
    if args.large:
        args.invoices, args.customers, args.latency_ms = 50_000, 10_000, 20

    rss_before = _peak_rss_mb()
    urls, stop = multiprocessing.Queue(), multiprocessing.Event()
    child = multiprocessing.Process(
        target=serve_sandbox,
        args=(args.invoices, args.customers, args.latency_ms, urls, stop),
        daemon=True,
    )
    child.start()
    try:
        url, as_of = urls.get(timeout=120)
        pooled, result = timed_import(url, as_of, args.concurrency, f"pool of {args.concurrency}")
        runs = [pooled]
        if not args.skip_sequential:
            runs.append(timed_import(url, as_of, 1, "sequential (baseline)")[0])
    finally:
        stop.set()
        child.join(timeout=10)

    pages = math.ceil(result.invoices_listed / INVOICE_PAGE_SIZE)
    customers = len(result.customers)
    round_trips = 1 + math.ceil((pages - 1 + customers) / args.concurrency)
    floor = round_trips * args.latency_ms / 1000
    print(
        f"Import of {result.invoices_listed} open invoices, {customers} customers, "
        f"{args.latency_ms} ms latency, {pages} pages of {INVOICE_PAGE_SIZE}"
    )
    print(f"{'run':<24}{'seconds':>9}{'requests':>10}{'rows':>8}{'RSS MB':>9}{'× floor':>9}")
    for run in runs:
        print(
            f"{run.label:<24}{run.seconds:>9.2f}{run.requests:>10}{run.rows:>8}"
            f"{run.peak_rss_mb:>9.0f}{run.seconds / floor:>9.2f}"
        )
    print(f"{'floor':<24}{floor:>9.2f}{pages + customers:>10}   ({round_trips} round trips)")
    if len(runs) == 2:
        print(f"speed-up over sequential: {runs[1].seconds / runs[0].seconds:.1f}×")
    print(f"RSS before the imports: {rss_before:.0f} MB")


if __name__ == "__main__":
    main()
