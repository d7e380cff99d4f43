"""The submission ledger: which invoice became which Debitura case, exactly once.

One row per (KashFlow company, Debitura target, invoice number). The row is written *before*
the request leaves (state ``sending``) and updated when the answer arrives, each change
committed before the next network call (a submit commits one round of its pool together:
``grouped``), so a crash, a stopped page or a dropped connection between the two leaves
``sending`` behind: "the case may exist". The next submission of that invoice looks the case
up by its creditor reference before sending anything.

States and transitions::

    (none) ──begin──► sending ──mark_created──► created      (final: never sent again)
                         │  ▲
                         │  └─mark_unknown (outcome unknown: stays sending, error noted)
                         └──mark_failed──► failed ──begin──► sending   (an explicit resend)

    (none) or failed ──record_refusal_unsent──► failed   (Debitura's preview refused the body:
                                                           nothing sent, attempts unchanged)
    failed ──clear_refusal_unsent──► (none), or failed with the refusal cleared

``begin`` on a ``sending`` row (the earlier outcome unknown) keeps its idempotency key when the
request body is unchanged, so Debitura replays its first answer instead of creating a second
case; any other ``begin`` gets a fresh key (a changed body under an old key would be refused
as an ``IdempotencyConflict``, and a failed answer stored under it would be replayed).

``begin`` reads and claims in one write transaction, so processes never interleave inside it.
A whole submit run (decide, begin, send, record) is kept apart from another run on the same
data folder by ``submit_lock()``: without it, both may decide to send the same invoice.

Each row also says who made its latest attempt (``sent_by``: the signed-in user's email, or
``local``), kept when the outcome is recorded; on PostgreSQL the claim in ``begin`` holds across
app servers the same way (``store.postgres_engine``: every writer takes the write lock first).

The ledger holds invoice *numbers* and Debitura's identifiers only: no amounts, no debtor
details (those live in KashFlow and Debitura). A ``SubmissionLedger`` must be used on the
thread that opened its database (sqlite3 connections stay on their thread).
"""

from __future__ import annotations

import uuid
from collections.abc import Callable
from contextlib import AbstractContextManager
from dataclasses import dataclass
from typing import Any

from sqlite_utils import Database

from store.audit import TABLE as AUDIT_TABLE
from store.audit import append_entry
from store.engine import StoreConnection, store_connection
from store.migrations import LOCAL_ACTOR
from store.transactions import grouped_commit, immediate_transaction, move_state, utc_now

SENDING = "sending"
CREATED = "created"
FAILED = "failed"
STATES = (SENDING, CREATED, FAILED)
TABLE = "submissions"


class LedgerError(Exception):
    """A state change the ledger does not allow (for example sending a created case again)."""


@dataclass(frozen=True, slots=True)
class Submission:
    """One ledger row."""

    id: int
    kashflow_account: str
    debitura_target: str
    invoice_number: str
    creditor_reference: str
    idempotency_key: str
    payload_fingerprint: str
    state: str
    connection_id: int | None = None
    case_id: str = ""
    case_reference: str = ""
    lifecycle: str = ""
    error_kind: str = ""
    error_message: str = ""
    test_mode: bool = False
    attempts: int = 0
    created_at: str = ""
    updated_at: str = ""
    sent_at: str = ""
    connection_name: str = ""  # the saved connection's name, when ``list`` joined it
    sent_by: str = ""  # who made the latest attempt (an email, or ``local``)

    @property
    def outcome_unknown(self) -> bool:
        """A request went out and no answer was recorded: the case may exist at Debitura."""
        return self.state == SENDING

    @classmethod
    def from_row(cls, row: dict[str, Any]) -> Submission:
        return cls(
            id=row["id"],
            kashflow_account=row["kashflow_account"],
            debitura_target=row["debitura_target"],
            invoice_number=row["invoice_number"],
            creditor_reference=row["creditor_reference"] or "",
            idempotency_key=row["idempotency_key"],
            payload_fingerprint=row["payload_fingerprint"] or "",
            state=row["state"],
            connection_id=row["connection_id"],
            case_id=row["case_id"] or "",
            case_reference=row["case_reference"] or "",
            lifecycle=row["lifecycle"] or "",
            error_kind=row["error_kind"] or "",
            error_message=row["error_message"] or "",
            test_mode=bool(row["test_mode"]),
            attempts=row["attempts"] or 0,
            created_at=row["created_at"] or "",
            updated_at=row["updated_at"] or "",
            sent_at=row["sent_at"] or "",
            connection_name=row.get("connection_name") or "",
            sent_by=row.get("sent_by") or "",
        )


class SubmissionLedger:
    """Reads and state changes of the ``submissions`` table; every change commits at once."""

    def __init__(
        self,
        database: StoreConnection | Database,
        *,
        clock: Callable[[], str] = utc_now,
        actor: str = LOCAL_ACTOR,
    ) -> None:
        self._conn = store_connection(database)
        self._clock = clock
        self._actor = actor  # who this ledger's attempts are recorded for
        # Read once: asking the schema on every read cost a query per ledger call, four per case.
        tables = self._conn.table_names()
        self._names_connections = "connections" in tables
        self._audits = AUDIT_TABLE in tables  # an outcome and its audit entry commit together

    # --- reads --------------------------------------------------------------------------------

    def get(self, account: str, target: str, invoice_number: str) -> Submission | None:
        rows = self._select(
            "s.kashflow_account = ? and s.debitura_target = ? and s.invoice_number = ?",
            [account, target, str(invoice_number)],
        )
        return rows[0] if rows else None

    def by_id(self, submission_id: int) -> Submission:
        rows = self._select("s.id = ?", [submission_id])
        if not rows:
            raise LedgerError(f"No submission with id {submission_id}.")
        return rows[0]

    def submitted_invoice_numbers(self, account: str, target: str) -> set[str]:
        """Invoice numbers that are cases at ``target`` (state ``created``)."""
        rows = self._conn.query(
            f"select invoice_number from {TABLE} where kashflow_account = ? "
            "and debitura_target = ? and state = ?",
            [account, target, CREATED],
        )
        return {row["invoice_number"] for row in rows}

    def unresolved(self, account: str, target: str) -> list[Submission]:
        """Submissions whose outcome is unknown (state ``sending``): check before resending."""
        return self._select(
            "s.kashflow_account = ? and s.debitura_target = ? and s.state = ?",
            [account, target, SENDING],
        )

    def list(self, account: str | None = None, target: str | None = None) -> list[Submission]:
        """Every submission (optionally of one company and/or target), newest first."""
        clauses, params = [], []
        if account is not None:
            clauses.append("s.kashflow_account = ?")
            params.append(account)
        if target is not None:
            clauses.append("s.debitura_target = ?")
            params.append(target)
        return self._select(" and ".join(clauses) or "1 = 1", params, newest_first=True)

    # --- state changes --------------------------------------------------------------------------

    def begin(
        self,
        *,
        account: str,
        target: str,
        invoice_number: str,
        creditor_reference: str,
        payload_fingerprint: str,
        connection_id: int | None = None,
        test_mode: bool = False,
    ) -> Submission:
        """Record that a ``POST /cases`` is about to go (state ``sending``), committed.

        Returns the submission with the idempotency key to send. Raises ``LedgerError`` when
        the invoice is already a case at this target.
        """
        number = str(invoice_number)
        # One write transaction from the read to the claim: another process's begin for the
        # same invoice waits for this one and then sees its row (the unique index backs it up).
        with immediate_transaction(self._conn):
            existing = self.get(account, target, number)
            now = self._clock()
            if existing is None:
                submission_id = self._conn.insert(
                    f"insert into {TABLE} (kashflow_account, debitura_target, connection_id, "
                    "invoice_number, creditor_reference, idempotency_key, payload_fingerprint, "
                    "state, test_mode, attempts, created_at, updated_at, sent_by) "
                    "values (?, ?, ?, ?, ?, ?, ?, ?, ?, 1, ?, ?, ?)",
                    [account, target, connection_id, number, creditor_reference, _new_key(),
                     payload_fingerprint, SENDING, int(test_mode), now, now, self._actor],
                )  # fmt: skip
            else:
                if existing.state == CREATED:
                    reference = existing.case_reference or existing.case_id
                    raise LedgerError(
                        f"Invoice {number} is already case {reference} at Debitura; it is never "
                        "sent twice."
                    )
                keep_key = (
                    existing.state == SENDING
                    and existing.payload_fingerprint == payload_fingerprint
                    and existing.creditor_reference == creditor_reference
                    and _is_our_key(existing.idempotency_key)  # not a damaged or edited row
                )
                key = existing.idempotency_key if keep_key else _new_key()
                self._conn.execute(
                    f"update {TABLE} set state = ?, idempotency_key = ?, "
                    "payload_fingerprint = ?, creditor_reference = ?, "
                    "connection_id = coalesce(?, connection_id), test_mode = ?, "
                    "attempts = attempts + 1, error_kind = null, error_message = null, "
                    "updated_at = ?, sent_by = ? where id = ?",
                    [SENDING, key, payload_fingerprint, creditor_reference, connection_id,
                     int(test_mode), now, self._actor, existing.id],
                )  # fmt: skip
                submission_id = existing.id
        return self.by_id(submission_id)

    def grouped(self) -> AbstractContextManager[None]:
        """The state changes made in the block committed together, once, when it ends: for a
        run that records many cases between its requests (see ``store.transactions``)."""
        return grouped_commit(self._conn)

    def submit_lock(
        self,
        *,
        wait_seconds: float | None = None,
        on_wait: Callable[[], None] | None = None,
    ) -> AbstractContextManager[None]:
        """Hold for a whole submit run so that two runs on one data folder, or on one
        PostgreSQL database from any app server, take turns (see ``store.submit_lock``); a
        no-op for an in-memory ledger."""
        return self._conn.run_lock(wait_seconds=wait_seconds, on_wait=on_wait)

    def mark_created(
        self,
        submission: Submission | int,
        *,
        case_id: str,
        case_reference: str = "",
        lifecycle: str = "",
    ) -> Submission:
        """The case exists at Debitura (created now, or found there): final."""
        now = self._clock()
        return self._transition(
            submission,
            (SENDING, FAILED),
            "state = ?, case_id = ?, case_reference = ?, lifecycle = ?, error_kind = null, "
            "error_message = null, updated_at = ?, sent_at = ?",
            [CREATED, case_id, case_reference, lifecycle, now, now],
            audit=("case_created", f"case {case_reference or case_id}"),
        )

    def mark_failed(
        self, submission: Submission | int, *, error_kind: str, error_message: str
    ) -> Submission:
        """Debitura refused the case (nothing was created); only an explicit resend retries."""
        return self._transition(
            submission,
            (SENDING,),
            "state = ?, error_kind = ?, error_message = ?, updated_at = ?",
            [FAILED, error_kind, error_message, self._clock()],
            audit=("case_failed", error_message or error_kind),
        )

    def record_refusal_unsent(
        self,
        *,
        account: str,
        target: str,
        invoice_number: str,
        creditor_reference: str,
        payload_fingerprint: str,
        error_kind: str,
        error_message: str,
        connection_id: int | None = None,
        test_mode: bool = False,
    ) -> Submission | None:
        """Record that Debitura refused this body before any case was asked for (its preview
        said no), so no run sends it while it is unchanged. Nothing is recorded over a case or
        an unconfirmed send (``None`` then): those come first.
        """
        number = str(invoice_number)
        with immediate_transaction(self._conn):
            existing = self.get(account, target, number)
            now = self._clock()
            if existing is None:
                submission_id = self._conn.insert(
                    f"insert into {TABLE} (kashflow_account, debitura_target, connection_id, "
                    "invoice_number, creditor_reference, idempotency_key, payload_fingerprint, "
                    "state, error_kind, error_message, test_mode, attempts, created_at, "
                    "updated_at, sent_by) values (?, ?, ?, ?, ?, ?, ?, ?, ?, ?, ?, 0, ?, ?, ?)",
                    [account, target, connection_id, number, creditor_reference, _new_key(),
                     payload_fingerprint, FAILED, error_kind, error_message, int(test_mode),
                     now, now, self._actor],
                )  # fmt: skip
            elif existing.state == FAILED:
                self._conn.execute(
                    f"update {TABLE} set payload_fingerprint = ?, creditor_reference = ?, "
                    "error_kind = ?, error_message = ?, "
                    "connection_id = coalesce(?, connection_id), updated_at = ?, sent_by = ? "
                    "where id = ?",
                    [payload_fingerprint, creditor_reference, error_kind, error_message,
                     connection_id, now, self._actor, existing.id],
                )  # fmt: skip
                submission_id = existing.id
            else:
                return None
            self._audit(submission_id, "case_refused_unsent", error_message or error_kind)
        return self.by_id(submission_id)

    def clear_refusal_unsent(
        self, account: str, target: str, invoice_number: str, *, error_kind: str, note: str
    ) -> None:
        """Forget a refusal of ``error_kind`` recorded by ``record_refusal_unsent`` (Debitura
        now accepts the body). A row that never sent anything goes; one with earlier sends
        stays ``failed`` with ``note`` and no remembered refusal."""
        with immediate_transaction(self._conn):
            self._conn.execute(
                f"delete from {TABLE} where kashflow_account = ? and debitura_target = ? "
                "and invoice_number = ? and state = ? and error_kind = ? and attempts = 0",
                [account, target, str(invoice_number), FAILED, error_kind],
            )
            self._conn.execute(
                f"update {TABLE} set error_kind = null, error_message = ?, updated_at = ? "
                "where kashflow_account = ? and debitura_target = ? and invoice_number = ? "
                "and state = ? and error_kind = ?",
                [note, self._clock(), account, target, str(invoice_number), FAILED, error_kind],
            )

    def mark_unknown(
        self, submission: Submission | int, *, error_kind: str, error_message: str
    ) -> Submission:
        """No answer: the case may or may not exist. Stays ``sending`` with the error noted."""
        return self._transition(
            submission,
            (SENDING,),
            "error_kind = ?, error_message = ?, updated_at = ?",
            [error_kind, error_message, self._clock()],
            audit=("case_outcome_unknown", error_message or error_kind),
        )

    # --- internals ------------------------------------------------------------------------------

    def _transition(
        self,
        submission: Submission | int,
        allowed_from: tuple[str, ...],
        assignments: str,
        params: list[Any],
        *,
        audit: tuple[str, str],
    ) -> Submission:
        submission_id = submission.id if isinstance(submission, Submission) else submission
        event, detail = audit
        moved = move_state(
            self._conn,
            TABLE,
            submission_id,
            allowed_from,
            assignments,
            params,
            on_moved=lambda: self._audit(submission_id, event, detail),
        )
        current = self.by_id(submission_id)
        if not moved:
            raise LedgerError(
                f"Submission of invoice {current.invoice_number} is {current.state}; "
                f"expected {' or '.join(allowed_from)}."
            )
        return current

    def _audit(self, submission_id: int, event: str, detail: str) -> None:
        """The audit entry of a state change, in its transaction: "Invoice 1121: case X"."""
        if not self._audits:
            return
        row = self._conn.query_one(
            f"select invoice_number, connection_id from {TABLE} where id = ?", [submission_id]
        )
        if row is None:
            return
        append_entry(
            self._conn,
            event,
            actor=self._actor,
            connection_id=row["connection_id"],
            detail=f"Invoice {row['invoice_number']}: {detail}",
        )

    def _select(
        self, where: str, params: list[Any], *, newest_first: bool = False
    ) -> list[Submission]:
        order = "s.updated_at desc, s.id desc" if newest_first else "s.id"
        name, join = "null", ""
        if self._names_connections:
            name, join = "c.name", "left join connections c on c.id = s.connection_id"
        rows = self._conn.query(
            f"select s.*, {name} as connection_name from {TABLE} s {join} "
            f"where {where} order by {order}",
            params,
        )
        return [Submission.from_row(row) for row in rows]


def _new_key() -> str:
    return str(uuid.uuid4())


def _is_our_key(key: str) -> bool:
    try:
        return str(uuid.UUID(key)) == key
    except (ValueError, TypeError, AttributeError):
        return False


def ensure_ledger_schema(database: Database) -> None:
    """The ``submissions`` table and its indexes (called by ``store.database``)."""
    database[TABLE].create(
        {
            "id": int,
            "kashflow_account": str,  # which KashFlow company (see workflow.submit)
            "debitura_target": str,  # "sandbox" or the Debitura base URL
            "connection_id": int,
            "invoice_number": str,
            "creditor_reference": str,
            "idempotency_key": str,
            "payload_fingerprint": str,
            "state": str,  # sending | created | failed
            "case_id": str,
            "case_reference": str,
            "lifecycle": str,
            "error_kind": str,
            "error_message": str,
            "test_mode": int,
            "attempts": int,
            "created_at": str,
            "updated_at": str,
            "sent_at": str,
        },
        pk="id",
        not_null={
            "kashflow_account", "debitura_target", "invoice_number", "idempotency_key", "state",
        },
        defaults={"test_mode": 0, "attempts": 0},
        if_not_exists=True,
    )  # fmt: skip
    database[TABLE].create_index(
        ["kashflow_account", "debitura_target", "invoice_number"],
        unique=True,
        if_not_exists=True,
    )
    database[TABLE].create_index(["debitura_target", "state"], if_not_exists=True)
