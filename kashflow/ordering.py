"""The order invoices are listed in: by number, whatever KashFlow sends as a number."""

from __future__ import annotations


def invoice_number_order(number: str) -> tuple[int, int, str, str]:
    """A sort key that is total and never raises: plain ASCII digit strings first, in numeric
    order (compared by length and text, never converted, so 5,000 digits are fine), then any
    other text (``"²"``, ``"1/2"``, ``"."``, ``""``) case-insensitively, ties broken exactly.

    >>> sorted(["10", "9", "A-1", "010", "2", "²", "", "1/2"], key=invoice_number_order)
    ['2', '9', '010', '10', '', '1/2', 'A-1', '²']
    >>> invoice_number_order("1" * 5000)[:2]
    (0, 5000)
    """
    text = str(number)
    if text.isascii() and text.isdigit():
        significant = text.lstrip("0")
        return (0, len(significant), significant, text)
    return (1, 0, text.casefold(), text)
