"""The fast paths give what the straightforward ones give, row for row.

``Invoice.from_api``/``Customer.from_api`` read a dict through a key plan per layout and
remember date strings; ``map_invoices`` maps each customer once, pauses the garbage collector
and shares cached checks between rows. Here every result is compared with the plain path
(``from_fields(Fields(raw))``, a fresh debtor per invoice, ``build_row`` per row) on large
seeded books and on hypothesis' odd JSON, so no cache can carry one row's value into another.
"""

from __future__ import annotations

import contextlib
import dataclasses
import gc
import json
import pickle
import sys
from datetime import date
from decimal import Decimal

import pytest
from hypothesis import HealthCheck, given, settings
from hypothesis import strategies as st

from bench.bench_mapping import generate as generate_bench_book
from jsonwire.encoding import dumps, loads
from jsonwire.fields import Fields
from kashflow.frozen import slot_builder
from kashflow.models import Address, Contact, Customer, Invoice
from mapping.balances import check_balances
from mapping.collector import collector_paused
from mapping.contacts import contact_name, first_email, pick_email
from mapping.debtor import Debtor, DebtorDraft, map_debtor
from mapping.debtor_type import _COMPANY_WORD, company_word
from mapping.money import convert, round_money
from mapping.policy import Policy
from mapping.problems import Problem
from mapping.rows import (
    MappingResult,
    ReviewRow,
    _row_problems,
    _shared_number,
    build_row,
    map_invoices,
)
from mapping.status import canonical_status, is_open_status
from mapping.validation import _documents_by_value, _documents_by_value_written_out
from sandbox.kashflow_data import generate as generate_sandbox_book
from tests.unit.test_mapping_hypothesis import CUSTOMER_KEYS, INVOICE_KEYS, kashflow_shaped

AS_OF = date(2026, 11, 21)
DETAIL_KEYS = ["LineItems", "PaymentLines", "ReminderLetters", "CustomerContactName",
               "CustomerContactFirstname", "CustomerContactLastName", "VatNumber", "Permalink",
               "PaymentDueDate", "InvoiceDate", "HomeCurrencyGrossAmount", "CustomerReference",
               "NetAmount", "PaidDate"]  # fmt: skip
MORE_CUSTOMER_KEYS = ["Currency", "OutstandingBalance", "Postcode", "ZipCode", "Country"]
MANY = settings(max_examples=300, deadline=None, suppress_health_check=list(HealthCheck))


def clear_caches() -> None:
    """Empty every cache of the mapping and the models, so the plain path starts cold."""
    for name, module in list(sys.modules.items()):
        if name.startswith(("mapping", "kashflow")):
            for value in vars(module).values():
                if hasattr(value, "cache_clear"):
                    value.cache_clear()
    sys.modules["kashflow.models"]._DATES.clear()


def row_by_row(
    invoices, customers, policy, *, unavailable=(), submitted=(), unknown=(), credit=None
) -> tuple:
    """``map_invoices`` the plain way: each row built on its own, its debtor mapped afresh."""
    credit = credit or {}
    first: dict[str, Invoice] = {}
    others: dict[str, list[Invoice]] = {}
    excluded: dict[str, int] = {}
    unknown_statuses: dict[str, int] = {}
    for invoice in invoices:
        status = canonical_status(invoice.status)
        if not invoice.number:
            continue
        if not is_open_status(status):
            counts, key = (excluded, status) if status else (unknown_statuses, invoice.status)
            counts[key] = counts.get(key, 0) + 1
        elif invoice.number not in first:
            first[invoice.number] = invoice
        elif invoice != first[invoice.number] and invoice not in others.get(invoice.number, []):
            others.setdefault(invoice.number, []).append(invoice)
    # A fetched customer's debtor is the one mapped on its first invoice (the name there
    # stands in for a blank customer name); without the record, each invoice names its own.
    name_on_first: dict[str, str] = {}
    for invoice in first.values():
        name_on_first.setdefault(invoice.customer_code, invoice.customer_name)
    rows = []
    for number, invoice in first.items():
        code = invoice.customer_code
        customer = None if code in unavailable else customers.get(code)
        fallback = invoice.customer_name if customer is None else name_on_first[code]
        rows.append(
            build_row(
                invoice,
                map_debtor(customer, fallback_name=fallback),
                policy,
                customer_unavailable=customer is None,
                already_submitted=number in submitted,
                currency_known=number not in unknown,
                import_problems=(
                    *_shared_number(number, others.get(number, [])),
                    *credit.get(code, ()),
                ),
            )
        )
    return rows, excluded, unknown_statuses


def assert_same_rows(fast: MappingResult, plain: tuple) -> None:
    rows, excluded, unknown_statuses = plain
    by_number = {row.invoice_number: row for row in rows}
    assert [row.invoice_number for row in fast.rows] == sorted(
        by_number, key=[row.invoice_number for row in fast.rows].index
    )
    assert len(fast.rows) == len(rows)
    for row in fast.rows:
        expected = by_number[row.invoice_number]
        # repr: types too (Decimal('1.0') is not Decimal('1.00')); and the fields repr leaves out.
        assert repr(row) == repr(expected)
        assert repr((row.mapped_debtor, row.detail)) == repr(
            (expected.mapped_debtor, expected.detail)
        )
    assert dict(fast.excluded) == excluded
    assert dict(fast.unknown_statuses) == unknown_statuses


def plain_invoice(raw) -> Invoice:
    return Invoice.from_fields(Fields(raw))


def plain_customer(raw) -> Customer:
    return Customer.from_fields(Fields(raw))


def check_book(raw_invoices, raw_customers, policy) -> MappingResult:
    """Parse and map both ways, with every option of ``map_invoices`` in use; compare."""
    invoices = [Invoice.from_api(raw) for raw in raw_invoices]
    customers = {c.code: c for c in map(Customer.from_api, raw_customers)}
    clear_caches()
    plain_invoices = [plain_invoice(raw) for raw in raw_invoices]
    plain_customers = {c.code: c for c in map(plain_customer, raw_customers)}
    assert repr(invoices) == repr(plain_invoices)
    assert repr(customers) == repr(plain_customers)
    numbers = [invoice.number for invoice in invoices]
    options = {
        "unavailable": list(customers)[::7],
        "submitted": numbers[::11],
        "unknown": numbers[::13],
        "credit": check_balances(invoices, customers, policy.home_currency).credit_problems,
    }
    plain = row_by_row(plain_invoices, plain_customers, policy, **options)
    fast = map_invoices(
        invoices,
        customers,
        policy,
        unavailable_customers=options["unavailable"],
        submitted_invoices=options["submitted"],
        unknown_currency=options["unknown"],
        customer_problems=options["credit"],
    )
    assert_same_rows(fast, plain)
    assert_problems_as_listed_plainly(fast, policy)
    return fast


def assert_problems_as_listed_plainly(result: MappingResult, policy: Policy) -> None:
    """Each row's problems as the plain listing puts them (a row shares its debtor's
    ready-made tuples when it can: they must hold the same problems in the same order)."""
    for row in result.rows:
        assert row.problems == _row_problems(
            invoice_number=row.invoice_number,
            issued_date=row.issued_date,
            due_date=row.due_date,
            currency=row.currency,
            currency_valid=row.currency_valid,
            amount_to_recover=row.amount_to_recover,
            exchange_rate=row.exchange_rate,
            already_submitted=row.already_submitted,
            customer_unavailable=row.customer_unavailable,
            import_problems=row.import_problems,
            draft=row.mapped_debtor,
            policy=policy,
        )


def test_a_large_seeded_book_maps_as_row_by_row():
    raw_invoices, raw_customers = generate_bench_book(6_000, 1_200)
    # As the client reads it: JSON numbers with a fraction become Decimal.
    raw_invoices, raw_customers = loads(json.dumps([raw_invoices, raw_customers]))
    result = check_book(raw_invoices, raw_customers, Policy(as_of=AS_OF))
    assert len(result.rows) > 4_000
    assert {problem.code for row in result.rows for problem in row.problems} >= {
        "customer_unavailable", "already_submitted", "invalid_currency", "needs_documents",
        "below_minimum", "not_yet_due", "missing_phone", "inferred_type",
    }  # fmt: skip


def test_the_sandbox_books_hostile_ones_included_map_as_row_by_row():
    dataset = generate_sandbox_book(
        invoices=2_000, customers=300, as_of=AS_OF, hostile=True, credit_customer=True,
        omit_due_amount=0.3,
    )  # fmt: skip
    wire = loads(dumps([
        [invoice.summary for invoice in dataset.invoices],
        [invoice.detail for invoice in dataset.invoices],
        [customer.detail for customer in dataset.customers],
    ]))  # fmt: skip
    summaries, details, customers = wire
    for policy in (Policy(as_of=AS_OF), Policy(as_of=AS_OF, home_currency="EUR",
                                               reference_prefix="HF-")):  # fmt: skip
        result = check_book(summaries, customers, policy)
        assert any(p.code == "duplicate_invoice_number" for r in result.rows for p in r.problems)
        check_book(details, customers, policy)


@MANY
@given(raw=kashflow_shaped(INVOICE_KEYS + DETAIL_KEYS))
def test_any_invoice_json_parses_as_fields_reads_it(raw):
    assert repr(Invoice.from_api(raw)) == repr(plain_invoice(raw))


@MANY
@given(raw=kashflow_shaped(CUSTOMER_KEYS + MORE_CUSTOMER_KEYS))
def test_any_customer_json_parses_as_fields_reads_it(raw):
    assert repr(Customer.from_api(raw)) == repr(plain_customer(raw))
    assert repr(Address.from_api(raw)) == repr(Address.from_fields(Fields(raw)))
    assert repr(Contact.from_api(raw)) == repr(Contact.from_fields(Fields(raw)))


@settings(max_examples=150, deadline=None, suppress_health_check=list(HealthCheck))
@given(
    raw_invoices=st.lists(kashflow_shaped(INVOICE_KEYS), max_size=12),
    raw_customers=st.lists(kashflow_shaped(CUSTOMER_KEYS), max_size=4),
    codes=st.lists(st.sampled_from(["A", "B", "C", ""]), min_size=12, max_size=12),
    names=st.lists(st.sampled_from(["Acme Ltd", "Jane Doe", "", " x "]), min_size=12, max_size=12),
    statuses=st.lists(st.sampled_from(["Overdue", "Unpaid", "Paid", "??"]), min_size=12,
                      max_size=12),
    home=st.sampled_from(["GBP", "EUR", "JPY"]),
)  # fmt: skip
def test_invoices_sharing_customers_map_as_row_by_row(
    raw_invoices, raw_customers, codes, names, statuses, home
):
    # Few customer codes and names, many invoices: what the per-customer memo keys on.
    invoices = [
        {**(raw if isinstance(raw, dict) else {}), "Number": index % 9, "CustomerCode": code,
         "CustomerName": name, "Status": status}
        for index, (raw, code, name, status) in enumerate(
            zip(raw_invoices, codes, names, statuses, strict=False))
    ]  # fmt: skip
    customers = [
        {**(raw if isinstance(raw, dict) else {}), "Code": code}
        for raw, code in zip(raw_customers, ["A", "B", "X", ""], strict=False)
    ]
    check_book(invoices, customers, Policy(as_of=AS_OF, home_currency=home))


def test_the_collector_is_paused_during_a_batch_and_restored_after():
    seen = []
    rows_module = sys.modules["mapping.rows"]
    real_map_debtor = rows_module.map_debtor

    def spy(*args, **kwargs):
        seen.append(gc.isenabled())
        return real_map_debtor(*args, **kwargs)

    rows_module.map_debtor = spy
    try:
        map_invoices([Invoice.from_api({"Number": 1, "Status": "Unpaid"})], {}, Policy(AS_OF))
    finally:
        rows_module.map_debtor = real_map_debtor
    assert seen == [False]
    assert gc.isenabled()


def test_the_collector_is_restored_when_a_batch_fails():
    class Broken:
        number = "1"
        status = "Unpaid"

        def __eq__(self, other):
            raise RuntimeError("broken")

    gc.enable()
    with contextlib.suppress(RuntimeError):
        map_invoices([Invoice.from_api({"Number": 1, "Status": "Unpaid"}), Broken()], {},
                     Policy(AS_OF))  # fmt: skip
    assert gc.isenabled()
    with collector_paused():
        with collector_paused():
            assert not gc.isenabled()
        assert not gc.isenabled()
    assert gc.isenabled()


def test_a_batch_s_rows_go_to_the_oldest_generation_without_a_pass():
    gc.enable()
    result = map_invoices([Invoice.from_api({"Number": 1, "Status": "Unpaid"})], {}, Policy(AS_OF))
    [row] = result.rows
    assert any(tracked is row for tracked in gc.get_objects(generation=2))
    assert gc.isenabled() and gc.get_freeze_count() == 0


def test_objects_someone_else_froze_stay_frozen_through_a_batch():
    theirs = [None]  # a list: the collector tracks it
    gc.freeze()
    try:
        map_invoices([Invoice.from_api({"Number": 1, "Status": "Unpaid"})], {}, Policy(AS_OF))
        # Frozen objects are in no generation (the count itself moves as others die).
        assert gc.get_freeze_count() > 0
        assert not any(tracked is theirs for tracked in gc.get_objects())
    finally:
        gc.unfreeze()


# -- the fast constructors and texts give what the plain ones give ------------------------------


def _review_row():
    invoice = Invoice.from_api({"Number": 7, "Status": "Overdue", "DueAmount": 12500,
                                "IssuedDate": "2026-09-01", "DueDate": "2026-10-01"})  # fmt: skip
    return build_row(invoice, map_debtor(None, fallback_name="Acme Ltd"), Policy(AS_OF))


@pytest.mark.parametrize("cls", [ReviewRow, Problem, Debtor, DebtorDraft])
def test_a_slot_builder_makes_what_the_class_makes(cls):
    row = _review_row()
    example = {ReviewRow: row, Problem: row.problems[0], Debtor: row.debtor,
               DebtorDraft: row.mapped_debtor}[cls]  # fmt: skip
    values = {field.name: getattr(example, field.name) for field in dataclasses.fields(cls)}
    built, plain = slot_builder(cls)(**values), cls(**values)
    assert type(built) is cls
    assert built == plain and hash(built) == hash(plain) and repr(built) == repr(plain)
    assert pickle.loads(pickle.dumps(built)) == plain
    assert dataclasses.replace(built) == plain
    with pytest.raises(dataclasses.FrozenInstanceError):
        built.__setattr__(dataclasses.fields(cls)[0].name, None)


def test_a_slot_builder_takes_defaults_and_refuses_what_it_cannot_copy():
    assert slot_builder(Problem)("missing_city", "error", "x") == Problem(
        "missing_city", "error", "x"
    )
    assert slot_builder(Debtor)("Private", "Jane") == Debtor("Private", "Jane")

    @dataclasses.dataclass(frozen=True, slots=True)
    class Checked:
        value: int

        def __post_init__(self):
            pass

    @dataclasses.dataclass(frozen=True)
    class NoSlots:
        value: int

    @dataclasses.dataclass(frozen=True, slots=True)
    class Inheriting(Problem):
        extra: int = 0

    # Policy: a __post_init__ and a default_factory. Inheriting: its slots are not all its own.
    for cls in (Checked, NoSlots, Policy, Inheriting):
        with pytest.raises(TypeError):
            slot_builder(cls)


AMOUNTS = st.decimals(min_value=Decimal("0.01"), max_value=Decimal("1E+26"), places=2)


@MANY
@given(
    amount=st.one_of(AMOUNTS, st.sampled_from([Decimal("12450"), Decimal("12449.99"),
                                               Decimal("1E+23"), Decimal("7.6E+23"),
                                               Decimal("7.6E+27"), Decimal("1E+40")])),
    rate=st.sampled_from([Decimal("1"), Decimal("1.32"), Decimal("0.0066"), Decimal("3.25")]),
    currency=st.sampled_from(["GBP", "USD", "EUR", "JPY", "KWD", "THB", "XYZ"]),
    file_needed=st.booleans(),
)  # fmt: skip
def test_the_documents_message_is_the_one_written_out(amount, rate, currency, file_needed):
    amount = round_money(amount, currency)
    usd = convert(amount, rate)
    expected = _documents_by_value_written_out(amount, currency, usd, file_needed)
    assert _documents_by_value(amount, currency, usd, file_needed) == expected


COMPANY_WORDS_AND_OTHERS = st.lists(
    st.sampled_from(["Acme", "ltd", "LTD.", "Ltd", "co", "Co.", "& co", "AND CO", "s.a.", "S.A.S.",
                     "a/s", "gmbh", "G.M.B.H", "ab", "Oy", "(uk)", "Group-Jones", "O'Brien",
                     "Holdings", "holding", "Coco", "Abbey", "inc", "Inc.", "incorporated", "nhs",
                     "pty", "PTE.", "sàrl", "-", "&", ".", ",", "(", ")", "2", "x"]),
    max_size=6,
)  # fmt: skip
COMPANY_NAMES = COMPANY_WORDS_AND_OTHERS.flatmap(
    lambda words: st.sampled_from([" ", "", ", ", "  "]).map(lambda sep: sep.join(words))
)


@MANY
@given(name=st.one_of(COMPANY_NAMES, st.text(alphabet=st.characters(max_codepoint=127))))
def test_an_ascii_name_s_company_word_is_the_one_found_ignoring_case(name):
    # The lower-case search is the fast path for ASCII names; the plain one ignores case.
    match = _COMPANY_WORD.search(name)
    assert company_word(name) == (match.group(0) if match else "")


CONTACTS = st.lists(
    st.builds(Contact, name=st.sampled_from(["", "Sue Bell"]),
              first_name=st.sampled_from(["", "Sue"]), last_name=st.sampled_from(["", "Bell"]),
              email=st.sampled_from(["", "sue@acme.com", "a@x.com; b@x.com", "n/a"]),
              is_primary=st.booleans()),
    max_size=4,
)  # fmt: skip


@MANY
@given(contacts=CONTACTS, email=st.sampled_from(["", "ar@acme.com"]))
def test_the_contact_picks_are_the_plain_ones(contacts, email):
    customer = Customer(code="C", email=email, contacts=tuple(contacts))
    # As written before the loops replaced next(generator).
    primary = next((c for c in contacts if c.is_primary and c.email), None)
    with_email = next((c for c in contacts if c.email), None)
    chosen = next((c for c in contacts if c.is_primary), contacts[0] if contacts else None)
    if primary is not None:
        expected_email = first_email(primary.email)
    else:
        expected_email = first_email(with_email.email if with_email else customer.email)
    expected_name = (
        ""
        if chosen is None
        else chosen.name or " ".join(part for part in (chosen.first_name, chosen.last_name) if part)
    )
    assert pick_email(customer) == expected_email
    assert contact_name(customer) == expected_name


@pytest.mark.parametrize("gross", ["7.6E+27", "1E+30", "9.99E+59"])
def test_an_absurd_amount_from_kashflow_maps_to_a_row_never_an_exception(gross):
    """Before, amounts past about 7.6e27 raised while writing "about USD …", which stopped the
    whole import; now the row says what it is like any other."""
    invoice = Invoice.from_api(
        {"Number": 1, "Status": "Overdue", "GrossAmount": Decimal(gross), "PaidAmount": 0,
         "Currency": {"Code": "GBP"}, "IssuedDate": "2026-01-01", "DueDate": "2026-02-01",
         "CustomerCode": "C1", "CustomerName": "X Ltd"}
    )  # fmt: skip
    [row] = map_invoices([invoice], {}, Policy(as_of=date(2026, 11, 21))).rows
    assert row.invoice_number == "1"
    assert row.problems  # its customer is missing, at least
