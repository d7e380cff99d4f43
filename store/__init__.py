"""Local persistence in SQLite (sqlite-utils): saved connections, the submission ledger and the
audit log.

Never invoice data, never a session token; passwords and memorable words only encrypted. Every
storage fault (a folder that cannot be written, a damaged or locked database, a full disk) is
raised as a ``StorageError`` whose message says what to do.
"""

from store.audit import AuditLog
from store.connections import ConnectionStore, SavedConnection, StoredCredentialsUnreadable
from store.database import open_database
from store.errors import (
    DatabaseCorrupt,
    DatabaseLocked,
    DataDirNotWritable,
    DiskFull,
    StorageError,
    SubmitInProgress,
)
from store.ledger import LedgerError, Submission, SubmissionLedger
from store.secret_key import SecretKeyError, load_fernet
from store.submit_lock import submit_lock

__all__ = [
    "AuditLog",
    "ConnectionStore",
    "DataDirNotWritable",
    "DatabaseCorrupt",
    "DatabaseLocked",
    "DiskFull",
    "LedgerError",
    "SavedConnection",
    "SecretKeyError",
    "StorageError",
    "StoredCredentialsUnreadable",
    "Submission",
    "SubmissionLedger",
    "SubmitInProgress",
    "load_fernet",
    "open_database",
    "submit_lock",
]
