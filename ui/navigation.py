"""The app's pages, listed once: the router registers them and the frame links to them.

The frame draws the links itself (``client.showSidebarNavigation`` is off) because Streamlit's
own menu differs between its two modes: on a fresh server's deep link (the legacy ``pages/``
mode) it lists raw file names ("app", "cases", …) instead of these titles.
"""

from __future__ import annotations

from dataclasses import dataclass

import streamlit as st


@dataclass(frozen=True)
class PageEntry:
    path: str
    title: str
    icon: str


PAGES = (
    PageEntry("pages/connect.py", "Connect", ":material/link:"),
    PageEntry("pages/review.py", "Review invoices", ":material/table_view:"),
    PageEntry("pages/submit.py", "Submit", ":material/send:"),
    PageEntry("pages/cases.py", "Sent cases", ":material/fact_check:"),
    PageEntry("pages/audit.py", "Audit log", ":material/history:"),
)


def router_pages() -> list[st.Page]:
    """The pages for ``st.navigation``; Connect opens first."""
    return [
        st.Page(entry.path, title=entry.title, icon=entry.icon, default=index == 0)
        for index, entry in enumerate(PAGES)
    ]


def page_links() -> None:
    """A link to every page, for the sidebar."""
    for entry in PAGES:
        st.page_link(entry.path, label=entry.title, icon=entry.icon)
