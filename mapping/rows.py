"""Review rows: one per open invoice, with its debtor, amounts and problems.

``map_invoices`` is the entry point for an import: it maps each customer once, builds a row per
open invoice and counts what it left out. ``apply_overrides`` re-checks a row after the analyst
edited its debtor in the grid.
"""

from __future__ import annotations

from collections.abc import Collection, Iterable, Mapping
from dataclasses import dataclass, field, replace
from datetime import date
from decimal import Decimal
from typing import Any

from kashflow.frozen import slot_builder
from kashflow.models import Customer, Invoice, InvoiceDetail
from kashflow.ordering import invoice_number_order
from mapping.collector import collector_paused
from mapping.currency import invoice_currency
from mapping.dates import days_overdue, uk_date
from mapping.debtor import (
    DEBTOR_FIELDS,
    Debtor,
    DebtorDraft,
    clean_value,
    map_debtor,
    override_debtor,
)
from mapping.debtor_type import PRIVATE
from mapping.money import (
    format_money,
    money_text,
    outstanding_balance,
    round_money,
)
from mapping.phone import e164_or_blank
from mapping.policy import Policy
from mapping.problems import (
    CUSTOMER_UNAVAILABLE_PROBLEM,
    DUPLICATE_INVOICE_NUMBER,
    ERROR,
    PRIVATE_NEEDS_DOCUMENTS_PROBLEM,
    Problem,
    problem,
)
from mapping.status import canonical_status, is_open_status
from mapping.validation import InvoiceChecks, invoice_problems


@dataclass(frozen=True, slots=True)
class ReviewRow:
    """One imported invoice as the review grid and the CLI show it.

    Besides the fields of ``to_dict()`` it keeps what re-checking after an edit needs: the
    exchange rate, whether the currency is valid, why the type was guessed, whether the
    country was assumed, the flags, the edits so far and the debtor as first mapped.
    """

    invoice_number: str
    customer_code: str
    status: str
    issued_date: date | None
    due_date: date | None
    currency: str
    gross_amount: Decimal | None
    amount_to_recover: Decimal | None
    days_overdue: int
    debtor: Debtor
    problems: tuple[Problem, ...]
    exchange_rate: Decimal | None = None
    currency_valid: bool = True
    type_reason: str = ""
    country_defaulted: bool = False
    customer_unavailable: bool = False
    already_submitted: bool = False
    case_reference: str = ""  # Debitura's reference for the case, when already sent
    # Findings about the invoice among the others of the import (its number used twice, its
    # customer in credit): kept through edits and re-checks, which see one row only.
    import_problems: tuple[Problem, ...] = ()
    reference_prefix: str = ""  # the connection's (Policy.reference_prefix)
    overrides: tuple[tuple[str, str], ...] = ()
    mapped_debtor: DebtorDraft | None = field(default=None, repr=False)
    customer_reference: str = ""  # the customer's own reference (e.g. its order number)
    # Line items, payments, reminders, contact: filled once the invoice's detail was read.
    detail: InvoiceDetail = field(default=InvoiceDetail(), repr=False)

    @property
    def eligible(self) -> bool:
        """No problem of severity ``error``."""
        return not any(problem.severity == ERROR for problem in self.problems)

    @property
    def creditor_reference(self) -> str:
        """What Debitura knows the case by: the connection's prefix and the invoice number
        (without the spaces KashFlow may keep around it)."""
        return self.reference_prefix + self.invoice_number.strip()

    @property
    def base_debtor(self) -> DebtorDraft:
        """The debtor as first mapped, which edits apply to (for a hand-built row: as shown)."""
        return self.mapped_debtor or _draft_from_row(self)

    @property
    def overridden(self) -> frozenset[str]:
        """The debtor fields the analyst edited."""
        return frozenset(key for key, _ in self.overrides)

    def to_dict(self) -> dict[str, Any]:
        """The review row's JSON shape (see ARCHITECTURE.md), and nothing else."""
        return {
            "invoice_number": self.invoice_number,
            "customer_code": self.customer_code,
            "status": self.status,
            "issued_date": _iso(self.issued_date),
            "due_date": _iso(self.due_date),
            "currency": self.currency,
            "gross_amount": format_money(self.gross_amount, self.currency),
            "amount_to_recover": format_money(self.amount_to_recover, self.currency),
            "days_overdue": self.days_overdue,
            "debtor": {
                **self.debtor.to_dict(),
                # Only an E.164 number goes to Debitura; anything else goes into the comments.
                "phone_valid": bool(e164_or_blank(self.debtor.phone, self.debtor.country)),
            },
            "eligible": self.eligible,
            "problems": [problem.to_dict() for problem in self.problems],
        }


def _iso(value: date | None) -> str | None:
    return None if value is None else value.isoformat()


@dataclass(frozen=True, slots=True)
class MappingResult:
    """Rows for the open invoices, and counts of everything that did not become a row.

    ``excluded``: closed invoices per canonical status. ``unknown_statuses``: invoices whose
    status we do not know, per raw spelling (``""`` for a blank status). ``duplicates``:
    repeats of an invoice number already seen (paging can return a row twice).
    """

    rows: tuple[ReviewRow, ...]
    excluded: Mapping[str, int]
    unknown_statuses: Mapping[str, int]
    skipped_without_number: int = 0
    duplicates: int = 0


def build_row(
    invoice: Invoice,
    debtor: DebtorDraft,
    policy: Policy,
    *,
    customer_unavailable: bool = False,
    already_submitted: bool = False,
    currency_known: bool = True,
    import_problems: tuple[Problem, ...] = (),
) -> ReviewRow:
    """The review row for one invoice and its (already mapped) debtor.

    A blank currency code means the home currency unless ``currency_known`` is False: then
    nobody could tell (see ``mapping.currency.list_row_currency``) and the row is blocked.

    >>> policy = Policy(as_of=date(2026, 11, 21))
    >>> invoice = Invoice.from_api({"Number": 101, "Status": "Overdue - Part Paid",
    ...     "IssuedDate": "2026-09-01 12:00:00", "DueDate": "2026-10-01 12:00:00",
    ...     "GrossAmount": 1200.0, "DueAmount": 805.0, "Currency": {"Code": "GBP"}})
    >>> row = build_row(invoice, map_debtor(None, fallback_name="Acme Ltd"), policy)
    >>> row.status, row.to_dict()["amount_to_recover"], row.days_overdue, row.eligible
    ('OverduePartPaid', '805.00', 51, False)
    """
    return RowMaker(policy)(
        invoice,
        debtor,
        customer_unavailable=customer_unavailable,
        already_submitted=already_submitted,
        currency_known=currency_known,
        import_problems=import_problems,
    )


class RowMaker:
    """``build_row`` for a batch: what one policy makes the same for every row, read once.

    >>> make = RowMaker(Policy(as_of=date(2026, 11, 21)))
    >>> row = make(Invoice.from_api({"Number": 7, "Status": "Unpaid"}), map_debtor(None))
    >>> row.invoice_number, row.customer_unavailable
    ('7', True)
    """

    __slots__ = ("_as_of", "_check", "_home_currency", "_reference_prefix")

    def __init__(self, policy: Policy) -> None:
        self._check = InvoiceChecks(policy).check  # a bound method: the cheapest call
        self._home_currency = policy.home_currency
        self._as_of = policy.as_of
        self._reference_prefix = policy.reference_prefix

    def row(
        self,
        invoice: Invoice,
        debtor: DebtorDraft,
        customer_unavailable: bool = False,
        already_submitted: bool = False,
        currency_known: bool = True,
        import_problems: tuple[Problem, ...] = (),
    ) -> ReviewRow:
        """The row, as ``build_row`` makes it."""
        return self.shared_row(
            invoice,
            SharedDebtor(debtor),
            customer_unavailable,
            already_submitted,
            currency_known,
            import_problems,
        )

    __call__ = row

    def shared_row(
        self,
        invoice: Invoice,
        shared: SharedDebtor,
        customer_unavailable: bool = False,
        already_submitted: bool = False,
        currency_known: bool = True,
        import_problems: tuple[Problem, ...] = (),
    ) -> ReviewRow:
        """The row, as ``row`` makes it, for a debtor whose part of the row is worked out."""
        if currency_known:
            currency, currency_valid = invoice_currency(invoice.currency_code, self._home_currency)
        else:
            currency, currency_valid = "", False
        due_amount = invoice.due_amount
        if due_amount is not None:  # most list rows: what invoice_outstanding would do
            amount_to_recover = round_money(due_amount, currency)
        else:
            amount_to_recover = invoice_outstanding(invoice, currency, self._home_currency)
        # A draft mapped without its customer record is unavailable even if the caller did
        # not say.
        unavailable = customer_unavailable or shared.unavailable
        errors, warnings = self._check(
            invoice.number,
            invoice.issued_date,
            invoice.due_date,
            currency,
            currency_valid,
            amount_to_recover,
            invoice.exchange_rate,
            shared.debtor_type,
            already_submitted,
        )
        if unavailable or import_problems:
            problems = _in_order(errors, warnings, unavailable, import_problems, shared.draft)
        elif errors:  # what _in_order gives, without the call
            problems = (*errors, *shared.errors, *warnings, *shared.warnings)
        elif not warnings:
            problems = shared.problems
        elif len(warnings) == 1 and warnings[0] is PRIVATE_NEEDS_DOCUMENTS_PROBLEM:
            problems = shared.private_problems  # most rows of a private debtor
        else:
            problems = (*shared.errors, *warnings, *shared.warnings)
        # In field order, not by name: matching 24 keywords would cost a third of the build.
        return _new_row(
            invoice.number,  # invoice_number
            invoice.customer_code,  # customer_code
            canonical_status(invoice.status) or invoice.status,  # status
            invoice.issued_date,  # issued_date
            invoice.due_date,  # due_date
            currency,  # currency
            round_money(invoice.gross_amount, currency),  # gross_amount
            amount_to_recover,  # amount_to_recover
            days_overdue(invoice.due_date, self._as_of),  # days_overdue
            shared.debtor,  # debtor
            problems,  # problems
            invoice.exchange_rate,  # exchange_rate
            currency_valid,  # currency_valid
            shared.type_reason,  # type_reason
            shared.country_defaulted,  # country_defaulted
            unavailable,  # customer_unavailable
            already_submitted,  # already_submitted
            "",  # case_reference
            import_problems,  # import_problems
            self._reference_prefix,  # reference_prefix
            (),  # overrides
            shared.draft,  # mapped_debtor
            invoice.customer_reference,  # customer_reference
            invoice.detail,  # detail
        )


class SharedDebtor:
    """A debtor's part of every row of its customer, worked out once and shared by the rows:
    the debtor, what re-checking needs, and its problems around the invoice's commonest ones
    (none; a private debtor's ``needs_documents``) as ready-made tuples.

    >>> shared = SharedDebtor(map_debtor(None, fallback_name="Jane Doe"))
    >>> [p.code for p in shared.private_problems]  # doctest: +NORMALIZE_WHITESPACE
    ['missing_address', 'missing_city', 'missing_postcode', 'needs_documents', 'missing_email',
     'missing_phone', 'inferred_type', 'default_country']
    """

    __slots__ = (
        "country_defaulted", "debtor", "debtor_type", "draft", "errors", "private_problems",
        "problems", "type_reason", "unavailable", "warnings",
    )  # fmt: skip

    def __init__(self, draft: DebtorDraft) -> None:
        self.draft = draft
        self.debtor = draft.debtor
        self.debtor_type = draft.debtor.type
        self.type_reason = draft.type_reason
        self.country_defaulted = draft.country_defaulted
        self.unavailable = draft.unavailable
        self.errors = draft.errors
        self.warnings = draft.warnings
        self.problems = (*draft.errors, *draft.warnings)
        # Only a private debtor's rows carry this problem on its own.
        self.private_problems = (
            (*draft.errors, PRIVATE_NEEDS_DOCUMENTS_PROBLEM, *draft.warnings)
            if self.debtor_type == PRIVATE
            else ()
        )


_new_row = slot_builder(ReviewRow)  # ReviewRow(...) without its per-field look-ups


def with_detail(row: ReviewRow, invoice: Invoice) -> ReviewRow:
    """The row with what the invoice's detail (``GET /invoices/{number}``) adds for the case:
    line items, payments, reminders, contact name and the customer's reference.

    >>> row = build_row(Invoice.from_api({"Number": 7}), map_debtor(None),
    ...     Policy(as_of=date(2026, 11, 21)))
    >>> read = with_detail(row, Invoice.from_api({"Number": 7, "CustomerReference": "PO-1",
    ...     "CustomerContactName": "Sue Bell"}))
    >>> read.detail.contact_name, read.customer_reference
    ('Sue Bell', 'PO-1')
    """
    return replace(
        row,
        detail=invoice.detail,
        customer_reference=invoice.customer_reference or row.customer_reference,
    )


def invoice_outstanding(invoice: Invoice, currency: str, home_currency: str) -> Decimal | None:
    """What is still owed on ``invoice`` in ``currency`` (its own); see ``outstanding_balance``."""
    if invoice.due_amount is not None:  # most list rows: what outstanding_balance would do
        return round_money(invoice.due_amount, currency)
    return outstanding_balance(
        gross_amount=invoice.gross_amount,
        due_amount=invoice.due_amount,
        total_paid_amount=invoice.total_paid_amount,
        exchange_rate=invoice.exchange_rate,
        currency=currency,
        home_currency=home_currency,
    )


def _row_problems(
    *,
    invoice_number: str,
    issued_date: date | None,
    due_date: date | None,
    currency: str,
    currency_valid: bool,
    amount_to_recover: Decimal | None,
    exchange_rate: Decimal | None,
    already_submitted: bool,
    customer_unavailable: bool,
    import_problems: tuple[Problem, ...],
    draft: DebtorDraft,
    policy: Policy,
) -> tuple[Problem, ...]:
    """Errors first, then warnings; the debtor's part was worked out once per customer."""
    errors, warnings = invoice_problems(
        invoice_number=invoice_number,
        issued_date=issued_date,
        due_date=due_date,
        currency=currency,
        currency_valid=currency_valid,
        amount_to_recover=amount_to_recover,
        exchange_rate=exchange_rate,
        debtor_type=draft.debtor.type,
        already_submitted=already_submitted,
        policy=policy,
    )
    return _in_order(errors, warnings, customer_unavailable, import_problems, draft)


def _in_order(
    errors: list[Problem],
    warnings: list[Problem],
    customer_unavailable: bool,
    import_problems: tuple[Problem, ...],
    draft: DebtorDraft,
) -> tuple[Problem, ...]:
    """A row's problems: the invoice's errors, the import's, the debtor's, then the warnings."""
    if customer_unavailable:
        errors.append(CUSTOMER_UNAVAILABLE_PROBLEM)
    if import_problems:
        errors += [found for found in import_problems if found.is_error]
        warnings += [found for found in import_problems if not found.is_error]
    return (*errors, *draft.errors, *warnings, *draft.warnings)


def apply_overrides(row: ReviewRow, overrides: Mapping[str, str], policy: Policy) -> ReviewRow:
    """The row with the analyst's debtor edits for this invoice, re-checked at once.

    Edits add to the row's earlier ones (a key given again replaces its value); keys other
    than the debtor fields are ignored; an empty string clears the field. Applying the same
    edits twice, or no edits, changes nothing.

    >>> policy = Policy(as_of=date(2026, 11, 21))
    >>> invoice = Invoice.from_api({"Number": 7, "Status": "Overdue", "DueAmount": 500,
    ...     "IssuedDate": "2026-09-01", "DueDate": "2026-10-01"})
    >>> row = build_row(invoice, map_debtor(None, fallback_name="Acme Ltd"), policy)
    >>> fixed = apply_overrides(row, {"address": "1 High St", "city": "Leeds",
    ...     "postcode": "LS1 4AB", "country": "GB"}, policy)
    >>> sorted(problem.code for problem in fixed.problems), fixed.eligible
    (['inferred_type', 'missing_email', 'missing_phone'], True)
    """
    merged = dict(row.overrides)
    for key, value in overrides.items():
        if key in DEBTOR_FIELDS:
            merged[key] = clean_value(value)
    new_overrides = tuple(sorted(merged.items()))
    if new_overrides == row.overrides:
        return row
    base = row.base_debtor
    draft = override_debtor(base, merged)
    return replace(
        row,
        debtor=draft.debtor,
        problems=_row_problems(
            invoice_number=row.invoice_number,
            issued_date=row.issued_date,
            due_date=row.due_date,
            currency=row.currency,
            currency_valid=row.currency_valid,
            amount_to_recover=row.amount_to_recover,
            exchange_rate=row.exchange_rate,
            already_submitted=row.already_submitted,
            # Any edit means the analyst has taken over the debtor: no longer an error.
            customer_unavailable=False,
            import_problems=row.import_problems,
            draft=draft,
            policy=policy,
        ),
        type_reason=draft.type_reason,
        country_defaulted=draft.country_defaulted,
        customer_unavailable=False,
        overrides=new_overrides,
        mapped_debtor=base,
    )


def _draft_from_row(row: ReviewRow) -> DebtorDraft:
    # A row built by hand has no mapped debtor; its debtor as shown is the starting point.
    return DebtorDraft.checked(
        row.debtor,
        type_reason=row.type_reason,
        country_source="default" if row.country_defaulted else "code",
        phone_raw=row.debtor.phone,
        phone_valid=row.debtor.phone.startswith("+"),
        unavailable=row.customer_unavailable,
    )


# The review's order is the client's listing order: one key for both (never raises).
invoice_sort_key = invoice_number_order


def _row_order(row: ReviewRow) -> tuple[int, int, str, str]:
    return invoice_number_order(row.invoice_number)


def map_invoices(
    invoices: Iterable[Invoice],
    customers: Mapping[str, Customer],
    policy: Policy,
    *,
    unavailable_customers: Collection[str] = (),
    submitted_invoices: Collection[str] = (),
    unknown_currency: Collection[str] = (),
    customer_problems: Mapping[str, tuple[Problem, ...]] | None = None,
) -> MappingResult:
    """Review rows for the open invoices, each customer mapped once.

    An invoice whose customer is in ``unavailable_customers`` or missing from ``customers``
    gets a debtor with only the invoice's customer name, and a ``customer_unavailable`` error.
    Invoices in ``unknown_currency`` (by number) get an ``invalid_currency`` error, and every
    invoice of a customer the problems in ``customer_problems`` (by customer code). The same
    invoice twice (paging) makes one row; two different open invoices under one number make
    one row with a ``duplicate_invoice_number`` error that names the others.

    >>> policy = Policy(as_of=date(2026, 11, 21))
    >>> result = map_invoices([Invoice.from_api({"Number": n, "Status": s})
    ...     for n, s in [(2, "Unpaid"), (1, "Paid"), (3, "Pending"), (10, "Overdue")]],
    ...     {}, policy)
    >>> [row.invoice_number for row in result.rows], result.excluded, result.unknown_statuses
    (['2', '10'], {'Paid': 1}, {'Pending': 1})
    """
    with collector_paused():  # see mapping.collector: the batch holds no reference cycles
        return _map_invoices(
            invoices,
            customers,
            policy,
            unavailable_customers=unavailable_customers,
            submitted_invoices=submitted_invoices,
            unknown_currency=unknown_currency,
            customer_problems=customer_problems,
        )


def _map_invoices(
    invoices: Iterable[Invoice],
    customers: Mapping[str, Customer],
    policy: Policy,
    *,
    unavailable_customers: Collection[str],
    submitted_invoices: Collection[str],
    unknown_currency: Collection[str],
    customer_problems: Mapping[str, tuple[Problem, ...]] | None,
) -> MappingResult:
    unavailable = frozenset(unavailable_customers)
    submitted = frozenset(submitted_invoices)
    currency_unknown = frozenset(unknown_currency)
    customer_problems = customer_problems or {}
    # The first open invoice per number, and any others under it (rare): no list per number,
    # since every object that outlives the loop makes the collector's full passes come sooner.
    open_by_number: dict[str, Invoice] = {}
    others_by_number: dict[str, list[Invoice]] = {}
    excluded: dict[str, int] = {}
    unknown_statuses: dict[str, int] = {}
    skipped_without_number = 0
    duplicates = 0
    for invoice in invoices:
        if not invoice.number:
            skipped_without_number += 1
            continue
        status = canonical_status(invoice.status)
        if not is_open_status(status):
            # Counted, so that nothing leaves the import silently.
            if status:
                _count(excluded, status)
            else:
                _count(unknown_statuses, invoice.status)
            continue
        first = open_by_number.get(invoice.number)
        if first is None:
            open_by_number[invoice.number] = invoice
            continue
        others = others_by_number.setdefault(invoice.number, [])
        if invoice == first or invoice in others:
            duplicates += 1  # paging can return an invoice twice: one copy stands
            continue
        others.append(invoice)
    rows: list[ReviewRow] = []
    make_row = RowMaker(policy).shared_row  # bound methods: the cheapest calls, once per row
    debtor_for = _Debtors(customers, unavailable).debtor_of
    for number, invoice in open_by_number.items():
        sharing = others_by_number.get(number)
        import_problems = _shared_number(number, sharing) if sharing else ()
        if found := customer_problems.get(invoice.customer_code):
            import_problems = (*import_problems, *found)
        # A debtor mapped without its customer's record is marked unavailable: the row
        # takes that from it.
        rows.append(
            make_row(
                invoice,
                debtor_for(invoice),
                False,  # customer_unavailable
                number in submitted,  # already_submitted
                number not in currency_unknown,  # currency_known
                import_problems,
            )
        )
    rows.sort(key=_row_order)
    return MappingResult(
        rows=tuple(rows),
        excluded=excluded,
        unknown_statuses=unknown_statuses,
        skipped_without_number=skipped_without_number,
        duplicates=duplicates,
    )


def _shared_number(number: str, others: list[Invoice]) -> tuple[Problem, ...]:
    """The ``duplicate_invoice_number`` error when other open invoices carry ``number``."""
    if not others:
        return ()
    described = "; ".join(_described(other) for other in others)
    return (
        problem(
            DUPLICATE_INVOICE_NUMBER,
            f"KashFlow has more than one open invoice numbered {number} (also {described}): "
            "Debitura takes one case per number. Renumber one in KashFlow, then refresh.",
        ),
    )


def _described(invoice: Invoice) -> str:
    """An invoice in a few words, to tell it from another with the same number.

    >>> _described(Invoice.from_api({"Number": 7, "CustomerCode": "BOLT02",
    ...     "GrossAmount": 5760, "Currency": {"Code": "GBP"}, "IssuedDate": "2026-09-01"}))
    'customer BOLT02, £5,760.00, issued 01 Sep 2026'
    """
    parts = [f"customer {invoice.customer_code or invoice.customer_name or 'unknown'}"]
    if invoice.gross_amount is not None:
        parts.append(money_text(invoice.gross_amount, invoice.currency_code))
    if invoice.issued_date is not None:
        parts.append(f"issued {uk_date(invoice.issued_date)}")
    return ", ".join(parts)


def _count(counts: dict[str, int], key: str) -> None:
    """Add one to ``counts[key]``.

    >>> counts = {"Paid": 1}
    >>> _count(counts, "Paid")
    >>> _count(counts, "Void")
    >>> counts
    {'Paid': 2, 'Void': 1}
    """
    counts[key] = counts.get(key, 0) + 1


class _Debtors:
    """Each invoice's debtor for a batch, mapped once (with its part of the rows, see
    ``SharedDebtor``): a fetched customer's on its first invoice, shared by the others;
    without the record, one per customer name under the code (made from the invoice's name,
    and unavailable).

    >>> debtors = _Debtors({"ACME01": Customer.from_api({"Code": "ACME01", "Name": "Acme"})}, ())
    >>> first = Invoice.from_api({"Number": 1, "CustomerCode": "ACME01"})
    >>> debtors(first) is debtors(Invoice.from_api({"Number": 2, "CustomerCode": "ACME01"}))
    True
    >>> walk_in = Invoice.from_api({"Number": 3, "CustomerName": "Jane Doe"})
    >>> debtors(walk_in).debtor.name, debtors(walk_in).unavailable
    ('Jane Doe', True)
    """

    __slots__ = ("_by_code", "_by_name", "_customers", "_unavailable")

    def __init__(self, customers: Mapping[str, Customer], unavailable: Collection[str]) -> None:
        self._customers = customers
        self._unavailable = unavailable
        self._by_code: dict[str, SharedDebtor] = {}  # fetched customers'
        self._by_name: dict[tuple[str, str], SharedDebtor] = {}  # (code, invoice's name)

    def __call__(self, invoice: Invoice) -> SharedDebtor:
        return self.debtor_of(invoice)

    def debtor_of(self, invoice: Invoice) -> SharedDebtor:
        """The invoice's debtor (one look-up for most invoices: already mapped)."""
        shared = self._by_code.get(invoice.customer_code)
        if shared is None:
            shared = self._first_mapping(invoice)
        return shared

    def _first_mapping(self, invoice: Invoice) -> SharedDebtor:
        code = invoice.customer_code
        customer = None if code in self._unavailable else self._customers.get(code)
        if customer is not None:
            draft = map_debtor(customer, fallback_name=invoice.customer_name)
            shared = self._by_code[code] = SharedDebtor(draft)
            return shared
        key = (code, invoice.customer_name)
        unfetched = self._by_name.get(key)
        if unfetched is None:
            draft = map_debtor(None, fallback_name=invoice.customer_name)
            unfetched = self._by_name[key] = SharedDebtor(draft)
        return unfetched
