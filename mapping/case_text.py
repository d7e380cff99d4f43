"""The case's free text for the collection partner: what was sold (``claimDescription``) and
what happened so far (``comments``), both from KashFlow's invoice detail.

Debitura takes at most 4,000 characters in each; a longer text is cut at a word boundary and
ends with "…". Lengths are counted as Debitura's .NET API counts them (UTF-16 code units), so
an emoji in a line item cannot push a body over the limit.
"""

from __future__ import annotations

from collections.abc import Iterable
from decimal import Decimal

from kashflow.models import InvoiceDetail, LineItem, PaymentLine, ReminderLetter
from mapping.dates import uk_date
from mapping.money import round_money

MAX_CASE_TEXT = 4000  # Debitura's limit for claimDescription and for comments
ELLIPSIS = "…"


def text_length(text: str) -> int:
    """Length in UTF-16 code units, as Debitura's validation counts it.

    >>> text_length("abc"), text_length("🪵")
    (3, 2)
    """
    return len(text.encode("utf-16-le")) // 2


def cut_text(text: str, limit: int = MAX_CASE_TEXT) -> str:
    """``text`` as is when it fits in ``limit``; otherwise cut at the last space or line break
    that leaves room for "…", and "…" added.

    >>> cut_text("Oak door and frame", 12)
    'Oak door…'
    >>> cut_text("short", 12), len(cut_text("x" * 5000))
    ('short', 4000)
    """
    if text_length(text) <= limit:
        return text
    room = limit - text_length(ELLIPSIS)
    kept = text[:room]
    while text_length(kept) > room:  # characters outside the BMP take two units each
        kept = kept[:-1]
    boundary = max(kept.rfind(" "), kept.rfind("\n"))
    if boundary > room // 2:  # a word boundary near the end; else cut mid-word
        kept = kept[:boundary]
    return kept.rstrip(" \n,;:") + ELLIPSIS


def grouped(amount: Decimal | None, currency: str) -> str | None:
    """The amount with the currency's decimals and thousands separators: ``1,200.00``.

    >>> grouped(Decimal("1200"), "GBP"), grouped(Decimal("150000.4"), "JPY"), grouped(None, "GBP")
    ('1,200.00', '150,000', None)
    """
    rounded = round_money(amount, currency)
    return None if rounded is None else f"{rounded:,f}"


def _quantity(quantity: Decimal) -> str:
    """
    >>> _quantity(Decimal("10.0000")), _quantity(Decimal("2.5000")), _quantity(Decimal("100"))
    ('10', '2.5', '100')
    """
    return f"{quantity.normalize():f}"


def line_item_text(item: LineItem, currency: str) -> str:
    """One line of what was sold: description, quantity, unit price and line amount (net of
    VAT, with the VAT beside it when there is any), in the invoice's currency.

    >>> item = LineItem("Oak door, fitted", Decimal("2.0000"), Decimal("150.0000"),
    ...     Decimal("60.0000"))
    >>> line_item_text(item, "GBP")
    '- Oak door, fitted: 2 × GBP 150.00 = GBP 300.00 (+ VAT GBP 60.00)'
    >>> line_item_text(LineItem("Call-out"), "GBP")
    '- Call-out'
    """
    what = item.description or item.product_name or "Item"
    text = f"- {what}"
    rate = grouped(item.rate, currency)
    if item.quantity is not None and rate is not None:
        amount = grouped(item.quantity * item.rate, currency)
        text += f": {_quantity(item.quantity)} × {currency} {rate} = {currency} {amount}"
    elif rate is not None:
        text += f": {currency} {rate}"
    vat = grouped(item.vat_amount, currency)
    if vat is not None and item.vat_amount and not item.vat_exempt:
        text += f" (+ VAT {currency} {vat})"
    return text


def line_items_text(items: Iterable[LineItem], currency: str) -> str:
    """ "What was sold:" and one line per item, or ``""`` when there is none."""
    lines = [line_item_text(item, currency) for item in items]
    return "What was sold:\n" + "\n".join(lines) if lines else ""


def payments_text(payments: Iterable[PaymentLine], currency: str) -> str:
    """The part payments KashFlow recorded, oldest first, each with its date and amount.

    >>> from datetime import date
    >>> payments_text([PaymentLine(date(2026, 10, 12), Decimal("300.0000"), "BACS 1042")],
    ...     "GBP")
    'Paid so far (KashFlow): GBP 300.00 on 12 Oct 2026 (ref. BACS 1042).'
    >>> payments_text([], "GBP")
    ''
    """
    parts = []
    for payment in sorted(payments, key=lambda p: (p.date is None, p.date or 0)):
        amount = grouped(payment.amount, currency)
        text = f"{currency} {amount}" if amount is not None else "an amount not given"
        if payment.date is not None:
            text += f" on {uk_date(payment.date)}"
        if payment.reference:
            text += f" (ref. {payment.reference})"
        parts.append(text)
    return f"Paid so far (KashFlow): {'; '.join(parts)}." if parts else ""


def reminders_text(letters: Iterable[ReminderLetter]) -> str:
    """The reminder letters KashFlow sent, and when.

    >>> from datetime import date
    >>> reminders_text([ReminderLetter("1", date(2026, 10, 8), True),
    ...     ReminderLetter("2", None, False)])
    'Reminder letters sent from KashFlow: letter 1 on 08 Oct 2026.'
    """
    parts = []
    for letter in letters:
        if not letter.is_sent:
            continue
        text = f"letter {letter.number}" if letter.number else "a letter"
        if letter.sent_date is not None:
            text += f" on {uk_date(letter.sent_date)}"
        parts.append(text)
    return f"Reminder letters sent from KashFlow: {'; '.join(parts)}." if parts else ""


def comments_text(
    detail: InvoiceDetail, currency: str, *, customer_reference: str = "", unusable_phone: str = ""
) -> str:
    """Debitura's ``comments``: payment history, reminders sent, the customer's own reference
    and a phone number that is not one (as typed, so nothing is lost); cut to 4,000.

    >>> print(comments_text(InvoiceDetail(), "GBP", customer_reference="PO-88",
    ...     unusable_phone="ask for Sue"))
    Customer's reference: PO-88.
    Phone in KashFlow (not a usable number): ask for Sue.
    >>> comments_text(InvoiceDetail(), "GBP")
    ''
    """
    parts = [
        payments_text(detail.payment_lines, currency),
        reminders_text(detail.reminder_letters),
        f"Customer's reference: {customer_reference}." if customer_reference else "",
        f"Phone in KashFlow (not a usable number): {unusable_phone}." if unusable_phone else "",
    ]
    return cut_text("\n".join(part for part in parts if part))
