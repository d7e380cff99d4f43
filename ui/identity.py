"""Who is using the app: the signed-in user (``st.user``), or the one local user without
sign-in. Everything in the UI that records or checks who acted asks here."""

from __future__ import annotations

from collections.abc import Mapping
from typing import Any

import streamlit as st

from ui import context
from workflow.access import LOCAL_ACTOR, AccessPolicy, Rights, normalised_email

# The settings Streamlit's st.login needs in [auth]; without one of them it cannot sign anyone in.
AUTH_KEYS = ("redirect_uri", "cookie_secret", "client_id", "client_secret", "server_metadata_url")
UNKNOWN_ACTOR = "unknown"  # never reached past the gate; kept apart from "local" on purpose


def auth_section() -> Mapping[str, Any] | None:
    """The ``[auth]`` section of the secrets, or None when sign-in is not configured."""
    section = context.secrets().get("auth")
    return section if isinstance(section, Mapping) and section else None


def sign_in_configured() -> bool:
    return auth_section() is not None


def access_policy() -> AccessPolicy:
    """The sign-in settings; ``AccessSettingError`` for an entry that cannot be used."""
    settings = context.settings()
    return AccessPolicy.parse(
        sign_in_configured(), settings.app_allowed_emails, settings.app_submitters
    )


def is_signed_in() -> bool:
    return st.user.get("is_logged_in") is True


def signed_in_email() -> str | None:
    """The signed-in user's address, lower-cased; None when signed out or the provider gave no
    usable address."""
    if not is_signed_in():
        return None
    email = st.user.get("email")
    return normalised_email(email) if isinstance(email, str) else None


def email_unverified() -> bool:
    """True when the provider says outright that the address is not verified (anyone could
    have typed it); providers that do not say are taken at their word."""
    verified = st.user.get("email_verified")
    return verified is False or (isinstance(verified, str) and verified.lower() == "false")


def current_actor() -> str:
    """Who is acting, for the records: the signed-in user's email, or ``local`` without
    sign-in."""
    if not sign_in_configured():
        return LOCAL_ACTOR
    return signed_in_email() or UNKNOWN_ACTOR


def current_rights() -> Rights:
    """What the acting user may do; the workflows that send check it again."""
    return access_policy().rights(signed_in_email() if sign_in_configured() else None)
