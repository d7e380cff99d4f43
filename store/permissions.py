"""Owner-only access to the data folder and its files.

The ledger, the audit log and the encrypted credentials are nobody else's business on a shared
machine: the folder is 0700 and every file in it 0600. Something already there with wider
access is narrowed; when that is not allowed (someone else owns it) the app warns and goes on.
"""

from __future__ import annotations

import errno
import logging
import os
import stat
from pathlib import Path

PRIVATE_DIR_MODE = 0o700
PRIVATE_FILE_MODE = 0o600

logger = logging.getLogger(__name__)


def make_private_dir(path: Path) -> None:
    """Create ``path`` (and its parents) if needed; the folder itself ends up owner-only."""
    path.mkdir(mode=PRIVATE_DIR_MODE, parents=True, exist_ok=True)
    restrict(path, PRIVATE_DIR_MODE)


def make_private_file(path: Path) -> None:
    """Create ``path`` empty as 0600 unless it exists, then narrow it; fails if it cannot be
    created or, when it exists, written."""
    try:
        # Created with its final mode, so there is no moment when others could open it.
        descriptor = os.open(path, os.O_RDWR | os.O_CREAT | os.O_EXCL, PRIVATE_FILE_MODE)
    except FileExistsError:
        # Never opened when it exists: closing any descriptor of a file drops every POSIX lock
        # this process holds on it, SQLite's included. Another session's connection to the
        # database would lose its locks, and a write-ahead log shared on that belief breaks
        # ("disk I/O error"). Whether it can be written is asked without opening it.
        if not os.access(path, os.W_OK):
            raise PermissionError(errno.EACCES, os.strerror(errno.EACCES), str(path)) from None
    else:
        os.close(descriptor)
    restrict(path, PRIVATE_FILE_MODE)


def restrict(path: Path, allowed: int) -> None:
    """Remove any permission bit of ``path`` outside ``allowed``; warn if that is refused."""
    try:
        current = stat.S_IMODE(path.stat().st_mode)
    except FileNotFoundError:
        return
    if current & ~allowed == 0:
        return
    try:
        os.chmod(path, current & allowed)
    except PermissionError as error:
        logger.warning(
            "Could not limit %s to its owner (%s): other users of this computer may be able "
            "to read it. Ask its owner to run: chmod %o %s",
            path,
            (error.strerror or str(error)).lower(),
            current & allowed,
            path,
        )
