"""The downloads in real Chromium: beside each CSV an XLSX that opens as a workbook, with the
same rows, human headers, date cells and numeric amounts."""

from __future__ import annotations

import csv
import io
import re
from pathlib import Path

import openpyxl
from playwright.sync_api import Page, expect

from mapping.case_payload import BULK_CSV_COLUMNS
from store import SubmissionLedger, open_database
from tests.e2e.conftest import wait_for_app
from tests.e2e.test_review_and_submit_flow import COMPANY, continue_to_submit
from workflow.debitura_target import SANDBOX_KEY

OTHER_ACCOUNT = "https://kashflow.example/v2|Other Company Ltd"


def open_review(page: Page, url: str) -> None:
    page.goto(url)
    wait_for_app(page)
    page.get_by_role("button", name="Try the demo company").click()
    wait_for_app(page)
    expect(page.get_by_text(f"Connected to {COMPANY}")).to_be_visible(timeout=20_000)
    page.get_by_role("link", name="Review invoices").first.click()
    wait_for_app(page)
    expect(page.get_by_text(re.compile(r"Fetched \d+ invoices at"))).to_be_visible()


def download(page: Page, label: str, folder: Path) -> Path:
    with page.expect_download() as started:
        page.get_by_test_id("stDownloadButton").get_by_role("button", name=label).click()
    path = folder / started.value.suggested_filename
    started.value.save_as(path)
    return path


def workbook_rows(path: Path) -> tuple[list[str], list[dict]]:
    """The header and the rows (header → cell) of the workbook's one sheet."""
    sheet = openpyxl.load_workbook(path).active
    header, *rows = sheet.iter_rows()
    names = [cell.value for cell in header]
    assert sheet.freeze_panes == "A2" and sheet.auto_filter.ref
    return names, [dict(zip(names, row, strict=False)) for row in rows]


def test_review_and_submit_offer_the_rows_as_csv_and_xlsx(page: Page, start_app, tmp_path):
    server = start_app()
    page.set_viewport_size({"width": 1440, "height": 900})
    open_review(page, server.url)
    shown = int(
        re.match(r"Showing (\d+)", page.get_by_text(re.compile(r"^Showing \d+")).inner_text())[1]
    )

    as_csv = download(page, "Download shown rows (CSV)", tmp_path)
    records = list(csv.DictReader(io.StringIO(as_csv.read_text(encoding="utf-8-sig"))))
    assert as_csv.name == "open-invoices.csv" and len(records) == shown
    assert list(records[0])[:5] == ["Invoice", "Debtor", "Due date", "Days overdue", "Outstanding"]

    as_xlsx = download(page, "Download shown rows (XLSX)", tmp_path)
    header, rows = workbook_rows(as_xlsx)
    assert as_xlsx.name == "open-invoices.xlsx" and header == list(records[0])
    assert [row["Invoice"].value for row in rows] == [record["Invoice"] for record in records]
    assert all(row["Due date"].is_date for row in rows)
    assert all(row["Outstanding"].data_type == "n" for row in rows)

    page.get_by_role("button", name="Select all eligible shown").click()
    wait_for_app(page)
    continue_to_submit(page)
    to_create = page.get_by_text(re.compile(r"^\d+ cases? to create$"))
    expect(to_create).to_be_visible()
    count = int(to_create.inner_text().split()[0])
    bulk_csv = download(page, "CSV for bulk import", tmp_path)
    bulk = list(csv.DictReader(io.StringIO(bulk_csv.read_text(encoding="utf-8"))))
    header, rows = workbook_rows(download(page, "Cases as XLSX", tmp_path))
    assert header == list(BULK_CSV_COLUMNS) == list(bulk[0])
    assert len(rows) == len(bulk) == count
    assert all(row["DueDate"].is_date and row["PrincipalAmount"].data_type == "n" for row in rows)


def test_sent_cases_offer_csv_and_xlsx(page: Page, start_app, tmp_path):
    server = start_app()
    page.set_viewport_size({"width": 1440, "height": 900})
    open_review(page, server.url)
    ledger = SubmissionLedger(open_database(tmp_path / "data-0"))  # the app's data folder
    for number in ("90001", "90002"):
        submission = ledger.begin(
            account=OTHER_ACCOUNT,
            target=SANDBOX_KEY,
            invoice_number=number,
            creditor_reference=number,
            payload_fingerprint="fp",
        )
        if number == "90001":
            ledger.mark_created(submission, case_id="c", case_reference="OTHER01")
        else:
            ledger.mark_failed(submission, error_kind="ValidationFailed", error_message="No.")
    page.get_by_role("link", name="Sent cases").click()
    wait_for_app(page)
    page.get_by_text("All connections").click()
    wait_for_app(page)

    as_csv = download(page, "Download sent cases (CSV)", tmp_path)
    records = list(csv.DictReader(io.StringIO(as_csv.read_text(encoding="utf-8-sig"))))
    assert [r["Invoice"] for r in records] == ["90001", "90002"]
    assert records[0]["Sent at"].endswith(" UTC")

    header, rows = workbook_rows(download(page, "Download sent cases (XLSX)", tmp_path))
    assert header == list(records[0])
    assert [row["Invoice"].value for row in rows] == ["90001", "90002"]
    assert rows[0]["Sent at"].is_date and rows[1]["Sent at"].value is None
