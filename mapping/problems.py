"""The problem list: what stops an invoice becoming a case (errors) or deserves a look (warnings).

Codes are stable: tests, the CLI's JSON and users' filters rely on them. ``missing_date`` and
``missing_name`` are additions to the architecture's list (Debitura needs both dates and a name).
"""

from __future__ import annotations

from collections.abc import Iterable
from dataclasses import dataclass

from kashflow.frozen import slot_builder

ERROR = "error"
WARNING = "warning"

# Errors, in the order they are listed on a row.
ALREADY_SUBMITTED = "already_submitted"
CUSTOMER_UNAVAILABLE = "customer_unavailable"
DUPLICATE_INVOICE_NUMBER = "duplicate_invoice_number"
MISSING_DATE = "missing_date"
ISSUED_IN_FUTURE = "issued_in_future"
NOT_YET_DUE = "not_yet_due"
DUE_BEFORE_ISSUED = "due_before_issued"
REFERENCE_TOO_LONG = "reference_too_long"
INVALID_CURRENCY = "invalid_currency"
NON_POSITIVE_AMOUNT = "non_positive_amount"
MISSING_NAME = "missing_name"
MISSING_ADDRESS = "missing_address"
MISSING_CITY = "missing_city"
MISSING_POSTCODE = "missing_postcode"
INVALID_COUNTRY = "invalid_country"
MISSING_STATE = "missing_state"
# Warnings.
# Under Debitura's minimum: an error when clearly under, a warning near the line (see
# ``Policy.minimum_margin``); listed with the warnings, its usual severity in the architecture.
BELOW_MINIMUM = "below_minimum"
CUSTOMER_HAS_CREDIT = "customer_has_credit"
NEEDS_DOCUMENTS = "needs_documents"
MISSING_EMAIL = "missing_email"
MISSING_PHONE = "missing_phone"
INVALID_PHONE = "invalid_phone"
INFERRED_TYPE = "inferred_type"
DEFAULT_COUNTRY = "default_country"

ERROR_CODES: tuple[str, ...] = (
    ALREADY_SUBMITTED, CUSTOMER_UNAVAILABLE, DUPLICATE_INVOICE_NUMBER, MISSING_DATE,
    ISSUED_IN_FUTURE, NOT_YET_DUE, DUE_BEFORE_ISSUED, REFERENCE_TOO_LONG, INVALID_CURRENCY,
    NON_POSITIVE_AMOUNT, MISSING_NAME, MISSING_ADDRESS, MISSING_CITY, MISSING_POSTCODE,
    INVALID_COUNTRY, MISSING_STATE,
)  # fmt: skip
WARNING_CODES: tuple[str, ...] = (
    BELOW_MINIMUM, CUSTOMER_HAS_CREDIT, NEEDS_DOCUMENTS, MISSING_EMAIL, MISSING_PHONE,
    INVALID_PHONE, INFERRED_TYPE, DEFAULT_COUNTRY,
)  # fmt: skip
SEVERITY: dict[str, str] = {
    **dict.fromkeys(ERROR_CODES, ERROR),
    **dict.fromkeys(WARNING_CODES, WARNING),
}

# Short labels for a grid column, where the message is too long.
LABELS: dict[str, str] = {
    ALREADY_SUBMITTED: "already sent", CUSTOMER_UNAVAILABLE: "customer not fetched",
    DUPLICATE_INVOICE_NUMBER: "number used twice",
    MISSING_DATE: "no date", ISSUED_IN_FUTURE: "issued in future", NOT_YET_DUE: "not yet due",
    DUE_BEFORE_ISSUED: "due before issued", REFERENCE_TOO_LONG: "number too long",
    INVALID_CURRENCY: "bad currency", NON_POSITIVE_AMOUNT: "nothing owed",
    MISSING_NAME: "no name", MISSING_ADDRESS: "no address", MISSING_CITY: "no city",
    MISSING_POSTCODE: "no postcode", INVALID_COUNTRY: "bad country", MISSING_STATE: "no state",
    BELOW_MINIMUM: "under minimum", CUSTOMER_HAS_CREDIT: "customer in credit",
    NEEDS_DOCUMENTS: "needs documents",
    MISSING_EMAIL: "no email", MISSING_PHONE: "no phone", INVALID_PHONE: "bad phone",
    INFERRED_TYPE: "type guessed", DEFAULT_COUNTRY: "country assumed",
}  # fmt: skip


@dataclass(frozen=True, slots=True)
class Problem:
    """One finding on a review row.

    >>> problem("missing_city", "No city: add one in the grid.").severity
    'error'
    """

    code: str
    severity: str
    message: str

    @property
    def is_error(self) -> bool:
        return self.severity == ERROR

    def to_dict(self) -> dict[str, str]:
        return {"code": self.code, "severity": self.severity, "message": self.message}


def problem(code: str, message: str, severity: str | None = None) -> Problem:
    """A problem with the severity its code has (``severity`` for the one code whose severity
    depends on how far off the value is: ``below_minimum``).

    >>> problem("missing_phone", "No phone number for the debtor.")
    Problem(code='missing_phone', severity='warning', message='No phone number for the debtor.')
    """
    return _new_problem(code, severity or SEVERITY[code], message)


_new_problem = slot_builder(Problem)  # Problem(...) at half the cost: rows make thousands


def join_sentences(messages: Iterable[str], separator: str = " ") -> str:
    """Messages as one paragraph (or one per line, ``separator="\\n"``): each a sentence with
    its full stop, each said once.

    Every face that lists several problems in one place joins them here, so none shows
    ".;" or the same sentence twice.

    >>> join_sentences(["No city: add one in the grid.", "No phone number for the debtor",
    ...     "No city: add one in the grid.", " "])
    'No city: add one in the grid. No phone number for the debtor.'
    """
    seen: dict[str, None] = {}
    for message in messages:
        text = message.strip().rstrip(";").strip()
        if not text:
            continue
        if text[-1] not in ".!?":
            text += "."
        seen.setdefault(text)
    return separator.join(seen)


def problem_text(
    problems: Iterable[Problem], severity: str | None = None, separator: str = " "
) -> str:
    """The messages of ``problems`` (of one ``severity`` if given) joined as sentences.

    >>> problem_text([MISSING_CITY_PROBLEM, MISSING_PHONE_PROBLEM], ERROR)
    'No city: add one in the grid.'
    """
    messages = (p.message for p in problems if severity in (None, p.severity))
    return join_sentences(messages, separator)


# Problems whose message never varies are built once and shared by every row.
ALREADY_SUBMITTED_PROBLEM = problem(ALREADY_SUBMITTED, "Already sent to Debitura as a case.")
CUSTOMER_UNAVAILABLE_PROBLEM = problem(
    CUSTOMER_UNAVAILABLE,
    "The customer record could not be fetched from KashFlow: fill in the debtor by hand.",
)
MISSING_ISSUED_DATE_PROBLEM = problem(
    MISSING_DATE, "No invoice date: Debitura needs the date the invoice was issued."
)
MISSING_DUE_DATE_PROBLEM = problem(MISSING_DATE, "No due date: Debitura needs the due date.")
MISSING_BOTH_DATES_PROBLEM = problem(
    MISSING_DATE, "No invoice date and no due date: Debitura needs both."
)
UNKNOWN_CURRENCY_PROBLEM = problem(
    INVALID_CURRENCY,
    "KashFlow did not say which currency this invoice is in, and its amounts are not in the "
    "home currency: set the currency on the invoice in KashFlow, then refresh.",
)
UNKNOWN_AMOUNT_PROBLEM = problem(
    NON_POSITIVE_AMOUNT,
    "The amount still owed could not be worked out from KashFlow's figures.",
)
MISSING_NAME_PROBLEM = problem(MISSING_NAME, "No debtor name: add one in the grid.")
MISSING_ADDRESS_PROBLEM = problem(MISSING_ADDRESS, "No street address: add one in the grid.")
MISSING_CITY_PROBLEM = problem(MISSING_CITY, "No city: add one in the grid.")
MISSING_POSTCODE_PROBLEM = problem(MISSING_POSTCODE, "No postcode: add one in the grid.")
MISSING_COUNTRY_PROBLEM = problem(
    INVALID_COUNTRY, "No country: add a two-letter country code such as GB."
)
MISSING_STATE_PROBLEM = problem(
    MISSING_STATE, "US debtor without a state: add the two-letter state code, such as CA."
)
PRIVATE_NEEDS_DOCUMENTS_PROBLEM = problem(
    NEEDS_DOCUMENTS,
    "Private debtor: Debitura needs the invoice file and a claim description. The case carries "
    "a description written from the invoice and the invoice's PDF from KashFlow, when KashFlow "
    "has one (Submit says which).",
)
MISSING_EMAIL_PROBLEM = problem(MISSING_EMAIL, "No email address for the debtor.")
MISSING_PHONE_PROBLEM = problem(MISSING_PHONE, "No phone number for the debtor.")
DEFAULT_COUNTRY_PROBLEM = problem(
    DEFAULT_COUNTRY, "No country on the customer record: assumed United Kingdom (GB). Check it."
)
