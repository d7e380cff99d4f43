"""Case documents: which invoice PDF was attached to which Debitura case, exactly once.

One row per (KashFlow company, Debitura target, invoice number), like the submission ledger,
and the same discipline: every change is committed before the next network call, and the row
says ``uploading`` *before* the file leaves, so a crash, a stopped page or a lost answer leaves
``uploading`` behind: "the file may be at Debitura". Debitura documents no idempotency key for
uploads, so the caller reads the case's files back (``GET /cases/{id}/files``) and looks for
the row's ``filename`` before uploading again::

    (none) ──prepare──► pending ──begin_upload──► uploading ──mark_attached──► attached (final)
                           ▲                         │  └──mark_failed──► failed ──┐
                           │                         └─(unknown: stays uploading)  │
                           └──── mark_missing ◄── (KashFlow gave no PDF) ◄─────────┘
    failed / missing / pending ──begin_upload──► uploading   (the next run tries again)

Only identifiers and bookkeeping are kept: the file name, Debitura's file id and the reason in
words, never the PDF itself; ``sent_by`` says who made the latest upload (an email, or
``local``). Used on the thread that opened its database.
"""

from __future__ import annotations

from collections.abc import Callable
from dataclasses import dataclass
from typing import Any

from sqlite_utils import Database

from store.engine import StoreConnection, store_connection
from store.migrations import LOCAL_ACTOR
from store.transactions import immediate_transaction, move_state, utc_now

PENDING = "pending"  # the case exists; its document is to be read and attached
UPLOADING = "uploading"  # the upload was sent (or about to be): outcome unknown until settled
ATTACHED = "attached"  # Debitura has it (``file_id``): final
FAILED = "failed"  # Debitura refused it, or it could not be read: the next run tries again
MISSING = "missing"  # KashFlow gave no PDF for the invoice: the next run looks again
STATES = (PENDING, UPLOADING, ATTACHED, FAILED, MISSING)
TABLE = "case_documents"
SCHEMA_VERSION = 1  # bump with a migration in ``ensure_documents_schema``
VERSIONS_TABLE = "schema_versions"


class DocumentStateError(Exception):
    """A change the document states do not allow (uploading an attached document again)."""


@dataclass(frozen=True, slots=True)
class CaseDocument:
    """One row: the invoice document of one case."""

    id: int
    kashflow_account: str
    debitura_target: str
    invoice_number: str
    case_id: str
    filename: str
    state: str
    file_id: str = ""
    reason: str = ""
    attempts: int = 0
    created_at: str = ""
    updated_at: str = ""
    attached_at: str = ""
    sent_by: str = ""

    @property
    def outcome_unknown(self) -> bool:
        """An upload went out and no answer was recorded: the file may be at Debitura."""
        return self.state == UPLOADING

    @classmethod
    def from_row(cls, row: dict[str, Any]) -> CaseDocument:
        return cls(
            id=row["id"],
            kashflow_account=row["kashflow_account"],
            debitura_target=row["debitura_target"],
            invoice_number=row["invoice_number"],
            case_id=row["case_id"] or "",
            filename=row["filename"] or "",
            state=row["state"],
            file_id=row["file_id"] or "",
            reason=row["reason"] or "",
            attempts=row["attempts"] or 0,
            created_at=row["created_at"] or "",
            updated_at=row["updated_at"] or "",
            attached_at=row["attached_at"] or "",
            sent_by=row.get("sent_by") or "",
        )


class CaseDocuments:
    """Reads and state changes of the ``case_documents`` table; every change commits at once."""

    def __init__(
        self,
        database: StoreConnection | Database,
        *,
        clock: Callable[[], str] = utc_now,
        actor: str = LOCAL_ACTOR,
    ) -> None:
        self._conn = store_connection(database)
        self._clock = clock
        self._actor = actor
        # Read once at open, not per case: a read-only store from before documents has none.
        self._table_exists = TABLE in self._conn.table_names()

    # --- reads ----------------------------------------------------------------------------------

    def get(self, account: str, target: str, invoice_number: str) -> CaseDocument | None:
        rows = self._select(
            "kashflow_account = ? and debitura_target = ? and invoice_number = ?",
            [account, target, str(invoice_number)],
        )
        return rows[0] if rows else None

    def list(self, account: str, target: str) -> list[CaseDocument]:
        """Every document row of this company at this target, in the order they were begun."""
        return self._select("kashflow_account = ? and debitura_target = ?", [account, target])

    def unfinished(self, account: str, target: str) -> list[CaseDocument]:
        """Documents begun and not attached (pending, uploading, failed, missing)."""
        return [doc for doc in self.list(account, target) if doc.state != ATTACHED]

    # --- state changes --------------------------------------------------------------------------

    def prepare(
        self, *, account: str, target: str, invoice_number: str, case_id: str, filename: str
    ) -> CaseDocument:
        """The row for this case's document, created ``pending`` when there is none (an
        existing row is returned as it is: its state decides what happens next)."""
        now = self._clock()
        with immediate_transaction(self._conn):
            self._conn.execute(
                f"insert into {TABLE} (kashflow_account, debitura_target, invoice_number, "
                "case_id, filename, state, attempts, created_at, updated_at, sent_by) "
                "values (?, ?, ?, ?, ?, ?, 0, ?, ?, ?) on conflict do nothing",
                [
                    account,
                    target,
                    str(invoice_number),
                    case_id,
                    filename,
                    PENDING,
                    now,
                    now,
                    self._actor,
                ],  # fmt: skip
            )
        document = self.get(account, target, invoice_number)
        assert document is not None  # inserted above, or there already
        return document

    def begin_upload(self, document: CaseDocument) -> CaseDocument:
        """Record that the upload is about to go (``uploading``), committed before it leaves."""
        return self._transition(
            document,
            (PENDING, FAILED, MISSING, UPLOADING),
            "state = ?, attempts = attempts + 1, reason = null, updated_at = ?, sent_by = ?",
            [UPLOADING, self._clock(), self._actor],
        )

    def mark_attached(self, document: CaseDocument, *, file_id: str) -> CaseDocument:
        now = self._clock()
        return self._transition(
            document,
            (PENDING, UPLOADING, FAILED, MISSING),
            "state = ?, file_id = ?, reason = null, updated_at = ?, attached_at = ?",
            [ATTACHED, file_id, now, now],
        )

    def mark_failed(self, document: CaseDocument, *, reason: str) -> CaseDocument:
        """Not attached, for ``reason``: the next run tries again."""
        return self._transition(
            document,
            (PENDING, UPLOADING),
            "state = ?, reason = ?, updated_at = ?",
            [FAILED, reason, self._clock()],
        )

    def mark_missing(self, document: CaseDocument, *, reason: str) -> CaseDocument:
        """KashFlow gave no PDF (``reason`` says what it gave instead)."""
        return self._transition(
            document,
            (PENDING, FAILED, MISSING),
            "state = ?, reason = ?, updated_at = ?",
            [MISSING, reason, self._clock()],
        )

    def note_unknown(self, document: CaseDocument, *, reason: str) -> CaseDocument:
        """No answer to the upload: stays ``uploading`` (settled before any new upload)."""
        return self._transition(
            document, (UPLOADING,), "reason = ?, updated_at = ?", [reason, self._clock()]
        )

    # --- internals ------------------------------------------------------------------------------

    def _transition(
        self,
        document: CaseDocument,
        allowed_from: tuple[str, ...],
        assignments: str,
        params: list[Any],
    ) -> CaseDocument:
        moved = move_state(self._conn, TABLE, document.id, allowed_from, assignments, params)
        current = self._select("id = ?", [document.id])[0]
        if not moved:
            raise DocumentStateError(
                f"The document of invoice {current.invoice_number} is {current.state}; "
                f"expected {' or '.join(allowed_from)}."
            )
        return current

    def _select(self, where: str, params: list[Any]) -> list[CaseDocument]:
        if not self._table_exists:
            return []
        rows = self._conn.query(f"select * from {TABLE} where {where} order by id", params)
        return [CaseDocument.from_row(row) for row in rows]


def ensure_documents_schema(database: Database) -> None:
    """The ``case_documents`` table, its unique key and its schema version (called by
    ``store.database``)."""
    database[TABLE].create(
        {
            "id": int,
            "kashflow_account": str,
            "debitura_target": str,
            "invoice_number": str,
            "case_id": str,  # Debitura's case the document belongs to
            "filename": str,  # the name it is uploaded under: how it is recognised there
            "state": str,  # pending | uploading | attached | failed | missing
            "file_id": str,  # Debitura's id of the stored file
            "reason": str,  # why it is not attached, in words
            "attempts": int,
            "created_at": str,
            "updated_at": str,
            "attached_at": str,
        },
        pk="id",
        not_null={"kashflow_account", "debitura_target", "invoice_number", "state"},
        defaults={"attempts": 0},
        if_not_exists=True,
    )
    database[TABLE].create_index(
        ["kashflow_account", "debitura_target", "invoice_number"], unique=True, if_not_exists=True
    )
    database[VERSIONS_TABLE].create({"name": str, "version": int}, pk="name", if_not_exists=True)
    # Not sqlite-utils' insert: it commits, and this runs inside the migration's transaction.
    database.execute(
        f"insert into {VERSIONS_TABLE} (name, version) values (?, ?) on conflict do nothing",
        [TABLE, SCHEMA_VERSION],
    )
