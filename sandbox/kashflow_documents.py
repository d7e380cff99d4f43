"""The KashFlow sandbox's invoice documents: ``GET /v2/documents/invoice/{guid}``, the PDF
behind each invoice detail's ``Permalink``.

Each PDF is a real one, drawn with fpdf2 from the invoice's own record (number, customer,
dates, line items, totals) and deterministic: the same books give the same bytes (a fixed
creation date, so the file identifier derived from it is fixed too). Like real books, not every
invoice has one: the books leave every 11th open invoice without a ``Permalink``
(``kashflow_data``), and one open invoice's permalink serves an HTML sign-in page instead.
"""

from __future__ import annotations

import threading
from datetime import UTC, datetime, time
from typing import TYPE_CHECKING, Any

from fpdf import FPDF

from sandbox import kashflow_data as books
from sandbox.http import HTTPError, Request, Response
from sandbox.kashflow_data import InvoiceRecord

if TYPE_CHECKING:
    from sandbox.kashflow_server import KashFlowSandbox

PERMALINK_PREFIX = "/v2/documents/invoice/"
HTML_DOCUMENT_INDEX = 5  # the 6th open invoice's permalink serves a web page
SIGN_IN_PAGE = (
    "<!DOCTYPE html><html><head><title>KashFlow - Sign in</title></head><body>"
    "<h1>Sign in to KashFlow</h1><p>Your session has ended.</p></body></html>"
)


class InvoiceDocuments:
    """The route and the choice of which invoices have which document; installs itself on
    ``server`` (whose books it reads)."""

    def __init__(self, server: KashFlowSandbox) -> None:
        self._server = server
        self._lock = threading.Lock()
        self._pdfs: dict[Any, bytes] = {}
        self._by_guid: dict[str, InvoiceRecord] = {}
        open_invoices = [invoice for invoice in server.dataset.invoices if invoice.is_open]
        open_invoices.sort(key=lambda invoice: invoice.order)
        # The books leave some permalinks out (``kashflow_data``); the rest are served here.
        self.without_document: frozenset[str] = frozenset(
            str(invoice.number) for invoice in open_invoices if "Permalink" not in invoice.detail
        )
        html = [
            invoice
            for invoice in open_invoices[HTML_DOCUMENT_INDEX:]
            if str(invoice.number) not in self.without_document
        ]
        self.html_document: str = str(html[0].number) if html else ""
        for invoice in server.dataset.invoices:
            permalink = str(invoice.detail.get("Permalink") or "")
            if permalink.startswith(PERMALINK_PREFIX):
                self._by_guid[permalink[len(PERMALINK_PREFIX) :].lower()] = invoice
        server.route("GET", PERMALINK_PREFIX + "{guid}", self._document)

    def pdf(self, number: int | str) -> bytes:
        """The PDF of invoice ``number`` (what its permalink serves, unless it serves HTML)."""
        invoice = self._server.dataset.invoice(number)
        if invoice is None:
            raise KeyError(f"no invoice {number}")
        with self._lock:
            content = self._pdfs.get(invoice)
        if content is None:
            content = invoice_pdf(invoice, self._server.dataset.company)
            with self._lock:
                self._pdfs[invoice] = content
        return content

    def _document(self, request: Request, user: Any) -> Response:
        invoice = self._by_guid.get(request.params["guid"].strip().lower())
        if invoice is None:
            raise HTTPError(404, "NotFound", "Document not found.")
        self._server.stats.incr("documents_served")
        if str(invoice.number) == self.html_document:
            return Response.html(SIGN_IN_PAGE)
        return Response(200, self.pdf(invoice.number), "application/pdf")


def invoice_pdf(invoice: InvoiceRecord, company: dict[str, Any]) -> bytes:
    """One A4 page: who, when, what was sold and what is owed. Same record, same bytes."""
    detail = invoice.detail
    pdf = FPDF(format="A4")
    pdf.set_creation_date(datetime.combine(invoice.issued, time(9, 0), tzinfo=UTC))
    pdf.set_title(_latin(f"Invoice {invoice.number}"))
    pdf.set_author(_latin(str(company.get("CompanyName") or books.COMPANY_NAME)))
    pdf.add_page()
    pdf.set_font("Helvetica", "B", 18)
    pdf.cell(
        0,
        10,
        _latin(str(company.get("CompanyName") or books.COMPANY_NAME)),
        new_x="LMARGIN",
        new_y="NEXT",
    )
    pdf.set_font("Helvetica", "", 11)
    pdf.cell(0, 8, _latin(f"INVOICE {invoice.number}"), new_x="LMARGIN", new_y="NEXT")
    pdf.cell(
        0,
        6,
        _latin(f"Customer: {invoice.customer_name} ({invoice.customer_code})"),
        new_x="LMARGIN",
        new_y="NEXT",
    )
    pdf.cell(0, 6, f"Invoice date: {invoice.issued.isoformat()}", new_x="LMARGIN", new_y="NEXT")
    pdf.cell(0, 6, f"Due date: {invoice.due.isoformat()}", new_x="LMARGIN", new_y="NEXT")
    if invoice.customer_reference:
        pdf.cell(
            0,
            6,
            _latin(f"Your reference: {invoice.customer_reference}"),
            new_x="LMARGIN",
            new_y="NEXT",
        )
    pdf.ln(4)
    pdf.set_font("Helvetica", "B", 10)
    for heading, width in (("Description", 110), ("Qty", 20), ("Unit price", 30)):
        pdf.cell(width, 7, heading, border=1)
    pdf.ln()
    pdf.set_font("Helvetica", "", 10)
    for line in detail.get("LineItems") or []:
        pdf.cell(110, 7, _latin(str(line.get("Description", "")))[:60], border=1)
        pdf.cell(20, 7, str(line.get("Quantity", "")), border=1)
        pdf.cell(30, 7, str(line.get("Rate", "")), border=1)
        pdf.ln()
    pdf.ln(4)
    pdf.cell(0, 6, f"Net: {invoice.currency} {invoice.net}", new_x="LMARGIN", new_y="NEXT")
    pdf.cell(0, 6, f"VAT: {invoice.currency} {invoice.vat}", new_x="LMARGIN", new_y="NEXT")
    pdf.set_font("Helvetica", "B", 11)
    pdf.cell(0, 7, f"Total: {invoice.currency} {invoice.gross}", new_x="LMARGIN", new_y="NEXT")
    pdf.cell(
        0, 7, f"Amount due: {invoice.currency} {invoice.due_amount}", new_x="LMARGIN", new_y="NEXT"
    )
    return bytes(pdf.output())


def _latin(text: str) -> str:
    """The built-in PDF fonts cover Latin-1 only: anything else is drawn as "?"."""
    return text.encode("latin-1", "replace").decode("latin-1")
