"""Invoice status normalisation.

KashFlow's API spells statuses ``Unpaid``/``PartPaid``/``OverduePartPaid``, its screens say
``Part Paid`` and ``Overdue - Part Paid``, and other clients write ``part_paid``. All of them
compare equal once case, spaces, hyphens, underscores, dots and slashes are removed.

Open statuses are imported; closed ones are excluded; anything else is *unknown*: excluded
too, but the caller counts it under its raw spelling so nothing disappears silently.
"""

from __future__ import annotations

import re
from functools import lru_cache

OPEN_STATUSES: tuple[str, ...] = ("Unpaid", "Overdue", "OverduePartPaid", "PartPaid")
CLOSED_STATUSES: tuple[str, ...] = ("Paid", "Overpaid", "Draft", "NA", "Credited", "Void")

# How people say the open statuses: the one place the grid, filters and CLI table take them from.
STATUS_WORDS: dict[str, str] = {
    "Unpaid": "Unpaid",
    "Overdue": "Overdue",
    "OverduePartPaid": "Overdue, part paid",
    "PartPaid": "Part paid",
}

_SEPARATORS = re.compile(r"[\s\-_./]+")
_CANONICAL_BY_KEY: dict[str, str] = {
    **{name.lower(): name for name in OPEN_STATUSES + CLOSED_STATUSES},
    # Spellings seen in other accounting tools' exports for the same states.
    "partiallypaid": "PartPaid",
    "overduepartiallypaid": "OverduePartPaid",
    "notapplicable": "NA",
    "voided": "Void",
}
_OPEN = frozenset(OPEN_STATUSES)


@lru_cache(maxsize=256)
def canonical_status(raw: str) -> str:
    """The canonical status name, or ``""`` when the spelling is not one we know.

    >>> canonical_status("Overdue - Part Paid"), canonical_status("unpaid")
    ('OverduePartPaid', 'Unpaid')
    >>> canonical_status("part_paid"), canonical_status("N/A"), canonical_status("Pending")
    ('PartPaid', 'NA', '')
    """
    return _CANONICAL_BY_KEY.get(_SEPARATORS.sub("", raw).lower(), "")


def is_open_status(status: str) -> bool:
    """Whether a canonical status is one this app imports (still money to collect).

    >>> is_open_status("OverduePartPaid"), is_open_status("Paid"), is_open_status("")
    (True, False, False)
    """
    return status in _OPEN


def status_words(status: str) -> str:
    """A canonical status as people say it; any other spelling as it came.

    >>> status_words("OverduePartPaid"), status_words("PartPaid"), status_words("Pending")
    ('Overdue, part paid', 'Part paid', 'Pending')
    """
    return STATUS_WORDS.get(status, status)
