"""The analyst's unsent review work, kept across reloads: typed overrides and ticked invoices.

One row per (KashFlow company, invoice number) that holds either an edit or a tick. Only what
the analyst typed or ticked is stored: the invoice number, the fields they overrode with the
values they typed, and whether the invoice is selected. Never KashFlow's own data (amounts,
names, addresses as KashFlow has them); those are fetched again on each import.

Each row carries the draft format it was written in; rows of another format are skipped on
reading, so a later change to what an override holds never misreads an older row.
"""

from __future__ import annotations

import json
from collections.abc import Iterable, Mapping
from dataclasses import dataclass, field
from datetime import UTC, datetime

from sqlite_utils import Database

TABLE = "review_drafts"
DRAFT_FORMAT = 1
_CHUNK = 500  # invoice numbers per statement, well under SQLite's limit on parameters


@dataclass(frozen=True)
class ReviewDraft:
    """One company's kept work: overrides by invoice number, and the ticked invoice numbers."""

    overrides: dict[str, dict[str, str]] = field(default_factory=dict)
    selected: frozenset[str] = frozenset()


class ReviewDrafts:
    """Drafts per KashFlow company (``ActiveConnection.account_key``).

    Must be used on the thread that opened its database (sqlite3 connections stay there).
    """

    def __init__(self, database: Database) -> None:
        self._table = database[TABLE]

    def load(self, account: str) -> ReviewDraft:
        if not self._table.exists():  # a store opened read-only before drafts existed
            return ReviewDraft()
        overrides: dict[str, dict[str, str]] = {}
        selected: set[str] = set()
        rows = self._table.rows_where(
            "account = ? and format = ?", [account, DRAFT_FORMAT], order_by="invoice_number"
        )
        for row in rows:
            fields = json.loads(row["overrides"] or "{}")
            if fields:
                overrides[row["invoice_number"]] = {str(k): str(v) for k, v in fields.items()}
            if row["selected"]:
                selected.add(row["invoice_number"])
        return ReviewDraft(overrides, frozenset(selected))

    def write(
        self,
        account: str,
        numbers: Iterable[str],
        *,
        overrides: Mapping[str, Mapping[str, str]],
        selected: Iterable[str],
    ) -> None:
        """Make the draft of each of ``numbers`` what ``overrides`` and ``selected`` say now:
        stored when it has an edit or a tick, gone when it has neither."""
        selected = set(selected)
        now = datetime.now(UTC).isoformat(timespec="seconds")
        keep, drop = [], []
        for number in set(numbers):
            fields = dict(overrides.get(number) or {})
            if fields or number in selected:
                keep.append(
                    {
                        "account": account,
                        "invoice_number": number,
                        "overrides": json.dumps(fields, sort_keys=True),
                        "selected": int(number in selected),
                        "format": DRAFT_FORMAT,
                        "updated_at": now,
                    }
                )
            else:
                drop.append(number)
        for start in range(0, len(drop), _CHUNK):
            chunk = drop[start : start + _CHUNK]
            self._table.delete_where(
                f"account = ? and invoice_number in ({', '.join('?' * len(chunk))})",
                [account, *chunk],
            )
        if keep:
            self._table.upsert_all(keep, pk=("account", "invoice_number"))

    def forget(self, account: str) -> None:
        """Drop all of one company's draft."""
        self._table.delete_where("account = ?", [account])


def ensure_drafts_schema(database: Database) -> None:
    """The ``review_drafts`` table (called by ``store.database``)."""
    database[TABLE].create(
        {
            "account": str,  # ActiveConnection.account_key: which KashFlow company
            "invoice_number": str,
            "overrides": str,  # JSON {field: value as typed}
            "selected": int,
            "format": int,  # DRAFT_FORMAT the row was written in
            "updated_at": str,
        },
        pk=("account", "invoice_number"),
        not_null={"account", "invoice_number", "format"},
        defaults={"selected": 0, "overrides": "{}"},
        if_not_exists=True,
    )
