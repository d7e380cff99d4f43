"""The demo company's login, typed (in the app's form or the CLI's KASHFLOW_* variables),
connects to the demo company while the settings name the real KashFlow, where it cannot
exist; with KASHFLOW_BASE_URL set to a KashFlow of one's own, it goes there as typed."""

from __future__ import annotations

from workflow.connect import connect_typed
from workflow.demo import DEMO_CREDENTIALS
from workflow.settings import Settings
from workflow.workspace import Workspace


def test_the_demo_login_typed_for_the_real_kashflow_reaches_the_demo_company():
    workspace = Workspace.open(Settings.load())  # KASHFLOW_BASE_URL unset: the real KashFlow
    connection = connect_typed(DEMO_CREDENTIALS, workspace=workspace)
    assert connection.is_demo and connection.saved.is_demo
    assert connection.company.name == "Harrow & Finch Joinery Ltd"
    assert [saved.label for saved in workspace.connections.list()] == [connection.saved.label]


def test_with_a_kashflow_address_set_the_demo_login_goes_there(kashflow_sandbox, monkeypatch):
    monkeypatch.setenv("KASHFLOW_BASE_URL", kashflow_sandbox.url)
    workspace = Workspace.open(Settings.load())
    connection = connect_typed(DEMO_CREDENTIALS, workspace=workspace, save=False)
    assert not connection.is_demo
    assert connection.client.base_url == kashflow_sandbox.url
    assert kashflow_sandbox.stats_snapshot()["logins"]["put_ok"] == 1
