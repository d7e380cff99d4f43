"""Who may use the app, and who may send: the sign-in settings, read without Streamlit.

With sign-in on, ``APP_ALLOWED_EMAILS`` lists who gets in and ``APP_SUBMITTERS`` who may create
cases, retry failed ones and tell partners about payments (the *submitters*); every other allowed
user reviews, fixes, selects and exports. Both are comma-separated lists of exact addresses
(``ann@acme.example``) and whole domains (``@acme.example``), compared without regard to case.
An empty list lets nobody in (or lets nobody send): the safe reading of a setting not made yet.
A submitter must be an allowed user too.

Without sign-in, the one person at the app (``local``) may do everything.

>>> access = AccessPolicy.parse(True, "@acme.example, Bob@Partner.example", "ann@acme.example")
>>> access.is_allowed("ANN@acme.example"), access.is_allowed("bob@partner.example")
(True, True)
>>> access.is_allowed("eve@evil.example"), access.may_submit("bob@partner.example")
(False, False)
>>> access.rights("Ann@Acme.example")
Rights(actor='ann@acme.example', may_submit=True, why_not='')
"""

from __future__ import annotations

import ipaddress
from dataclasses import dataclass

from store.migrations import LOCAL_ACTOR  # who acts without sign-in (and in the CLI)

ALLOWED_SETTING = "APP_ALLOWED_EMAILS"
SUBMITTERS_SETTING = "APP_SUBMITTERS"
ALLOW_NO_SIGNIN_SETTING = "APP_ALLOW_NO_SIGNIN"
_NAMED_SUBMITTERS_SHOWN = 3


class AccessSettingError(ValueError):
    """An entry in ``APP_ALLOWED_EMAILS`` or ``APP_SUBMITTERS`` that is neither an address nor
    an ``@domain``; the message names the setting and the entry."""


class NotASubmitter(PermissionError):
    """Raised by the workflows that send (cases, retries, paid-directly messages) when the
    acting user is not a submitter; nothing was sent."""


@dataclass(frozen=True)
class EmailList:
    """Exact addresses and ``@domain`` entries, lower-cased.

    >>> rules = EmailList.parse("ALICE@x.example,  @Y.example\\n")
    >>> [rules.matches(e) for e in ("alice@X.example", "zed@y.example", "a@z.y.example")]
    [True, True, False]
    >>> EmailList.parse("").matches("alice@x.example")
    False
    >>> try:
    ...     EmailList.parse("x.example", setting="APP_SUBMITTERS")
    ... except AccessSettingError as error:
    ...     print(error)
    APP_SUBMITTERS has an entry that is neither an email address nor an @domain: 'x.example'.
    Write ann@x.example for one person, or @x.example for everyone at that domain.
    """

    addresses: frozenset[str] = frozenset()
    domains: frozenset[str] = frozenset()  # without the "@"

    @classmethod
    def parse(cls, text: str, *, setting: str = ALLOWED_SETTING) -> EmailList:
        addresses: set[str] = set()
        domains: set[str] = set()
        for raw in text.replace(",", " ").split():
            entry = raw.strip().lower()
            local, at, domain = entry.rpartition("@")
            # "*@x" reads as a wildcard, which this is not: say how to write a domain instead.
            if not at or not _is_domain(domain) or "@" in local or "*" in local:
                hint = entry.lstrip("@*.") or "acme.example"
                if "@" in hint:
                    hint = hint.rpartition("@")[2] or "acme.example"
                raise AccessSettingError(
                    f"{setting} has an entry that is neither an email address nor an @domain: "
                    f"{raw!r}. Write ann@{hint} for one person, or @{hint} for everyone at "
                    "that domain."
                )
            if local:
                addresses.add(entry)
            else:
                domains.add(domain)
        return cls(frozenset(addresses), frozenset(domains))

    def matches(self, email: str | None) -> bool:
        address = normalised_email(email)
        if address is None:
            return False
        return address in self.addresses or address.rpartition("@")[2] in self.domains

    def __bool__(self) -> bool:
        return bool(self.addresses or self.domains)

    def named(self, limit: int = _NAMED_SUBMITTERS_SHOWN) -> list[str]:
        """A few of the exact addresses, sorted: people a user can be told to ask."""
        return sorted(self.addresses)[:limit]


@dataclass(frozen=True)
class Rights:
    """What the acting user may do; the workflows that send check it (``require_submitter``)."""

    actor: str
    may_submit: bool
    why_not: str = ""  # for the UI and the error: whom to ask, for a user who may not send

    def require_submitter(self, action: str) -> None:
        """Raise ``NotASubmitter`` (saying what was refused, and why) unless a submitter."""
        if not self.may_submit:
            raise NotASubmitter(
                f"Nothing was sent: {self.actor} may not {action}, only submitters can. "
                + self.why_not
            )


LOCAL_RIGHTS = Rights(LOCAL_ACTOR, may_submit=True)


@dataclass(frozen=True)
class AccessPolicy:
    """The sign-in settings: whether sign-in is on, who gets in, who may send."""

    sign_in: bool
    allowed: EmailList = EmailList()
    submitters: EmailList = EmailList()

    @classmethod
    def parse(cls, sign_in: bool, allowed_emails: str, submitters: str) -> AccessPolicy:
        """From the settings' text; ``AccessSettingError`` for an entry that cannot be used."""
        return cls(
            sign_in,
            EmailList.parse(allowed_emails, setting=ALLOWED_SETTING),
            EmailList.parse(submitters, setting=SUBMITTERS_SETTING),
        )

    def is_allowed(self, email: str | None) -> bool:
        """Whether this signed-in user gets in (anyone does without sign-in)."""
        return not self.sign_in or self.allowed.matches(email)

    def may_submit(self, email: str | None) -> bool:
        """Whether this user may create cases, retry them and send paid-directly messages."""
        return not self.sign_in or (self.is_allowed(email) and self.submitters.matches(email))

    def rights(self, email: str | None) -> Rights:
        """The acting user's rights: ``local`` without sign-in, else their email."""
        if not self.sign_in:
            return LOCAL_RIGHTS
        actor = normalised_email(email) or "an unknown user"
        if self.may_submit(email):
            return Rights(actor, may_submit=True)
        return Rights(actor, may_submit=False, why_not=self.submitter_hint())

    def submitter_hint(self) -> str:
        """Whom to ask, for a user who is not a submitter.

        >>> AccessPolicy.parse(True, "@a.example", "").submitter_hint()
        'No submitters are set yet: ask the administrator to add you to APP_SUBMITTERS.'
        >>> AccessPolicy.parse(True, "@a.example", "@a.example, bo@a.example").submitter_hint()
        'Ask bo@a.example, or the administrator to add you to APP_SUBMITTERS.'
        """
        if not self.submitters:
            return (
                "No submitters are set yet: ask the administrator to add you to "
                f"{SUBMITTERS_SETTING}."
            )
        named = self.submitters.named()
        ask = f"Ask {', '.join(named)}, or the" if named else "Ask the"
        return f"{ask} administrator to add you to {SUBMITTERS_SETTING}."


def normalised_email(email: str | None) -> str | None:
    """The address trimmed and lower-cased, or None when it is not one address.

    >>> [normalised_email(e) for e in (" Ann@Acme.Example ", "a@b@c.example", "", "@x.example")]
    ['ann@acme.example', None, None, None]
    """
    if not email:
        return None
    address = email.strip().lower()
    local, at, domain = address.rpartition("@")
    if not at or not local or "@" in local or not _is_domain(domain):
        return None
    return address


def _is_domain(domain: str) -> bool:
    labels = domain.split(".")
    return (
        len(labels) >= 2
        and all(labels)
        and all(label.replace("-", "").isalnum() and label.isascii() for label in labels)
    )


def is_loopback(address: str | None) -> bool:
    """Whether a server bound to ``address`` (Streamlit's ``server.address``) is reachable from
    this computer only. Blank means every interface.

    >>> [is_loopback(a) for a in ("127.0.0.1", "localhost", "::1", "[::1]", "127.0.0.2")]
    [True, True, True, True, True]
    >>> [is_loopback(a) for a in (None, "", "0.0.0.0", "::", "192.0.2.10", "example.com")]
    [False, False, False, False, False, False]
    """
    host = (address or "").strip().strip("[]").lower()
    if host == "localhost":
        return True
    try:
        return ipaddress.ip_address(host).is_loopback
    except ValueError:
        return False  # a host name (or every interface): others may reach it


def exposure_refusal(address: str | None, *, sign_in: bool, allow_no_signin: bool) -> str | None:
    """Why the app must not serve, or None: without sign-in it serves one person on this
    computer, unless the operator says with ``APP_ALLOW_NO_SIGNIN=1`` that it is meant.

    >>> exposure_refusal("127.0.0.1", sign_in=False, allow_no_signin=False) is None
    True
    >>> exposure_refusal("0.0.0.0", sign_in=True, allow_no_signin=False) is None
    True
    >>> print(exposure_refusal("", sign_in=False, allow_no_signin=False))
    This app listens on every network interface (server.address is not set) without sign-in: \
    anyone who can reach it could reconnect the saved KashFlow connections and send cases. \
    Configure sign-in ([auth] in .streamlit/secrets.toml, and APP_ALLOWED_EMAILS), or serve on \
    this computer only (--server.address 127.0.0.1), or, if the network in front of it already \
    admits only your team, set APP_ALLOW_NO_SIGNIN=1.
    """
    if sign_in or allow_no_signin or is_loopback(address):
        return None
    where = (
        f"on {address.strip()}"
        if address and address.strip()
        else "on every network interface (server.address is not set)"
    )
    return (
        f"This app listens {where} without sign-in: anyone who can reach it could reconnect the "
        "saved KashFlow connections and send cases. Configure sign-in ([auth] in "
        ".streamlit/secrets.toml, and APP_ALLOWED_EMAILS), or serve on this computer only "
        f"(--server.address 127.0.0.1), or, if the network in front of it already admits only "
        f"your team, set {ALLOW_NO_SIGNIN_SETTING}=1."
    )
