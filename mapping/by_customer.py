"""The receivables view: one line per debtor and currency, as a credit controller reads a
ledger (who owes what, how late, and what stops us sending it).

Invoices already sent to Debitura are counted apart and left out of the amounts, as in the
totals per currency. Amounts are exact ``Decimal`` sums, never across currencies.
"""

from __future__ import annotations

from collections.abc import Iterable
from dataclasses import dataclass
from decimal import Decimal
from typing import TYPE_CHECKING

from mapping.readiness import blocking_words
from mapping.summary import outstanding_total

if TYPE_CHECKING:
    from mapping.rows import ReviewRow


@dataclass(frozen=True, slots=True)
class CustomerLine:
    """One debtor's open invoices in one currency."""

    customer_code: str
    debtor_name: str
    currency: str
    invoices: int
    outstanding: Decimal
    overdue: Decimal
    oldest_days_overdue: int
    ready: int  # invoices that can be sent now
    blocked_by: str  # what blocks the others, e.g. "no city (2), not yet due (1)"
    sent: int
    invoice_numbers: tuple[str, ...]  # the invoices still to send (not the sent ones)

    @property
    def key(self) -> str:
        """Identifies the line among the others (a customer may owe in two currencies)."""
        return f"{self.customer_code}\t{self.currency}"


def customer_lines(rows: Iterable[ReviewRow]) -> list[CustomerLine]:
    """Lines by outstanding amount, largest first within each currency (alphabetical).

    >>> from datetime import date
    >>> from kashflow.models import Invoice
    >>> from mapping.debtor import map_debtor
    >>> from mapping.policy import Policy
    >>> from mapping.rows import build_row
    >>> policy = Policy(date(2026, 11, 21))
    >>> rows = [build_row(Invoice.from_api({"Number": n, "CustomerCode": "ACME",
    ...     "DueAmount": amount, "DueDate": due}), map_debtor(None, fallback_name="Acme Ltd"),
    ...     policy) for n, amount, due in [(1, "10.00", "2026-10-01"), (2, "5.50", "2026-12-01")]]
    >>> line = customer_lines(rows)[0]
    >>> line.invoices, line.outstanding, line.overdue, line.oldest_days_overdue
    (2, Decimal('15.50'), Decimal('10.00'), 51)
    """
    grouped: dict[tuple[str, str], list[ReviewRow]] = {}
    for row in rows:
        grouped.setdefault((row.customer_code, row.currency), []).append(row)
    lines = [_line(code, currency, group) for (code, currency), group in grouped.items()]
    return sorted(lines, key=lambda line: (line.currency, -line.outstanding, line.customer_code))


def _line(customer_code: str, currency: str, rows: list[ReviewRow]) -> CustomerLine:
    open_rows = [row for row in rows if not row.already_submitted]
    return CustomerLine(
        customer_code=customer_code,
        debtor_name=rows[0].debtor.name,
        currency=currency,
        invoices=len(open_rows),
        outstanding=outstanding_total(open_rows),
        overdue=outstanding_total([row for row in open_rows if row.days_overdue > 0]),
        oldest_days_overdue=max((row.days_overdue for row in open_rows), default=0),
        ready=sum(row.eligible for row in open_rows),
        blocked_by=blocking_words(open_rows),
        sent=len(rows) - len(open_rows),
        invoice_numbers=tuple(row.invoice_number for row in open_rows),
    )
