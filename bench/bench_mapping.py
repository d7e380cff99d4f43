"""Benchmark: map 100,000 KashFlow invoices of 20,000 customers into review rows.

Run from the project root: ``python -m bench.bench_mapping [--invoices N --customers M]``.

Prints parse time (``from_api``), ``map_invoices`` (mapping + validation, each customer mapped
once), the two together, rows per second counting the rows produced (open invoices), and
``map_invoices`` against a naive baseline measured in the same run (the debtor mapped again
for every invoice), their ratio, and ``rows_to_frame`` on 20,000 rows. Both mappings run with the
garbage collector on, as in the app. Data are generated with a fixed seed in KashFlow's JSON
shapes: mixed key casings, 4-6 decimal amounts as numbers and strings, dates with and without
offsets, varied address layouts, currencies and statuses.
"""

from __future__ import annotations

import argparse
import random
import time
from collections.abc import Callable, Iterable, Mapping
from datetime import date, timedelta
from typing import Any

from kashflow.models import Customer, Invoice
from mapping.debtor import map_debtor
from mapping.frame import rows_to_frame
from mapping.policy import Policy
from mapping.rows import MappingResult, ReviewRow, build_row, invoice_sort_key, map_invoices
from mapping.status import canonical_status, is_open_status

AS_OF = date(2026, 11, 21)
SEED = 20261121

_FIRST = ["James", "Olivia", "Amelia", "Noah", "Sarah", "Mohammed", "Priya", "Tom", "Chloe", "Wei"]
_LAST = ["Smith", "Jones", "Taylor", "Patel", "Khan", "O'Brien", "Group-Jones", "Abbey", "Church"]
_TRADE = ["Joinery", "Plumbing", "Widgets", "Bakery", "Logistics", "Dental", "Print", "Studio"]
_FORMS = ["Ltd", "Limited", "LLP", "PLC", "& Co", "Services", "Group", "GmbH", "Inc.", "S.A.", ""]
_STREETS = ["High St", "Station Road", "Church Lane", "Mill Road", "Ashwood Close", "Park Avenue"]
_GB_TOWNS = [
    ("Doncaster", "South Yorkshire", "DN3 3UB"), ("Leeds", "West Yorkshire", "LS1 4AB"),
    ("Bath", "Somerset", "BA1 1AA"), ("Durham", "Co. Durham", "DH1 3HP"),
    ("Belfast", "Co. Antrim", "BT1 5GS"), ("Hitchin", "Herts", "SG5 1AB"),
    ("Swansea", "West Glamorgan", "SA1 1NW"), ("Stirling", "Stirlingshire", "FK8 2ET"),
]  # fmt: skip
_US_TOWNS = [
    ("Austin", "TX", "78701"),
    ("Springfield", "IL", "62701"),
    ("Albany", "New York", "12207"),
    ("Atlanta", "Georgia", "30301"),
    ("Portland", "OR", "97201"),
]
_EU = [
    ("FR", "France", "Paris", "75001", "EUR"),
    ("DE", "Germany", "Berlin", "10115", "EUR"),
    ("IE", "Ireland", "Cork", "T12 X70A", "EUR"),
    ("SE", "Sweden", "Malmö", "211 20", "SEK"),
    ("JP", "Japan", "Tokyo", "100-0001", "JPY"),
    ("KW", "Kuwait", "Kuwait City", "13001", "KWD"),
    ("TH", "Thailand", "Bangkok", "10100", "THB"),
]
_STATUSES = (
    ["Unpaid"] * 30
    + ["Overdue"] * 30
    + ["Overdue - Part Paid"] * 6
    + ["PartPaid"] * 6
    + ["Paid"] * 20
    + ["part_paid", "Overpaid", "Credited", "Pending", "NA", "Void"]
)


def _money(rng: random.Random, value: float) -> Any:
    """KashFlow sends 4- or 6-decimal numbers, sometimes as strings."""
    choice = rng.random()
    if choice < 0.6:
        return round(value, 4)
    if choice < 0.8:
        return f"{value:.4f}"
    return f"{value:.6f}"


def _date(rng: random.Random, day: date) -> str:
    choice = rng.random()
    if choice < 0.8:
        return f"{day} 12:00:00"
    if choice < 0.9:
        return f"{day} 12:00:00 +05:30"
    return f"{day}T00:00:00Z"


def _name(rng: random.Random) -> str:
    if rng.random() < 0.6:
        form = rng.choice(_FORMS)
        return f"{rng.choice(_LAST).split('-')[0]} {rng.choice(_TRADE)} {form}".strip()
    return f"{rng.choice(_FIRST)} {rng.choice(_LAST)}"


def _address(rng: random.Random) -> tuple[dict[str, Any], str]:
    """A KashFlow address in one of the layouts people use, and the customer's currency."""
    street = f"{rng.randint(1, 250)} {rng.choice(_STREETS)}"
    where = rng.random()
    if where < 0.8:
        town, county, postcode = rng.choice(_GB_TOWNS)
        layout = rng.randrange(5)
        lines = [
            [street, "Branton", f"{town}, {county}", "GB"],
            [street, town, county, "United Kingdom"],
            [f"{street}, {town}", "", "", ""],
            [street, f"{town} {postcode}", "", "England"],
            [street, "", town, ""],
        ][layout]
        code = rng.choice(["GB", "GB", "GB", "UK", ""])
        return {
            "Line1": lines[0],
            "Line2": lines[1] or None,
            "Line3": lines[2],
            "Line4": lines[3],
            "PostCode": postcode if layout != 3 else "",
            "CountryCode": code,
            "CountryName": "United Kingdom" if code else "",
        }, "GBP"
    if where < 0.88:
        town, state, zip_code = rng.choice(_US_TOWNS)
        lines = (
            [street, f"{town}, {state} {zip_code}", "USA", ""]
            if rng.random() < 0.5
            else [street, town, state, ""]
        )
        return {
            "Line1": lines[0],
            "Line2": lines[1],
            "Line3": lines[2],
            "Line4": lines[3],
            "PostCode": "" if "," in lines[1] else zip_code,
            "CountryCode": "US",
            "CountryName": "United States",
        }, "USD"
    code, country, town, postcode, currency = rng.choice(_EU)
    return {
        "Line1": street,
        "Line2": town,
        "Line3": country,
        "Line4": None,
        "PostCode": postcode,
        "CountryCode": code,
        "CountryName": country,
    }, currency


def generate(
    invoice_count: int, customer_count: int, seed: int = SEED
) -> tuple[list[dict[str, Any]], list[dict[str, Any]]]:
    """(invoices, customers) as KashFlow JSON dicts."""
    rng = random.Random(seed)
    customers: list[dict[str, Any]] = []
    currency_of: dict[str, str] = {}
    for index in range(customer_count):
        code = f"C{index:05d}"
        address, currency = _address(rng)
        currency_of[code] = currency
        first_name_key = rng.choice(["Firstname", "FirstName"])
        contacts = [
            {first_name_key: rng.choice(_FIRST), "LastName": rng.choice(_LAST),
             "Email": rng.choice(["", f"ap{index}@example.com"]),
             "Telephone": rng.choice(["", "01302 123456", "+1 212 555 0100"]),
             "Mobile": rng.choice([None, "07700 900123"]), "IsPrimary": position == 0}
            for position in range(rng.randint(0, 3))
        ]  # fmt: skip
        customers.append(
            {
                "Code": code,
                "Name": _name(rng),
                rng.choice(["VATNumber", "VatNumber"]): rng.choice(["", "", "GB123456789", None]),
                "Email": rng.choice(["", f"accounts{index}@example.co.uk"]),
                "TelephoneNumber": rng.choice(["", "", "0113 496 0000", "call first"]),
                "MobileNumber": rng.choice(["", None]),
                "Currency": {"Code": currency},
                "Contacts": contacts,
                "Addresses": [address],
            }
        )
    invoices: list[dict[str, Any]] = []
    rates = {"GBP": 1.0, "USD": 1.32, "EUR": 1.14, "SEK": 12.6, "JPY": 200.0, "KWD": 0.405,
             "THB": 44.0}  # fmt: skip
    for number in range(1, invoice_count + 1):
        code = f"C{rng.randrange(customer_count):05d}"
        currency = currency_of[code]
        issued = AS_OF - timedelta(days=rng.randint(-5, 500))
        due = issued + timedelta(days=rng.choice([14, 30, 30, 60]))
        gross = rng.uniform(20, 25000) * (150 if currency == "JPY" else 1)
        paid_home = rng.choice([0.0, 0.0, 0.0, gross / rates[currency] * rng.uniform(0.1, 0.9)])
        invoice: dict[str, Any] = {
            "Number": number,
            "CustomerCode": code,
            "CustomerName": None,
            "Status": rng.choice(_STATUSES),
            "IssuedDate": _date(rng, issued),
            "DueDate": _date(rng, due),
            "PaidDate": None,
            "NetAmount": _money(rng, gross / 1.2),
            "GrossAmount": _money(rng, gross),
            "TotalPaidAmount": _money(rng, paid_home),
            "Currency": {"Code": currency, "ExchangeRate": rates[currency]},
        }
        if rng.random() < 0.7:
            invoice["DueAmount"] = _money(rng, gross - paid_home * rates[currency])
        invoices.append(invoice)
    return invoices, customers


def naive_map_invoices(
    invoices: Iterable[Invoice], customers: Mapping[str, Customer], policy: Policy
) -> MappingResult:
    """The baseline: same rows, but every invoice maps its customer's debtor again."""
    rows: dict[str, ReviewRow] = {}
    excluded: dict[str, int] = {}
    unknown: dict[str, int] = {}
    for invoice in invoices:
        status = canonical_status(invoice.status)
        if not is_open_status(status):
            if status:
                excluded[status] = excluded.get(status, 0) + 1
            else:
                unknown[invoice.status] = unknown.get(invoice.status, 0) + 1
            continue
        customer = customers.get(invoice.customer_code)
        draft = map_debtor(customer, fallback_name=invoice.customer_name)
        rows[invoice.number] = build_row(invoice, draft, policy)
    ordered = tuple(rows[number] for number in sorted(rows, key=invoice_sort_key))
    return MappingResult(rows=ordered, excluded=excluded, unknown_statuses=unknown)


def _best_of(runs: int, action: Callable[[], Any]) -> tuple[float, Any]:
    best, result = float("inf"), None
    for _ in range(runs):
        started = time.perf_counter()
        result = action()
        best = min(best, time.perf_counter() - started)
    return best, result


def _parsed(
    invoice_count: int, customer_count: int
) -> tuple[float, list[Invoice], dict[str, Customer]]:
    """Seconds to parse, and the parsed records. KashFlow's JSON is dropped on return, as
    the import keeps the parsed invoices only."""
    raw_invoices, raw_customers = generate(invoice_count, customer_count)
    started = time.perf_counter()
    invoices = [Invoice.from_api(raw) for raw in raw_invoices]
    customers = {c.code: c for c in map(Customer.from_api, raw_customers)}
    return time.perf_counter() - started, invoices, customers


def main(argv: list[str] | None = None) -> None:
    parser = argparse.ArgumentParser(description=__doc__.splitlines()[0])
    parser.add_argument("--invoices", type=int, default=100_000)
    parser.add_argument("--customers", type=int, default=20_000)
    parser.add_argument("--frame-rows", type=int, default=20_000)
    parser.add_argument("--runs", type=int, default=3)
    options = parser.parse_args(argv)

    parse_seconds, invoices, customers = _parsed(options.invoices, options.customers)
    policy = Policy(as_of=AS_OF)
    map_invoices(invoices[:1000], customers, policy)  # load pycountry/phonenumbers data once

    mapped_seconds, result = _best_of(
        options.runs, lambda: map_invoices(invoices, customers, policy)
    )
    naive_seconds, naive = _best_of(
        options.runs, lambda: naive_map_invoices(invoices, customers, policy)
    )
    assert [row.to_dict() for row in naive.rows[:500]] == [
        row.to_dict() for row in result.rows[:500]
    ], "baseline and map_invoices disagree"
    frame_rows = result.rows[: options.frame_rows]
    frame_seconds, _ = _best_of(options.runs, lambda: rows_to_frame(frame_rows))

    count, produced = len(invoices), len(result.rows)
    # Rows per second count the rows produced (open invoices), not the invoices read.
    table = [
        ("from_api (invoices + customers)", count, count, parse_seconds),
        ("map_invoices (memo per customer)", count, produced, mapped_seconds),
        ("parse + map_invoices", count, produced, parse_seconds + mapped_seconds),
        ("baseline: debtor mapped per invoice", count, produced, naive_seconds),
        ("rows_to_frame", len(frame_rows), len(frame_rows), frame_seconds),
    ]
    print(f"{'step':<38} {'in':>8} {'out':>8} {'seconds':>9} {'out/s':>11}")
    for label, rows_in, rows_out, seconds in table:
        print(
            f"{label:<38} {rows_in:>8,} {rows_out:>8,} {seconds:>9.3f} {rows_out / seconds:>11,.0f}"
        )
    print(
        f"open rows: {len(result.rows):,}; eligible: {sum(r.eligible for r in result.rows):,}; "
        f"excluded: {dict(result.excluded)}; unknown: {dict(result.unknown_statuses)}"
    )
    print(f"map_invoices is {naive_seconds / mapped_seconds:.1f}x the baseline's speed")


if __name__ == "__main__":
    main()
