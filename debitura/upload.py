"""The ``multipart/form-data`` body of ``POST /cases/{id}/files``: ``File``, ``DocumentType``
and ``Description``, as the Customer API's OpenAPI document names the parts.

Built by hand (a dozen lines) so the exact bytes are known before sending: the upload is never
retried blindly (no idempotency key is documented for it), and a test can read the body back.
"""

from __future__ import annotations

import uuid

MAX_FILE_BYTES = 25 * 1024 * 1024  # Debitura's limit per file
DOCUMENT_TYPES = (
    "OriginalInvoice",
    "DebtorDocuments",
    "CreditorDocuments",
    "PartnerDocuments",
    "DemandLetter",
    "Miscellaneous",
)
ORIGINAL_INVOICE = "OriginalInvoice"
# What each allowed file ending is sent as (the API accepts these types and no others).
CONTENT_TYPES = {
    ".pdf": "application/pdf",
    ".csv": "text/csv",
    ".txt": "text/plain",
    ".xls": "application/vnd.ms-excel",
    ".xlsx": "application/vnd.openxmlformats-officedocument.spreadsheetml.sheet",
    ".jpg": "image/jpeg",
    ".jpeg": "image/jpeg",
    ".png": "image/png",
    ".gif": "image/gif",
}


def multipart_body(
    content: bytes,
    filename: str,
    *,
    document_type: str,
    description: str = "",
    boundary: str | None = None,
) -> tuple[bytes, str]:
    """The body and its ``Content-Type`` header value.

    >>> body, content_type = multipart_body(b"%PDF-1.4", "invoice-1142.pdf",
    ...     document_type="OriginalInvoice", boundary="b0")
    >>> content_type
    'multipart/form-data; boundary=b0'
    >>> for line in body.decode().split("\\r\\n"):
    ...     print(line)
    --b0
    Content-Disposition: form-data; name="DocumentType"
    <BLANKLINE>
    OriginalInvoice
    --b0
    Content-Disposition: form-data; name="File"; filename="invoice-1142.pdf"
    Content-Type: application/pdf
    <BLANKLINE>
    %PDF-1.4
    --b0--
    <BLANKLINE>
    """
    boundary = boundary or f"----kashflow-debitura-{uuid.uuid4().hex}"
    parts = [_field("DocumentType", document_type)]
    if description:
        parts.append(_field("Description", description))
    parts.append(
        b'Content-Disposition: form-data; name="File"; filename="%s"\r\n'
        b"Content-Type: %s\r\n\r\n"
        % (_quoted(filename), content_type_of(filename).encode())
        + content
    )
    marker = f"--{boundary}".encode()
    body = b"".join(marker + b"\r\n" + part + b"\r\n" for part in parts) + marker + b"--\r\n"
    return body, f"multipart/form-data; boundary={boundary}"


def content_type_of(filename: str) -> str:
    """
    >>> content_type_of("Invoice 7.PDF"), content_type_of("notes.exe")
    ('application/pdf', 'application/octet-stream')
    """
    ending = "." + filename.rsplit(".", 1)[-1].lower() if "." in filename else ""
    return CONTENT_TYPES.get(ending, "application/octet-stream")


def _field(name: str, value: str) -> bytes:
    return b'Content-Disposition: form-data; name="%s"\r\n\r\n%s' % (
        name.encode(),
        value.encode("utf-8"),
    )


def _quoted(filename: str) -> bytes:
    """The file name safe inside the quotes of a header: no quote, backslash or line break."""
    cleaned = "".join(ch for ch in filename if ch.isprintable() and ch not in '"\\')
    return (cleaned or "document").encode("utf-8")
