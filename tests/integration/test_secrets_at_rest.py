"""No password, memorable word or session token in the SQLite file, the data folder or the logs."""

from __future__ import annotations

import logging
import stat

import pytest

from kashflow import Credentials, InvalidCredentials
from sandbox.kashflow_server import DEMO_MEMORABLE_WORD, DEMO_PASSWORD, DEMO_USERNAME
from workflow.connect import connect, reconnect
from workflow.settings import Settings
from workflow.workspace import Workspace


def data_folder_bytes(settings: Settings) -> bytes:
    """Every file the app wrote: the database, its WAL/journal, the key file."""
    return b"".join(
        path.read_bytes() for path in settings.app_data_dir.rglob("*") if path.is_file()
    )


def test_secrets_never_reach_disk_or_logs(kashflow_sandbox, caplog: pytest.LogCaptureFixture):
    caplog.set_level(logging.DEBUG)  # everything, including urllib3 and the sandbox
    settings = Settings.load()
    workspace = Workspace.open(settings)
    credentials = Credentials(DEMO_USERNAME, DEMO_PASSWORD, DEMO_MEMORABLE_WORD)

    with pytest.raises(InvalidCredentials):
        connect(
            Credentials(DEMO_USERNAME, "not-the-" + DEMO_PASSWORD, DEMO_MEMORABLE_WORD),
            base_url=kashflow_sandbox.url,
            workspace=workspace,
        )
    active = connect(credentials, base_url=kashflow_sandbox.url, workspace=workspace)
    active.client.list_invoices()
    kashflow_sandbox.faults.update(expire_token_after_requests=1)
    active.client.company()  # forces a silent re-login: a second token exists
    active.client.company()
    assert active.client.logins >= 2
    again = reconnect(active.saved.id, workspace=workspace)
    tokens = [active.client._token, again.client._token]  # the test peeks to know what to seek
    assert all(tokens)

    on_disk = data_folder_bytes(settings)
    assert DEMO_USERNAME.encode() in on_disk  # listed in clear, as intended
    secrets = [DEMO_PASSWORD, "not-the-" + DEMO_PASSWORD, DEMO_MEMORABLE_WORD, *tokens]
    for secret in secrets:
        assert secret.encode() not in on_disk, "a secret is stored in clear"
        assert secret not in caplog.text, "a secret reached a log line"
    assert len(caplog.records) > 5  # the logs were really captured


def test_the_generated_key_file_is_private(tmp_path):
    settings = Settings.load({"APP_DATA_DIR": str(tmp_path / "data")})
    Workspace.open(settings)
    key_file = settings.app_data_dir / "secret.key"
    assert stat.S_IMODE(key_file.stat().st_mode) == 0o600


def test_a_configured_key_is_used_instead_of_a_generated_one(tmp_path):
    from cryptography.fernet import Fernet

    key = Fernet.generate_key().decode()
    settings = Settings.load({"APP_DATA_DIR": str(tmp_path / "data"), "APP_SECRET_KEY": key})
    workspace = Workspace.open(settings)
    saved = workspace.connections.save(
        Credentials("ann@example.com", "pw", "word"), company_name="Acme", base_url="http://x"
    )
    assert not (settings.app_data_dir / "secret.key").exists()
    assert workspace.connections.credentials(saved.id).password == "pw"


def test_credentials_saved_under_another_key_give_a_clear_error(tmp_path):
    from cryptography.fernet import Fernet

    from store import StoredCredentialsUnreadable

    data_dir = str(tmp_path / "data")
    first = Workspace.open(Settings.load({"APP_DATA_DIR": data_dir}))
    saved = first.connections.save(
        Credentials("ann@example.com", "pw", "word"), company_name="Acme", base_url="http://x"
    )
    other_key = Fernet.generate_key().decode()
    second = Workspace.open(Settings.load({"APP_DATA_DIR": data_dir, "APP_SECRET_KEY": other_key}))
    with pytest.raises(StoredCredentialsUnreadable) as raised:
        second.connections.credentials(saved.id)
    assert "Remove the connection and add it again" in str(raised.value)
