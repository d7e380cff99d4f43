"""The app's local state for one process run: settings plus the opened store."""

from __future__ import annotations

from dataclasses import dataclass

from store import (
    AuditLog,
    ConnectionStore,
    DebituraConnectionStore,
    ResumePoint,
    ReviewDrafts,
    SubmissionLedger,
    load_fernet,
    open_database,
)
from store.documents import CaseDocuments
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

    @classmethod
    def open(cls, settings: Settings, *, read_only: bool = False) -> Workspace:
        """Open the store in ``settings.app_data_dir``; raises a ``store.StorageError`` whose
        message says what to do when the folder or its database cannot be used.

        ``read_only`` is for runs that only read (``cli.py invoices``): they work on a folder
        they cannot write, create nothing, record nothing, and a store that does not exist yet
        reads as empty.
        """
        data_dir = settings.app_data_dir
        database = open_database(data_dir, read_only=read_only)
        fernet = load_fernet(data_dir, settings.app_secret_key, read_only=read_only)
        return cls(
            settings,
            ConnectionStore(database, fernet),
            AuditLog(database),
            SubmissionLedger(database),
            DebituraConnectionStore(database, fernet),
            ReviewDrafts(database),
            ResumePoint(database),
            PaymentNotices(database),
            CaseDocuments(database),
        )
