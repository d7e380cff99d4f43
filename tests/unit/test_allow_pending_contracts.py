"""Sending while the collection agreement is unsigned: ``allowPendingContracts`` goes at the top
of the case body only when chosen, and makes it a different request (a new idempotency key, so
an earlier refusal stored against the old key is not replayed)."""

from __future__ import annotations

from datetime import date
from decimal import Decimal

from mapping import ReviewRow
from mapping.case_payload import case_payload, payload_fingerprint
from mapping.debtor import Debtor
from workflow.decision import SEND, decide

ROW = ReviewRow(
    "1042", "ACME01", "Overdue", date(2026, 9, 1), date(2026, 10, 1), "GBP",
    Decimal("1200.00"), Decimal("805.00"), 51,
    Debtor("Company", "Acme Ltd", address="1 High St", postcode="LS1 4AB", city="Leeds",
           country="GB"),
    (),
)  # fmt: skip


def test_the_flag_is_sent_only_when_chosen_and_at_the_top_of_the_body():
    assert "allowPendingContracts" not in case_payload(ROW)
    assert case_payload(ROW, allow_pending_contracts=True)["allowPendingContracts"] is True


def test_sending_anyway_is_a_different_request_from_the_one_refused():
    plain = decide(ROW, None, test_mode=False, tag="")
    anyway = decide(ROW, None, test_mode=False, tag="", allow_pending_contracts=True)
    assert plain.action == anyway.action == SEND
    assert anyway.payload["allowPendingContracts"] is True
    assert anyway.fingerprint != plain.fingerprint == payload_fingerprint(case_payload(ROW))
