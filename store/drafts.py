"""The analyst's unsent review work, kept across reloads: typed overrides and ticked invoices.

Kept per user: one row per (KashFlow company, user, invoice number) that holds either an edit
or a tick; the user is the signed-in email, or ``local`` without sign-in (drafts from before
sign-in are ``local``'s). Only what
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

from store.engine import StoreConnection, store_connection
from store.migrations import LOCAL_ACTOR
from store.transactions import immediate_transaction

TABLE = "review_drafts"
DRAFT_FORMAT = 1
_CHUNK = 500  # invoice numbers per statement, well under SQLite's limit on parameters


@dataclass(frozen=True)
class ReviewDraft:
    """One company's kept work: overrides by invoice number, and the ticked invoice numbers."""

    overrides: dict[str, dict[str, str]] = field(default_factory=dict)
    selected: frozenset[str] = frozenset()


class ReviewDrafts:
    """Drafts per KashFlow company (``ActiveConnection.account_key``) of one user (``actor``).

    Must be used on the thread that opened its database (sqlite3 connections stay there).
    """

    def __init__(self, database: StoreConnection | Database, *, actor: str = LOCAL_ACTOR) -> None:
        self._conn = store_connection(database)
        self._actor = actor
        # Looked at once: a store opened read-only may predate drafts, or drafts per user
        # (then every row is ``local``'s).
        columns = self._conn.columns(TABLE) if TABLE in self._conn.table_names() else set()
        self._exists = bool(columns)
        self._per_user = "actor" in columns

    def load(self, account: str) -> ReviewDraft:
        if not self._exists:  # a store opened read-only before drafts existed
            return ReviewDraft()
        if not self._per_user and self._actor != LOCAL_ACTOR:
            return ReviewDraft()
        overrides: dict[str, dict[str, str]] = {}
        selected: set[str] = set()
        where, params = self._mine("account = ? and format = ?", [account, DRAFT_FORMAT])
        rows = self._conn.query(
            f"select * from {TABLE} where {where} order by invoice_number", params
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
                    [account, self._actor, number, json.dumps(fields, sort_keys=True),
                     int(number in selected), DRAFT_FORMAT, now]
                )  # fmt: skip
            else:
                drop.append(number)
        with immediate_transaction(self._conn):
            for start in range(0, len(drop), _CHUNK):
                chunk = drop[start : start + _CHUNK]
                self._conn.execute(
                    f"delete from {TABLE} where account = ? and actor = ? "
                    f"and invoice_number in ({', '.join('?' * len(chunk))})",
                    [account, self._actor, *chunk],
                )
            for values in keep:
                self._conn.execute(
                    f"insert into {TABLE} (account, actor, invoice_number, overrides, selected, "
                    "format, updated_at) values (?, ?, ?, ?, ?, ?, ?) "
                    "on conflict (account, actor, invoice_number) do update set "
                    "overrides = excluded.overrides, selected = excluded.selected, "
                    "format = excluded.format, updated_at = excluded.updated_at",
                    values,
                )

    def forget(self, account: str) -> None:
        """Drop all of one company's draft (this user's)."""
        with immediate_transaction(self._conn):
            self._conn.execute(
                f"delete from {TABLE} where account = ? and actor = ?", [account, self._actor]
            )

    def _mine(self, where: str, params: list) -> tuple[str, list]:
        if not self._per_user:  # read-only, from before drafts per user: all ``local``'s
            return where, params
        return f"{where} and actor = ?", [*params, self._actor]


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
