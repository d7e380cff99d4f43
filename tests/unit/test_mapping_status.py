"""Status normalisation: which invoices are imported, excluded, or reported as unknown."""

from __future__ import annotations

from datetime import date

import pytest

from kashflow.models import Invoice
from mapping import Policy, canonical_status, is_open_status, map_invoices

POLICY = Policy(as_of=date(2026, 11, 21))


@pytest.mark.parametrize(
    ("raw", "canonical"),
    [
        ("Unpaid", "Unpaid"),
        ("unpaid", "Unpaid"),
        ("UNPAID", "Unpaid"),
        (" Overdue ", "Overdue"),
        ("Overdue - Part Paid", "OverduePartPaid"),
        ("overdue_part_paid", "OverduePartPaid"),
        ("OverduePartPaid", "OverduePartPaid"),
        ("Part Paid", "PartPaid"),
        ("part_paid", "PartPaid"),
        ("part-paid", "PartPaid"),
        ("PartPaid", "PartPaid"),
        ("Paid", "Paid"),
        ("Over Paid", "Overpaid"),
        ("NA", "NA"),
        ("N/A", "NA"),
        ("Draft", "Draft"),
        ("Credited", "Credited"),
        ("void", "Void"),
        ("Pending", ""),
        ("", ""),
    ],
)
def test_canonical_status_ignores_case_spaces_hyphens_and_underscores(raw, canonical):
    assert canonical_status(raw) == canonical


@pytest.mark.parametrize(
    ("status", "is_open"),
    [
        ("Unpaid", True),
        ("Overdue", True),
        ("OverduePartPaid", True),
        ("PartPaid", True),
        ("Paid", False),
        ("Overpaid", False),
        ("NA", False),
        ("Draft", False),
        ("Credited", False),
        ("Void", False),
        ("", False),
    ],
)
def test_only_statuses_with_money_still_owed_are_open(status, is_open):
    assert is_open_status(status) is is_open


def test_map_invoices_counts_every_invoice_it_does_not_import():
    statuses = ["Unpaid", "Paid", "paid", "Overpaid", "Draft", "Credited", "Void", "NA",
                "Pending", "pending", "Disputed", "", "Overdue - Part Paid"]  # fmt: skip
    invoices = [Invoice.from_api({"Number": n, "Status": s}) for n, s in enumerate(statuses, 1)]
    invoices.append(Invoice.from_api({"Status": "Unpaid"}))  # no number

    result = map_invoices(invoices, {}, POLICY)

    assert [row.status for row in result.rows] == ["Unpaid", "OverduePartPaid"]
    assert result.excluded == {
        "Paid": 2, "Overpaid": 1, "Draft": 1, "Credited": 1, "Void": 1, "NA": 1,
    }  # fmt: skip
    # Unknown statuses keep their raw spelling, so the page can show what KashFlow sent.
    assert result.unknown_statuses == {"Pending": 1, "pending": 1, "Disputed": 1, "": 1}
    assert result.skipped_without_number == 1
    accounted = (
        len(result.rows)
        + sum(result.excluded.values())
        + sum(result.unknown_statuses.values())
        + result.skipped_without_number
        + result.duplicates
    )
    assert accounted == len(invoices)
