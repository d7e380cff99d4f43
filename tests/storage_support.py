"""Helpers of the storage-fault tests: folders the app may not write, run as an ordinary user.

Root ignores file permissions, so when the tests run as root a child process gives up the
capabilities that let it (``prctl(PR_CAPBSET_DROP)``: they are gone after its ``exec``) and
then meets a 0500 folder as any user would.
"""

from __future__ import annotations

import ctypes
import os
import subprocess
import sys
from collections.abc import Callable
from pathlib import Path

import pytest

ROOT = Path(__file__).resolve().parents[1]
PR_CAPBSET_DROP = 24
# CAP_DAC_OVERRIDE, CAP_DAC_READ_SEARCH (ignore read/write/search bits), CAP_FOWNER (chmod
# anything).
ROOT_FILE_POWERS = (1, 2, 3)
NOBODY = 65534


def _drop_root_file_powers() -> None:
    libc = ctypes.CDLL(None, use_errno=True)
    for capability in ROOT_FILE_POWERS:
        if libc.prctl(PR_CAPBSET_DROP, capability, 0, 0, 0) != 0:
            raise OSError(ctypes.get_errno(), "prctl(PR_CAPBSET_DROP) refused")


def as_ordinary_user() -> Callable[[], None] | None:
    """A ``preexec_fn`` that makes a child process obey file permissions (None: it already
    does)."""
    return _drop_root_file_powers if os.geteuid() == 0 else None


def run_as_ordinary_user(
    args: list[str], *, env: dict[str, str] | None = None, timeout: float = 90
) -> subprocess.CompletedProcess:
    return subprocess.run(
        args,
        cwd=ROOT,
        env={**os.environ, **(env or {})},
        capture_output=True,
        text=True,
        timeout=timeout,
        preexec_fn=as_ordinary_user(),
    )


def run_python(code: str, **options) -> subprocess.CompletedProcess:
    """``code`` in a fresh interpreter of this project, as an ordinary user."""
    return run_as_ordinary_user([sys.executable, "-c", code], **options)


def run_cli(*args: str, **options) -> subprocess.CompletedProcess:
    """``python cli.py ...`` as an ordinary user."""
    return run_as_ordinary_user([sys.executable, "cli.py", *args], **options)


def read_only_folder(path: Path) -> Path:
    """Make ``path`` (created if needed) a folder its owner can read but not write."""
    path.mkdir(parents=True, exist_ok=True)
    path.chmod(0o500)
    return path


@pytest.fixture
def permissions_bind() -> None:
    """Skip when a child process cannot be made to obey file permissions here."""
    probe = run_python("print('ok')")
    if probe.returncode != 0:
        pytest.skip(f"cannot drop root's file powers: {probe.stderr.strip()[-200:]}")


def restore_writable(*paths: Path) -> None:
    """Let pytest clean up ``tmp_path`` again."""
    for path in paths:
        if path.exists():
            path.chmod(0o700)
