"""Runtime configuration from environment variables (and, in the app, secrets.toml)."""

from __future__ import annotations

import os
from collections.abc import Mapping
from dataclasses import dataclass, field
from pathlib import Path
from typing import Any
from urllib.parse import urlsplit

from kashflow import DEFAULT_BASE_URL as DEFAULT_KASHFLOW_BASE_URL
from kashflow import Credentials

DEFAULT_DEBITURA_BASE_URL = "https://customer-api.debitura.com"


class SettingsError(ValueError):
    """A setting the app cannot work with; the message names it and says what to set."""


DEFAULT_DATA_DIR = "data"


@dataclass(frozen=True)
class Settings:
    kashflow_base_url: str = DEFAULT_KASHFLOW_BASE_URL
    kashflow_username: str = ""
    kashflow_password: str = field(default="", repr=False)
    kashflow_memorable_word: str = field(default="", repr=False)
    debitura_base_url: str = DEFAULT_DEBITURA_BASE_URL
    debitura_api_key: str = field(default="", repr=False)
    debitura_test_mode: bool = False
    app_data_dir: Path = Path(DEFAULT_DATA_DIR)
    app_secret_key: str = field(default="", repr=False)
    # PostgreSQL instead of the SQLite file in app_data_dir (its password: never shown).
    database_url: str = field(default="", repr=False)
    # Sign-in (workflow.access): who gets in and who may send, when [auth] is configured.
    app_allowed_emails: str = ""
    app_submitters: str = ""
    app_allow_no_signin: bool = False  # serve beyond 127.0.0.1 without sign-in

    @classmethod
    def load(
        cls, env: Mapping[str, str] | None = None, secrets: Mapping[str, Any] | None = None
    ) -> Settings:
        """Environment variables win over secrets.toml values; blank means unset.

        >>> Settings.load({"APP_DATA_DIR": "/tmp/x", "DEBITURA_TEST_MODE": "1"}).debitura_test_mode
        True
        """
        env = os.environ if env is None else env
        secrets = secrets or {}

        def value(name: str, default: str = "") -> str:
            # Credentials are used exactly as given: no strip() on secrets.
            raw = env.get(name)
            if raw is None or raw == "":
                raw = secrets.get(name)
            return default if raw is None or raw == "" else str(raw)

        return cls(
            kashflow_base_url=value("KASHFLOW_BASE_URL", DEFAULT_KASHFLOW_BASE_URL).strip(),
            kashflow_username=value("KASHFLOW_USERNAME"),
            kashflow_password=value("KASHFLOW_PASSWORD"),
            kashflow_memorable_word=value("KASHFLOW_MEMORABLE_WORD"),
            debitura_base_url=value("DEBITURA_BASE_URL", DEFAULT_DEBITURA_BASE_URL)
            .strip()
            .rstrip("/"),
            debitura_api_key=value("DEBITURA_API_KEY").strip(),
            debitura_test_mode=value("DEBITURA_TEST_MODE").strip().lower() in {"1", "true", "yes"},
            app_data_dir=Path(value("APP_DATA_DIR", DEFAULT_DATA_DIR).strip()),
            app_secret_key=value("APP_SECRET_KEY").strip(),
            database_url=value("APP_DATABASE_URL").strip(),
            app_allowed_emails=value("APP_ALLOWED_EMAILS"),
            app_submitters=value("APP_SUBMITTERS"),
            app_allow_no_signin=value("APP_ALLOW_NO_SIGNIN").strip().lower()
            in {"1", "true", "yes"},
        )

    def kashflow_credentials(self) -> Credentials | None:
        """Credentials from KASHFLOW_* variables, when all three are set."""
        if self.kashflow_username and self.kashflow_password and self.kashflow_memorable_word:
            return Credentials(
                self.kashflow_username, self.kashflow_password, self.kashflow_memorable_word
            )
        return None

    def checked_kashflow_base_url(self) -> str:
        """``KASHFLOW_BASE_URL``, or ``SettingsError`` when it cannot be a KashFlow address."""
        return checked_address(
            "KASHFLOW_BASE_URL", self.kashflow_base_url, DEFAULT_KASHFLOW_BASE_URL
        )

    def checked_debitura(self) -> tuple[str, str]:
        """``DEBITURA_BASE_URL`` and ``DEBITURA_API_KEY``, or ``SettingsError``."""
        base_url = checked_address(
            "DEBITURA_BASE_URL", self.debitura_base_url, DEFAULT_DEBITURA_BASE_URL
        )
        key = self.debitura_api_key
        if key and not (key.isprintable() and key.isascii() and " " not in key):
            raise SettingsError(
                "DEBITURA_API_KEY holds a space, a line break or another character an API key "
                "never has: copy the key again from Debitura's portal."
            )
        return base_url, key


def checked_address(name: str, url: str, example: str) -> str:
    """``url`` when it is an http(s) address the clients can use; else ``SettingsError``
    naming the setting.

    >>> checked_address("KASHFLOW_BASE_URL", "https://api.kashflow.com/v2", "")
    'https://api.kashflow.com/v2'
    >>> try:
    ...     checked_address("KASHFLOW_BASE_URL", "ftp://host/v2", "https://api.kashflow.com/v2")
    ... except SettingsError as error:
    ...     print(str(error)[:70])
    KASHFLOW_BASE_URL is not an address the app can use (it must start wit
    """
    parts = urlsplit(url)
    why = ""
    if parts.scheme not in ("http", "https"):
        why = "it must start with https:// or http://"
    elif not parts.hostname:
        why = "it names no host"
    elif parts.username is not None or parts.password is not None:
        why = "it holds a user name or password, which would be sent in place of the login"
    else:
        try:
            parts.port  # noqa: B018 - raises for a port out of range
        except ValueError:
            why = "its port is not a number from 1 to 65535"
    if why:
        raise SettingsError(
            f"{name} is not an address the app can use ({why}): set it to an address like "
            f"{example}."
        )
    return url
