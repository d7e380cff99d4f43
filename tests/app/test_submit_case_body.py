"""The Submit page shows each case's full body before sending: contact person, registration
number, what was sold and the history from KashFlow, read from each invoice's detail."""

from __future__ import annotations

from tests.app.conftest import table_with
from tests.app.test_review_page import open_review
from tests.app.test_submit_and_cases_pages import create_cases, eligible_rows, to_submit

DETAIL_ROUTE = "GET /v2/invoices/{number}"


def detail_reads(servers) -> int:
    return servers.kashflow.stats_snapshot()["routes"].get(DETAIL_ROUTE, 0)


def test_the_cases_table_shows_contact_registration_description_and_comments(
    app, fresh_demo_sandboxes
):
    open_review(app)
    rows = eligible_rows(app, 40)
    part_paid = next(row for row in rows if row.status.endswith("PartPaid"))
    company = next(row for row in rows if row.debtor.company_registration_number)
    chosen = list({row.invoice_number: row for row in (*rows[:2], part_paid, company)}.values())
    to_submit(app, chosen)
    assert not app.exception

    cases = table_with(app, "Creditor reference").set_index("Creditor reference")
    for column in ("Contact person", "Company reg. no.", "Claim description", "Comments"):
        assert column in cases.columns
    dataset = fresh_demo_sandboxes.kashflow.dataset
    for row in chosen:
        shown = cases.loc[row.invoice_number]
        record = dataset.invoice(int(row.invoice_number))
        # The detail was read when the page opened: what was sold is listed.
        assert "What was sold:" in shown["Claim description"]
        assert record.detail["LineItems"][0]["Description"] in shown["Claim description"]
        if row.debtor.type == "Company":
            contact = record.detail["CustomerContactName"] or row.debtor.contact_person
            assert shown["Contact person"] == contact
    assert cases.loc[part_paid.invoice_number, "Comments"].startswith("Paid so far (KashFlow): ")
    assert cases.loc[company.invoice_number, "Company reg. no."] == (
        company.debtor.company_registration_number
    )
    # A cell shows one line: the full texts are under the table, as plain text.
    full = [element.value for element in app.text]
    assert any(text.startswith(f"KashFlow invoice {part_paid.invoice_number}") for text in full)
    assert cases.loc[part_paid.invoice_number, "Comments"] in full


def test_the_page_reads_each_detail_once_and_the_send_once_more(app, fresh_demo_sandboxes):
    open_review(app)
    rows = eligible_rows(app, 3)
    to_submit(app, rows)
    after_open = detail_reads(fresh_demo_sandboxes)
    assert after_open == 3
    app.run()  # a rerun of the page reads nothing again
    assert detail_reads(fresh_demo_sandboxes) == after_open
    create_cases(app, 3)
    assert not app.exception
    assert detail_reads(fresh_demo_sandboxes) == after_open + 3  # the re-check, once each
    debitura = fresh_demo_sandboxes.debitura
    for row in rows:
        case = debitura.case_by_reference(row.invoice_number)
        assert "What was sold:" in case["claimDescription"]
