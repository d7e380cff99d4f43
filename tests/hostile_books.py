"""KashFlow books whose company and customers have hostile names, for the "outside text is
data" tests: Markdown, HTML, LaTeX, bare links, Streamlit's icon and colour codes, terminal
escapes and bidirectional overrides, all in places where KashFlow puts free text.

The sandbox's generated books are changed before a server is built on them (the server
encodes its listings when it starts), so nothing in ``sandbox/`` needs a knob for this.
"""

from __future__ import annotations

import threading
from collections.abc import Iterator
from contextlib import contextmanager
from dataclasses import dataclass, field
from datetime import date
from http.server import BaseHTTPRequestHandler, ThreadingHTTPServer

from sandbox.kashflow_data import Dataset, generate
from sandbox.kashflow_server import (
    DEMO_MEMORABLE_WORD,
    DEMO_PASSWORD,
    DEMO_USERNAME,
    SandboxUser,
)


def hostile_company(image_url: str) -> str:
    return f"![logo]({image_url}/company.png) **Evil** $x^2$ <b>Co</b> :red[Ltd] www.evil.example"


def hostile_debtors(image_url: str) -> tuple[str, ...]:
    """Customer names, the first for the customer of the first open invoice."""
    return (
        f"![d]({image_url}/debtor.png) Evil & Sons :material/home: $\\frac{{1}}{{2}}$",
        "$$E=mc^2$$ Ltd *star* _under_ ~strike~ `code`",
        "pay@evil.example http://evil.example/x :smile: [click](http://evil.example/)",
        "<img src=x onerror=alert(1)> # Heading > quote",
        "\x1b]0;pwned\x07Evil\x1b[2J\rForged line\u202eexe.txt\x00\x9b31m",
    )


def hostile_vat(image_url: str) -> str:
    return f"GB1234 ![v]({image_url}/vat.png)"


@dataclass
class HostileBooks:
    """The changed books, the login whose company has the hostile name, and who is who."""

    dataset: Dataset
    users: tuple[SandboxUser, ...]
    company: str
    debtors: dict[str, str]  # customer code -> hostile name
    first_code: str  # the customer of the first open invoice (no street: a blocked row)
    first_invoice: str
    vat: str
    image_url: str
    config: dict = field(default_factory=dict)


def hostile_books(
    image_url: str, *, company: str | None = None, as_of: date | None = None
) -> HostileBooks:
    """Small books (a few open invoices) whose first customers carry the hostile names;
    ``company`` replaces the hostile company name."""
    dataset = generate(invoices=40, customers=12, as_of=as_of)
    open_invoices = [invoice for invoice in dataset.invoices if invoice.is_open]
    codes = list(dict.fromkeys(invoice.customer_code for invoice in open_invoices))
    names = hostile_debtors(image_url)
    debtors = dict(zip(codes, names, strict=False))
    vat = hostile_vat(image_url)
    for code, name in debtors.items():
        customer = dataset.customer(code)
        customer.detail["Name"] = customer.summary["Name"] = name
        customer.detail["DisplayName"] = customer.summary["DisplayName"] = name
        for invoice in dataset.invoices_of(code):
            invoice.summary["CustomerName"] = invoice.detail["CustomerName"] = name
    first = dataset.customer(codes[0])
    for key in [key for key in first.detail if key.lower() == "vatnumber"] or ["VATNumber"]:
        first.detail[key] = vat
    for address in first.detail["Addresses"]:  # no street, no town: its invoices are blocked
        address.update(Line1="", Line2="", Line3="", Line4="", PostCode="")
    company = hostile_company(image_url) if company is None else company
    users = (SandboxUser(DEMO_USERNAME, DEMO_PASSWORD, DEMO_MEMORABLE_WORD, company_name=company),)
    return HostileBooks(
        dataset=dataset,
        users=users,
        company=company,
        debtors=debtors,
        first_code=codes[0],
        first_invoice=str(open_invoices[0].number),
        vat=vat,
        image_url=image_url,
        config={"dataset": dataset, "users": users},
    )


class _CountingHandler(BaseHTTPRequestHandler):
    def do_GET(self) -> None:  # noqa: N802 - the name http.server calls
        self.server.hits.append(self.path)
        self.send_response(404)
        self.end_headers()

    def log_message(self, *args) -> None:
        pass


@contextmanager
def image_host() -> Iterator[tuple[str, list[str]]]:
    """A local "image host": its URL, and the paths anyone asked it for."""
    server = ThreadingHTTPServer(("127.0.0.1", 0), _CountingHandler)
    server.hits = []
    thread = threading.Thread(target=server.serve_forever, daemon=True)
    thread.start()
    try:
        yield f"http://127.0.0.1:{server.server_address[1]}", server.hits
    finally:
        server.shutdown()
        server.server_close()
