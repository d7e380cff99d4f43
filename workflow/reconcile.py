"""Is a case found at Debitura under an invoice's creditor reference really that invoice's case?

A creditor reference is unique per Debitura account, not per KashFlow company: two companies
on one API key both have an invoice 1121, and Debitura matches ``INV-7`` and ``inv-7`` alike.
So a case found by reference is adopted only when it carries this invoice's own details:
the same reference exactly, debtor name, amount, currency, invoice date, due date and test
flag, compared after the normalisation the request body uses.
"""

from __future__ import annotations

from collections.abc import Mapping
from datetime import date
from decimal import Decimal
from typing import Any

from debitura import Case

# The ledger's error kind for a case found under our reference that is not this invoice's.
REFERENCE_COLLISION_KIND = "ReferenceCollision"


def case_differences(
    case: Case, body: Mapping[str, Any], *, sent_earlier: bool = False
) -> list[str]:
    """How ``case`` differs from the ``POST /cases`` body this invoice sends, in words;
    empty when the case is this invoice's.

    ``sent_earlier``: the case is looked for after this app's own send that was never
    confirmed. The invoice may have been part-paid or moved since, so its amount and due date
    are not held against the case; the reference, debtor, currency and invoice date still are.

    >>> from debitura.models import Debtor
    >>> body = {"creditorReference": "1121", "currencyCode": "GBP",
    ...         "amountToRecover": Decimal("144.00"), "date": "2026-09-01T00:00:00Z",
    ...         "dueDate": "2026-10-01T00:00:00Z", "debtor": {"name": "Acme Ltd"}}
    >>> same = Case("c1", "DEB1", "1121", currency="GBP", amount=Decimal("144"),
    ...     date=date(2026, 9, 1), due_date=date(2026, 10, 1), debtor=Debtor(name="ACME  Ltd"))
    >>> case_differences(same, body)
    []
    >>> other = Case("c2", "DEB2", "1121", currency="GBP", amount=Decimal("5760"),
    ...     date=date(2026, 9, 1), due_date=date(2026, 10, 1), debtor=Debtor(name="Bolt plc"))
    >>> case_differences(other, body)
    ['debtor Bolt plc (this invoice: Acme Ltd)', 'amount 5760 (this invoice: 144.00)']
    """
    debtor = body.get("debtor") or {}
    checks = [
        ("creditor reference", case.creditor_reference, body.get("creditorReference"), _exact),
        ("debtor", case.debtor.name, debtor.get("name"), _same_words),
        ("currency", case.currency, body.get("currencyCode"), _exact),
        ("invoice date", case.date, _day(body.get("date")), _exact),
    ]
    if not sent_earlier:
        checks += [
            ("amount", case.amount, body.get("amountToRecover"), _same_amount),
            ("due date", case.due_date, _day(body.get("dueDate")), _exact),
        ]
    differences = [
        f"{what} {_shown(found)} (this invoice: {_shown(expected)})"
        for what, found, expected, same in checks
        if not same(found, expected)
    ]
    if case.is_test != bool(body.get("isTest")):
        differences.append("a test case" if case.is_test else "a real (not test) case")
    return differences


def _exact(found: Any, expected: Any) -> bool:
    return found == expected


def _same_words(found: str, expected: str | None) -> bool:
    """Names: the same words, whatever the letter case and spacing."""
    return (
        bool(found)
        and " ".join(found.split()).casefold() == " ".join((expected or "").split()).casefold()
    )


def _same_amount(found: Decimal | None, expected: Decimal | None) -> bool:
    return found is not None and expected is not None and found == expected


def _day(value: Any) -> date | None:
    if not isinstance(value, str) or len(value) < 10:
        return None
    try:
        return date.fromisoformat(value[:10])
    except ValueError:
        return None


def _shown(value: Any) -> str:
    if value in (None, ""):
        return "none"
    return value.isoformat() if isinstance(value, date) else str(value)
