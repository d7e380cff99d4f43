"""Connecting Debitura against the Debitura sandbox: verify with GET /me, save encrypted,
resolve picks it (after DEBITURA_API_KEY, before the built-in sandbox), disconnect."""

from __future__ import annotations

import sqlite3
from pathlib import Path
from urllib.parse import quote

import pytest
import requests

from sandbox.debitura_server import (
    SANDBOX_CREDITOR_NAME,
    DebituraSandbox,
    DebituraSandboxConfig,
)
from store.debitura_connection import TABLE
from workflow.debitura_connection import (
    DebituraConnectError,
    DebituraUnreachable,
    EnvironmentKeyWins,
    KeyRefused,
    connect_debitura,
    disconnect_debitura,
    set_debitura_test_mode,
)
from workflow.debitura_target import (
    FROM_ENVIRONMENT,
    FROM_SANDBOX,
    FROM_SAVED,
    current_destination,
    resolve_debitura,
)
from workflow.settings import Settings, SettingsError
from workflow.submit import CREATED
from workflow.workspace import Workspace

# Distinct enough that finding it anywhere on disk can only mean it was stored in clear.
API_KEY = "dbt-live-6c41e0b2f9d84a7b-SECRETKEY"
CREDITOR = "Harrow & Finch Joinery Ltd"


@pytest.fixture
def debitura(started) -> DebituraSandbox:
    config = DebituraSandboxConfig(api_keys=frozenset({API_KEY}), creditor_name=CREDITOR)
    return started(DebituraSandbox(config))


def open_workspace(data_dir: Path, **env: str) -> Workspace:
    return Workspace.open(Settings.load({"APP_DATA_DIR": str(data_dir), **env}))


def test_the_sandbox_names_the_creditor_of_a_key_and_refuses_a_wrong_one(debitura):
    answer = requests.get(f"{debitura.url}/me", headers={"XApiKey": API_KEY}, timeout=5)
    assert answer.status_code == 200 and answer.json()["companyName"] == CREDITOR
    assert answer.json()["id"]
    wrong = requests.get(f"{debitura.url}/me", headers={"XApiKey": "nope"}, timeout=5)
    assert wrong.status_code == 401
    assert DebituraSandboxConfig().creditor_name == SANDBOX_CREDITOR_NAME


def test_a_verified_key_is_saved_and_where_cases_go_from_then_on(debitura, tmp_path, world):
    workspace = open_workspace(tmp_path / "data")
    assert current_destination(workspace).source == FROM_SANDBOX

    saved = connect_debitura(API_KEY, base_url=debitura.url + "/", workspace=workspace)
    assert (saved.creditor_name, saved.base_url, saved.test_mode) == (
        CREDITOR,
        debitura.url,
        False,
    )
    # A later run (a new process, a new page) finds it and sends there.
    later = open_workspace(tmp_path / "data")
    destination = current_destination(later)
    assert (destination.source, destination.creditor_name) == (FROM_SAVED, CREDITOR)
    target = resolve_debitura(later)
    assert (target.key, target.is_sandbox, target.client.base_url) == (
        debitura.url,
        False,
        debitura.url,
    )
    assert CREDITOR in target.label
    assert API_KEY not in repr(target)

    rows = world.eligible_rows()[:1]
    report = world.submit(rows, target=target)
    assert [outcome.status for outcome in report.outcomes] == [CREATED]
    assert [case["creditorReference"] for case in debitura.cases(API_KEY)] == [
        rows[0].invoice_number
    ]
    # The ledger tells this destination from the built-in sandbox.
    assert world.ledger.submitted_invoice_numbers(world.account, debitura.url) == {
        rows[0].invoice_number
    }
    assert world.ledger.submitted_invoice_numbers(world.account, "sandbox") == set()


def test_test_mode_is_saved_with_the_connection_and_marks_the_ledger_key(debitura, tmp_path):
    workspace = open_workspace(tmp_path / "data")
    connect_debitura(API_KEY, base_url=debitura.url, test_mode=True, workspace=workspace)
    target = resolve_debitura(open_workspace(tmp_path / "data"))
    assert target.test_mode and target.key == debitura.url + "#test"
    assert "test mode" in target.label
    set_debitura_test_mode(False, workspace=workspace)  # from now on: real collection
    assert resolve_debitura(open_workspace(tmp_path / "data")).key == debitura.url
    assert workspace.audit.recent()[0]["event"] == "debitura_test_mode"


def test_the_environment_key_wins_over_the_saved_connection(debitura, tmp_path):
    connect_debitura(API_KEY, base_url=debitura.url, workspace=open_workspace(tmp_path / "data"))
    env = {"DEBITURA_API_KEY": "headless-key", "DEBITURA_BASE_URL": "https://debitura.example"}
    workspace = open_workspace(tmp_path / "data", **env)
    assert current_destination(workspace).source == FROM_ENVIRONMENT
    assert resolve_debitura(workspace).key == "https://debitura.example"
    with pytest.raises(EnvironmentKeyWins, match="DEBITURA_API_KEY is set"):
        connect_debitura(API_KEY, base_url=debitura.url, workspace=workspace)


def test_a_wrong_key_has_its_own_message_and_nothing_is_saved(debitura, tmp_path):
    workspace = open_workspace(tmp_path / "data")
    wrong = "dbt-wrong-0000-SECRET"
    with pytest.raises(KeyRefused) as caught:
        connect_debitura(wrong, base_url=debitura.url, workspace=workspace)
    assert str(caught.value).startswith(
        "Debitura did not accept this API key: copy it again from Debitura's portal"
    )
    assert wrong not in str(caught.value)
    assert workspace.debitura.current() is None
    assert debitura.stats_snapshot()["cases"]["create_calls"] == 0
    audit = " ".join(str(entry) for entry in workspace.audit.recent())
    assert "debitura_connect_failed" in audit and wrong not in audit


def test_an_unreachable_address_has_its_own_message(tmp_path, debitura):
    address = debitura.url
    debitura.stop()  # nothing listens there now
    with pytest.raises(DebituraUnreachable, match="could not be reached at 127.0.0.1"):
        connect_debitura(API_KEY, base_url=address, workspace=open_workspace(tmp_path / "data"))


@pytest.mark.parametrize(
    ("key", "base_url", "words"),
    [
        ("", "", "Paste the API key"),
        ("key with spaces", "", "a space, a line break"),
        (API_KEY, "ftp://debitura.example", "must start with https://"),
    ],
)
def test_a_key_or_address_that_cannot_work_is_refused_before_anything_is_sent(
    tmp_path, key, base_url, words
):
    with pytest.raises(DebituraConnectError, match=words):
        connect_debitura(key, base_url=base_url, workspace=open_workspace(tmp_path / "data"))


def test_the_data_folder_never_holds_the_key_in_clear(debitura, tmp_path):
    data_dir = tmp_path / "data"
    workspace = open_workspace(data_dir)
    connect_debitura(API_KEY, base_url=debitura.url, workspace=workspace)
    assert workspace.debitura.api_key() == API_KEY  # it is there, encrypted
    spellings = {API_KEY.encode(), quote(API_KEY).encode(), API_KEY.encode("utf-16-le")}
    files = [path for path in data_dir.rglob("*") if path.is_file()]
    assert any(path.name == "app.db" for path in files)
    for path in files:
        content = path.read_bytes()
        assert not any(spelling in content for spelling in spellings), path.name
    audit = " ".join(str(entry) for entry in workspace.audit.recent())
    assert "debitura_connected" in audit and CREDITOR in audit and API_KEY not in audit


def test_disconnect_forgets_the_key_and_cases_go_to_the_sandbox_again(debitura, tmp_path):
    workspace = open_workspace(tmp_path / "data")
    connect_debitura(API_KEY, base_url=debitura.url, workspace=workspace)
    assert disconnect_debitura(workspace=workspace) is True
    assert disconnect_debitura(workspace=workspace) is False  # nothing left to forget
    assert current_destination(open_workspace(tmp_path / "data")).source == FROM_SANDBOX
    events = [entry["event"] for entry in workspace.audit.recent()]
    assert events[0] == "debitura_disconnected"


def test_a_saved_key_the_app_key_cannot_decrypt_stops_the_submit_with_what_to_do(
    debitura, tmp_path
):
    connect_debitura(API_KEY, base_url=debitura.url, workspace=open_workspace(tmp_path / "data"))
    (tmp_path / "data" / "secret.key").unlink()  # the key file lost: a new one is made
    with pytest.raises(SettingsError, match="Disconnect Debitura on the Connect page"):
        resolve_debitura(open_workspace(tmp_path / "data"))


def test_a_read_only_store_from_before_debitura_connections_reads_as_none_saved(tmp_path):
    data_dir = tmp_path / "data"
    open_workspace(data_dir)
    with sqlite3.connect(data_dir / "app.db") as database:
        database.execute(f"drop table {TABLE}")  # as an earlier version left it
    read_only = Workspace.open(Settings.load({"APP_DATA_DIR": str(data_dir)}), read_only=True)
    assert current_destination(read_only).source == FROM_SANDBOX
    open_workspace(data_dir)  # a writable open adds the table
    with sqlite3.connect(data_dir / "app.db") as database:
        tables = {row[0] for row in database.execute("select name from sqlite_master")}
    assert TABLE in tables
