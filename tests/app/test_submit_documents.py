"""The Submit page and the invoice PDFs, in AppTest against the demo sandboxes: said before
sending which cases go complete, attached once each, and every missing PDF named after."""

from __future__ import annotations

from tests.app.conftest import table_with
from tests.app.test_review_page import open_review, state
from tests.app.test_submit_and_cases_pages import create_cases, to_submit


def test_the_page_says_which_pdfs_will_be_attached_and_the_result_names_the_missing(
    app, fresh_demo_sandboxes
):
    kashflow, debitura = fresh_demo_sandboxes.kashflow, fresh_demo_sandboxes.debitura
    open_review(app)
    no_pdf = kashflow.documents.without_document
    candidates = [
        row
        for row in state(app).rows
        if row.eligible and "below_minimum" not in {p.code for p in row.problems}
    ]
    missing = next(row for row in candidates if row.invoice_number in no_pdf)
    with_pdf = [
        row
        for row in candidates
        if row.invoice_number not in no_pdf | {kashflow.documents.html_document}
    ][:2]
    to_submit(app, [missing, *with_pdf])

    assert any("Invoice PDFs: **2 of 3** will be attached" in m.value for m in app.markdown)

    create_cases(app, 3)
    assert not app.exception
    outcomes = table_with(app, "Result").set_index("Invoice")
    assert outcomes.loc[missing.invoice_number, "Invoice PDF"] == "none in KashFlow"
    for row in with_pdf:
        assert outcomes.loc[row.invoice_number, "Invoice PDF"] == "attached"
        case = debitura.case_by_reference(row.invoice_number)
        assert [f["documentType"] for f in debitura.files.files(case["id"])] == ["OriginalInvoice"]
    said = f"KashFlow gave no PDF for {missing.invoice_number}: Debitura will ask for the invoice"
    assert any(said in m.value for m in app.markdown)
    assert any("without the invoice PDF" in w.value for w in app.warning)
