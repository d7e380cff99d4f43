"""The Fernet key that encrypts stored credentials.

From ``APP_SECRET_KEY`` when set; otherwise generated once into the data directory with file
mode 0600, so a copied database file alone cannot reveal anything.
"""

from __future__ import annotations

import os
import secrets
from pathlib import Path

from cryptography.fernet import Fernet

from store.faults import storage_faults
from store.permissions import PRIVATE_FILE_MODE, make_private_dir, restrict

KEY_FILE = "secret.key"


class SecretKeyError(Exception):
    """The configured key is unusable; the message says what to do."""


def load_fernet(
    data_dir: Path, configured_key: str | None = None, *, read_only: bool = False
) -> Fernet:
    """``read_only``: never create the key file; without one, nothing stored can be decrypted
    anyway, so a throwaway key stands in (decrypting then fails as for a changed key)."""
    if configured_key:
        try:
            return Fernet(configured_key.strip().encode())
        except ValueError:
            raise SecretKeyError(
                "APP_SECRET_KEY is not a valid Fernet key (32 url-safe base64-encoded bytes). "
                'Generate one with: python -c "from cryptography.fernet import Fernet; '
                'print(Fernet.generate_key().decode())"'
            ) from None
    path = data_dir / KEY_FILE
    with storage_faults(path):
        if read_only:
            key = _read_key(path) if path.is_file() else Fernet.generate_key()
        else:
            key = _key_file_contents(path)
    try:
        return Fernet(key)
    except ValueError:
        raise SecretKeyError(_damaged_key_message(path, "is not a valid key")) from None


def _key_file_contents(path: Path) -> bytes:
    make_private_dir(path.parent)
    if path.exists():
        restrict(path, PRIVATE_FILE_MODE)
        return _read_key(path)
    # Written whole under a name of its own, then linked into place: the key file appears
    # complete or not at all. A second process starting at the same moment finds either no
    # file (and links its own, which fails) or the whole key, never an empty file.
    key = Fernet.generate_key()
    draft = path.with_name(f".{path.name}.{os.getpid()}.{secrets.token_hex(4)}")
    descriptor = os.open(draft, os.O_WRONLY | os.O_CREAT | os.O_EXCL, PRIVATE_FILE_MODE)
    try:
        with os.fdopen(descriptor, "wb") as key_file:
            key_file.write(key)
            key_file.flush()
            os.fsync(key_file.fileno())
        os.link(draft, path)
    except FileExistsError:  # the other process's key is in place: everyone uses that one
        return _read_key(path)
    finally:
        draft.unlink(missing_ok=True)
    return key


def _read_key(path: Path) -> bytes:
    key = path.read_bytes().strip()
    if not key:
        raise SecretKeyError(_damaged_key_message(path, "is empty"))
    return key


def _damaged_key_message(path: Path, what: str) -> str:
    return (
        f"The key file {path} {what}, so the saved KashFlow passwords cannot be read. If you "
        "have the original file (or the APP_SECRET_KEY it came from), put it back; otherwise "
        "move this file aside, then remove and add the saved connections again. The record of "
        "sent cases is not affected."
    )
