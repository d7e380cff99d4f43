"""Persistence in SQLite (sqlite-utils, the embedded default) or PostgreSQL (psycopg, when
``APP_DATABASE_URL`` is set) through one interface (``store.engine``): saved connections
(KashFlow and Debitura), the submission ledger, the audit log and the analyst's unsent review
work (``store.drafts``). The schema is versioned (``store.migrations``) and brought up to date
on opening.

Never invoice data, never a session token; passwords, memorable words and API keys only
encrypted. Every
storage fault (a folder that cannot be written, a damaged or locked database, a full disk) is
raised as a ``StorageError`` whose message says what to do.
"""

from store.audit import AuditEntry, AuditLog
from store.connections import ConnectionStore, SavedConnection, StoredCredentialsUnreadable
from store.database import open_database, open_store
from store.debitura_connection import (
    DebituraConnectionStore,
    SavedDebitura,
    StoredDebituraKeyUnreadable,
)
from store.drafts import ReviewDraft, ReviewDrafts
from store.engine import StoreConnection
from store.errors import (
    DatabaseCorrupt,
    DatabaseLocked,
    DatabaseUnreachable,
    DataDirNotWritable,
    DiskFull,
    StorageError,
    SubmitInProgress,
)
from store.ledger import LedgerError, Submission, SubmissionLedger
from store.resume import ResumePoint
from store.secret_key import SecretKeyError, load_fernet
from store.submit_lock import submit_lock

__all__ = [
    "AuditEntry",
    "AuditLog",
    "ConnectionStore",
    "DataDirNotWritable",
    "DatabaseCorrupt",
    "DatabaseLocked",
    "DatabaseUnreachable",
    "DebituraConnectionStore",
    "DiskFull",
    "LedgerError",
    "ResumePoint",
    "ReviewDraft",
    "ReviewDrafts",
    "SavedConnection",
    "SavedDebitura",
    "SecretKeyError",
    "StorageError",
    "StoreConnection",
    "StoredCredentialsUnreadable",
    "StoredDebituraKeyUnreadable",
    "Submission",
    "SubmissionLedger",
    "SubmitInProgress",
    "load_fernet",
    "open_database",
    "open_store",
    "submit_lock",
]
