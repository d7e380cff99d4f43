"""Local persistence in SQLite (sqlite-utils): saved connections, the submission ledger and the
audit log.

Never invoice data, never a session token; passwords and memorable words only encrypted.
"""

from store.audit import AuditLog
from store.connections import ConnectionStore, SavedConnection, StoredCredentialsUnreadable
from store.database import open_database
from store.ledger import LedgerError, Submission, SubmissionLedger
from store.secret_key import SecretKeyError, load_fernet

__all__ = [
    "AuditLog",
    "ConnectionStore",
    "LedgerError",
    "SavedConnection",
    "SecretKeyError",
    "StoredCredentialsUnreadable",
    "Submission",
    "SubmissionLedger",
    "load_fernet",
    "open_database",
]
