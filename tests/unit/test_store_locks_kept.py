"""Opening the store again never takes SQLite's locks away from connections already open.

Closing any descriptor of a file drops every POSIX lock the process holds on it, SQLite's
included. The store used to open and close ``app.db`` on every opening (to create it 0600), so
one session's page run silently released the locks of another session's connection; another
process could then checkpoint and remove the write-ahead log under it ("disk I/O error", seen
in the reload test under load)."""

from __future__ import annotations

import os
import sys
from pathlib import Path

import pytest

from store import open_database
from store.database import DATABASE_FILE
from store.permissions import make_private_file

pytestmark = pytest.mark.skipif(not Path("/proc/locks").exists(), reason="reads /proc/locks")


def locks_held_on(path: Path) -> int:
    """How many POSIX locks this process holds on ``path`` (Linux's /proc/locks)."""
    inode, pid = os.stat(path).st_ino, str(os.getpid())
    count = 0
    with open("/proc/locks") as table:
        for line in table:
            fields = line.split()
            if pid in fields and any(field.endswith(f":{inode}") for field in fields):
                count += 1
    return count


def test_a_second_opening_keeps_the_first_connections_locks(tmp_path):
    first = open_database(tmp_path)
    first.execute("select count(*) from submissions").fetchall()
    held = locks_held_on(tmp_path / DATABASE_FILE)
    assert held >= 1, "an open connection in write-ahead-log mode holds a lock on the file"
    for _ in range(3):  # other page runs, other sessions
        open_database(tmp_path).close()
    assert locks_held_on(tmp_path / DATABASE_FILE) == held
    first.execute("select count(*) from submissions").fetchall()


def test_an_existing_file_is_narrowed_without_being_opened(tmp_path, monkeypatch):
    path = tmp_path / "app.db"
    path.write_bytes(b"")
    path.chmod(0o644)
    opened = []
    real_open = os.open
    monkeypatch.setattr(
        os, "open", lambda *args, **kw: opened.append(args[0]) or real_open(*args, **kw)
    )
    make_private_file(path)
    assert opened == [path]  # the one attempt to create it, which fails: it exists
    assert path.stat().st_mode & 0o777 == 0o600


@pytest.mark.skipif(sys.platform == "win32" or os.geteuid() == 0, reason="root may write anything")
def test_an_existing_file_that_cannot_be_written_is_refused(tmp_path):
    path = tmp_path / "app.db"
    path.write_bytes(b"")
    path.chmod(0o400)
    with pytest.raises(PermissionError):
        make_private_file(path)
