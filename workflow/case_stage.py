"""Where a sent case stands, in words an analyst reads: Debitura's lifecycle (and close code)
turned into who acts next.

>>> lifecycle_words("NeedsAdditionalDetails")
'Waiting for details from you'
"""

from __future__ import annotations

LIFECYCLE_WORDS = {
    "PendingContractSigning": "Waiting for you to sign the agreement",
    "PendingVerificationInternal": "Debitura is checking the case",
    "PendingVerification": "Debitura is checking the case",
    "NeedsAdditionalDetails": "Waiting for details from you",
    "Leads": "Debitura is collecting partners' quotes",
    "LeadsQuoteGiven": "Waiting for you to pick a quote",
    "Active": "The collection partner is collecting",
    "Paused": "Collection is paused",
    "Merged": "Merged into another case",
}
CLOSED_WORDS = {"paid": "Closed: paid in full", "partially paid": "Closed: partly paid"}


def lifecycle_words(lifecycle: str, close_code: str = "") -> str:
    """Where a case stands, in words ("" when Debitura's lifecycle is not known).

    >>> lifecycle_words("Closed", "Paid"), lifecycle_words("Closed", "Debtor Untraceable")
    ('Closed: paid in full', 'Closed: Debtor Untraceable')
    >>> lifecycle_words("Escalated"), lifecycle_words("")
    ('Escalated', '')
    """
    if lifecycle == "Closed":
        words = CLOSED_WORDS.get(close_code.strip().lower())
        return words or (f"Closed: {close_code}" if close_code else "Closed")
    return LIFECYCLE_WORDS.get(lifecycle, lifecycle)
