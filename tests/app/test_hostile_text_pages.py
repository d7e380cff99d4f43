"""Outside text is data, on every page: a KashFlow company or customer whose name is Markdown,
HTML or LaTeX reaches Streamlit's Markdown-rendering elements escaped (``as_markdown_text``),
never as markup. AppTest sees the Markdown source each element gets; how the browser then
shows it is tests/e2e/test_hostile_text.py's part."""

from __future__ import annotations

import pytest

from sandbox.kashflow_server import DEMO_MEMORABLE_WORD, DEMO_PASSWORD, DEMO_USERNAME
from tests.app.conftest import connect_typed, texts
from tests.app.test_review_page import edit_grid, follow_continue_link, state
from tests.hostile_books import hostile_books
from ui.plain import as_markdown_text

IMAGE_HOST = "http://127.0.0.1:9"  # nothing listens: AppTest fetches nothing anyway


@pytest.fixture
def books():
    return hostile_books(IMAGE_HOST)


@pytest.fixture
def hostile_app(app, books, start_kashflow_sandbox, monkeypatch):
    """The app connected, by typed credentials, to a KashFlow whose names are hostile."""
    server = start_kashflow_sandbox(**books.config)
    monkeypatch.setenv("KASHFLOW_BASE_URL", server.url)
    app.run()
    connect_typed(app, DEMO_USERNAME, DEMO_PASSWORD, DEMO_MEMORABLE_WORD)
    assert not app.exception
    return app


def markdown_sources(app) -> list[str]:
    """Everything on the page that Streamlit renders as Markdown: text elements, alerts,
    headings, and the labels and help of widgets, status boxes and expanders."""
    sources = []
    for kind in ("markdown", "caption", "success", "info", "warning", "error", "title",
                 "subheader", "header"):  # fmt: skip
        sources += texts(getattr(app, kind))
    for kind in ("button", "toggle", "status", "expander", "selectbox", "multiselect"):
        for element in getattr(app, kind):
            sources += [getattr(element.proto, "label", ""), getattr(element.proto, "help", "")]
    return [source for source in sources if source]


def raw_markup(books) -> list[str]:
    """The hostile texts as they came from KashFlow (the one made of control characters
    aside: it carries no Markdown)."""
    return [books.company, books.vat, *list(books.debtors.values())[:4]]


def assert_no_raw_markup(app, books) -> None:
    sources = "\n".join(markdown_sources(app))
    leaked = [text for text in raw_markup(books) if text in sources]
    assert leaked == [], f"raw outside text in Markdown: {leaked}"


def test_the_company_name_is_escaped_on_the_connect_page_and_in_the_sidebar(hostile_app, books):
    company = as_markdown_text(books.company)
    assert f"Connected to {company}" in texts(hostile_app.success)
    assert f"**{company}**" in texts(hostile_app.sidebar.markdown)
    saved_label = as_markdown_text(f"{books.company} ({DEMO_USERNAME})")
    assert f"**{saved_label}**" in texts(hostile_app.markdown)  # the saved connection
    assert_no_raw_markup(hostile_app, books)


def test_review_names_the_company_and_explains_the_hostile_invoice_as_text(hostile_app, books):
    hostile_app.switch_page("pages/review.py").run()
    assert not hostile_app.exception
    company = as_markdown_text(books.company)
    assert any(caption.startswith(f"{company}: fetched") for caption in texts(hostile_app.caption))
    # The explain panel opens on the first invoice: the customer with the hostile VAT number,
    # which is quoted in the guessed-type warning and the caption.
    assert hostile_app.selectbox(key="explain_invoice").value == books.first_invoice
    explained = texts(hostile_app.warning) + texts(hostile_app.caption)
    assert any(as_markdown_text(books.vat) in text for text in explained)
    assert_no_raw_markup(hostile_app, books)


def test_submit_lists_the_blocked_hostile_debtor_as_text(hostile_app, books):
    hostile_app.switch_page("pages/review.py").run()
    firsts = {}
    for row in state(hostile_app).rows:
        if row.customer_code in books.debtors:
            firsts.setdefault(row.customer_code, row.invoice_number)
    edit_grid(hostile_app, {number: {"select": True} for number in firsts.values()})
    follow_continue_link(hostile_app)
    name = as_markdown_text(books.debtors[books.first_code])
    line = f"- **{books.first_invoice}** ({name}): "
    assert any(text.startswith(line) for text in texts(hostile_app.markdown))
    assert_no_raw_markup(hostile_app, books)


def test_sent_cases_names_the_company_in_the_switch_help_as_text(hostile_app, books):
    hostile_app.switch_page("pages/cases.py").run()
    assert not hostile_app.exception
    helps = [toggle.proto.help for toggle in hostile_app.toggle]
    assert any(as_markdown_text(books.company) in text for text in helps)
    assert_no_raw_markup(hostile_app, books)
