"""The gate in front of everything: sign-in (``st.login``, OpenID Connect) when ``[auth]`` is
configured, and a refusal to serve a network without it.

``require_sign_in`` is the first thing a script run does, in ``app.py`` before ``st.navigation``
names any page and again in every page (``ui.page``), because on a fresh server's deep link
Streamlit runs a ``pages/`` file without ``app.py``. Until it returns, nothing of the app is
drawn: no page links, no saved connection picked up, no download. It draws nothing itself for
a user who may come in.

Streamlit binds its port before any script runs, so the refusal cannot keep the server from
starting; it answers every page with why and how to fix it instead, and logs it once.
"""

from __future__ import annotations

import logging

import streamlit as st

from ui import context
from ui.identity import (
    AUTH_KEYS,
    access_policy,
    auth_section,
    email_unverified,
    is_signed_in,
    signed_in_email,
)
from ui.plain import as_markdown_text
from workflow.access import ALLOWED_SETTING, AccessSettingError, exposure_refusal

log = logging.getLogger(__name__)
_RECORDED_KEY = "sign_in_recorded"
_logged: set[str] = set()  # each refusal is logged once per server process, not per visit


def require_sign_in(app_title: str) -> None:
    """Return when this visitor may use the app; otherwise draw why not and stop the run."""
    section = auth_section()
    if section is None:
        _refuse_unless_local(app_title)
        return
    missing = [key for key in AUTH_KEYS if not section.get(key)]
    if missing:
        _stop_with(
            app_title,
            "Sign-in is set up in the [auth] section of .streamlit/secrets.toml, but "
            f"{', '.join(missing)} {'is' if len(missing) == 1 else 'are'} missing: add "
            f"{'it' if len(missing) == 1 else 'them'} (see .streamlit/secrets.toml.example) "
            "and restart the app.",
        )
    try:
        policy = access_policy()
    except AccessSettingError as error:
        _stop_with(app_title, str(error))
    if not is_signed_in():
        _sign_in_screen(app_title)
    email = signed_in_email()
    if email is None:
        _no_access(app_title, None, "Your sign-in gave this app no email address to go by.")
    if email_unverified():
        _no_access(app_title, email, "Your sign-in says this email address is not verified.")
    if not policy.allowed:
        _no_access(
            app_title,
            email,
            f"No one has access yet: the administrator has not set {ALLOWED_SETTING} (the "
            "addresses and @domains allowed in).",
        )
    if not policy.is_allowed(email):
        _record_once("sign_in_refused", f"not in {ALLOWED_SETTING}")
        _no_access(
            app_title,
            email,
            f"This account has no access to {app_title}. Ask the administrator to add your "
            f"address, or your domain, to {ALLOWED_SETTING}; or sign out and sign in with "
            "another account.",
        )
    _record_once("signed_in", "submitter" if policy.may_submit(email) else "reviewer")


def _record_once(event: str, detail: str) -> None:
    """One audit entry per browser session (the gate runs on every click), as the signed-in
    address: who came in, and who was turned away."""
    if st.session_state.get(_RECORDED_KEY) == event:
        return
    context.workspace().audit.record(event, detail=detail)
    st.session_state[_RECORDED_KEY] = event


def sign_out_control() -> None:
    """For the sidebar: who is signed in, as what, and a Sign out button."""
    email = signed_in_email()
    if auth_section() is None or email is None:
        return
    role = "submitter" if access_policy().may_submit(email) else "reviewer"
    st.divider()
    st.caption(f"Signed in as **{as_markdown_text(email)}** ({role})")
    st.button("Sign out", icon=":material/logout:", on_click=st.logout, key="sign_out")


def _refuse_unless_local(app_title: str) -> None:
    settings = context.settings()
    refusal = exposure_refusal(
        st.get_option("server.address"),
        sign_in=False,
        allow_no_signin=settings.app_allow_no_signin,
    )
    if refusal is None:
        return
    if refusal not in _logged:
        _logged.add(refusal)
        log.error("Refusing to serve: %s", refusal)
    _stop_with(app_title, refusal, heading="Not served without sign-in")


def _sign_in_screen(app_title: str) -> None:
    _page_config("Sign in", app_title)
    st.title(app_title)
    st.markdown(
        "Sign in to continue: this app shows your company's invoices and sends debt "
        "collection cases in its name, so it is open to your team only."
    )
    st.button("Sign in", type="primary", icon=":material/login:", on_click=st.login, key="sign_in")
    st.stop()


def _no_access(app_title: str, email: str | None, why: str) -> None:
    _page_config("No access", app_title)
    st.title("No access")
    if email is not None:
        st.markdown(f"You are signed in as **{as_markdown_text(email)}**.")
    st.warning(why, icon=":material/block:")
    st.button("Sign out", icon=":material/logout:", on_click=st.logout, key="sign_out")
    st.stop()


def _stop_with(app_title: str, message: str, *, heading: str = "Not available") -> None:
    _page_config(heading, app_title)
    st.title(heading)
    st.error(as_markdown_text(message), icon=":material/lock:")
    st.stop()


def _page_config(title: str, app_title: str) -> None:
    st.set_page_config(page_title=f"{title} · {app_title}", page_icon=":material/gavel:")
