"""The invoice's own PDF, behind the permalink of ``GET /invoices/{number}``.

KashFlow writes permalinks as paths relative to its host (``/v2/documents/invoice/<guid>``,
sometimes without the leading slash), while the client's base URL already ends in ``/v2``:
``document_path`` makes it a path under the base without doubling ``v2`` and refuses anything
that would leave the API (another host, ``..``), because the request carries the session token.
"""

from __future__ import annotations

from urllib.parse import quote, unquote, urlsplit

from kashflow.errors import NoInvoiceDocument

PDF_MAGIC = b"%PDF-"
PDF_TYPES = ("application/pdf", "application/x-pdf")
# Some servers send a PDF as a generic download; the magic bytes decide then.
_GENERIC_TYPES = ("application/octet-stream", "binary/octet-stream", "")
_DOCUMENTS_PREFIX = "documents/"


def document_path(permalink: str) -> str:
    """``permalink`` as a path under the client's base URL (which ends in ``/v2``).

    >>> document_path("/v2/documents/invoice/3a22"), document_path("v2/documents/invoice/3a22")
    ('documents/invoice/3a22', 'documents/invoice/3a22')
    >>> document_path("documents/invoice/3a22")
    'documents/invoice/3a22'
    >>> document_path("https://evil.example/v2/documents/x")  # doctest: +ELLIPSIS
    Traceback (most recent call last):
    ...
    kashflow.errors.NoInvoiceDocument: KashFlow's permalink for the invoice is not a document ...
    """
    text = (permalink or "").strip()
    if not text:
        raise NoInvoiceDocument("KashFlow has no permalink to the invoice's PDF.")
    parts = urlsplit(text)
    segments = [unquote(part) for part in parts.path.strip("/").split("/")]
    if segments and segments[0].lower() == "v2":
        segments = segments[1:]
    path = "/".join(segments)
    unusable = any(part in ("", ".", "..") for part in segments)
    if parts.scheme or parts.netloc or unusable or not path.startswith(_DOCUMENTS_PREFIX):
        raise NoInvoiceDocument(
            "KashFlow's permalink for the invoice is not a document address of its own API, "
            "so it was not opened."
        )
    encoded = "/".join(quote(part, safe="") for part in segments)
    query = f"?{parts.query}" if parts.query else ""
    return f"{encoded}{query}"


def checked_pdf(content: bytes, content_type: str) -> bytes:
    """``content`` when it is a PDF (declared as one, or sent as a generic download, and
    starting with ``%PDF-``); otherwise ``NoInvoiceDocument`` saying what came instead.

    >>> checked_pdf(b"%PDF-1.7 ...", "application/pdf; charset=binary")[:5]
    b'%PDF-'
    >>> checked_pdf(b"<html>Sign in</html>", "text/html")  # doctest: +ELLIPSIS
    Traceback (most recent call last):
    ...
    kashflow.errors.NoInvoiceDocument: KashFlow sent a web page (text/html) instead of ...
    """
    declared = content_type.split(";")[0].strip().lower()
    if not content or not content.strip():
        raise NoInvoiceDocument("KashFlow sent an empty answer instead of the invoice's PDF.")
    if declared not in PDF_TYPES + _GENERIC_TYPES:
        what = "a web page" if "html" in declared else "a file that is not a PDF"
        raise NoInvoiceDocument(f"KashFlow sent {what} ({declared}) instead of the invoice's PDF.")
    if not content.lstrip()[:5] == PDF_MAGIC:
        raise NoInvoiceDocument(
            "KashFlow sent a file that does not start like a PDF instead of the invoice's PDF."
        )
    return content
