"""Real Streamlit servers and Debian's Chromium for browser tests.

On a developer machine without Chromium these tests skip; in CI (CI=true) a missing browser
fails loudly instead, so a green CI always means the browser flows ran.
"""

from __future__ import annotations

import os
import shutil
import socket
import subprocess
import sys
import time
import urllib.request
from collections.abc import Iterator, Mapping, Sequence
from pathlib import Path

import pytest
from playwright.sync_api import Locator, Page, expect

from bench.browser_app import CHROMIUM, CHROMIUM_ARGS  # one Chromium set-up for tests and bench

ROOT = Path(__file__).resolve().parents[2]
ARTIFACTS = ROOT / "test-artifacts"
# A script run can take a few seconds on a loaded 2-core machine; 5 s (the default) is tight.
expect.set_options(timeout=15_000)

if not Path(CHROMIUM).exists():
    if os.environ.get("CI") == "true":
        raise RuntimeError(f"CI needs Chromium at {CHROMIUM} for the browser tests")
    pytest.skip(f"no Chromium at {CHROMIUM}", allow_module_level=True)


def _free_port() -> int:
    with socket.socket() as probe:
        probe.bind(("127.0.0.1", 0))
        return probe.getsockname()[1]


class AppServer:
    """``streamlit run app.py`` in a subprocess with its own data directory; ``extra_env``
    adds to its environment, e.g. ``KASHFLOW_BASE_URL`` for a sandbox the test started, and
    ``extra_args`` to its command line (a later option wins over the same one before it)."""

    def __init__(
        self,
        data_dir: Path,
        log_path: Path,
        extra_env: Mapping[str, str] | None = None,
        extra_args: Sequence[str] = (),
    ) -> None:
        self.port = _free_port()
        self.url = f"http://127.0.0.1:{self.port}"
        env = {**os.environ, "APP_DATA_DIR": str(data_dir)}
        for name in ("KASHFLOW_BASE_URL", "DEBITURA_API_KEY", "APP_SECRET_KEY"):
            env.pop(name, None)
        env |= dict(extra_env or {})
        self._log = open(log_path, "w")  # noqa: SIM115 - closed in stop()
        self._log_path = log_path
        self._process = subprocess.Popen(
            [
                sys.executable,
                "-m",
                "streamlit",
                "run",
                "app.py",
                "--server.headless=true",
                "--server.address=127.0.0.1",
                f"--server.port={self.port}",
                "--server.fileWatcherType=none",
                "--browser.gatherUsageStats=false",
                *extra_args,
            ],
            cwd=ROOT,
            env=env,
            stdout=self._log,
            stderr=subprocess.STDOUT,
        )
        self._wait_until_healthy()

    def _wait_until_healthy(self) -> None:
        deadline = time.monotonic() + 60
        while True:
            try:
                with urllib.request.urlopen(self.url + "/_stcore/health", timeout=1) as reply:
                    if reply.status == 200:
                        return
            except OSError:
                pass
            if self._process.poll() is not None or time.monotonic() > deadline:
                self.stop()
                pytest.fail("streamlit did not start:\n" + self._log_path.read_text())
            time.sleep(0.1)

    def stop(self) -> None:
        self._process.terminate()
        try:
            self._process.wait(timeout=10)
        except subprocess.TimeoutExpired:
            self._process.kill()
        self._log.close()


@pytest.fixture
def start_app(tmp_path: Path) -> Iterator:
    """Start as many fresh servers as a test needs (``env``: variables to add to a server's
    environment); all are stopped afterwards."""
    servers: list[AppServer] = []

    def start(env: Mapping[str, str] | None = None, args: Sequence[str] = ()) -> AppServer:
        index = len(servers)
        server = AppServer(tmp_path / f"data-{index}", tmp_path / f"server-{index}.log", env, args)
        servers.append(server)
        return server

    yield start
    for server in servers:
        server.stop()


@pytest.fixture(scope="session")
def browser_type_launch_args(browser_type_launch_args):
    return {**browser_type_launch_args, "executable_path": CHROMIUM, "args": CHROMIUM_ARGS}


@pytest.fixture
def screenshot(page: Page, request: pytest.FixtureRequest):
    """Save a numbered full-page screenshot into test-artifacts/<test name>/."""
    folder = ARTIFACTS / request.node.name
    shutil.rmtree(folder, ignore_errors=True)  # only this run's steps
    folder.mkdir(parents=True, exist_ok=True)
    counter = iter(range(1, 1000))

    def take(step: str) -> Path:
        path = folder / f"{next(counter):02d}-{step}.png"
        page.screenshot(path=str(path), full_page=True)
        return path

    return take


def wait_for_app(page: Page) -> None:
    """Streamlit's own signal that a script run finished (see its e2e suite)."""
    page.wait_for_timeout(150)
    page.locator("[data-testid='stApp'][data-test-connection-state='CONNECTED']").wait_for(
        state="attached"
    )
    page.locator("[data-testid='stApp'][data-test-script-state='notRunning']").wait_for(
        state="attached"
    )


def choose(page: Page, container: Locator, label: str, option: str) -> None:
    """Pick ``option`` in the select box ``label`` inside ``container`` (the sidebar, say).

    The box is scrolled to the middle first: one that peeks out at the bottom edge of a
    scrolling sidebar is "visible", so a plain click lands off-screen and opens nothing.
    """
    box = container.get_by_role("combobox", name=label)
    box.evaluate("element => element.scrollIntoView({block: 'center'})")
    box.click()
    page.get_by_role("option", name=option, exact=True).click()
