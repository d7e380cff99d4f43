"""Benchmark: KashFlow JSON -> models (parsing) -> review rows (mapping), against a baseline.

Run from the project root: ``python -m bench.bench_mapping [--sizes 1000,20000,50000 --runs 5
--baseline 00c4634]``.

For each size (invoices listed; one customer per five invoices) it reports, in one run, the
median over ``--runs`` runs of: parsing (``Invoice.from_api`` and ``Customer.from_api`` for
every record, in rows read per second), mapping (``map_invoices``: debtors, amounts, checks,
order; in rows *produced* per second, i.e. open invoices), the two together (rows produced
per second) and, apart, ``rows_to_frame`` (the review grid's DataFrame), for this checkout
and for the baseline commit, and their ratio. The baseline is checked out with ``git
worktree`` into a temporary folder (removed afterwards); each side runs in its own child
process, ``--rounds`` times in turn, on the same generated data. The garbage collector is on,
as in the app. Each side also prints a digest of everything it parsed and mapped: the two must
agree (the benchmark fails otherwise), so a faster path cannot change a result unnoticed.

Data are generated with a fixed seed in KashFlow's JSON shapes: mixed key casings, 4-6
decimal amounts as numbers and strings, dates with and without offsets, varied address
layouts, currencies and statuses.
"""

from __future__ import annotations

import argparse
import hashlib
import json
import random
import statistics
import subprocess
import sys
import time
from datetime import date, timedelta
from decimal import Decimal
from pathlib import Path
from typing import Any

from bench.baseline import worktree

ROOT = Path(__file__).resolve().parents[1]
STEPS = ("parse", "map", "frame")
BASELINE = "00c4634"  # before issue 13's mapping work

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


def measure(code: Path, invoice_count: int, runs: int) -> dict[str, Any]:
    """Parse and map ``runs`` times with the code of the checkout at ``code`` (imported from
    there: call this in a fresh process). Seconds per run, rows, and a digest of the results."""
    sys.path.insert(0, str(code))
    import pandas as pd

    from kashflow.models import Customer, Invoice
    from mapping.frame import rows_to_frame
    from mapping.policy import Policy
    from mapping.rows import map_invoices

    raw_invoices, raw_customers = generate(invoice_count, max(1, invoice_count // 5))
    # As the client reads KashFlow's answers: numbers with a fraction become Decimal.
    raw_invoices, raw_customers = json.loads(
        json.dumps([raw_invoices, raw_customers]), parse_float=Decimal
    )
    policy = Policy(as_of=AS_OF)
    warm = [Invoice.from_api(raw) for raw in raw_invoices[:1000]]  # load pycountry/phonenumbers
    map_invoices(warm, {c.code: c for c in map(Customer.from_api, raw_customers)}, policy)
    parse_seconds, map_seconds, frame_seconds = [], [], []
    invoices: list[Any] = []
    customers: dict[str, Any] = {}
    result: Any = None
    for _ in range(runs):
        invoices, customers, result = (
            [],
            {},
            None,
        )  # one run's objects alive at a time, as in the app
        started = time.perf_counter()
        invoices = [Invoice.from_api(raw) for raw in raw_invoices]
        customers = {c.code: c for c in map(Customer.from_api, raw_customers)}
        parsed = time.perf_counter()
        result = map_invoices(invoices, customers, policy)
        mapped = time.perf_counter()
        frame = rows_to_frame(result.rows)
        framed = time.perf_counter()
        parse_seconds.append(parsed - started)
        map_seconds.append(mapped - parsed)
        frame_seconds.append(framed - mapped)
    digest = hashlib.sha256()
    for item in (invoices, sorted(customers.items()), result):
        digest.update(repr(item).encode())
    digest.update(pd.util.hash_pandas_object(frame).to_numpy().tobytes())
    digest.update(repr(frame.dtypes.to_dict()).encode())
    return {
        "parse": parse_seconds,
        "map": map_seconds,
        "frame": frame_seconds,
        "read": len(raw_invoices) + len(raw_customers),
        "rows": len(result.rows),
        "digest": digest.hexdigest(),
    }


def _in_child(code: Path, invoice_count: int, runs: int) -> dict[str, Any]:
    # As a module, so that the child imports this package (bench.baseline) as the parent does.
    command = [sys.executable, "-m", "bench.bench_mapping", "--measure", str(code)]
    command += ["--sizes", str(invoice_count)]
    command += ["--runs", str(runs)]
    finished = subprocess.run(command, check=True, capture_output=True, text=True, cwd=ROOT)
    return json.loads(finished.stdout)


def _rate(count: int, seconds: list[float]) -> float:
    return count / statistics.median(seconds)


def main(argv: list[str] | None = None) -> None:
    parser = argparse.ArgumentParser(description=__doc__.splitlines()[0])
    parser.add_argument("--sizes", default="1000,20000,50000", help="invoices listed, per size")
    parser.add_argument("--runs", type=int, default=5, help="runs per side and round")
    parser.add_argument("--rounds", type=int, default=2, help="child processes per side, taken "
                        "in turn (a noisy machine slows one side, not both)")  # fmt: skip
    parser.add_argument("--baseline", default=BASELINE, help="commit to compare with")
    parser.add_argument("--measure", type=Path, help=argparse.SUPPRESS)  # in a child process
    options = parser.parse_args(argv)
    sizes = [int(size) for size in options.sizes.split(",")]
    if options.measure is not None:
        print(json.dumps(measure(options.measure, sizes[0], options.runs)))
        return

    print("medians over runs (more for small sizes); rows = open invoices produced")
    header = f"{'invoices':>8} {'rows':>7}  {'step':<13}{'baseline/s':>12}{'now/s':>12}{'ratio':>7}"
    print(header)
    with worktree(options.baseline) as baseline_code:
        for size in sizes:
            sides: dict[str, dict[str, Any]] = {}
            for _ in range(options.rounds):
                for label, code in (("baseline", baseline_code), ("now", ROOT)):
                    # Small sizes take more runs, for a median that means something.
                    found = _in_child(code, size, max(options.runs, 20_000 // size))
                    side = sides.setdefault(label, {**found, **{step: [] for step in STEPS}})
                    for step in STEPS:
                        side[step] += found[step]
            base, now = sides["baseline"], sides["now"]
            print(f"{size:>8,} invoices: {len(now['map'])} runs per side")
            if base["digest"] != now["digest"]:
                sys.exit(f"{size:,} invoices: results differ from the baseline's")
            together = {
                label: [p + m for p, m in zip(side["parse"], side["map"], strict=True)]
                for label, side in sides.items()
            }
            for step, count, old, new in (
                ("parse", now["read"], base["parse"], now["parse"]),
                ("map", now["rows"], base["map"], now["map"]),
                ("parse + map", now["rows"], together["baseline"], together["now"]),
                ("rows_to_frame", now["rows"], base["frame"], now["frame"]),
            ):
                old_rate, new_rate = _rate(count, old), _rate(count, new)
                print(
                    f"{size:>8,} {now['rows']:>7,}  {step:<13}{old_rate:>12,.0f}{new_rate:>12,.0f}"
                    f"{new_rate / old_rate:>6.1f}x"
                )
    print("parse counts records read (invoices + customers); the others count rows produced")
    print("results identical to the baseline's (digest of every model and row) at every size")


if __name__ == "__main__":
    main()
