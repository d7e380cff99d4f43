"""The data folder is its owner's alone: 0700, and every file in it 0600."""

from __future__ import annotations

import os
import stat
from pathlib import Path

import pytest

from store import open_database
from store.database import DATABASE_FILE, side_files
from store.secret_key import KEY_FILE, load_fernet
from store.submit_lock import LOCK_FILE, submit_lock
from tests.storage_support import NOBODY, permissions_bind, run_python  # noqa: F401 - fixture
from workflow.settings import Settings
from workflow.workspace import Workspace


def mode(path: Path) -> int:
    return stat.S_IMODE(path.stat().st_mode)


def open_workspace(data_dir: Path) -> Workspace:
    return Workspace.open(Settings.load({"APP_DATA_DIR": str(data_dir)}))


def test_a_new_data_folder_is_0700_and_its_files_0600(tmp_path):
    data_dir = tmp_path / "nested" / "data"
    open_workspace(data_dir)
    with submit_lock(data_dir):
        pass
    assert mode(data_dir) == 0o700
    assert mode(data_dir / DATABASE_FILE) == 0o600
    assert mode(data_dir / KEY_FILE) == 0o600
    assert mode(data_dir / LOCK_FILE) == 0o600


def test_the_database_file_is_never_created_readable_by_others(tmp_path):
    # Even with a permissive umask the file is born 0600 (no window before a chmod).
    previous = os.umask(0)
    try:
        open_database(tmp_path / "data")
    finally:
        os.umask(previous)
    assert mode(tmp_path / "data" / DATABASE_FILE) == 0o600
    assert mode(tmp_path / "data") == 0o700


def test_an_existing_folder_and_files_with_wider_access_are_narrowed(tmp_path):
    data_dir = tmp_path / "data"
    # An earlier run, finished (a live connection's -shm must not be cut under it).
    open_database(data_dir).close()
    load_fernet(data_dir)
    database_file = data_dir / DATABASE_FILE
    leftovers = side_files(database_file)
    for side_file in leftovers:
        side_file.write_bytes(b"")
    for path in [database_file, data_dir / KEY_FILE, *leftovers]:
        path.chmod(0o644)
    data_dir.chmod(0o755)

    workspace = open_workspace(data_dir)

    assert mode(data_dir) == 0o700
    for path in [database_file, data_dir / KEY_FILE, *leftovers]:
        assert mode(path) == 0o600, path.name
    assert workspace.ledger.list() == []  # and the store works


@pytest.mark.skipif(os.geteuid() != 0, reason="needs root to give the folder to another user")
def test_a_folder_someone_else_owns_is_used_with_a_warning_not_an_error(
    tmp_path,
    permissions_bind,  # noqa: F811 - fixture
):
    data_dir = tmp_path / "shared"
    data_dir.mkdir()
    data_dir.chmod(0o777)
    os.chown(data_dir, NOBODY, NOBODY)  # ours to write, not ours to chmod
    result = run_python(
        "import logging; logging.basicConfig()\n"
        "from workflow.settings import Settings\n"
        "from workflow.workspace import Workspace\n"
        "workspace = Workspace.open(Settings.load())\n"
        "workspace.audit.record('opened')\n"
        "print(len(workspace.audit.recent()))",
        env={"APP_DATA_DIR": str(data_dir)},
    )
    assert result.returncode == 0, result.stderr
    assert result.stdout.strip() == "1"
    assert "Could not limit" in result.stderr and str(data_dir) in result.stderr
    assert "Traceback" not in result.stderr
    assert mode(data_dir) == 0o777  # left as it was, and said so
    assert mode(data_dir / DATABASE_FILE) == 0o600
