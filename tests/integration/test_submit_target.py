"""Where cases go: without DEBITURA_API_KEY (or a saved Debitura connection) the built-in
sandbox; test mode flags and tags."""

from __future__ import annotations

import pytest

import sandbox.demo
from workflow.debitura_target import SANDBOX_KEY, SANDBOX_LABEL, resolve_debitura
from workflow.settings import Settings
from workflow.submit import CREATED
from workflow.workspace import Workspace


def workspace_for(env: dict[str, str], tmp_path) -> Workspace:
    return Workspace.open(Settings.load({"APP_DATA_DIR": str(tmp_path / "app-data"), **env}))


@pytest.fixture
def own_demo_servers(monkeypatch):
    """Fresh demo servers for this test (the process-wide ones are put back after)."""
    monkeypatch.setattr(sandbox.demo, "_servers", None)
    yield
    if sandbox.demo._servers is not None:
        sandbox.demo._servers.kashflow.stop()
        sandbox.demo._servers.debitura.stop()


def test_without_an_api_key_cases_go_to_the_built_in_sandbox(world, own_demo_servers, tmp_path):
    target = resolve_debitura(workspace_for({}, tmp_path))
    demo = sandbox.demo.demo_servers()
    assert (target.is_sandbox, target.key, target.test_mode) == (True, SANDBOX_KEY, False)
    assert target.label == SANDBOX_LABEL and "not collected" in target.label
    assert target.client.base_url == demo.debitura_url
    assert demo.kashflow_url.startswith("http://127.0.0.1:")

    rows = world.eligible_rows()[:2]
    # One at a time, so Debitura's creation order is the rows' order (sent concurrently, the
    # second request can arrive first).
    report = world.submit(rows, target=target, concurrency=1)
    assert {o.status for o in report.outcomes} == {CREATED}
    assert [c["creditorReference"] for c in demo.debitura.cases()] == [
        r.invoice_number for r in rows
    ]
    assert world.debitura.cases() == []  # not the world's own Debitura
    # Sandbox cases never mark an invoice as sent for the real API.
    ledger = world.ledger
    assert ledger.submitted_invoice_numbers(world.account, SANDBOX_KEY) == {
        r.invoice_number for r in rows
    }
    assert (
        ledger.submitted_invoice_numbers(world.account, "https://customer-api.debitura.com")
        == set()
    )


def test_test_mode_sends_is_test_with_a_tag(world, own_demo_servers, tmp_path):
    target = resolve_debitura(workspace_for({"DEBITURA_TEST_MODE": "1"}, tmp_path))
    assert target.test_mode and target.key == SANDBOX_KEY + "#test"
    rows = world.eligible_rows()[:2]
    world.submit(rows, target=target)
    server = sandbox.demo.demo_servers().debitura
    assert [case["isTestCase"] for case in server.cases()] == [True, True]
    target.client.delete_test_cases(target.tag)  # the tag groups them: all gone
    assert server.cases() == []


def test_with_an_api_key_the_real_api_is_the_target(tmp_path):
    env = {"DEBITURA_API_KEY": "live-key", "DEBITURA_BASE_URL": "https://debitura.example/"}
    target = resolve_debitura(workspace_for(env, tmp_path))
    assert (target.is_sandbox, target.test_mode) == (False, False)
    assert target.key == "https://debitura.example" == target.client.base_url
    assert target.label == "Debitura (debitura.example)"
    assert "live-key" not in repr(target)
    tested = resolve_debitura(
        workspace_for({"DEBITURA_API_KEY": "k", "DEBITURA_TEST_MODE": "true"}, tmp_path)
    )
    assert tested.key == "https://customer-api.debitura.com#test"
    assert "test mode" in tested.label
