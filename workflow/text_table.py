"""A plain-text table that fits a terminal's width: columns sized to their content, long text cut
with "…", numbers right-aligned. Widths count what a terminal shows: two columns for East
Asian wide characters and most emoji, none for combining marks and joiners.

>>> print(text_table(["Name", "Amount"], [["Åsa Øberg & Sons Ltd", "1,200.00"]],
...     right={"Amount"}, shrink=[{"Name": 6}], width=16))
Name      Amount
Åsa Ø…  1,200.00
"""

from __future__ import annotations

import unicodedata
from collections.abc import Mapping, Sequence

ELLIPSIS = "…"
GAP = "  "


def display_width(text: str) -> int:
    """How many terminal columns ``text`` takes.

    >>> display_width("abc"), display_width("日本"), display_width("e\\u0301")
    (3, 4, 1)
    """
    if text.isascii():  # the common case: one column a character
        return len(text)
    return sum(_char_width(character) for character in text)


def _char_width(character: str) -> int:
    if unicodedata.combining(character) or unicodedata.category(character) in ("Mn", "Me", "Cf"):
        return 0
    return 2 if unicodedata.east_asian_width(character) in ("W", "F") else 1


def truncate(text: str, width: int) -> str:
    """``text`` cut to at most ``width`` columns, ending in "…" when cut.

    >>> truncate("Harrow & Finch Joinery Ltd", 10), truncate("Acme", 10), truncate("日本語", 4)
    ('Harrow & …', 'Acme', '日…')
    """
    if display_width(text) <= width:
        return text
    if text.isascii():
        return text[: max(width - 1, 0)] + ELLIPSIS
    kept, used = [], 0
    for character in text:
        size = _char_width(character)
        if used + size > width - 1:
            break
        kept.append(character)
        used += size
    return "".join(kept) + ELLIPSIS


def text_table(
    headers: Sequence[str],
    rows: Sequence[Sequence[str]],
    *,
    right: set[str] = frozenset(),
    shrink: Sequence[Mapping[str, int]],
    width: int,
) -> str:
    """Lines of the table (no trailing newline). When it would be wider than ``width``,
    columns give up room tier by tier (``shrink``: each tier maps a header to its minimum);
    within a tier the widest gives first, so cut text stays balanced."""
    widths = [display_width(header) for header in headers]
    for row in rows:
        widths = [max(w, display_width(cell)) for w, cell in zip(widths, row, strict=True)]
    excess = sum(widths) + len(GAP) * (len(headers) - 1) - width
    for tier in shrink:
        minimums = {list(headers).index(name): minimum for name, minimum in tier.items()}
        while excess > 0:
            giving = [index for index, minimum in minimums.items() if widths[index] > minimum]
            if not giving:
                break
            widths[max(giving, key=lambda index: widths[index])] -= 1
            excess -= 1
    lines = [headers, *rows]
    return "\n".join(
        GAP.join(
            _pad(truncate(cell, size), size, header in right)
            for cell, size, header in zip(line, widths, headers, strict=True)
        ).rstrip()
        for line in lines
    )


def _pad(text: str, size: int, align_right: bool) -> str:
    fill = " " * (size - display_width(text))
    return fill + text if align_right else text + fill
