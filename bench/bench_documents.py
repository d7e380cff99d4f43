"""Benchmark: submit 1,000 cases with their invoice PDFs against the same submit without, at
50 ms latency per request.

Run from the project root: ``python -m bench.bench_documents [--cases N --latency-ms L
--concurrency C]``.

Both sandboxes run in a child process (so their work, the PDFs drawn included, does not share
this process's interpreter lock), each request delayed by the latency. Measured in the same
run, with the app's pool size and its own ledger and document store on disk:

- the baseline: ``submit_cases`` without documents (one ``POST /cases`` per case);
- with documents: the same plus, per case, the PDF read from the permalink the re-check
  already found in the invoice detail (one ``GET``) and one ``POST /cases/{id}/files``, each
  state committed to the document store before and after.

Prints wall time, requests and cases per second of each, and the ratio of the two (the floor
is 3 round trips per case against 1).
"""

from __future__ import annotations

import argparse
import multiprocessing
import tempfile
import time
from dataclasses import dataclass, replace
from decimal import Decimal
from pathlib import Path

from bench.bench_submit import synthetic_rows
from debitura import DebituraClient
from kashflow import Credentials, KashFlowClient
from kashflow.models import InvoiceDetail
from store import SubmissionLedger, open_database
from store.documents import CaseDocuments
from workflow.debitura_target import DebituraTarget
from workflow.documents import DocumentSource
from workflow.submit import CREATED, DEFAULT_SUBMIT_CONCURRENCY, submit_cases

KEYS = ("bench-key-without", "bench-key-with")  # one Debitura creditor per run


@dataclass(frozen=True)
class Run:
    label: str
    seconds: float
    requests: int
    created: int
    attached: int


def serve_sandboxes(latency_ms: int, cases: int, found, stop) -> None:
    """Child process: both sandboxes, latency on every request, until told to stop. Sends the
    two addresses and ``cases`` open invoices that have a PDF, each with its permalink."""
    from sandbox.debitura_server import DebituraFaults, DebituraSandbox, DebituraSandboxConfig
    from sandbox.kashflow_server import KashFlowFaults, KashFlowSandbox, KashFlowSandboxConfig

    books = KashFlowSandboxConfig(
        invoices=int(cases * 1.2) + 20, customers=200, status_weights={"Overdue": 1.0}
    )
    debitura_config = DebituraSandboxConfig(minimum_usd=Decimal(0), api_keys=frozenset(KEYS))
    with (
        KashFlowSandbox(books, KashFlowFaults(latency_ms=latency_ms)) as kashflow,
        DebituraSandbox(debitura_config, DebituraFaults(latency_ms=latency_ms)) as debitura,
    ):
        html = kashflow.documents.html_document
        invoices = [
            (str(invoice.number), invoice.detail["Permalink"])
            for invoice in kashflow.dataset.invoices
            if invoice.is_open and "Permalink" in invoice.detail and str(invoice.number) != html
        ][:cases]
        found.put((kashflow.url, debitura.url, invoices))
        stop.wait()


def timed_submit(
    label: str, urls: tuple[str, str], invoices, data_dir: Path, *, documents: bool
) -> Run:
    from sandbox.kashflow_server import DEMO_MEMORABLE_WORD, DEMO_PASSWORD, DEMO_USERNAME

    kashflow_url, debitura_url = urls
    client = DebituraClient(KEYS[documents], base_url=debitura_url)
    target = DebituraTarget(client, debitura_url, True, False, "bench")
    database = open_database(data_dir / label.split()[0])
    kashflow = KashFlowClient(
        Credentials(DEMO_USERNAME, DEMO_PASSWORD, DEMO_MEMORABLE_WORD), base_url=kashflow_url
    )
    kashflow.login()  # both runs start logged in: the baseline never talks to KashFlow
    # As the re-check leaves them: each row with its invoice detail (the permalink) read.
    rows = [
        replace(row, invoice_number=number, detail=InvoiceDetail(permalink=permalink))
        for row, (number, permalink) in zip(
            synthetic_rows(len(invoices), "X"), invoices, strict=True
        )
    ]
    source = DocumentSource(kashflow, CaseDocuments(database)) if documents else None
    started = time.perf_counter()
    report = submit_cases(
        rows,
        target=target,
        ledger=SubmissionLedger(database),
        account="bench",
        concurrency=DEFAULT_SUBMIT_CONCURRENCY,
        documents=source,
    )
    seconds = time.perf_counter() - started
    # KashFlow requests after the two of the login (the PDF reads).
    requests = client.requests_sent + (kashflow.requests_sent - 2 if documents else 0)
    client.close()
    attached = sum(1 for document in report.documents if document.attached)
    return Run(label, seconds, requests, report.counts[CREATED], attached)


def main() -> None:
    parser = argparse.ArgumentParser(description=__doc__.splitlines()[0])
    parser.add_argument("--cases", type=int, default=1_000)
    parser.add_argument("--latency-ms", type=int, default=50)
    args = parser.parse_args()

    found, stop = multiprocessing.Queue(), multiprocessing.Event()
    child = multiprocessing.Process(
        target=serve_sandboxes, args=(args.latency_ms, args.cases, found, stop), daemon=True
    )
    child.start()
    try:
        kashflow_url, debitura_url, invoices = found.get(timeout=120)
        urls = (kashflow_url, debitura_url)
        with tempfile.TemporaryDirectory() as folder:
            without = timed_submit(
                "without documents (baseline)", urls, invoices, Path(folder), documents=False
            )
            with_pdf = timed_submit("with documents", urls, invoices, Path(folder), documents=True)
    finally:
        stop.set()
        child.join(timeout=10)

    print(
        f"Submit of {len(invoices)} cases, {args.latency_ms} ms latency per request, "
        f"pool of {DEFAULT_SUBMIT_CONCURRENCY}"
    )
    print(f"{'run':<30}{'seconds':>9}{'requests':>10}{'created':>9}{'PDFs':>7}{'cases/s':>9}")
    for run in (without, with_pdf):
        print(
            f"{run.label:<30}{run.seconds:>9.2f}{run.requests:>10}{run.created:>9}"
            f"{run.attached:>7}{run.created / run.seconds:>9.1f}"
        )
    print(
        f"with documents: {with_pdf.seconds / without.seconds:.2f}× the time of the submit "
        f"without (floor: 3 round trips per case against 1), "
        f"{(with_pdf.seconds - without.seconds) / max(1, with_pdf.created) * 1000:.0f} ms more "
        "per case"
    )


if __name__ == "__main__":
    main()
