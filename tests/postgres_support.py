"""A real PostgreSQL server for the tests: started once per test session, a fresh database per
test.

``initdb`` makes a cluster in a temporary folder and ``pg_ctl`` starts it on a free port of
127.0.0.1, with its unix socket in that folder too (nothing of the machine's own PostgreSQL is
used or started). initdb refuses to run as root, so as root the cluster belongs to ``nobody``.
The login needs a password (scram), so the tests see the same authentication as production.

The server binaries come from Debian's ``postgresql`` package (``.ci/run`` installs it); when
they are missing every PostgreSQL test fails saying so, rather than being skipped.
"""

from __future__ import annotations

import glob
import os
import secrets
import shutil
import socket
import subprocess
import tempfile
import uuid
from collections.abc import Iterator
from dataclasses import dataclass
from pathlib import Path

import pytest

USER = "app"
UNPRIVILEGED = "nobody"  # who owns the cluster when the tests run as root
START_SECONDS = 60


def server_binaries() -> Path | None:
    """The folder of ``initdb`` and ``pg_ctl`` (the newest Debian version), or None."""
    found = sorted(
        glob.glob("/usr/lib/postgresql/*/bin/initdb"),
        key=lambda path: int(Path(path).parent.parent.name or 0),
    )
    if found:
        return Path(found[-1]).parent
    initdb = shutil.which("initdb")
    return Path(initdb).resolve().parent if initdb else None


@dataclass
class PostgresServer:
    host: str
    port: int
    password: str

    def url(self, database: str = "postgres") -> str:
        return f"postgresql://{USER}:{self.password}@{self.host}:{self.port}/{database}"

    def create_database(self) -> str:
        """A new empty database; its URL."""
        import psycopg

        name = "test_" + uuid.uuid4().hex[:16]
        with psycopg.connect(self.url(), autocommit=True) as connection:
            connection.execute(f"create database {name}")
        return self.url(name)


def _free_port() -> int:
    with socket.socket() as probe:
        probe.bind(("127.0.0.1", 0))
        return probe.getsockname()[1]


def _as_owner(command: list[str]) -> list[str]:
    if os.geteuid() != 0:
        return command
    return ["runuser", "-u", UNPRIVILEGED, "--", *command]


def _run(command: list[str], what: str) -> None:
    result = subprocess.run(
        _as_owner(command), capture_output=True, text=True, timeout=START_SECONDS
    )
    if result.returncode != 0:
        pytest.fail(f"{what} failed ({result.returncode}): {result.stderr or result.stdout}")


@pytest.fixture(scope="session")
def postgres_server() -> Iterator[PostgresServer]:
    binaries = server_binaries()
    if binaries is None:
        pytest.fail(
            "The PostgreSQL tests need the PostgreSQL server programs (initdb, pg_ctl): install "
            "Debian's postgresql package (apt-get install -y postgresql); .ci/run does."
        )
    root = Path(tempfile.mkdtemp(prefix="store-postgres-"))
    cluster, sockets = root / "cluster", root / "sockets"
    sockets.mkdir()
    password = secrets.token_urlsafe(18)
    password_file = root / "password"
    password_file.write_text(password + "\n")
    if os.geteuid() == 0:
        shutil.chown(root, UNPRIVILEGED)
        shutil.chown(sockets, UNPRIVILEGED)
        shutil.chown(password_file, UNPRIVILEGED)
    _run(
        [str(binaries / "initdb"), "-D", str(cluster), "-U", USER, f"--pwfile={password_file}",
         "--auth=scram-sha-256", "--encoding=UTF8", "--no-instructions"],
        "initdb",
    )  # fmt: skip
    port = _free_port()
    options = (
        f"-p {port} -k {sockets} -c listen_addresses=127.0.0.1 -c fsync=off "
        "-c synchronous_commit=off -c full_page_writes=off -c max_connections=200"
    )
    _run(
        [str(binaries / "pg_ctl"), "-D", str(cluster), "-o", options, "-l",
         str(root / "server.log"), "-w", "-t", str(START_SECONDS), "start"],
        "Starting PostgreSQL",
    )  # fmt: skip
    try:
        yield PostgresServer("127.0.0.1", port, password)
    finally:
        subprocess.run(
            _as_owner([str(binaries / "pg_ctl"), "-D", str(cluster), "-m", "immediate", "stop"]),
            capture_output=True,
            timeout=START_SECONDS,
        )
        shutil.rmtree(root, ignore_errors=True)


@pytest.fixture
def postgres_url(postgres_server: PostgresServer) -> str:
    """The URL of a fresh, empty database on the test server."""
    return postgres_server.create_database()


ENGINES = ("sqlite", "postgresql")


@pytest.fixture(params=ENGINES)
def engine(request: pytest.FixtureRequest, tmp_path: Path) -> str:
    """Each test using it runs twice: on SQLite and on PostgreSQL. Gives ``""`` for SQLite (a
    data folder in ``tmp_path``), else the URL of a fresh PostgreSQL database; pass it as
    ``database_url`` to ``store.open_store`` or set it as ``APP_DATABASE_URL``."""
    if request.param == "sqlite":
        return ""
    return request.getfixturevalue("postgres_url")
