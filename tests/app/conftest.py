"""AppTest helpers: run app.py as Streamlit would, in this process."""

from __future__ import annotations

from collections.abc import Iterator
from pathlib import Path

import pytest
import streamlit as st
from streamlit import config
from streamlit.testing.v1 import AppTest

APP = Path(__file__).resolve().parents[2] / "app.py"


@pytest.fixture(autouse=True)
def clear_streamlit_caches() -> None:
    st.cache_data.clear()
    st.cache_resource.clear()


@pytest.fixture(autouse=True)
def served_on_loopback() -> Iterator[None]:
    """AppTest reads .streamlit/config.toml from the working directory: whatever it is, the
    app runs as the project's config serves it, on 127.0.0.1 (elsewhere it would refuse to
    serve without sign-in, ``ui.sign_in``)."""
    before = config.get_option("server.address")
    config.set_option("server.address", "127.0.0.1")
    yield
    config.set_option("server.address", before)


@pytest.fixture(autouse=True)
def fresh_demo_sandboxes():
    """The demo servers live once per process; each test starts them clean."""
    from sandbox.demo import demo_servers

    servers = demo_servers()
    servers.kashflow.faults.reset()
    servers.kashflow.stats.reset()
    servers.debitura.faults.reset()
    servers.debitura.reset()
    yield servers


@pytest.fixture
def app() -> AppTest:
    return AppTest.from_file(str(APP), default_timeout=30)


def button(at: AppTest, label: str):
    """The one button (or form submit button) with this label."""
    matches = [b for b in at.button if b.label == label]
    assert len(matches) == 1, f"{len(matches)} buttons labelled {label!r}"
    return matches[0]


def texts(elements) -> list[str]:
    return [element.value for element in elements]


def connect_demo(at: AppTest) -> AppTest:
    at.run()
    button(at, "Try the demo company").click().run()
    assert not at.exception and at.success, "the demo company did not connect"
    return at


def connect_typed(at: AppTest, username: str, password: str, memorable_word: str) -> AppTest:
    at.text_input[0].input(username)
    at.text_input[1].input(password)
    at.text_input[2].input(memorable_word)
    button(at, "Connect").click().run()
    return at


def table_with(at: AppTest, column: str):
    """The first read-only table (st.dataframe) that has ``column``, as a DataFrame.

    Read-only tables carry no element id in AppTest, so they are found by their columns.
    """
    for frame in at.dataframe:
        value = frame.value
        if column in value.columns:
            return value
    raise AssertionError(f"no table with a {column!r} column")
