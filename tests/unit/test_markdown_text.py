"""``ui.plain.as_markdown_text``: outside text escaped so Streamlit's Markdown shows exactly its
characters (no image, link, LaTeX, emphasis, heading, list, icon or colour), while an ordinary
company name comes back unchanged. What the browser then shows is checked in
tests/e2e/test_hostile_text.py."""

from __future__ import annotations

import re

import pytest
from hypothesis import given
from hypothesis import strategies as st

from mapping.outside_text import terminal_text
from ui.plain import MARKDOWN_SIGNIFICANT, WORD_JOINER, as_markdown_text, link_target

ASCII_PUNCTUATION = frozenset("!\"#$%&'()*+,-./:;<=>?@[\\]^_`{|}~")
# Hostile text, as it should read on the page once rendered.
HOSTILE = (
    "![p](http://127.0.0.1:9/x.png)",
    "$x^2$ and $$y$$ cost $5",
    "http://evil.example/x www.evil.example pay@evil.example <http://evil.example>",
    "**bold** _it_ ~~del~~ ~one~ `code`",
    "<b>tag</b> <img src=x onerror=alert(1)>",
    ":smile: :+1: :100: :material/home: :red[red] :blue-badge[x] :small[s] :streamlit:",
    ":red alone, ::red[leaf], :::note, :blue{#id}",
    "# Heading",
    "- item",
    "+ item",
    "1. item",
    "12) item",
    "> quote",
    "    code block",
    "&amp; &#60; &copy; \\ backslash \\*",
    "[link](http://evil.example/l) [ref]: http://evil.example/ref",
    "a\nb\n\n# c",
    "![a][b]\n\n[b]: http://127.0.0.1:9/refimg.png",
    "Evil\u202eexe.gnp \x1b[31mred\x1b[0m\x07",
    "=== --- ***",
)
ORDINARY_NAMES = (
    "Harrow & Finch Joinery Ltd",
    "O'Brien Builders Ltd.",
    "Smith, Jones & Partners 2024",
    "Åsa Øberg Snickeri",
    "Müller-Lüdenscheidt GmbH",
    "Café Nero 日本",
    "Bright Sparks Electrical",
)


def unescaped(markdown: str) -> str:
    """The text CommonMark shows for a string of plain characters and backslash escapes."""
    text = re.sub(r"\\([!-/:-@\[-`{-~])", r"\1", markdown)
    return text.replace(WORD_JOINER, "")


def visible(text: str) -> str:
    """What the page should read: the text on one line, controls gone, spaces collapsed
    (and, like ``unescaped``, no word joiners: they are invisible)."""
    return re.sub(r" {2,}", " ", terminal_text(text)).strip(" ").replace(WORD_JOINER, "")


def unescaped_significant_characters(markdown: str) -> list[str]:
    """The characters that would act as Markdown: significant ones not behind a backslash,
    and an ``&`` that starts an entity (``&amp;``)."""
    found, index = [], 0
    while index < len(markdown):
        character = markdown[index]
        if character == "\\":
            assert markdown[index + 1] in ASCII_PUNCTUATION, markdown
            index += 2
            continue
        if character in MARKDOWN_SIGNIFICANT:
            found.append(character)
        elif character == "&" and re.match(r"&#?[0-9A-Za-z]+;", markdown[index:]):
            found.append(markdown[index : markdown.index(";", index) + 1])
        index += 1
    return found


def assert_inert(markdown: str) -> None:
    """Nothing in ``markdown`` can open Markdown, HTML, LaTeX, a link or a Streamlit code."""
    assert unescaped_significant_characters(markdown) == []
    # scheme://, :icon:, :+1:, :red[…] or a bare :red (a colon before a letter)
    assert not re.search(rf":(?!{WORD_JOINER})(?=//|[^\s:]+:|[A-Za-z])", markdown)
    assert not re.search(rf"@[^\s{WORD_JOINER}]", markdown)  # e-mail links
    assert not re.search(r"www\.", markdown, re.IGNORECASE)  # www. links
    assert not re.match(r"(?:[-+=]|\d+[.)])", markdown)  # a list item or rule
    assert "  " not in markdown  # no indented code block
    assert markdown == markdown.strip(" ")  # "**…**" around it stays bold
    assert not any(c in markdown for c in "\n\r\t\x00\x1b\u202e")


@pytest.mark.parametrize("text", HOSTILE)
def test_hostile_text_is_escaped_and_reads_the_same(text):
    markdown = as_markdown_text(text)
    assert_inert(markdown)
    assert unescaped(markdown) == visible(text)


@pytest.mark.parametrize("name", ORDINARY_NAMES)
def test_an_ordinary_name_comes_back_unchanged(name):
    """The page and AppTest's values read "Harrow & Finch Joinery Ltd", not "Harrow \\& …"."""
    assert as_markdown_text(name) == name


def test_the_image_that_was_fetched_from_a_company_name():
    assert as_markdown_text("![p](http://127.0.0.1:8080/x.png)") == (
        f"\\!\\[p\\]\\(http:{WORD_JOINER}//127.0.0.1:8080/x.png\\)"
    )


def test_entities_are_escaped_but_a_lone_ampersand_is_not():
    assert as_markdown_text("A & B &amp; C") == "A & B \\&amp; C"


def test_list_markers_are_escaped_only_at_the_start():
    assert as_markdown_text("- x - y") == "\\- x - y"
    assert as_markdown_text("2024. A year") == "2024\\. A year"
    assert as_markdown_text("Unit 2. Mill Lane") == "Unit 2. Mill Lane"


def test_times_and_labels_keep_their_colons_as_they_are():
    assert as_markdown_text("Due 12:30 today. Note: call first") == (
        "Due 12:30 today. Note: call first"
    )


def test_surrounding_spaces_go_so_bold_text_stays_bold():
    assert f"**{as_markdown_text('  Acme   Ltd ')}**" == "**Acme Ltd**"


def test_none_and_numbers_are_text_too():
    assert as_markdown_text(None) == ""
    assert as_markdown_text(1042) == "1042"


@given(st.text())
def test_any_text_is_inert_and_reads_the_same(text):
    markdown = as_markdown_text(text)
    assert_inert(markdown)
    assert unescaped(markdown) == visible(text)


@given(st.from_regex(r"[A-Za-z][A-Za-z0-9&',. -]{0,40}", fullmatch=True))
def test_names_made_of_letters_digits_and_light_punctuation_are_unchanged(name):
    name = re.sub(r" {2,}", " ", name).strip()
    if "www." not in name.lower():
        assert as_markdown_text(name) == name


def test_a_signing_link_keeps_its_address_but_cannot_break_out_of_the_link():
    assert link_target("https://app.debitura.com/sign/42?x=1&y=2") == (
        "https://app.debitura.com/sign/42?x=1&y=2"
    )
    assert link_target("https://e.example/a b)(c)[d]<e>$f\\") == (
        "https://e.example/a%20b%29%28c%29%5Bd%5D%3Ce%3E%24f%5C"
    )


@pytest.mark.parametrize(
    "url",
    ["javascript:alert(1)", "data:text/html,x", "//evil.example/x", "sign here", "", None,
     "https://", "http://[::1"],
)  # fmt: skip
def test_anything_but_an_absolute_web_address_is_no_link(url):
    assert link_target(url) is None
