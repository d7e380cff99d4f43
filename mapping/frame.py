"""Review rows as a pandas DataFrame for the grid, and the grid's edits back as overrides.

The only module of ``mapping`` that imports pandas. Column types, chosen for Streamlit:

- text columns use pandas' ``str`` dtype; ``status`` and ``ageing_bucket`` are categoricals
  (ordered for buckets), so filters offer the fixed choices; ``readiness`` says in a few
  words whether the invoice can be sent (``mapping.readiness``);
- ``issued_date``/``due_date`` are ``datetime64[us]`` at midnight (pandas 3's default unit, and
  it holds any year a date can have, where ``[ns]`` stops in 2262); ``DateColumn`` shows them
  as dates and comparisons with ``pd.Timestamp`` filter them;
- ``gross_amount``/``amount_to_recover`` are float64 *for display and filtering only*; the
  exact values are in ``gross_amount_text``/``amount_to_recover_text`` (the currency's
  decimals), and totals come from ``mapping.summary.totals_by_currency`` over the rows.
"""

from __future__ import annotations

import math
from collections.abc import Sequence
from dataclasses import dataclass
from datetime import date

import numpy as np
import pandas as pd

from mapping.debtor import DEBTOR_FIELDS
from mapping.money import format_money
from mapping.problems import problem_text
from mapping.readiness import readiness
from mapping.rows import ReviewRow
from mapping.status import OPEN_STATUSES
from mapping.summary import AGEING_BUCKETS, row_bucket

DEBTOR_COLUMNS: dict[str, str] = {f"debtor_{name}": name for name in DEBTOR_FIELDS}
COLUMNS: tuple[str, ...] = (
    "invoice_number", "customer_code", "status", "issued_date", "due_date", "currency",
    "gross_amount", "amount_to_recover", "gross_amount_text", "amount_to_recover_text",
    "days_overdue", "ageing_bucket", *DEBTOR_COLUMNS, "eligible", "readiness", "problem_codes",
    "problem_messages",
)  # fmt: skip


def _dates(values: list[object]) -> np.ndarray:
    return np.array(values, dtype="datetime64[D]").astype("datetime64[us]")


def _floats(values: list[object]) -> np.ndarray:
    return np.array([math.nan if v is None else float(v) for v in values], dtype="float64")


def rows_to_frame(rows: Sequence[ReviewRow]) -> pd.DataFrame:
    """One line per row, columns as in ``COLUMNS``, built column-wise (fast for 20,000 rows).

    >>> from datetime import date
    >>> from kashflow.models import Invoice
    >>> from mapping.debtor import map_debtor
    >>> from mapping.policy import Policy
    >>> from mapping.rows import build_row
    >>> row = build_row(Invoice.from_api({"Number": 1, "DueAmount": "805", "Status": "Unpaid",
    ...     "DueDate": "2026-10-01"}), map_debtor(None, fallback_name="Acme Ltd"),
    ...     Policy(date(2026, 11, 21)))
    >>> frame = rows_to_frame([row])
    >>> frame.loc[0, "amount_to_recover_text"], frame.loc[0, "ageing_bucket"]
    ('805.00', '31–60')
    >>> frame.loc[0, "readiness"]
    'Blocked: no date, customer not fetched +3 more'
    >>> str(frame["due_date"].dtype), str(frame["amount_to_recover"].dtype)
    ('datetime64[us]', 'float64')
    """
    debtors = [row.debtor for row in rows]
    currencies = [row.currency for row in rows]
    gross = [row.gross_amount for row in rows]
    to_recover = [row.amount_to_recover for row in rows]
    statuses = [row.status for row in rows]
    status_categories = list(OPEN_STATUSES) + sorted(set(statuses) - set(OPEN_STATUSES))
    columns: dict[str, object] = {
        "invoice_number": pd.array([row.invoice_number for row in rows], dtype="str"),
        "customer_code": pd.array([row.customer_code for row in rows], dtype="str"),
        "status": pd.Categorical(statuses, categories=status_categories),
        "issued_date": _dates([row.issued_date for row in rows]),
        "due_date": _dates([row.due_date for row in rows]),
        "currency": pd.array(currencies, dtype="str"),
        "gross_amount": _floats(gross),
        "amount_to_recover": _floats(to_recover),
        "gross_amount_text": pd.array(
            [format_money(a, c) for a, c in zip(gross, currencies, strict=True)], dtype="str"
        ),
        "amount_to_recover_text": pd.array(
            [format_money(a, c) for a, c in zip(to_recover, currencies, strict=True)], dtype="str"
        ),
        "days_overdue": np.array([row.days_overdue for row in rows], dtype="int64"),
        "ageing_bucket": pd.Categorical(
            [row_bucket(row) for row in rows],
            categories=AGEING_BUCKETS,
            ordered=True,
        ),
    }
    for column, name in DEBTOR_COLUMNS.items():
        columns[column] = pd.array([getattr(debtor, name) for debtor in debtors], dtype="str")
    columns["eligible"] = np.array([row.eligible for row in rows], dtype="bool")
    columns["readiness"] = pd.array([readiness(row) for row in rows], dtype="str")
    columns["problem_codes"] = pd.array(
        [", ".join(problem.code for problem in row.problems) for row in rows], dtype="str"
    )
    columns["problem_messages"] = pd.array(
        [problem_text(row.problems, separator="\n") for row in rows], dtype="str"
    )
    return pd.DataFrame(columns, columns=list(COLUMNS))


def _debtor_text(frame: pd.DataFrame) -> pd.DataFrame:
    keys = frame["invoice_number"] if "invoice_number" in frame.columns else frame.index
    present = [column for column in DEBTOR_COLUMNS if column in frame.columns]
    text = frame[present].astype("str").fillna("")
    text = text.apply(lambda column: column.str.strip())
    text.index = pd.Index(keys.astype("str"), name="invoice_number")
    return text[~text.index.duplicated(keep="first")]


def frame_edits(original: pd.DataFrame, edited: pd.DataFrame) -> dict[str, dict[str, str]]:
    """Per invoice number, the debtor fields the grid changed, as override keys.

    Rows are matched by ``invoice_number`` (the column, else the index), never by position,
    so a sorted or filtered grid gives the right edits. An emptied cell gives ``""``.

    >>> original = pd.DataFrame({"invoice_number": ["1", "2"], "debtor_city": ["", "York"],
    ...     "debtor_name": ["Acme Ltd", "Jane Doe"]})
    >>> edited = original.iloc[::-1].copy()
    >>> edited.loc[0, "debtor_city"] = "Leeds"
    >>> frame_edits(original, edited)
    {'1': {'city': 'Leeds'}}
    """
    before = _debtor_text(original)
    after = _debtor_text(edited)
    columns = [column for column in after.columns if column in before.columns]
    common = after.index.intersection(before.index)
    before = before.loc[common, columns]
    after = after.loc[common, columns]
    changed = before.ne(after)
    edits: dict[str, dict[str, str]] = {}
    for column in columns:
        mask = changed[column].to_numpy()
        if not mask.any():
            continue
        key = DEBTOR_COLUMNS[column]
        for number, value in zip(after.index[mask], after[column].to_numpy()[mask], strict=True):
            edits.setdefault(number, {})[key] = value
    return {number: edits[number] for number in common if number in edits}


# -- filtering the review grid ------------------------------------------------------------------

SHOW_ALL = "All invoices"
SHOW_ELIGIBLE = "Eligible"
SHOW_BLOCKED = "With blocking problems"
SHOW_ANY_PROBLEM = "With any problem"
SHOW_SUBMITTED = "Already submitted"
SHOW_CHOICES: tuple[str, ...] = (
    SHOW_ALL, SHOW_ELIGIBLE, SHOW_BLOCKED, SHOW_ANY_PROBLEM, SHOW_SUBMITTED,
)  # fmt: skip


@dataclass(frozen=True)
class ReviewFilter:
    """What the analyst narrowed the grid to. Empty or ``None`` parts do not filter.

    Ranges are inclusive; a range with one end ``None`` is open on that side.
    """

    issued: tuple[date | None, date | None] = (None, None)
    due: tuple[date | None, date | None] = (None, None)
    currencies: frozenset[str] = frozenset()
    statuses: frozenset[str] = frozenset()
    buckets: frozenset[str] = frozenset()
    debtor_types: frozenset[str] = frozenset()
    days_overdue: tuple[int | None, int | None] = (None, None)
    # Outstanding amounts compare only within one currency: GBP 10,000 and JPY 10,000 are not
    # the same sum. An amount range keeps the rows of ``amount_currency`` inside it.
    amount: tuple[float | None, float | None] = (None, None)
    amount_currency: str = ""
    show: str = SHOW_ALL
    search: str = ""

    def __post_init__(self) -> None:
        if self.amount != (None, None) and not self.amount_currency:
            raise ValueError("an amount range needs its currency (amount_currency)")

    @property
    def is_empty(self) -> bool:
        return self == ReviewFilter()


def filter_frame(frame: pd.DataFrame, review_filter: ReviewFilter) -> pd.DataFrame:
    """The rows matching every part of the filter, in their original order (vectorised).

    >>> frame = pd.DataFrame({"invoice_number": ["1", "2"], "currency": ["GBP", "EUR"],
    ...     "customer_code": ["AC1", "BE2"], "debtor_name": ["Acme Ltd", "Bee GmbH"],
    ...     "eligible": [True, False], "problem_codes": ["", "missing_city"]})
    >>> filter_frame(frame, ReviewFilter(currencies=frozenset({"EUR"})))["invoice_number"].tolist()
    ['2']
    >>> filter_frame(frame, ReviewFilter(search="acme"))["invoice_number"].tolist()
    ['1']
    >>> amounts = frame.assign(amount_to_recover=[50.0, 20_000.0])
    >>> filter_frame(amounts, ReviewFilter(amount=(10_000, None), amount_currency="GBP")).empty
    True
    """
    return frame.iloc[filter_positions(frame, review_filter)]


def filter_positions(
    frame: pd.DataFrame, review_filter: ReviewFilter, *, searched: pd.Series | None = None
) -> np.ndarray:
    """The positions of the rows ``filter_frame`` keeps, in order: a caller that needs a few
    columns or one page of the rows takes those, not every column of every row kept.
    ``searched`` is ``search_text(frame)``, when the caller keeps it between searches.

    >>> frame = pd.DataFrame({"invoice_number": ["1", "2", "3"], "currency": ["GBP", "EUR", "EUR"],
    ...     "eligible": [True, False, True], "problem_codes": ["", "missing_city", ""]})
    >>> filter_positions(frame, ReviewFilter(currencies=frozenset({"EUR"}))).tolist()
    [1, 2]
    """
    keep = np.ones(len(frame), dtype=bool)
    keep &= _within(frame, "issued_date", review_filter.issued, _timestamp)
    keep &= _within(frame, "due_date", review_filter.due, _timestamp)
    keep &= _within(frame, "days_overdue", review_filter.days_overdue, lambda value: value)
    if review_filter.amount != (None, None):
        keep &= (frame["currency"].astype("str") == review_filter.amount_currency).to_numpy()
        keep &= _within(frame, "amount_to_recover", review_filter.amount, lambda value: value)
    for column, wanted in (
        ("currency", review_filter.currencies),
        ("status", review_filter.statuses),
        ("ageing_bucket", review_filter.buckets),
        ("debtor_type", review_filter.debtor_types),
    ):
        if wanted:
            keep &= frame[column].astype("str").isin(wanted).to_numpy()
    keep &= _shown(frame, review_filter.show)
    if review_filter.search.strip():
        needle = review_filter.search.strip().casefold()
        haystack = search_text(frame) if searched is None else searched
        keep &= haystack.str.contains(needle, regex=False).to_numpy()
    return np.flatnonzero(keep)


def search_text(frame: pd.DataFrame) -> pd.Series:
    """What the search box looks in, per row: invoice number, customer code and debtor name,
    case-folded.

    >>> search_text(pd.DataFrame({"invoice_number": ["7"], "customer_code": ["AC1"],
    ...     "debtor_name": ["Straße Ltd"]})).tolist()
    ['7\\nac1\\nstrasse ltd']
    """
    return (
        frame["invoice_number"].astype("str")
        + "\n" + frame["customer_code"].astype("str")
        + "\n" + frame["debtor_name"].astype("str")
    ).str.casefold()  # fmt: skip


def _within(frame: pd.DataFrame, column: str, bounds: tuple, convert) -> np.ndarray:
    low, high = bounds
    keep = np.ones(len(frame), dtype=bool)
    if low is None and high is None:
        return keep
    values = frame[column]
    if low is not None:
        keep &= (values >= convert(low)).to_numpy(dtype=bool, na_value=False)
    if high is not None:
        keep &= (values <= convert(high)).to_numpy(dtype=bool, na_value=False)
    return keep


def _timestamp(day: date) -> pd.Timestamp:
    return pd.Timestamp(day)


def _shown(frame: pd.DataFrame, show: str) -> np.ndarray:
    codes = frame["problem_codes"].astype("str")
    if show == SHOW_ELIGIBLE:
        return frame["eligible"].to_numpy(dtype=bool)
    if show == SHOW_BLOCKED:
        return ~frame["eligible"].to_numpy(dtype=bool)
    if show == SHOW_ANY_PROBLEM:
        return (codes != "").to_numpy()
    if show == SHOW_SUBMITTED:
        return codes.str.contains("already_submitted", regex=False).to_numpy()
    return np.ones(len(frame), dtype=bool)
