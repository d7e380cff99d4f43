"""Runtime configuration from environment variables (and, in the app, secrets.toml)."""

from __future__ import annotations

import os
from collections.abc import Mapping
from dataclasses import dataclass, field
from pathlib import Path
from typing import Any

from kashflow import DEFAULT_BASE_URL as DEFAULT_KASHFLOW_BASE_URL
from kashflow import Credentials

DEFAULT_DEBITURA_BASE_URL = "https://customer-api.debitura.com"
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
        )

    def kashflow_credentials(self) -> Credentials | None:
        """Credentials from KASHFLOW_* variables, when all three are set."""
        if self.kashflow_username and self.kashflow_password and self.kashflow_memorable_word:
            return Credentials(
                self.kashflow_username, self.kashflow_password, self.kashflow_memorable_word
            )
        return None
