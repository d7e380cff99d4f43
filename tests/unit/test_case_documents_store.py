"""The document store's states (on SQLite and PostgreSQL: the ``engine`` fixture), and what
the Submit page says before sending."""

from __future__ import annotations

from dataclasses import replace
from datetime import date

import pytest
from sqlite_utils import Database

from kashflow import Invoice
from kashflow.models import InvoiceDetail
from mapping import Policy, build_row, map_debtor
from store.database import open_database, open_store
from store.documents import (
    ATTACHED,
    FAILED,
    PENDING,
    UPLOADING,
    CaseDocuments,
    DocumentStateError,
)
from workflow.documents import document_plan

KEY = {"account": "acme", "target": "sandbox", "invoice_number": "1142"}


@pytest.fixture
def store(tmp_path, engine):
    """``store()``: the documents on a new connection to the test's database."""
    return lambda: CaseDocuments(open_store(tmp_path, database_url=engine))


def test_uploading_is_committed_before_the_file_leaves_and_survives_a_new_connection(store):
    documents = store()
    document = documents.prepare(**KEY, case_id="c-1", filename="invoice-1142.pdf")
    assert document.state == PENDING
    documents.begin_upload(document)
    # A crash now: the next process sees "the file may be at Debitura".
    again = store().get("acme", "sandbox", "1142")
    assert (again.state, again.outcome_unknown, again.attempts) == (UPLOADING, True, 1)


def test_an_attached_document_is_never_uploaded_again(store):
    documents = store()
    document = documents.begin_upload(
        documents.prepare(**KEY, case_id="c-1", filename="invoice-1142.pdf")
    )
    attached = documents.mark_attached(document, file_id="f-1")
    assert (attached.state, attached.file_id) == (ATTACHED, "f-1")
    assert documents.prepare(**KEY, case_id="c-1", filename="x.pdf").state == ATTACHED
    with pytest.raises(DocumentStateError):
        documents.begin_upload(attached)


def test_a_failed_upload_can_be_begun_again_and_keeps_its_count(store):
    documents = store()
    document = documents.begin_upload(
        documents.prepare(**KEY, case_id="c-1", filename="invoice-1142.pdf")
    )
    failed = documents.mark_failed(document, reason="Debitura refused it (HTTP 415)")
    assert (failed.state, failed.reason) == (FAILED, "Debitura refused it (HTTP 415)")
    assert documents.unfinished("acme", "sandbox") == [failed]
    assert documents.begin_upload(failed).attempts == 2


def test_the_table_carries_its_schema_version(tmp_path):
    database: Database = open_database(tmp_path)
    assert database["schema_versions"].get("case_documents")["version"] == 1


def row_with(detail: InvoiceDetail | None, *, private: bool):
    invoice = Invoice.from_api(
        {"Number": 1142, "IssuedDate": "2026-08-01", "DueDate": "2026-08-31",
         "GrossAmount": "805.00", "DueAmount": "805.00", "Status": "Overdue",
         "Currency": {"Code": "GBP"}, "CustomerName": "Ann Smith" if private else "Acme Ltd"}
    )  # fmt: skip
    row = build_row(invoice, map_debtor(None), Policy(as_of=date(2026, 11, 21)))
    return row if detail is None else replace(row, detail=detail)


def test_the_submit_page_says_pdf_attached_or_missing_from_the_permalink():
    read = InvoiceDetail(permalink="/v2/documents/invoice/abc", contact_name="Ann")
    with_pdf = document_plan(row_with(read, private=False))
    assert (with_pdf.will_attach, with_pdf.reason) == (True, "The invoice PDF will be attached.")
    without = document_plan(row_with(InvoiceDetail(contact_name="Ann"), private=False))
    assert without.will_attach is False
    assert without.reason == "KashFlow has no PDF for it: Debitura will ask for the invoice."
    unread = document_plan(row_with(None, private=False))
    assert unread.will_attach is None and "when the case is sent" in unread.reason
