"""Addresses built from, or shown from, what a server sent.

``path_segment`` turns an identifier (an invoice number, a customer code) into one path
segment that can only mean itself; ``shown_location`` turns a redirect's ``Location`` into
text safe to put in an error message; ``spellings`` lists the forms a secret can take there,
so a client can redact a secret that a hostile server echoed into its redirect.
"""

from __future__ import annotations

from urllib.parse import quote, urljoin, urlsplit

MAX_SHOWN = 200  # characters of a redirect target worth showing
# Characters a path may show as they are (RFC 3986 pchar and "/"); the rest is %-encoded.
_SHOWN_PATH_SAFE = "/%:@!$&'()*+,;=-._~"


class UnusablePathSegment(ValueError):
    """An identifier that cannot be a path segment ("", "." or "..")."""


def path_segment(value: str) -> str:
    """``value`` fully percent-encoded as one path segment.

    "." and ".." would be resolved away (``/invoices/..`` is ``/``) and "" would name the
    list instead of one record, so those are refused rather than sent.

    >>> path_segment("A/1 ?#"), path_segment("%2E%2E"), path_segment("²")
    ('A%2F1%20%3F%23', '%252E%252E', '%C2%B2')
    >>> path_segment("..")
    Traceback (most recent call last):
    ...
    httpretry.addresses.UnusablePathSegment: '..' cannot be used in an address
    """
    text = str(value)
    if text.strip() in ("", ".", ".."):
        raise UnusablePathSegment(f"{text!r} cannot be used in an address")
    return quote(text, safe="")


def shown_location(location: str | None, request_url: str) -> str:
    """Where a redirect pointed, without userinfo, query or fragment (they can hold secrets)
    and with anything unprintable %-encoded. "" when there is nothing readable.

    >>> shown_location("https://user:pw@Evil.example:8443/a b?token=1#x", "https://kf.test/v2/x")
    'https://evil.example:8443/a%20b'
    >>> shown_location("/v3/login?session=abc", "https://kf.test/v2/sessiontoken")
    'https://kf.test/v3/login'
    >>> shown_location("http://[::1]:9/x", "https://kf.test/v2"), shown_location(None, "")
    ('http://[::1]:9/x', '')
    """
    if not location or not location.strip():
        return ""
    try:
        parts = urlsplit(urljoin(request_url, location.strip()))
        port = parts.port
    except ValueError:
        return ""
    host = parts.hostname or ""
    if ":" in host:
        host = f"[{host}]"
    netloc = quote(host, safe=".-[]:") + (f":{port}" if port is not None else "")
    scheme = quote(parts.scheme, safe="+-.")
    shown = f"{scheme}://{netloc}{quote(parts.path, safe=_SHOWN_PATH_SAFE)}"
    return shown if len(shown) <= MAX_SHOWN else shown[: MAX_SHOWN - 1] + "…"


def spellings(secret: str) -> tuple[str, ...]:
    """``secret`` as typed and as ``shown_location`` or ``path_segment`` would write it.

    >>> spellings("p w!")
    ('p w!', 'p%20w!', 'p%20w%21')
    >>> spellings("")
    ()
    """
    if not secret:
        return ()
    forms = (secret, quote(secret, safe=_SHOWN_PATH_SAFE), quote(secret, safe=""))
    return tuple(dict.fromkeys(forms))
