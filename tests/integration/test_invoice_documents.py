"""The invoice PDF attached exactly once, against both sandboxes with faults on."""

from __future__ import annotations

from debitura import NO_RETRIES
from sandbox.debitura_server import DebituraFaults
from store import open_database
from store.documents import ATTACHED, FAILED, MISSING, UPLOADING, CaseDocuments
from tests.integration.submit_support import World
from workflow.documents import DocumentSource, document_filename, document_steps
from workflow.submit import ALREADY_SENT, CREATED, RECONCILED


def documents(world: World) -> CaseDocuments:
    return CaseDocuments(open_database(world.data_dir))


def submit(world: World, rows, **options):
    source = DocumentSource(world.kashflow_client, documents(world))
    return world.submit(rows, documents=source, **options)


def originals(world: World, case_id: str) -> list[dict]:
    files = world.debitura.files.files(case_id)
    return [f for f in files if f["documentType"] == "OriginalInvoice"]


def with_pdf(world: World, rows) -> list:
    """The rows whose invoice has a PDF in the KashFlow sandbox."""
    kashflow_documents = world.kashflow.documents
    no_pdf = kashflow_documents.without_document | {kashflow_documents.html_document}
    return [row for row in rows if row.invoice_number not in no_pdf]


def uploads(world: World) -> int:
    return world.debitura.stats_snapshot()["counters"].get("file_uploads", 0)


def test_every_eligible_case_ends_with_exactly_one_original_invoice_despite_faults(start_world):
    faults = DebituraFaults(drop_after_store_every=3, drop_after_file_every=2, fail_next_uploads=2)
    world = start_world(faults, retry=NO_RETRIES)
    rows = world.eligible_rows()
    assert len(with_pdf(world, rows)) >= 5 and len(with_pdf(world, rows)) < len(rows)

    for _ in range(4):  # runs until every case and document is settled
        submit(world, rows)
    world.debitura.faults.reset()
    final = submit(world, rows)

    assert {o.status for o in final.outcomes} == {ALREADY_SENT}
    for row in rows:
        case = world.debitura.case_by_reference(row.invoice_number)
        expected = 1 if row in with_pdf(world, rows) else 0
        assert len(originals(world, case["id"])) == expected, row.invoice_number
        stored = originals(world, case["id"])
        if stored:
            assert stored[0]["fileName"] == document_filename(row.invoice_number)
    assert world.debitura.stats_snapshot()["counters"]["fault.drop_after_file"] > 0


def test_a_lost_upload_answer_is_settled_by_reading_the_files_not_by_uploading_again(start_world):
    world = start_world(DebituraFaults(drop_after_file_every=1))
    rows = with_pdf(world, world.eligible_rows())[:3]

    report = submit(world, rows)

    assert [o.status for o in report.outcomes] == [CREATED] * 3
    for outcome in report.outcomes:
        assert outcome.document.state == ATTACHED
        assert "confirmed at Debitura" in outcome.document.note
        assert len(originals(world, outcome.case_id)) == 1
    assert uploads(world) == 3  # one each: the GET settled what the lost answers hid


def test_a_crash_after_the_upload_left_is_settled_on_the_next_run_without_a_second_file(world):
    rows = with_pdf(world, world.eligible_rows())[:2]
    submit_without_documents = world.submit(rows)
    case_ids = {o.invoice_number: o.case_id for o in submit_without_documents.outcomes}
    store = documents(world)
    source = DocumentSource(world.kashflow_client, store)
    crashed, never_sent = rows
    # The first run stops right after its upload left (the answer never recorded) ...
    steps = document_steps(
        crashed.invoice_number,
        case_ids[crashed.invoice_number],
        source=source,
        client=world.target.client,
        account=world.account,
        target=world.target.key,
    )
    call = next(steps)
    while getattr(call, "func", None) != world.target.client.upload_case_file:
        call = steps.send(call())
    call()  # the file is stored at Debitura ...
    steps.close()  # ... and the process dies before hearing about it
    # ... the second one before its upload left.
    prepared = store.prepare(
        account=world.account,
        target=world.target.key,
        invoice_number=never_sent.invoice_number,
        case_id=case_ids[never_sent.invoice_number],
        filename=document_filename(never_sent.invoice_number),
    )
    store.begin_upload(prepared)
    states = {doc.invoice_number: doc.state for doc in store.list(world.account, world.target.key)}
    assert states == {crashed.invoice_number: UPLOADING, never_sent.invoice_number: UPLOADING}

    report = submit(world, [])  # a click on Submit with nothing new: the sweep settles both

    notes = {d.invoice_number: d for d in report.earlier_documents}
    assert notes[crashed.invoice_number].state == ATTACHED
    assert "confirmed at Debitura" in notes[crashed.invoice_number].note
    assert notes[never_sent.invoice_number].state == ATTACHED
    for row in rows:
        assert len(originals(world, case_ids[row.invoice_number])) == 1
    assert uploads(world) == 2


def test_a_failed_upload_is_retried_on_the_next_run_without_a_second_case(start_world):
    world = start_world(DebituraFaults(fail_next_uploads=100))
    rows = with_pdf(world, world.eligible_rows())[:3]

    first = submit(world, rows)
    assert [o.status for o in first.outcomes] == [CREATED] * 3
    assert {o.document.state for o in first.outcomes} == {FAILED}
    assert all("uploaded on the next run" in o.message for o in first.outcomes)
    creates = world.create_calls()

    world.debitura.faults.reset()
    second = submit(world, rows)

    assert [o.status for o in second.outcomes] == [ALREADY_SENT] * 3
    assert {o.document.state for o in second.outcomes} == {ATTACHED}
    assert world.create_calls() == creates  # the cases were not touched
    for outcome in second.outcomes:
        assert len(originals(world, outcome.case_id)) == 1
    third = submit(world, rows)
    assert [o.document.note for o in third.outcomes] == ["Invoice PDF attached earlier."] * 3
    assert uploads(world) == 3 + 3  # the refused first three, then one each


def test_an_invoice_without_a_pdf_or_with_a_web_page_is_reported_per_invoice(world):
    kashflow_documents = world.kashflow.documents
    no_pdf = kashflow_documents.without_document | {kashflow_documents.html_document}
    rows = [row for row in world.eligible_rows() if row.invoice_number in no_pdf]
    assert rows, "the sandbox books have eligible invoices without a PDF"

    report = submit(world, rows)

    for outcome in report.outcomes:
        number = outcome.invoice_number
        assert outcome.status in (CREATED, RECONCILED)
        assert outcome.document.state == MISSING
        assert outcome.document.note.startswith(
            f"KashFlow gave no PDF for {number}: Debitura will ask for the invoice"
        )
        assert outcome.document.note in outcome.message
        if number == kashflow_documents.html_document:
            assert "web page" in outcome.document.note
        assert originals(world, outcome.case_id) == []
    assert uploads(world) == 0


def test_the_kashflow_sandbox_serves_a_real_deterministic_pdf_behind_each_permalink(world):
    number = with_pdf(world, world.eligible_rows())[0].invoice_number
    invoice = world.kashflow_client.get_invoice(number)

    content = world.kashflow_client.invoice_document(invoice.detail.permalink)

    assert content.startswith(b"%PDF-") and content.rstrip().endswith(b"%%EOF")
    assert f"/Title (Invoice {number})".encode() in content  # drawn for this invoice
    assert content == world.kashflow.documents.pdf(number)  # the same bytes every time


def test_the_debitura_sandbox_refuses_files_too_large_or_not_what_they_say(world):
    import requests

    from debitura.upload import multipart_body
    from sandbox.debitura_server import SANDBOX_API_KEY

    case_id = world.submit(world.eligible_rows()[:1]).outcomes[0].case_id
    url = f"{world.debitura.url}/cases/{case_id}/files"

    def post(content: bytes, filename: str) -> int:
        body, content_type = multipart_body(content, filename, document_type="OriginalInvoice")
        headers = {"XApiKey": SANDBOX_API_KEY, "Content-Type": content_type}
        return requests.post(url, data=body, headers=headers, timeout=30).status_code

    assert post(b"%PDF-" + b"0" * (25 * 1024 * 1024), "big.pdf") == 413
    assert post(b"<html>not a pdf</html>", "invoice.pdf") == 415
    assert post(b"MZ\x90\x00", "invoice.exe") == 415
    assert post(b"%PDF-1.4 tiny", "invoice.pdf") == 200
    assert len(originals(world, case_id)) == 1
