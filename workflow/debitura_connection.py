"""Connecting Debitura: check an API key with ``GET /me``, save it (encrypted), forget it.

The Connect page and the CLI share these; the errors are sentences an analyst can act on,
and none of them, nor the audit log, ever holds the key.
"""

from __future__ import annotations

from debitura import (
    AuthenticationFailed,
    Creditor,
    DebituraClient,
    DebituraError,
    DebituraUnavailable,
    RetryPolicy,
    UnexpectedResponse,
)
from store import SavedDebitura
from workflow.settings import DEFAULT_DEBITURA_BASE_URL, SettingsError, checked_address
from workflow.workspace import Workspace

# A person is waiting: one quick retry, not the minutes a submit may wait out.
VERIFY_RETRY = RetryPolicy(attempts=2, initial_wait=0.5, max_wait=1.0, total_seconds=20.0)
NOTHING_SAVED = " Nothing was saved."


class DebituraConnectError(Exception):
    """The key was not saved; the message says why and what to do."""


class KeyRefused(DebituraConnectError):
    """Debitura answered, and did not accept the key."""


class DebituraUnreachable(DebituraConnectError):
    """Nothing answered at the address."""


class EnvironmentKeyWins(DebituraConnectError):
    """``DEBITURA_API_KEY`` is set, so a saved connection would never be used."""


def verify_debitura(api_key: str, *, base_url: str = "") -> Creditor:
    """The creditor this key belongs to (``GET /me``); raises ``DebituraConnectError``.

    ``base_url`` empty means Debitura's own API.
    """
    key = checked_api_key(api_key)
    address = checked_debitura_address(base_url)
    host = address.split("://", 1)[-1]
    try:
        with DebituraClient(key, base_url=address, retry=VERIFY_RETRY) as client:
            return client.me()
    except AuthenticationFailed:
        raise KeyRefused(
            "Debitura did not accept this API key: copy it again from Debitura's portal "
            "(Settings → API key)." + NOTHING_SAVED
        ) from None
    except UnexpectedResponse:
        raise DebituraConnectError(
            f"{host} answered, but not as Debitura's API does: check the Debitura address "
            "(leave it empty for Debitura's own)." + NOTHING_SAVED
        ) from None
    except DebituraUnavailable:
        raise DebituraUnreachable(
            f"Debitura could not be reached at {host}: check the Debitura address and this "
            "computer's internet connection, then try again." + NOTHING_SAVED
        ) from None
    except DebituraError:  # a redirect, a page that is not data: not Debitura's API
        raise DebituraConnectError(
            f"{host} did not answer as Debitura's API does: check the Debitura address (leave "
            "it empty for Debitura's own)." + NOTHING_SAVED
        ) from None


def connect_debitura(
    api_key: str, *, base_url: str = "", test_mode: bool = False, workspace: Workspace
) -> SavedDebitura:
    """Verify the key now, then save it as this data folder's Debitura connection.

    Raises ``DebituraConnectError`` (nothing saved) or a ``store.StorageError``.
    """
    if workspace.settings.debitura_api_key:
        raise EnvironmentKeyWins(
            "DEBITURA_API_KEY is set for this app and wins over a connection saved here: remove "
            "it from the environment (or secrets.toml) and restart the app to connect Debitura "
            "on the Connect page." + NOTHING_SAVED
        )
    address = checked_debitura_address(base_url)
    try:
        creditor = verify_debitura(api_key, base_url=address)
    except DebituraConnectError as error:
        workspace.audit.record("debitura_connect_failed", detail=f"{_host(address)}: {error}")
        raise
    saved = workspace.debitura.save(
        api_key=api_key.strip(),
        base_url=address,
        test_mode=test_mode,
        creditor_name=creditor.company_name,
        creditor_id=creditor.id,
    )
    mode = " in test mode" if test_mode else ""
    workspace.audit.record(
        "debitura_connected", detail=f"{creditor.company_name} at {_host(address)}{mode}"
    )
    return saved


def set_debitura_test_mode(test_mode: bool, *, workspace: Workspace) -> SavedDebitura | None:
    """Turn test mode of the saved connection on or off; None when none is saved."""
    saved = workspace.debitura.set_test_mode(test_mode)
    if saved is not None:
        state = "on" if test_mode else "off"
        workspace.audit.record("debitura_test_mode", detail=f"{state} for {saved.creditor_name}")
    return saved


def disconnect_debitura(*, workspace: Workspace) -> bool:
    """Forget the saved Debitura connection; False when there was none."""
    saved = workspace.debitura.current()
    if saved is None or not workspace.debitura.remove():
        return False
    workspace.audit.record(
        "debitura_disconnected", detail=f"{saved.creditor_name} at {_host(saved.base_url)}"
    )
    return True


def checked_api_key(api_key: str) -> str:
    """The key as pasted, without surrounding blanks; ``DebituraConnectError`` for one that
    cannot be a key (nothing is sent then).

    >>> checked_api_key("  abc-123 ")
    'abc-123'
    """
    key = (api_key or "").strip()
    if not key:
        raise DebituraConnectError("Paste the API key from Debitura's portal (Settings → API key).")
    if not (key.isascii() and key.isprintable() and " " not in key):
        raise DebituraConnectError(
            "This API key holds a space, a line break or another character an API key never "
            "has: copy it again from Debitura's portal (Settings → API key)." + NOTHING_SAVED
        )
    return key


def checked_debitura_address(base_url: str) -> str:
    """The address to use (Debitura's own when empty); ``DebituraConnectError`` for one the
    client cannot use."""
    address = (base_url or "").strip().rstrip("/") or DEFAULT_DEBITURA_BASE_URL
    try:
        return checked_address("The Debitura address", address, DEFAULT_DEBITURA_BASE_URL)
    except SettingsError as error:
        raise DebituraConnectError(str(error) + NOTHING_SAVED) from None


def _host(address: str) -> str:
    return address.split("://", 1)[-1]
