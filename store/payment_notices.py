"""Payment notices: which KashFlow payment on an invoice behind a case was told to the partner.

One row per (KashFlow company, Debitura target, invoice number, payment key). The payment key
is KashFlow's payment id, or ``date|amount`` for a payment line without one. Like the
submission ledger, the row is written *before* the chat message leaves (state ``sending``) and
updated when the answer arrives, each change committed at once::

    (none) ──begin──► sending ──mark_sent──► sent        (final: never told twice)
                         │  ▲
                         │  └─mark_unknown (no answer: stays sending, settled before a resend)
                         └──mark_failed──► failed ──begin──► sending   (the next run retries)

A ``sending`` row means "the message may be at Debitura": the caller reads the case's chats
back and looks for the row's ``notice_ref`` (written into the message) before sending again.
``begin`` on a ``sending`` row keeps its key and reference so a resend is recognisable too.

Only identifiers and bookkeeping are kept, never the message or the debtor's details; the
payment key is the one exception, and only when KashFlow gives the payment no id. ``sent_by``
says who made the latest attempt (an email, or ``local``).
"""

from __future__ import annotations

import uuid
from collections.abc import Callable
from dataclasses import dataclass
from typing import Any

from sqlite_utils import Database

from store.audit import TABLE as AUDIT_TABLE
from store.audit import append_entry
from store.engine import StoreConnection, store_connection
from store.migrations import LOCAL_ACTOR, add_actor_columns
from store.transactions import immediate_transaction, move_state, utc_now

SENDING = "sending"
SENT = "sent"
FAILED = "failed"
TABLE = "payment_notices"


class PaymentNoticeError(Exception):
    """A state change the notices do not allow (for example telling a sent payment again)."""


@dataclass(frozen=True, slots=True)
class PaymentNotice:
    """One row: a payment told (or being told) to the partner of a case."""

    id: int
    kashflow_account: str
    debitura_target: str
    invoice_number: str
    payment_key: str
    case_id: str
    idempotency_key: str
    state: str
    chat_id: str = ""
    error_message: str = ""
    attempts: int = 0
    created_at: str = ""
    updated_at: str = ""
    sent_at: str = ""
    sent_by: str = ""

    @property
    def notice_ref(self) -> str:
        """The short reference written into the message, found again in the case's chats."""
        return "KF-PAY-" + self.idempotency_key.replace("-", "")[:10].upper()

    @property
    def outcome_unknown(self) -> bool:
        return self.state == SENDING

    @classmethod
    def from_row(cls, row: dict[str, Any]) -> PaymentNotice:
        return cls(
            id=row["id"],
            kashflow_account=row["kashflow_account"],
            debitura_target=row["debitura_target"],
            invoice_number=row["invoice_number"],
            payment_key=row["payment_key"],
            case_id=row["case_id"] or "",
            idempotency_key=row["idempotency_key"],
            state=row["state"],
            chat_id=row["chat_id"] or "",
            error_message=row["error_message"] or "",
            attempts=row["attempts"] or 0,
            created_at=row["created_at"] or "",
            updated_at=row["updated_at"] or "",
            sent_at=row["sent_at"] or "",
            sent_by=row.get("sent_by") or "",
        )


class PaymentNotices:
    """Reads and state changes of the ``payment_notices`` table; every change commits at once."""

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
        self._audits = AUDIT_TABLE in self._conn.table_names()  # committed with each change

    def get(
        self, account: str, target: str, invoice_number: str, payment_key: str
    ) -> PaymentNotice | None:
        rows = self._select(
            "kashflow_account = ? and debitura_target = ? and invoice_number = ? "
            "and payment_key = ?",
            [account, target, str(invoice_number), payment_key],
        )
        return rows[0] if rows else None

    def of_account(self, account: str, target: str) -> list[PaymentNotice]:
        """Every notice of one KashFlow company at one target."""
        return self._select("kashflow_account = ? and debitura_target = ?", [account, target])

    def by_id(self, notice_id: int) -> PaymentNotice:
        rows = self._select("id = ?", [notice_id])
        if not rows:
            raise PaymentNoticeError(f"No payment notice with id {notice_id}.")
        return rows[0]

    def begin(
        self,
        *,
        account: str,
        target: str,
        invoice_number: str,
        payment_key: str,
        case_id: str,
    ) -> PaymentNotice:
        """Record that a chat message is about to go (state ``sending``), committed.

        A ``sending`` row is returned as it is (its outcome must be settled first; the caller
        sees ``outcome_unknown``); a ``failed`` one goes back to ``sending``. Raises
        ``PaymentNoticeError`` when the payment was told already.
        """
        number = str(invoice_number)
        with immediate_transaction(self._conn):
            existing = self.get(account, target, number, payment_key)
            now = self._clock()
            if existing is None:
                notice_id = self._conn.insert(
                    f"insert into {TABLE} (kashflow_account, debitura_target, invoice_number, "
                    "payment_key, case_id, idempotency_key, state, attempts, created_at, "
                    "updated_at, sent_by) values (?, ?, ?, ?, ?, ?, ?, 1, ?, ?, ?)",
                    [account, target, number, payment_key, case_id, str(uuid.uuid4()),
                     SENDING, now, now, self._actor],
                )  # fmt: skip
                return self.by_id(notice_id)
            if existing.state == SENT:
                raise PaymentNoticeError(
                    f"The payment on invoice {number} was told to the partner already; it is "
                    "never told twice."
                )
            if existing.state == FAILED:
                # Nothing reached Debitura: a fresh key, so an old refusal is not replayed.
                self._conn.execute(
                    f"update {TABLE} set state = ?, idempotency_key = ?, case_id = ?, "
                    "attempts = attempts + 1, error_message = null, updated_at = ?, "
                    "sent_by = ? where id = ?",
                    [SENDING, str(uuid.uuid4()), case_id, now, self._actor, existing.id],
                )
            else:
                self._conn.execute(
                    f"update {TABLE} set attempts = attempts + 1, updated_at = ?, sent_by = ? "
                    "where id = ?",
                    [now, self._actor, existing.id],
                )
        return self.by_id(existing.id)

    def mark_sent(self, notice: PaymentNotice | int, *, chat_id: str) -> PaymentNotice:
        """Debitura has the message (answered now, or found in the case's chats): final."""
        now = self._clock()
        return self._transition(
            notice,
            (SENDING,),
            "state = ?, chat_id = ?, error_message = null, updated_at = ?, sent_at = ?",
            [SENT, chat_id, now, now],
            audit=("paid_directly_sent", "the partner was told"),
        )

    def mark_failed(self, notice: PaymentNotice | int, *, error_message: str) -> PaymentNotice:
        """Debitura refused the message (nothing stored there); the next run sends again."""
        return self._transition(
            notice,
            (SENDING,),
            "state = ?, error_message = ?, updated_at = ?",
            [FAILED, error_message, self._clock()],
            audit=("paid_directly_failed", error_message),
        )

    def mark_unknown(self, notice: PaymentNotice | int, *, error_message: str) -> PaymentNotice:
        """No answer: the message may be at Debitura. Stays ``sending`` with the error noted."""
        return self._transition(
            notice,
            (SENDING,),
            "error_message = ?, updated_at = ?",
            [error_message, self._clock()],
            audit=("paid_directly_unknown", error_message),
        )

    def _transition(
        self,
        notice: PaymentNotice | int,
        allowed_from: tuple[str, ...],
        assignments: str,
        params: list[Any],
        *,
        audit: tuple[str, str],
    ) -> PaymentNotice:
        notice_id = notice.id if isinstance(notice, PaymentNotice) else notice
        event, detail = audit
        moved = move_state(
            self._conn,
            TABLE,
            notice_id,
            allowed_from,
            assignments,
            params,
            on_moved=lambda: self._audit(notice_id, event, detail),
        )
        current = self.by_id(notice_id)
        if not moved:
            raise PaymentNoticeError(
                f"The payment notice for invoice {current.invoice_number} is {current.state}; "
                f"expected {' or '.join(allowed_from)}."
            )
        return current

    def _audit(self, notice_id: int, event: str, detail: str) -> None:
        """The audit entry of a state change, in its transaction: "Invoice 1121: …"."""
        if not self._audits:
            return
        row = self._conn.query_one(
            f"select invoice_number, payment_key from {TABLE} where id = ?", [notice_id]
        )
        if row is not None:
            append_entry(
                self._conn,
                event,
                actor=self._actor,
                detail=f"Invoice {row['invoice_number']}, payment {row['payment_key']}: {detail}",
            )

    def _select(self, where: str, params: list[Any]) -> list[PaymentNotice]:
        rows = self._conn.query(f"select * from {TABLE} where {where} order by id", params)
        return [PaymentNotice.from_row(row) for row in rows]


def ensure_payment_notices_schema(database: Database) -> None:
    """The ``payment_notices`` table and its unique key (called by ``store.database``)."""
    database[TABLE].create(
        {
            "id": int,
            "kashflow_account": str,
            "debitura_target": str,
            "invoice_number": str,
            "payment_key": str,  # KashFlow's payment id, else "date|amount"
            "case_id": str,
            "idempotency_key": str,
            "state": str,  # sending | sent | failed
            "chat_id": str,  # Debitura's id of the chat message
            "error_message": str,
            "attempts": int,
            "created_at": str,
            "updated_at": str,
            "sent_at": str,
        },
        pk="id",
        not_null={
            "kashflow_account", "debitura_target", "invoice_number", "payment_key",
            "idempotency_key", "state",
        },
        defaults={"attempts": 0},
        if_not_exists=True,
    )  # fmt: skip
    database[TABLE].create_index(
        ["kashflow_account", "debitura_target", "invoice_number", "payment_key"],
        unique=True,
        if_not_exists=True,
    )
    # For a table made on its own (outside the migrations' transaction: commit it then).
    connection = store_connection(database)
    inside_migration = connection.in_transaction
    add_actor_columns(connection, {TABLE})
    if not inside_migration and connection.in_transaction:
        connection.commit()
