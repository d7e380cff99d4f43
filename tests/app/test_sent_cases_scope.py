"""Sent cases shows the connected company's cases; every company's only when asked, and only
this company's invoices are offered for a retry."""

from __future__ import annotations

import os
from pathlib import Path

from store import SubmissionLedger, open_database
from tests.app.conftest import connect_demo, table_with
from workflow.debitura_target import SANDBOX_KEY

OTHER_ACCOUNT = "https://kashflow.example/v2|Other Company Ltd"


def record_other_companys_submissions() -> None:
    """Invoice 90001 sent and 90002 refused, both from another KashFlow company."""
    ledger = SubmissionLedger(open_database(Path(os.environ["APP_DATA_DIR"])))
    for number in ("90001", "90002"):
        submission = ledger.begin(
            account=OTHER_ACCOUNT,
            target=SANDBOX_KEY,
            invoice_number=number,
            creditor_reference=number,
            payload_fingerprint="fp",
        )
        if number == "90001":
            ledger.mark_created(submission, case_id="c", case_reference="OTHER01", lifecycle="")
        else:
            ledger.mark_failed(submission, error_kind="ValidationFailed", error_message="No.")


def test_only_the_connected_companys_cases_are_shown_until_all_are_asked_for(app):
    connect_demo(app)
    record_other_companys_submissions()
    app.switch_page("pages/cases.py").run()
    assert not app.exception
    assert any("No cases have been sent from this connection" in i.value for i in app.info)

    app.toggle(key="sent_cases_all_connections").set_value(True).run()
    shown = table_with(app, "Invoice")
    assert set(shown["Invoice"]) == {"90001", "90002"}
    # Not this company's invoices: nothing to send again.
    assert not [m for m in app.multiselect if m.label == "Invoices to send again"]
