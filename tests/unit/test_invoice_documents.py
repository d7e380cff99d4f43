"""The invoice PDF at both ends: read from KashFlow's permalink, uploaded to Debitura's case."""

from __future__ import annotations

from email.parser import BytesParser
from email.policy import HTTP

import pytest
import responses

from debitura import DebituraClient, DebituraUnavailable, RequestRejected, RetryPolicy
from kashflow import KashFlowError, NoInvoiceDocument
from tests.unit.kashflow_fakes import BASE, add_login, calls_to, make_client

PDF = b"%PDF-1.4\n1 0 obj << /Type /Catalog >> endobj\n%%EOF\n"
GUID = "3a22b041-8d45-496a-946d-bd2252a0d28c"
DOCUMENT = f"{BASE}/documents/invoice/{GUID}"
DEBITURA = "https://debitura.test"
CASE_ID = "6f1c2b9e-3a4d-4e5f-8a7b-1c2d3e4f5a6b"
FAST = RetryPolicy(attempts=4, initial_wait=0.001, max_wait=0.002, max_retry_after=60)


@pytest.mark.parametrize(
    "permalink",
    [
        f"/v2/documents/invoice/{GUID}",  # as KashFlow's own example writes it
        f"v2/documents/invoice/{GUID}",  # the packing-slip example: no leading slash
        f"documents/invoice/{GUID}",
    ],
)
@responses.activate
def test_each_spelling_of_the_permalink_reads_the_one_document_under_v2(permalink):
    add_login(responses.mock)
    responses.add(responses.GET, DOCUMENT, body=PDF, content_type="application/pdf")

    assert make_client().invoice_document(permalink) == PDF
    (call,) = calls_to(responses.mock, "GET", "/documents/")
    assert call.request.url == DOCUMENT  # never .../v2/v2/...
    assert call.request.headers["Authorization"] == "KfToken token-1"
    assert call.request.headers["Accept"] == "application/pdf"


@pytest.mark.parametrize(
    "permalink",
    ["", "https://evil.example/v2/documents/invoice/x", "/v2/documents/../sessiontoken", "/v2/x"],
)
@responses.activate
def test_a_permalink_outside_kashflows_documents_is_never_opened(permalink):
    add_login(responses.mock)
    with pytest.raises(NoInvoiceDocument):
        make_client().invoice_document(permalink)
    assert calls_to(responses.mock, "GET", ".") == []


@pytest.mark.parametrize(
    ("body", "content_type", "said"),
    [
        (b"<html><body>Sign in</body></html>", "text/html; charset=utf-8", "web page"),
        (b"", "application/pdf", "empty"),
        (b"PK\x03\x04 a zip file", "application/pdf", "does not start like a PDF"),
        (b'{"Error": "x"}', "application/json", "not a PDF"),
    ],
)
@responses.activate
def test_anything_but_a_pdf_is_no_invoice_document_in_words(body, content_type, said):
    add_login(responses.mock)
    responses.add(responses.GET, DOCUMENT, body=body, content_type=content_type)

    with pytest.raises(NoInvoiceDocument) as raised:
        make_client().invoice_document(f"/v2/documents/invoice/{GUID}")
    assert said in str(raised.value)
    assert len(calls_to(responses.mock, "GET", "/documents/")) == 1  # the same again is useless


@responses.activate
def test_a_pdf_sent_as_a_generic_download_is_accepted_by_its_magic_bytes():
    add_login(responses.mock)
    responses.add(responses.GET, DOCUMENT, body=PDF, content_type="application/octet-stream")
    assert make_client().invoice_document(f"/v2/documents/invoice/{GUID}") == PDF


@responses.activate
def test_a_redirect_from_the_permalink_is_not_followed():
    add_login(responses.mock)
    elsewhere = "https://files.elsewhere.example/invoice.pdf"
    responses.add(responses.GET, DOCUMENT, status=302, headers={"Location": elsewhere})
    responses.add(responses.GET, elsewhere, body=PDF, content_type="application/pdf")

    with pytest.raises(KashFlowError) as raised:
        make_client().invoice_document(f"/v2/documents/invoice/{GUID}")
    assert "redirect" in str(raised.value)
    assert calls_to(responses.mock, "GET", "elsewhere") == []


@responses.activate
def test_a_permalink_kashflow_no_longer_serves_is_no_invoice_document():
    add_login(responses.mock)
    responses.add(responses.GET, DOCUMENT, status=404, json={"Error": "NotFound", "Message": "x"})
    with pytest.raises(NoInvoiceDocument):
        make_client().invoice_document(f"/v2/documents/invoice/{GUID}")


# --- Debitura: POST /cases/{id}/files --------------------------------------------------------


def debitura() -> DebituraClient:
    return DebituraClient("key-SECRET", base_url=DEBITURA, retry=FAST, sleep=lambda s: None)


def form_parts(request) -> dict[str, tuple[bytes, str, str]]:
    head = f"Content-Type: {request.headers['Content-Type']}\r\n\r\n".encode()
    message = BytesParser(policy=HTTP).parsebytes(head + request.body)
    return {
        part.get_param("name", header="content-disposition"): (
            part.get_payload(decode=True),
            part.get_filename() or "",
            part.get_content_type(),
        )
        for part in message.iter_parts()
    }


@responses.activate
def test_the_upload_is_one_multipart_request_with_the_file_and_its_document_type():
    url = f"{DEBITURA}/cases/{CASE_ID}/files"
    stored = {"id": "f-1", "fileName": "invoice-1142.pdf", "documentType": "OriginalInvoice"}
    responses.add(responses.POST, url, json=stored)

    case_file = debitura().upload_case_file(CASE_ID, PDF, "invoice-1142.pdf")

    assert (case_file.id, case_file.file_name, case_file.document_type) == (
        "f-1",
        "invoice-1142.pdf",
        "OriginalInvoice",
    )
    (call,) = responses.calls
    assert call.request.headers["Content-Type"].startswith("multipart/form-data; boundary=")
    assert call.request.headers["XApiKey"] == "key-SECRET"
    parts = form_parts(call.request)
    assert parts["File"] == (PDF, "invoice-1142.pdf", "application/pdf")
    assert parts["DocumentType"][0] == b"OriginalInvoice"


@responses.activate
def test_an_upload_without_an_answer_is_never_resent_and_says_the_outcome_is_unknown():
    url = f"{DEBITURA}/cases/{CASE_ID}/files"
    responses.add(responses.POST, url, status=503, json={"message": "busy"})

    with pytest.raises(DebituraUnavailable) as raised:
        debitura().upload_case_file(CASE_ID, PDF, "invoice-1142.pdf")
    assert raised.value.outcome_unknown
    assert "check the case's files" in str(raised.value)
    assert len(responses.calls) == 1  # no idempotency key: a retry could store it twice


@responses.activate
def test_a_file_over_25_mb_is_refused_before_anything_is_sent():
    with pytest.raises(RequestRejected, match="up to 25 MB"):
        debitura().upload_case_file(CASE_ID, b"%PDF-" + b"0" * (25 * 1024 * 1024), "big.pdf")
    assert len(responses.calls) == 0


@responses.activate
def test_the_case_files_are_read_back_with_their_names_and_types():
    url = f"{DEBITURA}/cases/{CASE_ID}/files"
    rows = [{"id": "f-1", "fileName": "invoice-1142.pdf", "documentType": "OriginalInvoice"}]
    responses.add(responses.GET, url, json=rows)
    (case_file,) = debitura().case_files(CASE_ID)
    assert (case_file.id, case_file.file_name) == ("f-1", "invoice-1142.pdf")
