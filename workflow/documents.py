"""The invoice's own PDF, read from KashFlow and attached to its Debitura case exactly once.

Run by ``workflow.submit`` right after a case is created (or found, or already sent) and for
earlier cases whose document is not attached yet, so the Submit page and ``cli.py submit`` both
get it. Like the case itself, exactly once rests on the store (``store.documents``): the row
says ``uploading`` before the file leaves, and an upload whose outcome is unknown (no answer, a
crash, a stopped page) is settled by reading the case's files back (``GET /cases/{id}/files``)
and looking for our file name before anything is uploaded again. The case is never touched.

``document_steps`` is written like the case's steps in ``workflow.submit``: it yields the
network calls (run on the submit pool) and does the store work between them, on the calling
thread.
"""

from __future__ import annotations

from collections.abc import Callable, Generator, Iterable
from dataclasses import dataclass
from functools import partial
from typing import Any

from debitura import CaseFile, DebituraClient, DebituraError, DebituraUnavailable
from debitura.upload import ORIGINAL_INVOICE
from kashflow import KashFlowClient, KashFlowError, NoInvoiceDocument
from kashflow.models import InvoiceDetail
from mapping import ReviewRow
from mapping.case_payload import PayloadError, case_payload
from mapping.problems import NEEDS_DOCUMENTS
from store.documents import ATTACHED, FAILED, MISSING, UPLOADING, CaseDocument, CaseDocuments

UNKNOWN = UPLOADING  # the outcome of an upload nobody confirmed: settled on the next run
# Each outcome in a word or two (the Submit page's "Invoice PDF" column).
DOCUMENT_WORDS = {
    ATTACHED: "attached",
    MISSING: "none in KashFlow",
    FAILED: "not attached: retried next run",
    UNKNOWN: "unconfirmed: checked next run",
}

# A yielded network call, and the steps that yield them.
_Steps = Generator[Callable[[], Any], Any, "DocumentOutcome"]


@dataclass(frozen=True)
class DocumentOutcome:
    """What happened to one invoice's document in this run, in words (``note``)."""

    invoice_number: str
    state: str  # ATTACHED, MISSING, FAILED or UNKNOWN
    note: str
    file_id: str = ""

    @property
    def attached(self) -> bool:
        return self.state == ATTACHED


@dataclass(frozen=True)
class DocumentSource:
    """Where each invoice's PDF comes from and where its attachment is recorded."""

    kashflow: KashFlowClient
    store: CaseDocuments


def document_filename(invoice_number: str) -> str:
    """The name the PDF is uploaded under: how our file is recognised among the case's files.

    >>> document_filename("1142"), document_filename("INV/7")
    ('invoice-1142.pdf', 'invoice-INV-7.pdf')
    """
    safe = "".join(ch if ch.isalnum() or ch in "-_." else "-" for ch in str(invoice_number))
    return f"invoice-{safe}.pdf"


def missing_note(invoice_number: str, reason: str) -> str:
    """
    >>> missing_note("1142", "KashFlow has no permalink to the invoice's PDF.")
    "KashFlow gave no PDF for 1142: Debitura will ask for the invoice (KashFlow has no permalink to the invoice's PDF)."
    """  # noqa: E501
    said = reason.strip().rstrip(".")
    return f"KashFlow gave no PDF for {invoice_number}: Debitura will ask for the invoice" + (
        f" ({said})." if said else "."
    )


def document_steps(
    invoice_number: str,
    case_id: str,
    *,
    source: DocumentSource,
    client: DebituraClient,
    account: str,
    target: str,
    permalink: str | None = None,
) -> _Steps:
    """Attach the invoice's PDF to case ``case_id`` unless it is there already.

    ``permalink``: as read in the invoice's detail at the re-check just before sending (``""``
    when it has none); ``None`` when the detail was not read in this run (it is read then).
    """
    number = str(invoice_number)
    store = source.store
    filename = document_filename(number)
    document = store.prepare(
        account=account, target=target, invoice_number=number, case_id=case_id, filename=filename
    )
    if document.state == ATTACHED:
        return DocumentOutcome(number, ATTACHED, "Invoice PDF attached earlier.", document.file_id)
    if document.state == UPLOADING:
        settled = yield from _settle(document, client, store)
        if settled is not None:
            return settled
        document = store.mark_failed(
            document, reason="An earlier upload was not stored at Debitura."
        )

    try:
        if permalink is None:  # not re-checked in this run: the detail has the permalink
            invoice = yield partial(source.kashflow.get_invoice, number)
            permalink = invoice.detail.permalink
        content = yield partial(source.kashflow.invoice_document, permalink)
    except NoInvoiceDocument as error:
        store.mark_missing(document, reason=str(error))
        return DocumentOutcome(number, MISSING, missing_note(number, str(error)))
    except KashFlowError as error:
        reason = f"Could not read the invoice PDF from KashFlow ({error})"
        store.mark_failed(document, reason=reason)
        return DocumentOutcome(number, FAILED, f"{reason}; it is tried again on the next run.")

    document = store.begin_upload(document)  # committed before the file leaves
    upload = partial(client.upload_case_file, case_id, content, filename)
    try:
        stored = yield upload
    except DebituraUnavailable as error:
        document = store.note_unknown(document, reason=str(error))
        settled = yield from _settle(document, client, store)
        if settled is not None:
            return settled
        reason = "Debitura did not answer and has not stored the invoice PDF."
        store.mark_failed(document, reason=reason)
        return DocumentOutcome(number, FAILED, f"{reason} It is uploaded on the next run.")
    except DebituraError as error:
        reason = f"Debitura refused the invoice PDF ({error})"
        store.mark_failed(document, reason=reason)
        return DocumentOutcome(number, FAILED, f"{reason}; it is tried again on the next run.")
    store.mark_attached(document, file_id=stored.id)
    return DocumentOutcome(number, ATTACHED, "Invoice PDF attached.", stored.id)


def _settle(document: CaseDocument, client: DebituraClient, store: CaseDocuments) -> _Steps:
    """Is the file of an unconfirmed upload at Debitura? Attached when it is; ``None`` when
    it is not (upload again); unknown when Debitura cannot be asked (the next run asks)."""
    number = document.invoice_number
    try:
        files = yield partial(client.case_files, document.case_id)
    except DebituraError as error:
        note = (
            "Debitura did not confirm the invoice PDF, and its files could not be read "
            f"({error}); they are checked before any new upload."
        )
        return DocumentOutcome(number, UNKNOWN, note)
    ours = our_file(files, document.filename)
    if ours is None:
        return None
    store.mark_attached(document, file_id=ours.id)
    return DocumentOutcome(
        number, ATTACHED, "Invoice PDF attached (confirmed at Debitura).", ours.id
    )


def our_file(files: Iterable[CaseFile], filename: str) -> CaseFile | None:
    """The original invoice we uploaded under ``filename``, among a case's files."""
    for case_file in files:
        same_name = case_file.file_name.strip().lower() == filename.lower()
        type_ok = case_file.document_type in ("", ORIGINAL_INVOICE)
        if same_name and type_ok:
            return case_file
    return None


def attach_unfinished(
    *,
    source: DocumentSource,
    client: DebituraClient,
    account: str,
    target: str,
    skip: Iterable[str] = (),
) -> list[DocumentOutcome]:
    """Finish the documents earlier runs left pending, unconfirmed or failed (not those
    KashFlow had no PDF for: they are looked at again when their invoice is sent again).
    ``skip``: invoice numbers this run handled already."""
    handled = set(skip)
    outcomes = []
    for document in source.store.unfinished(account, target):
        if document.invoice_number in handled or document.state == MISSING:
            continue
        if not document.case_id:
            continue
        steps = document_steps(
            document.invoice_number,
            document.case_id,
            source=source,
            client=client,
            account=account,
            target=target,
        )
        outcomes.append(run_now(steps))
    return outcomes


def run_now(steps: _Steps) -> DocumentOutcome:
    """Run ``steps`` with each network call made here, on this thread."""
    value: Any = None
    error: Exception | None = None
    while True:
        try:
            call = steps.send(value) if error is None else steps.throw(error)
        except StopIteration as stop:
            return stop.value
        try:
            value, error = call(), None
        except Exception as raised:  # noqa: BLE001 - thrown into the steps, which decide
            value, error = None, raised


@dataclass(frozen=True)
class DocumentPlan:
    """Before sending: will the case go complete (Debitura's document rules met), and why."""

    invoice_number: str
    will_attach: bool | None  # the detail names a PDF; None when the detail was not read
    complete: bool
    reason: str


def document_plan(row: ReviewRow, *, test_mode: bool = False) -> DocumentPlan:
    """What the Submit page says about ``row``'s documents, from its invoice detail (read for
    the page) and the case body. Honest about what is known before sending: the permalink is
    there or not; whether KashFlow serves a PDF behind it shows when the case is sent."""
    number = row.invoice_number
    needs = any(problem.code == NEEDS_DOCUMENTS for problem in row.problems)
    if row.detail == InvoiceDetail():
        reason = "The invoice PDF is looked for in KashFlow when the case is sent."
        return DocumentPlan(number, None, not needs, reason)
    if not row.detail.permalink:
        reason = "KashFlow has no PDF for it: Debitura will ask for the invoice."
        return DocumentPlan(number, False, not needs, reason)
    try:
        described = bool(case_payload(row, test_mode=test_mode, tag="").get("claimDescription"))
    except PayloadError:
        described = False
    if needs and not described:
        reason = "The invoice PDF will be attached, but the case has no claim description."
        return DocumentPlan(number, True, False, reason)
    return DocumentPlan(number, True, True, "The invoice PDF will be attached.")
