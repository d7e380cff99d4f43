"""The Debitura sandbox's case files: ``POST /cases/{id}/files`` (multipart) and
``GET /cases/{id}/files``.

Like the real API: the parts are ``File`` (required), ``DocumentType`` (OriginalInvoice by
default) and ``Description``; a file over 25 MB is a 413, a type the API does not take (or a
``.pdf`` that is not a PDF) a 415, and there is no idempotency: the same file uploaded twice is
stored twice, which is what the tests count. The multipart body is read with the standard
library's ``email`` parser. Fault knobs, read from the server's ``DebituraFaults``:
``fail_next_uploads`` (answer 500 before storing) and ``drop_after_file_every`` (store, then
close the connection unanswered).
"""

from __future__ import annotations

import threading
import uuid
from email.parser import BytesParser
from email.policy import HTTP
from typing import TYPE_CHECKING, Any

from sandbox import faults as fault_actions
from sandbox.http import HTTPError, Request, Response

if TYPE_CHECKING:
    from sandbox.debitura_server import DebituraSandbox

MAX_FILE_BYTES = 25 * 1024 * 1024
# The whole request may be a little larger than the file (the other parts, the boundaries).
MAX_UPLOAD_BODY_BYTES = MAX_FILE_BYTES + 1024 * 1024
ALLOWED_ENDINGS = frozenset(
    {".pdf", ".xls", ".xlsx", ".csv", ".txt", ".jpg", ".jpeg", ".png", ".gif"}
)
DOCUMENT_TYPES = (
    "OriginalInvoice",
    "DebtorDocuments",
    "CreditorDocuments",
    "PartnerDocuments",
    "DemandLetter",
    "Miscellaneous",
)


class FileRoutes:
    """The routes and the stored files (metadata and size), per case id; installs itself on
    ``server``."""

    def __init__(self, server: DebituraSandbox) -> None:
        self._server = server
        self._lock = threading.Lock()
        self._files: dict[str, list[dict[str, Any]]] = {}
        server.route("GET", "/cases/{id}/files", self._list)
        server.route("POST", "/cases/{id}/files", self._upload)

    def files(self, case_id: str) -> list[dict[str, Any]]:
        """The files stored on a case, oldest first, as ``GET`` shows them (for tests)."""
        with self._lock:
            return [dict(entry) for entry in self._files.get(case_id.strip().lower(), ())]

    def clear(self) -> None:
        with self._lock:
            self._files.clear()

    def _list(self, request: Request, owner: str) -> Response:
        case = self._server._owned(owner, request.params["id"])
        return Response.json(self.files(case.id))

    def _upload(self, request: Request, owner: str) -> Response | None:
        server, faults = self._server, self._server.faults
        server.stats.incr("file_uploads")
        case = server._owned(owner, request.params["id"])
        failures = faults.fail_next_uploads
        if failures and faults.tick("fail_next_uploads") <= failures:
            server.stats.incr("fault.upload_failed")
            return server.fault_response(fault_actions.SERVER_ERROR)
        parts = _form_parts(request)
        content, filename = parts.get("File", (None, ""))
        if content is None or not filename:
            message = "The File part (with a file name) is required."
            raise HTTPError(400, "ValidationFailed", message)
        if len(content) > MAX_FILE_BYTES:
            raise HTTPError(413, "FileTooLarge", "The file is larger than 25 MB.")
        ending = "." + filename.rsplit(".", 1)[-1].lower() if "." in filename else ""
        if ending not in ALLOWED_ENDINGS or (ending == ".pdf" and not content.startswith(b"%PDF-")):
            raise HTTPError(415, "UnsupportedFileType", f"Files like {filename} are not accepted.")
        document_type = _text(parts.get("DocumentType")) or "OriginalInvoice"
        if document_type not in DOCUMENT_TYPES:
            message = f"DocumentType must be one of {', '.join(DOCUMENT_TYPES)}."
            raise HTTPError(400, "ValidationFailed", message)
        now = server.config.clock().isoformat(timespec="milliseconds").replace("+00:00", "Z")
        file_id = str(uuid.uuid4())
        entry = {
            "id": file_id,
            "dateCreated": now,
            "dateUpdated": now,
            "caseId": case.id,
            "entityType": "Case",
            "entityId": case.id,
            "fileName": filename,
            "url": f"{server.root_url}/files/{file_id}",
            "description": _text(parts.get("Description")) or None,
            "documentType": document_type,
        }
        with self._lock:
            self._files.setdefault(case.id, []).append(entry)
        server.stats.incr("files_stored")
        every = faults.drop_after_file_every
        if every and faults.tick("stored_files") % every == 0:
            server.stats.incr("fault.drop_after_file")
            return None  # the file is stored; the connection closes unanswered
        return Response.json(entry)


def _form_parts(request: Request) -> dict[str, tuple[bytes, str]]:
    """``{part name: (content, file name)}`` of a ``multipart/form-data`` body."""
    content_type = request.headers.get("Content-Type", "")
    if not content_type.lower().startswith("multipart/form-data"):
        raise HTTPError(415, "UnsupportedMediaType", "Send multipart/form-data.")
    head = f"Content-Type: {content_type}\r\n\r\n".encode("latin-1", "replace")
    message = BytesParser(policy=HTTP).parsebytes(head + request.body)
    if not message.is_multipart():
        raise HTTPError(400, "InvalidRequest", "The multipart body could not be read.")
    parts: dict[str, tuple[bytes, str]] = {}
    for part in message.iter_parts():
        name = part.get_param("name", header="content-disposition")
        if isinstance(name, str) and name not in parts:
            parts[name] = (part.get_payload(decode=True) or b"", part.get_filename() or "")
    return parts


def _text(part: tuple[bytes, str] | None) -> str:
    return part[0].decode("utf-8", "replace").strip() if part else ""
