"""``cli.py audit``: the audit log as JSON, CSV or a terminal table.

The CSV is the Audit log page's download (``workflow.audit.audit_table``), so a script and a
person read the same columns. Every text reaches the terminal without control characters.
"""

from __future__ import annotations

import json
from collections.abc import Sequence

from mapping.dates import uk_time
from mapping.outside_text import terminal_text
from store.audit import AuditEntry
from workflow.audit import audit_table, event_words
from workflow.export import TABLE_WIDTH, json_for_terminal
from workflow.spreadsheet import table_csv
from workflow.text_table import text_table

TABLE_HEADERS = ("When", "Who", "What", "Connection", "Details")
_SHRINK = [{"Details": 20, "Connection": 12}, {"What": 14, "Who": 12}]


def audit_json(entries: Sequence[AuditEntry]) -> str:
    """``{"entries": [{"at", "actor", "event", "what", "connection_id", "connection",
    "detail"}]}``, newest first."""
    document = {
        "entries": [
            {
                "at": entry.at,
                "actor": entry.actor,
                "event": entry.event,
                "what": event_words(entry.event),
                "connection_id": entry.connection_id,
                "connection": entry.connection_name,
                "detail": entry.detail,
            }
            for entry in entries
        ]
    }
    return json_for_terminal(json.dumps(document, indent=2, ensure_ascii=False)) + "\n"


def audit_csv(entries: Sequence[AuditEntry]) -> str:
    """The page's CSV download (without the byte order mark Excel wants)."""
    return table_csv(audit_table(entries))


def audit_text(entries: Sequence[AuditEntry], *, width: int = TABLE_WIDTH) -> str:
    if not entries:
        return "(nothing recorded that matches)\n"
    lines = [
        [
            terminal_text(cell)
            for cell in (
                uk_time(entry.at),
                entry.actor,
                event_words(entry.event),
                entry.connection_name,
                entry.detail,
            )
        ]
        for entry in entries
    ]
    return text_table(TABLE_HEADERS, lines, shrink=_SHRINK, width=width) + "\n"
