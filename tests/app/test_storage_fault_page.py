"""A data folder or file the app cannot use: the page says what to do, never a traceback."""

from __future__ import annotations

import os
import sqlite3
from pathlib import Path

import pytest

import store.database
from store import open_database
from store.database import DATABASE_FILE
from ui.plain import WORD_JOINER


def data_dir() -> Path:
    return Path(os.environ["APP_DATA_DIR"])  # each test's own (tests/conftest.py)


def shown(markdown: str) -> str:
    """The text a reader sees: the message is escaped so that folder names show as typed."""
    return markdown.replace("\\", "").replace(WORD_JOINER, "")


@pytest.mark.parametrize("page", [None, "pages/review.py", "pages/cases.py"])
def test_a_damaged_data_file_shows_what_to_do_instead_of_a_traceback(app, page):
    data_dir().mkdir(parents=True)
    (data_dir() / DATABASE_FILE).write_bytes(b"not a database at all\n" * 100)
    app.run()
    if page:
        app.switch_page(page).run()
    assert not app.exception
    errors = [shown(error.value) for error in app.error]
    assert len(errors) == 1
    assert f"The app's data file {data_dir() / DATABASE_FILE} is damaged" in errors[0]
    assert "Move it aside and start again" in errors[0]


def test_a_locked_data_file_shows_what_to_do(app, monkeypatch):
    monkeypatch.setattr(store.database, "BUSY_TIMEOUT_SECONDS", 0.2)
    open_database(data_dir()).close()
    holder = sqlite3.connect(data_dir() / DATABASE_FILE, isolation_level=None)
    # A program that shuts out readers too: with the write-ahead log, a mere writer does not.
    holder.execute("PRAGMA locking_mode = EXCLUSIVE")
    holder.execute("BEGIN EXCLUSIVE")
    try:
        app.run()
    finally:
        holder.execute("ROLLBACK")
        holder.close()
    assert not app.exception
    assert [e for e in app.error if "is locked by another program" in shown(e.value)]
