"""The app's local state for one process run: settings plus the opened store."""

from __future__ import annotations

from dataclasses import dataclass

from store import AuditLog, ConnectionStore, SubmissionLedger, load_fernet, open_database
from workflow.settings import Settings


@dataclass(frozen=True)
class Workspace:
    settings: Settings
    connections: ConnectionStore
    audit: AuditLog
    ledger: SubmissionLedger

    @classmethod
    def open(cls, settings: Settings) -> Workspace:
        database = open_database(settings.app_data_dir)
        fernet = load_fernet(settings.app_data_dir, settings.app_secret_key)
        return cls(
            settings,
            ConnectionStore(database, fernet),
            AuditLog(database),
            SubmissionLedger(database),
        )
