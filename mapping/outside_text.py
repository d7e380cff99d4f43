"""Text from KashFlow or Debitura made safe for where it goes: a spreadsheet cell or a terminal.

Outside text is data. A customer name must not become a spreadsheet formula when an analyst
opens an exported CSV (OWASP's CSV-injection rule), nor move the cursor, retitle or clear a
terminal when the CLI prints it. Pure functions, standard library only, so ``mapping`` and
``workflow`` (and the CLI) share one set of rules.

>>> csv_cell("=HYPERLINK(\\"http://x\\")")
'\\'=HYPERLINK("http://x")'
>>> csv_cell("-12.50")
'-12.50'
>>> terminal_text("\\x1b]0;pwned\\x07Evil\\rForged")
']0;pwnedEvil Forged'
"""

from __future__ import annotations

import re
from typing import Any

# A spreadsheet treats a cell starting with one of these as a formula (or, for tab and
# carriage return, may strip it and then see the formula behind it).
FORMULA_STARTS = ("=", "+", "-", "@", "\t", "\r")
# A signed plain number stays as it is: a real negative ("-12.50") must stay a number, and an
# E.164 phone ("+447700900123") must reach Debitura's bulk import unchanged. Digits, one sign
# and one decimal point cannot hold a formula.
_PLAIN_NUMBER = re.compile(r"[+-]?\d+(?:\.\d+)?")

# Unicode's bidirectional embeddings, overrides and isolates (U+202A-U+202E, U+2066-U+2069):
# they reorder what follows them on screen, so "evil.exe\u202egnp." can read as "...png".
BIDI_CONTROLS = frozenset("\u202a\u202b\u202c\u202d\u202e\u2066\u2067\u2068\u2069")
# Characters that end a line or jump sideways: shown as one space so the text stays on its line.
_BREAKS = frozenset("\t\n\v\f\r\x1c\x1d\x1e\x1f\x85\u2028\u2029")


def csv_cell(value: Any) -> str:
    """One CSV cell a spreadsheet shows as text: control characters (NUL, ESC, DEL, C1) and
    bidi overrides dropped, so a file printed to a terminal does nothing to it; a cell that
    starts like a formula (``=``, ``+``, ``-``, ``@``, tab, carriage return) prefixed with
    ``'``; a signed plain number such as ``-12.50`` or ``+447700900123`` is left as it is.
    Carriage returns become line feeds. ``None`` is empty.

    >>> [csv_cell(v) for v in ("@SUM(1)", "\\t=1", "\\r=1", "a\\x00b", None, 805, "Acme Ltd")]
    ["'@SUM(1)", "'\\t=1", "'\\n=1", 'ab', '', '805', 'Acme Ltd']
    >>> csv_cell("\\x1b]0;pwned\\x07Evil\\u202e")
    ']0;pwnedEvil'
    """
    if value is None:
        return ""
    text = _without_controls(str(value))
    if text.startswith(FORMULA_STARTS) and not _PLAIN_NUMBER.fullmatch(text):
        text = "'" + text
    # The writers end lines with "\n", so the csv module quotes a cell for "\n" only: a bare
    # "\r" would split the row for whoever reads the file. One line break kind, inside quotes.
    return text.replace("\r\n", "\n").replace("\r", "\n")


def xlsx_text(value: Any) -> str:
    """The text of an XLSX cell written as a string cell (never a formula, so nothing to
    neutralise): control characters and bidi overrides dropped as in ``csv_cell``, and one
    line break kind. ``None`` is empty.

    >>> xlsx_text("=HYPERLINK(\\"http://x\\")\\x00\\r\\nnext")
    '=HYPERLINK("http://x")\\nnext'
    """
    if value is None:
        return ""
    return _without_controls(str(value)).replace("\r\n", "\n").replace("\r", "\n")


def _without_controls(text: str) -> str:
    if text.isprintable():
        return text
    return "".join(
        character
        for character in text
        if character in "\t\n\r" or not (character in BIDI_CONTROLS or _is_control(character))
    )


def csv_record(record: dict[str, Any]) -> dict[str, str]:
    """Every cell of a ``csv.DictWriter`` row through ``csv_cell``."""
    return {key: csv_cell(value) for key, value in record.items()}


def terminal_text(value: Any) -> str:
    """``value`` as one line that a terminal prints and does nothing else with: line breaks and
    tabs become spaces; every other control character (ESC and the rest of C0, DEL, C1) and
    the bidirectional overrides are dropped. Printable text, accents and emoji stay.

    >>> terminal_text("Caf\\u00e9 \\u202eevil\\x00\\tLtd\\x9b2J")
    'Café evil Ltd2J'
    """
    if value is None:
        return ""
    text = str(value)
    if text.isprintable():  # the common case: nothing to clean
        return text
    return "".join(_printable(character) for character in text)


def _printable(character: str) -> str:
    if character in _BREAKS:
        return " "
    if character in BIDI_CONTROLS or _is_control(character):
        return ""
    return character


def _is_control(character: str) -> bool:
    code = ord(character)
    return code < 0x20 or 0x7F <= code <= 0x9F
