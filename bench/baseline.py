"""The baseline a benchmark measures against in the same run: an earlier commit, checked out."""

from __future__ import annotations

import contextlib
import subprocess
import tempfile
from collections.abc import Iterator
from pathlib import Path

ROOT = Path(__file__).resolve().parents[1]


@contextlib.contextmanager
def worktree(commit: str) -> Iterator[Path]:
    """A checkout of ``commit`` in a temporary folder (nothing is committed or changed in this
    checkout's branches), removed afterwards."""
    with tempfile.TemporaryDirectory(prefix="bench-baseline-") as parent:
        path = Path(parent) / "checkout"
        subprocess.run(
            ["git", "worktree", "add", "--detach", str(path), commit],
            cwd=ROOT,
            check=True,
            capture_output=True,
        )
        try:
            yield path
        finally:
            subprocess.run(
                ["git", "worktree", "remove", "--force", str(path)],
                cwd=ROOT,
                check=False,
                capture_output=True,
            )
