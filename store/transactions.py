"""The write transactions the store's state machines share (on either engine)."""

from __future__ import annotations

import threading
from collections.abc import Callable, Iterator
from contextlib import contextmanager, suppress
from datetime import UTC, datetime

from store.engine import StoreConnection

# The connection whose changes this thread is grouping into one commit (``grouped_commit``).
_grouping = threading.local()


@contextmanager
def immediate_transaction(connection: StoreConnection) -> Iterator[None]:
    """A transaction holding the engine's write lock from its start (waiting for it up to the
    busy timeout), so nothing changes between its reads and its writes.

    Inside ``grouped_commit`` on the same connection it is a savepoint of the group's
    transaction instead: all or nothing, committed with the group.
    """
    group = getattr(_grouping, "connection", None)
    if group is not None and group.session is connection.session:
        if not connection.in_transaction:
            connection.begin_write()
        with _savepoint(connection):
            yield
        return
    if group is not None and group.in_transaction:
        # Another connection to the database, on this thread: it would wait for the group's
        # write lock forever. Commit the group first (earlier than needed, never later).
        group.commit()
    connection.begin_write()
    try:
        yield
        connection.commit()
    except BaseException:
        # Also after a failed commit (a full disk): never leave the transaction open. The
        # original error is the one to report, not a failing rollback.
        with suppress(Exception):
            connection.rollback()
        raise


def move_state(
    connection: StoreConnection,
    table: str,
    row_id: int,
    allowed_from: tuple[str, ...],
    assignments: str,
    params: list,
    *,
    on_moved: Callable[[], None] | None = None,
) -> bool:
    """Set ``assignments`` on one row only while its state is one of ``allowed_from`` (the
    state machines' guard against acting on a stale read), in its own transaction; True when
    the row moved. ``on_moved`` runs in the same transaction when it did (its audit entry)."""
    marks = ", ".join("?" * len(allowed_from))
    with immediate_transaction(connection):
        changed = connection.execute(
            f"update {table} set {assignments} where id = ? and state in ({marks})",
            [*params, row_id, *allowed_from],
        )
        if changed == 1 and on_moved is not None:
            on_moved()
    return changed == 1


def utc_now() -> str:
    """The store's timestamps: UTC, ISO 8601, to the microsecond (they order rows)."""
    return datetime.now(UTC).isoformat(timespec="microseconds")


@contextmanager
def grouped_commit(connection: StoreConnection) -> Iterator[None]:
    """The changes made through ``immediate_transaction`` in the block, committed together
    once when it ends: one synced commit for many rows instead of one per row.

    The caller sends nothing out inside the block (no request leaves before the rows saying
    it will are committed), so an error inside still commits what was recorded: each change
    was whole (a savepoint), and an outcome recorded is a fact worth keeping.
    """
    if getattr(_grouping, "connection", None) is not None:
        yield  # already grouping: the outer group commits
        return
    _grouping.connection = connection
    try:
        yield
    except BaseException:
        if connection.in_transaction:
            with suppress(Exception):
                connection.commit()
        if connection.in_transaction:  # the commit failed too (a full disk)
            with suppress(Exception):
                connection.rollback()
        raise
    else:
        if connection.in_transaction:
            try:
                connection.commit()
            except BaseException:
                with suppress(Exception):
                    connection.rollback()
                raise
    finally:
        _grouping.connection = None


@contextmanager
def _savepoint(connection: StoreConnection) -> Iterator[None]:
    connection.savepoint("store_change")
    try:
        yield
    except BaseException:
        with suppress(Exception):
            connection.rollback_to("store_change")
            connection.release("store_change")
        raise
    connection.release("store_change")
