"""Checks against Debitura's rules, returning problems (never raising).

Invoice checks and debtor checks are separate because a customer's debtor is checked once and
shared by all its invoices; a row's problems are the two lists put together.
"""

from __future__ import annotations

import re
from datetime import date
from decimal import ROUND_DOWN, Decimal
from functools import lru_cache

from mapping import problems as p
from mapping.dates import uk_date
from mapping.debtor_type import PRIVATE
from mapping.money import MONEY_CONTEXT as _MONEY_CONTEXT
from mapping.money import money_text, round_to_step
from mapping.policy import Policy
from mapping.problems import Problem, problem

MAX_REFERENCE_LENGTH = 50  # Debitura's creditorReference limit
_WHOLE = Decimal(1)
_HUNDRED = Decimal(100)

# Messages that vary with a value are cached by that value: a ledger has few distinct due
# dates and (rounded) dollar figures, and a shared Problem costs nothing per row.


@lru_cache(maxsize=4096)
def _issued_in_future(issued_date: date) -> Problem:
    return problem(
        p.ISSUED_IN_FUTURE,
        f"Issued {uk_date(issued_date)}, a date in the future: Debitura rejects future invoice "
        "dates.",
    )


@lru_cache(maxsize=4096)
def _not_yet_due(due_date: date) -> Problem:
    return problem(
        p.NOT_YET_DUE,
        f"Due {uk_date(due_date)}, not overdue yet: Debitura only accepts overdue invoices.",
    )


@lru_cache(maxsize=4096)
def _due_before_issued(due_date: date, issued_date: date) -> Problem:
    return problem(
        p.DUE_BEFORE_ISSUED,
        f"Due {uk_date(due_date)}, before the invoice date {uk_date(issued_date)}: correct "
        "the dates in KashFlow, then refresh.",
    )


@lru_cache(maxsize=256)
def _invalid_currency(currency: str) -> Problem:
    if not currency:
        return p.UNKNOWN_CURRENCY_PROBLEM
    return problem(p.INVALID_CURRENCY, f'Currency "{currency}" is not an ISO 4217 code.')


def amount_with_usd(amount: Decimal, currency: str, usd: Decimal) -> str:
    """The amount in its own currency, the estimated US dollars beside it.

    >>> amount_with_usd(Decimal("54"), "GBP", Decimal("71.28"))
    '£54.00, about USD 71'
    >>> amount_with_usd(Decimal("5000"), "JPY", Decimal("33")), amount_with_usd(
    ...     Decimal("95"), "USD", Decimal("95"))
    ('JPY 5,000, about USD 33', 'USD 95.00')
    """
    own = money_text(amount, currency)
    if currency == "USD":
        return own
    # In the wide context: the default one's 28 digits raise on an absurd amount from KashFlow.
    dollars = usd.quantize(_WHOLE, rounding=ROUND_DOWN, context=_MONEY_CONTEXT)
    return f"{own}, about USD {dollars:,f}"


@lru_cache(maxsize=4096)
def _below_minimum(
    amount: Decimal, currency: str, usd: Decimal, minimum_usd: Decimal, band: tuple[Decimal, ...]
) -> Problem | None:
    """``below_minimum``: an error when clearly under the minimum, a warning near the line
    (our rates are estimates; see ``Policy.minimum_margin``), else ``None``."""
    clearly_under, clearly_over = band
    if usd >= clearly_over:
        return None
    what = amount_with_usd(amount, currency, usd)
    minimum = f"Debitura's USD {minimum_usd:,f} minimum"
    if usd < clearly_under:
        return problem(
            p.BELOW_MINIMUM, f"{what}: under {minimum}, so Debitura will refuse it.", p.ERROR
        )
    side = "just under" if usd < minimum_usd else "close to"
    return problem(
        p.BELOW_MINIMUM,
        f"{what}: {side} {minimum}, and the dollar figure is our estimate. Use Check with "
        "Debitura to see whether it will take it.",
    )


_FILE_ADVICE = (
    "Debitura needs the invoice file for a claim this size; the invoice's PDF from KashFlow is "
    "attached to the case when KashFlow has one (Submit says which)."
)
_DESCRIPTION_ADVICE = (
    "Debitura wants the invoice file or a claim description; the case carries a claim "
    "description written from the invoice."
)
_ZERO = Decimal(0)
# Past this many dollars the message is written the long way (an int of the rounded dollars
# would stop being cheap to hash and remember).
_USD_WRITTEN_FAST_BELOW = Decimal("1E+24")


def _documents_by_value(amount: Decimal, currency: str, usd: Decimal, file_needed: bool) -> Problem:
    """``needs_documents`` by value. Most rows of a ledger have one, each with its own amount:
    only the amount is written per row; the rest of the text depends on the dollars rounded
    to the hundred, which a ledger repeats (a few hundred values), and is remembered."""
    if not _ZERO < usd < _USD_WRITTEN_FAST_BELOW:
        return _documents_by_value_written_out(amount, currency, usd, file_needed)
    # Rounded half-up to the hundred: the value round_to_step(usd, 100) gives, from the whole
    # dollars (exact for a positive amount, and cheaper than rounding a Decimal); as an int,
    # whose hash costs a fraction of a Decimal's.
    dollars = (int(usd) + 50) // 100 * 100
    tail = _documents_tail(dollars, currency == "USD", file_needed)
    return problem(p.NEEDS_DOCUMENTS, money_text(amount, currency) + tail)


@lru_cache(maxsize=4096)
def _documents_tail(usd_hundreds: int, in_usd: bool, file_needed: bool) -> str:
    """What follows the amount in ``needs_documents``: ", about USD 12,500: advice"."""
    # As amount_with_usd writes it (nothing about dollars for an amount in dollars).
    about = "" if in_usd else f", about USD {usd_hundreds:,}"
    return f"{about}: {_FILE_ADVICE if file_needed else _DESCRIPTION_ADVICE}"


def _documents_by_value_written_out(
    amount: Decimal, currency: str, usd: Decimal, file_needed: bool
) -> Problem:
    """``_documents_by_value`` the plain way (the reference its fast path is tested against)."""
    what = amount_with_usd(amount, currency, round_to_step(usd, _HUNDRED))
    advice = _FILE_ADVICE if file_needed else _DESCRIPTION_ADVICE
    return problem(p.NEEDS_DOCUMENTS, f"{what}: {advice}")


@lru_cache(maxsize=8192)
def date_problems(
    issued_date: date | None, due_date: date | None, as_of: date
) -> tuple[Problem, ...]:
    """The errors about an invoice's dates (a ledger has few distinct pairs: remembered).

    >>> [found.code for found in date_problems(None, date(2026, 12, 1), date(2026, 11, 21))]
    ['missing_date', 'not_yet_due']
    """
    errors: list[Problem] = []
    if issued_date is None or due_date is None:
        if issued_date is due_date:
            errors.append(p.MISSING_BOTH_DATES_PROBLEM)
        elif issued_date is None:
            errors.append(p.MISSING_ISSUED_DATE_PROBLEM)
        else:
            errors.append(p.MISSING_DUE_DATE_PROBLEM)
    if issued_date is not None and issued_date > as_of:
        errors.append(_issued_in_future(issued_date))
    if due_date is not None:
        if due_date > as_of:
            errors.append(_not_yet_due(due_date))
        if issued_date is not None and due_date < issued_date:
            errors.append(_due_before_issued(due_date, issued_date))
    return tuple(errors)


def invoice_problems(
    *,
    invoice_number: str,
    issued_date: date | None,
    due_date: date | None,
    currency: str,
    currency_valid: bool,
    amount_to_recover: Decimal | None,
    exchange_rate: Decimal | None,
    debtor_type: str,
    already_submitted: bool,
    policy: Policy,
) -> tuple[list[Problem], list[Problem]]:
    """(errors, warnings) about the invoice itself and its amount.

    Due today is fine; due tomorrow is not yet due.

    >>> errors, warnings = invoice_problems(invoice_number="101",
    ...     issued_date=date(2026, 11, 1), due_date=date(2026, 12, 1), currency="GBP",
    ...     currency_valid=True, amount_to_recover=Decimal("48.50"), exchange_rate=None,
    ...     debtor_type="Company", already_submitted=False, policy=Policy(date(2026, 11, 21)))
    >>> [e.message for e in errors]  # doctest: +NORMALIZE_WHITESPACE
    ['Due 01 Dec 2026, not overdue yet: Debitura only accepts overdue invoices.',
     "£48.50, about USD 64: under Debitura's USD 100 minimum, so Debitura will refuse it."]
    >>> warnings
    []
    """
    return InvoiceChecks(policy)(
        invoice_number,
        issued_date,
        due_date,
        currency,
        currency_valid,
        amount_to_recover,
        exchange_rate,
        debtor_type,
        already_submitted,
    )


class InvoiceChecks:
    """``invoice_problems`` for one policy, with what is the same for every invoice (the
    as-of date, the prefix, the thresholds, the dollar rates) read once: for a batch of rows.

    >>> checks = InvoiceChecks(Policy(date(2026, 11, 21)))
    >>> errors, warnings = checks("7", date(2026, 9, 1), date(2026, 10, 1), "GBP", True,
    ...     Decimal("5000.00"), None, "Private", False)
    >>> errors, [w.code for w in warnings]
    ([], ['needs_documents'])
    """

    __slots__ = (
        "_as_of", "_band", "_clearly_over", "_description_usd", "_file_usd", "_minimum_usd",
        "_policy", "_prefix", "_usd_rates",
    )  # fmt: skip

    def __init__(self, policy: Policy) -> None:
        self._policy = policy
        self._as_of = policy.as_of
        self._prefix = policy.reference_prefix
        self._minimum_usd = policy.minimum_usd
        self._band = policy.minimum_band_usd
        self._clearly_over = self._band[1]
        self._description_usd = policy.documents_description_usd
        self._file_usd = policy.documents_file_usd
        # A plain dict for the batch: the policy's own mapping may be a read-only proxy.
        self._usd_rates = dict(policy.usd_rates)

    def __call__(
        self,
        invoice_number: str,
        issued_date: date | None,
        due_date: date | None,
        currency: str,
        currency_valid: bool,
        amount_to_recover: Decimal | None,
        exchange_rate: Decimal | None,
        debtor_type: str,
        already_submitted: bool,
    ) -> tuple[list[Problem], list[Problem]]:
        """(errors, warnings), as ``invoice_problems``."""
        errors: list[Problem] = [p.ALREADY_SUBMITTED_PROBLEM] if already_submitted else []
        warnings: list[Problem] = []
        # Both dates known and in order, due by the as-of date (most rows): nothing to say.
        if not (
            issued_date is not None
            and due_date is not None
            and issued_date <= due_date <= self._as_of
        ):
            errors += date_problems(issued_date, due_date, self._as_of)
        if len(self._prefix) + len(invoice_number) > MAX_REFERENCE_LENGTH:
            self._check_reference(invoice_number, errors)
        usd = None
        if not currency_valid:
            errors.append(_invalid_currency(currency))
        if amount_to_recover is None:
            errors.append(p.UNKNOWN_AMOUNT_PROBLEM)
        elif amount_to_recover <= 0:
            errors.append(_nothing_to_recover(amount_to_recover, currency))
        elif currency_valid:
            rate = self._usd_rates.get(currency)
            if rate is None:
                usd = self._policy.usd_equivalent(amount_to_recover, currency, exchange_rate)
            else:  # what usd_equivalent does with a rate (most rows), without two calls
                usd = _MONEY_CONTEXT.multiply(amount_to_recover, rate)
                if not usd.is_finite():
                    usd = None
        if usd is None:
            if debtor_type == PRIVATE:
                warnings.append(p.PRIVATE_NEEDS_DOCUMENTS_PROBLEM)
            return errors, warnings
        # Clearly over the minimum (most invoices): nothing to say, and nothing to look up.
        if usd < self._clearly_over:
            minimum = _below_minimum(
                amount_to_recover, currency, usd, self._minimum_usd, self._band
            )
            if minimum is not None:
                (errors if minimum.is_error else warnings).append(minimum)
        # As documents_problem: by debtor type first, then by value.
        if debtor_type == PRIVATE:
            warnings.append(p.PRIVATE_NEEDS_DOCUMENTS_PROBLEM)
        elif usd >= self._description_usd:
            warnings.append(
                _documents_by_value(amount_to_recover, currency, usd, usd > self._file_usd)
            )
        return errors, warnings

    check = __call__  # by name, for a bound method: cheaper to call than the instance

    def _check_reference(self, invoice_number: str, errors: list[Problem]) -> None:
        """Add ``reference_too_long`` when the creditor reference passes Debitura's limit."""
        reference = self._prefix + invoice_number.strip()
        if len(reference) > MAX_REFERENCE_LENGTH:
            what = "Invoice number" if reference == invoice_number else "Creditor reference"
            errors.append(
                problem(
                    p.REFERENCE_TOO_LONG,
                    f"{what} has {len(reference)} characters; "
                    f"Debitura takes at most {MAX_REFERENCE_LENGTH}.",
                )
            )


def _nothing_to_recover(amount: Decimal, currency: str) -> Problem:
    return problem(
        p.NON_POSITIVE_AMOUNT,
        f"Nothing to recover: {money_text(amount, currency)} is outstanding.",
    )


def documents_problem(
    debtor_type: str,
    amount: Decimal | None,
    currency: str,
    usd: Decimal | None,
    policy: Policy,
) -> Problem | None:
    """What documents Debitura wants: by debtor type first, then by USD value.

    Private debtors always need a file and a description; a company's claim from USD 2,000
    needs a file or a description, over USD 10,000 a file. The figure shown is rounded to the
    nearest hundred dollars: it is an estimate, and Debitura converts with its own rates.

    >>> policy = Policy(date(2026, 11, 21))
    >>> print(documents_problem("Company", Decimal("9439.39"), "GBP", Decimal("12460"), policy)
    ...       .message)  # doctest: +ELLIPSIS
    £9,439.39, about USD 12,500: Debitura needs the invoice file for a claim this size; ...
    >>> documents_problem("Company", Decimal("1514"), "GBP", Decimal("1999"), policy) is None
    True
    """
    if debtor_type == PRIVATE:
        return p.PRIVATE_NEEDS_DOCUMENTS_PROBLEM
    if amount is None or usd is None or usd < policy.documents_description_usd:
        return None
    return _documents_by_value(amount, currency, usd, usd > policy.documents_file_usd)


@lru_cache(maxsize=4096)
def _inferred_type(debtor_type: str, reason: str) -> Problem:
    return problem(
        p.INFERRED_TYPE, f"Debtor type guessed as {debtor_type}: {reason}. Change it if wrong."
    )


def debtor_problems(
    *,
    name: str,
    address: str,
    city: str,
    postcode: str,
    country: str,
    country_valid: bool,
    country_defaulted: bool,
    state: str,
    state_valid: bool,
    email: str,
    phone_raw: str,
    phone_valid: bool,
    debtor_type: str,
    type_reason: str,
) -> tuple[tuple[Problem, ...], tuple[Problem, ...]]:
    """(errors, warnings) about the debtor; ``type_reason`` is ``""`` once a person chose it.

    >>> errors, warnings = debtor_problems(name="Jane Doe", address="1 High St", city="",
    ...     postcode="LS1 4AB", country="GB", country_valid=True, country_defaulted=False,
    ...     state="", state_valid=True, email="jane@example.com", phone_raw="", phone_valid=False,
    ...     debtor_type="Private", type_reason="")
    >>> [e.code for e in errors], [w.code for w in warnings]
    (['missing_city'], ['missing_phone'])
    """
    errors: list[Problem] = []
    warnings: list[Problem] = []
    if not name:
        errors.append(p.MISSING_NAME_PROBLEM)
    if not address:
        errors.append(p.MISSING_ADDRESS_PROBLEM)
    if not city:
        errors.append(p.MISSING_CITY_PROBLEM)
    if not postcode:
        errors.append(p.MISSING_POSTCODE_PROBLEM)
    if not country:
        errors.append(p.MISSING_COUNTRY_PROBLEM)
    elif not country_valid:
        errors.append(
            problem(
                p.INVALID_COUNTRY,
                f'Country "{country}" is not an ISO country: use a two-letter code such as GB.',
            )
        )
    elif country == "US":
        if not state:
            errors.append(p.MISSING_STATE_PROBLEM)
        elif not state_valid:
            errors.append(
                problem(
                    p.MISSING_STATE,
                    f'"{state}" is not a US state: use the two-letter code, such as CA.',
                )
            )
    if not email:
        warnings.append(p.MISSING_EMAIL_PROBLEM)
    elif "@" not in email:
        warnings.append(
            problem(p.MISSING_EMAIL, f'Email "{email}" does not look like an email address.')
        )
    if not phone_raw:
        warnings.append(p.MISSING_PHONE_PROBLEM)
    elif not phone_valid:
        # Debitura takes E.164 only: the number as typed goes into the case's comments.
        warnings.append(
            problem(
                p.INVALID_PHONE,
                f'Phone "{phone_raw}" in KashFlow is not a number: left out, and kept in the '
                "case comments.",
            )
        )
    if type_reason:
        warnings.append(_inferred_type(debtor_type, type_reason))
    if country_defaulted:
        warnings.append(p.DEFAULT_COUNTRY_PROBLEM)
    return tuple(errors), tuple(warnings)


MAX_REFERENCE_PREFIX_LENGTH = 20
_REFERENCE_PREFIX = re.compile(r"[A-Za-z0-9][A-Za-z0-9._/-]*")


def checked_reference_prefix(text: str) -> str:
    """A creditor-reference prefix as typed, trimmed; raises ``ValueError`` saying what is
    wrong. Empty means none (the bare invoice number).

    >>> checked_reference_prefix(" HF- ")
    'HF-'
    >>> checked_reference_prefix("HF 1")
    Traceback (most recent call last):
    ValueError: A prefix may hold letters, digits and . _ / - only, starting with a letter or digit.
    """
    prefix = text.strip()
    if not prefix:
        return ""
    if len(prefix) > MAX_REFERENCE_PREFIX_LENGTH:
        raise ValueError(f"A prefix may be at most {MAX_REFERENCE_PREFIX_LENGTH} characters.")
    if not prefix.isascii() or not _REFERENCE_PREFIX.fullmatch(prefix):
        raise ValueError(
            "A prefix may hold letters, digits and . _ / - only, starting with a letter or digit."
        )
    return prefix
