"""Outside text shown as text in Streamlit's Markdown-rendering elements.

``st.markdown``, ``st.caption``, ``st.write`` (strings), the alerts (``st.success``,
``st.info``, ``st.warning``, ``st.error``), ``st.status`` and ``st.expander`` labels, button
labels and ``st.progress`` text all render GitHub-flavoured Markdown plus Streamlit's own
extras: ``$…$`` as LaTeX, ``:smile:`` and ``:material/home:`` as icons, ``:red[…]`` as colour,
bare URLs and e-mail addresses as links, ``![x](url)`` as an image the browser fetches.
A company or debtor name from KashFlow, or a message from Debitura, must do none of that, so
every such piece of text passes through ``as_markdown_text`` before it meets one of them.

The rules (each undoes one way text turns into markup, and keeps ordinary names as they are,
so "Harrow & Finch Joinery Ltd" comes back unchanged):

- control characters go (line breaks and tabs become one space, so the text cannot start a
  new block), and so do the bidirectional overrides (``mapping.outside_text.terminal_text``);
- every character that can open or close Markdown, HTML or LaTeX is backslash-escaped:
  ``\\ ` * _ { } [ ] < > ( ) # | ~ $ !``; ``&`` only where it would start an entity
  (``&amp;``, ``&#60;``);
- runs of spaces become one (four would start a code block) and the ends lose theirs (so
  ``**…**`` around the text stays bold); at the very start, the markers of a list or a rule
  (``-``, ``+``, ``=``, ``1.``, ``1)``) are escaped too;
- an invisible WORD JOINER (U+2060) goes after a ``:`` that opens ``scheme://``, a
  ``:code:`` (emoji, ``:material/…:`` icon) or a directive (a letter follows: ``:red[…]``),
  after ``@`` (no e-mail link) and between ``www`` and ``.`` (no ``www.`` link). The page
  still shows the same characters; "12:30" and "Note: x" stay as they are.

>>> as_markdown_text("Harrow & Finch Joinery Ltd")
'Harrow & Finch Joinery Ltd'
>>> as_markdown_text("![p](http://x/y.png) **$1$**")
'\\\\!\\\\[p\\\\]\\\\(http:\\u2060//x/y.png\\\\) \\\\*\\\\*\\\\$1\\\\$\\\\*\\\\*'
"""

from __future__ import annotations

import re
from typing import Any
from urllib.parse import quote, urlsplit

from mapping.outside_text import terminal_text

WORD_JOINER = "\u2060"
# Characters that can start or end Markdown, HTML or LaTeX anywhere in a line.
MARKDOWN_SIGNIFICANT = frozenset("\\`*_{}[]<>()#|~$!")
_ESCAPE = str.maketrans({character: "\\" + character for character in MARKDOWN_SIGNIFICANT})
# "&amp;", "&#60;", "&#x3c;": an entity the renderer would turn into another character.
_ENTITY_START = re.compile(r"&(?=#?[0-9A-Za-z]+;)")
_SPACES = re.compile(r" {2,}")
# A list item ("- x", "+ x", "1. x", "1) x") or a setext rule ("=") at the start of a block.
_BLOCK_MARKER = re.compile(r"^(?:[-+=]|\d{1,9}(?=[.)]))")
# GFM links bare URLs ("http://", "www.") and e-mail addresses; Streamlit reads ":name:".
# A colon that opens "scheme://", a ":code:" (an emoji, ":material/…:", ":+1:") or a
# directive (":red[…]", and a bare ":red", which Streamlit draws as an empty colour span);
# "12:30" and "Note: x" are left alone.
_COLON_BEFORE_TEXT = re.compile(r":(?=//|[^\s:]+:|[A-Za-z])")
_AT_BEFORE_TEXT = re.compile(r"@(?=\S)")
_WWW_DOT = re.compile(r"(www)(?=\.)", re.IGNORECASE)
# What may stay unencoded in a link target: URL syntax that cannot end a Markdown link or
# start anything inside it (no brackets, quotes, spaces, backslashes or dollars).
_LINK_SAFE = ":/?#@!&+,;=%-._~"


def as_markdown_text(value: Any) -> str:
    """``value`` (outside text) escaped so that Markdown shows exactly its characters."""
    text = terminal_text("" if value is None else value)
    # One space at most, none at the ends: "** Acme **" would not be bold but show its stars.
    text = _SPACES.sub(" ", text).strip(" ")
    text = text.translate(_ESCAPE)
    text = _ENTITY_START.sub(r"\\&", text)
    text = _BLOCK_MARKER.sub(_escape_marker, text, count=1)
    text = _COLON_BEFORE_TEXT.sub(":" + WORD_JOINER, text)
    text = _AT_BEFORE_TEXT.sub("@" + WORD_JOINER, text)
    return _WWW_DOT.sub(r"\1" + WORD_JOINER, text)


def _escape_marker(match: re.Match[str]) -> str:
    marker = match.group()
    if marker.isdigit():  # "1." or "1)": the dot or bracket after the number is the marker
        return marker + "\\"
    return "\\" + marker


def link_target(url: Any) -> str | None:
    """``url`` for a Markdown link's ``(…)``, when it is an absolute http(s) address (the
    signing links Debitura sends); anything else is ``None``, to be shown as text instead.

    >>> link_target("https://app.debitura.com/sign?case=1&x=(y)")
    'https://app.debitura.com/sign?case=1&x=%28y%29'
    >>> link_target("javascript:alert(1)") is None
    True
    """
    text = str(url or "").strip()
    try:
        parts = urlsplit(text)
    except ValueError:  # e.g. a malformed IPv6 host
        return None
    if parts.scheme.lower() not in ("http", "https") or not parts.hostname:
        return None
    return quote(text, safe=_LINK_SAFE)
