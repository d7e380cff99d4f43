"""The write transaction the store's state machines share."""

from __future__ import annotations

import sqlite3
from collections.abc import Iterator
from contextlib import contextmanager, suppress


@contextmanager
def immediate_transaction(connection: sqlite3.Connection) -> Iterator[None]:
    """A transaction holding SQLite's write lock from its start (waiting for it up to the
    busy timeout), so nothing changes between its reads and its writes."""
    connection.execute("begin immediate")
    try:
        yield
        connection.commit()
    except BaseException:
        # Also after a failed commit (a full disk): never leave the transaction open. The
        # original error is the one to report, not a failing rollback.
        with suppress(sqlite3.Error):
            connection.rollback()
        raise
