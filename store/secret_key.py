"""The Fernet key that encrypts stored credentials.

From ``APP_SECRET_KEY`` when set; otherwise generated once into the data directory with file
mode 0600, so a copied database file alone cannot reveal anything.
"""

from __future__ import annotations

import os
from pathlib import Path

from cryptography.fernet import Fernet

KEY_FILE = "secret.key"


class SecretKeyError(Exception):
    """The configured key is unusable; the message says what to do."""


def load_fernet(data_dir: Path, configured_key: str | None = None) -> Fernet:
    if configured_key:
        try:
            return Fernet(configured_key.strip().encode())
        except ValueError:
            raise SecretKeyError(
                "APP_SECRET_KEY is not a valid Fernet key (32 url-safe base64-encoded bytes). "
                'Generate one with: python -c "from cryptography.fernet import Fernet; '
                'print(Fernet.generate_key().decode())"'
            ) from None
    return Fernet(_key_file_contents(data_dir / KEY_FILE))


def _key_file_contents(path: Path) -> bytes:
    path.parent.mkdir(parents=True, exist_ok=True)
    try:
        # O_EXCL: if two processes start together, exactly one writes the key.
        descriptor = os.open(path, os.O_WRONLY | os.O_CREAT | os.O_EXCL, 0o600)
    except FileExistsError:
        key = path.read_bytes().strip()
        if not key:
            raise SecretKeyError(
                f"The key file {path.name} in the data directory is empty."
            ) from None
        return key
    key = Fernet.generate_key()
    with os.fdopen(descriptor, "wb") as key_file:
        key_file.write(key)
    return key
