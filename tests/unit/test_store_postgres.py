"""PostgreSQL as the app's store: chosen by APP_DATABASE_URL, its faults said clearly and never
with the URL's password, APP_SECRET_KEY required, secrets encrypted at rest there too."""

from __future__ import annotations

import logging
import os
import subprocess
import sys
from pathlib import Path

import pytest
from cryptography.fernet import Fernet

from kashflow import Credentials
from store import (
    DatabaseUnreachable,
    DataDirNotWritable,
    SecretKeyError,
    StorageError,
    open_store,
)
from store.postgres_engine import PostgresStore, pyformat
from store.postgres_faults import server_label
from workflow.settings import Settings
from workflow.workspace import Workspace

ROOT = Path(__file__).resolve().parents[2]


def with_password(url: str, password: str) -> str:
    user_part, rest = url.split("@", 1)
    return user_part.rsplit(":", 1)[0] + f":{password}@{rest}"


def chain(error: BaseException) -> list[BaseException]:
    """The error and every error it was raised from or while handling."""
    seen = []
    while error is not None and error not in seen:
        seen.append(error)
        error = error.__cause__ or error.__context__
    return seen


def assert_never_shows(password: str, error: BaseException, caplog) -> None:
    for link in chain(error):
        assert password not in str(link) and password not in repr(link)
    assert all(password not in record.getMessage() for record in caplog.records)


def test_a_wrong_password_says_what_to_check_and_never_shows_it(postgres_url, tmp_path, caplog):
    caplog.set_level(logging.DEBUG)
    wrong = "Wr0ng-pässword-4711"
    url = with_password(postgres_url, wrong)
    with pytest.raises(DatabaseUnreachable) as refused:
        open_store(tmp_path / "data", database_url=url)
    message = str(refused.value)
    assert "refused the user name or password" in message
    assert "APP_DATABASE_URL" in message and server_label(url) in message
    assert server_label(url).startswith("app@127.0.0.1:")
    assert_never_shows(wrong, refused.value, caplog)


def test_a_server_that_is_not_there_is_named_without_the_password(tmp_path, caplog):
    import socket

    with socket.socket() as probe:  # a port nothing listens on
        probe.bind(("127.0.0.1", 0))
        port = probe.getsockname()[1]
    url = f"postgresql://app:S3cret-nobody-sees@127.0.0.1:{port}/books"
    with pytest.raises(DatabaseUnreachable) as unreachable:
        open_store(tmp_path / "data", database_url=url)
    message = str(unreachable.value)
    assert "connection refused" in message and "host and port" in message
    assert f"app@127.0.0.1:{port}/books" in message
    assert_never_shows("S3cret-nobody-sees", unreachable.value, caplog)


def test_a_database_that_does_not_exist_is_said_so(postgres_server, tmp_path):
    with pytest.raises(DatabaseUnreachable, match="the database does not exist"):
        open_store(tmp_path / "data", database_url=postgres_server.url("no_such_books"))


def test_the_cli_reports_a_refused_login_clearly_and_never_prints_the_password(postgres_url):
    wrong = "cli-Wr0ng-secret"
    result = subprocess.run(
        [sys.executable, "cli.py", "connect"],
        cwd=ROOT,
        env={
            **os.environ,
            "APP_DATABASE_URL": with_password(postgres_url, wrong),
            "APP_SECRET_KEY": Fernet.generate_key().decode(),
        },
        capture_output=True,
        text=True,
        timeout=60,
    )
    assert result.returncode != 0
    assert "could not connect to its PostgreSQL database" in result.stderr
    assert "Traceback" not in result.stderr
    assert wrong not in result.stderr + result.stdout


def test_the_settings_never_show_the_database_url():
    settings = Settings.load({"APP_DATABASE_URL": "postgresql://app:Hidden-pw@db.example/books"})
    assert settings.database_url.endswith("/books")
    assert "Hidden-pw" not in repr(settings)


def test_postgresql_needs_app_secret_key(postgres_url):
    settings = Settings.load({"APP_DATABASE_URL": postgres_url})
    with pytest.raises(SecretKeyError, match="APP_SECRET_KEY must be set too"):
        Workspace.open(settings)


def test_the_workspace_opens_postgresql_and_keeps_secrets_encrypted_there(postgres_url):
    key = Fernet.generate_key().decode()
    settings = Settings.load({"APP_DATABASE_URL": postgres_url, "APP_SECRET_KEY": key})
    workspace = Workspace.open(settings, actor="ann@example.com")
    saved = workspace.connections.save(
        Credentials("harrow", "kf-Passw0rd-secret", "memorable-secret"),
        company_name="Harrow",
        base_url=None,
    )
    workspace.debitura.save(
        api_key="dk-api-key-secret", base_url="https://d.example", test_mode=True, creditor_name="H"
    )
    workspace.audit.record("connected", connection_id=saved.id, detail="Harrow")
    assert workspace.audit.entries()[0].actor == "ann@example.com"

    # Another app server with the same key reads the same credentials.
    other = Workspace.open(settings, actor="bob@example.com")
    assert other.connections.credentials(saved.id).password == "kf-Passw0rd-secret"
    assert other.debitura.api_key() == "dk-api-key-secret"

    store = open_store(Path("unused"), database_url=postgres_url)
    everything = " ".join(
        str(row)
        for table in sorted(store.table_names())
        for row in store.query(f"select * from {table}")
    )
    for secret in ("kf-Passw0rd-secret", "memorable-secret", "dk-api-key-secret"):
        assert secret not in everything


def test_read_only_on_postgresql_reads_and_refuses_writes_clearly(postgres_url, tmp_path):
    with pytest.raises(StorageError, match="not set up yet"):
        open_store(tmp_path, database_url=postgres_url, read_only=True)
    open_store(tmp_path, database_url=postgres_url).close()  # migrates
    store = open_store(tmp_path, database_url=postgres_url, read_only=True)
    assert store.is_read_only and store.query("select count(*) as n from submissions")[0]["n"] == 0
    from store import AuditLog, ConnectionStore

    AuditLog(store).record("x")  # read-only records nothing, and does not fail
    with pytest.raises(DataDirNotWritable, match="may not change the app's tables"):
        ConnectionStore(store, Fernet(Fernet.generate_key())).save(
            Credentials("u", "p", "w"), company_name="C", base_url=None
        )


def test_placeholders_are_translated_outside_quotes_only():
    assert pyformat("select ? where a = '?' and b like '%x' and c = \"?\"") == (
        "select %s where a = '?' and b like '%%x' and c = \"?\""
    )
    assert pyformat("select 5 % ?") == "select 5 %% %s"


def test_a_postgres_store_closes_cleanly(postgres_url):
    store = PostgresStore(postgres_url)
    assert not store.in_transaction
    store.begin_write()
    assert store.in_transaction
    store.rollback()
    store.close()
