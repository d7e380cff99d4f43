"""One short answer per invoice to "can I send this?", for the grid's decision column.

"Ready", "Ready · check: no email", "Blocked: not yet due", or for an invoice Debitura
already has, "Sent: case DEB-1042". The short words are the problem labels of
``mapping.problems``; the full advice stays in each problem's message.
"""

from __future__ import annotations

from typing import TYPE_CHECKING

from mapping.debtor_type import COMPANY
from mapping.problems import ALREADY_SUBMITTED, INFERRED_TYPE, LABELS, NEEDS_DOCUMENTS

if TYPE_CHECKING:
    from mapping.rows import ReviewRow

READY = "Ready"
_MOST_REASONS = 2  # the column stays narrow; the explain panel lists every problem
# Warnings nobody can act on in this app: Debitura asks for the invoice file after the case
# is created. They stay in "What to do" and the explain panel, not in the one-glance column.
_NOTHING_TO_CHECK = frozenset({NEEDS_DOCUMENTS})


def readiness(row: ReviewRow) -> str:
    """Ready, ready with something to check, blocked and why, or already sent.

    >>> from datetime import date
    >>> from kashflow.models import Invoice
    >>> from mapping.debtor import map_debtor
    >>> from mapping.policy import Policy
    >>> from mapping.rows import build_row
    >>> row = build_row(
    ...     Invoice.from_api({"Number": 1, "DueAmount": "805", "IssuedDate": "2026-11-01",
    ...     "DueDate": "2026-12-01"}), map_debtor(None, fallback_name="Acme Ltd"),
    ...     Policy(date(2026, 11, 21)))
    >>> readiness(row)
    'Blocked: not yet due, customer not fetched +3 more'
    """
    if row.already_submitted:
        return f"Sent: case {row.case_reference}" if row.case_reference else "Sent"
    errors = [_label(p.code) for p in row.problems if p.is_error and p.code != ALREADY_SUBMITTED]
    if errors:
        return "Blocked: " + _some(errors)
    warnings = [
        _label(p.code)
        for p in row.problems
        if not p.is_error and p.code not in _NOTHING_TO_CHECK and not _well_founded(p.code, row)
    ]
    if warnings:
        return f"{READY} · check: " + _some(warnings)
    return READY


def _well_founded(code: str, row: ReviewRow) -> bool:
    # A company is only ever guessed from evidence (a VAT number, "Ltd" in the name); a private
    # debtor is the guess when there is none, and that is the one worth a look at a glance.
    # The warning itself stays in "What to do" and the explain panel.
    return code == INFERRED_TYPE and row.debtor.type == COMPANY


def _some(labels: list[str]) -> str:
    unique = list(dict.fromkeys(labels))
    more = len(unique) - _MOST_REASONS
    return ", ".join(unique[:_MOST_REASONS]) + (f" +{more} more" if more > 0 else "")


def blocking_words(rows: list[ReviewRow]) -> str:
    """What blocks some of ``rows``, each reason once with how many it blocks, most first.

    >>> blocking_words([])
    ''
    """
    counts: dict[str, int] = {}
    for row in rows:
        if row.already_submitted:
            continue
        for label in dict.fromkeys(
            _label(p.code) for p in row.problems if p.is_error and p.code != ALREADY_SUBMITTED
        ):
            counts[label] = counts.get(label, 0) + 1
    ordered = sorted(counts.items(), key=lambda item: -item[1])
    return ", ".join(f"{label} ({count})" for label, count in ordered)


def _label(code: str) -> str:
    return LABELS.get(code, code.replace("_", " "))
