"""The app's local state for one process run: settings plus the opened store."""

from __future__ import annotations

from dataclasses import dataclass

from store import (
    AuditLog,
    ConnectionStore,
    DebituraConnectionStore,
    ResumePoint,
    ReviewDrafts,
    SecretKeyError,
    SubmissionLedger,
    load_fernet,
    open_store,
)
from store.documents import CaseDocuments
from store.migrations import LOCAL_ACTOR  # who acts when nobody signs in
from store.payment_notices import PaymentNotices
from workflow.settings import Settings


@dataclass(frozen=True)
class Workspace:
    settings: Settings
    connections: ConnectionStore
    audit: AuditLog
    ledger: SubmissionLedger
    debitura: DebituraConnectionStore  # the Debitura connection saved on the Connect page
    drafts: ReviewDrafts  # the analyst's unsent edits and ticks, per KashFlow company
    resume: ResumePoint  # the connection a new browser session picks up
    payment_notices: PaymentNotices  # payments on sent invoices told to the partners
    documents: CaseDocuments  # each case's invoice PDF, attached exactly once
    actor: str = LOCAL_ACTOR  # whose actions the stores record (an email, or ``local``)

    @classmethod
    def open(
        cls, settings: Settings, *, read_only: bool = False, actor: str = LOCAL_ACTOR
    ) -> Workspace:
        """Open the store: the PostgreSQL database of ``settings.database_url`` when set, else
        the SQLite file in ``settings.app_data_dir``. Raises a ``store.StorageError`` whose
        message says what to do when the folder or database cannot be used, and
        ``store.SecretKeyError`` for PostgreSQL without ``APP_SECRET_KEY``.

        ``read_only`` is for runs that only read (``cli.py invoices``): they work on a folder
        they cannot write, create nothing, record nothing, and a store that does not exist yet
        reads as empty. ``actor`` (the signed-in user's email, or ``local``) is recorded with
        every write and picks the user's own drafts and resume point.
        """
        data_dir = settings.app_data_dir
        if settings.database_url and not settings.app_secret_key:
            # Every app server must decrypt the same saved credentials: a key file generated
            # in one server's data folder would lock the others out.
            raise SecretKeyError(
                "APP_DATABASE_URL is set, so APP_SECRET_KEY must be set too (the same key on "
                'every app server). Generate one with: python -c "from cryptography.fernet '
                'import Fernet; print(Fernet.generate_key().decode())"'
            )
        database = open_store(data_dir, database_url=settings.database_url, read_only=read_only)
        try:
            fernet = load_fernet(data_dir, settings.app_secret_key, read_only=read_only)
        except BaseException:
            database.close()
            raise
        return cls(
            settings,
            ConnectionStore(database, fernet, actor=actor),
            AuditLog(database, actor=actor),
            SubmissionLedger(database, actor=actor),
            DebituraConnectionStore(database, fernet, actor=actor),
            ReviewDrafts(database, actor=actor),
            ResumePoint(database, actor),
            PaymentNotices(database, actor=actor),
            CaseDocuments(database, actor=actor),
            actor,
        )
