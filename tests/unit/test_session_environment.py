"""Proxies from the environment still reach both APIs, though they are read once per session."""

from __future__ import annotations

import pytest

from debitura import DebituraClient
from kashflow import Credentials, KashFlowClient

PROXY = "http://proxy.corp.example:3128"
KASHFLOW_URL = "https://api.kashflow.example/v2"
DEBITURA_URL = "https://customer-api.debitura.example"


@pytest.fixture(autouse=True)
def no_proxy_settings(monkeypatch):
    for name in ("http_proxy", "https_proxy", "all_proxy", "no_proxy"):
        monkeypatch.delenv(name, raising=False)
        monkeypatch.delenv(name.upper(), raising=False)
    for name in ("REQUESTS_CA_BUNDLE", "CURL_CA_BUNDLE"):
        monkeypatch.delenv(name, raising=False)


def sessions():
    kashflow = KashFlowClient(Credentials("ann@example.com", "pw", "word"), base_url=KASHFLOW_URL)
    debitura = DebituraClient("key", base_url=DEBITURA_URL)
    return {KASHFLOW_URL: kashflow._session, DEBITURA_URL: debitura._session}


def proxies_used(session, url: str) -> dict:
    """The proxies ``requests`` hands the adapter for a request to ``url``."""
    return session.merge_environment_settings(url, {}, True, None, None)["proxies"]


def test_an_https_proxy_in_the_environment_is_used_by_both_clients(monkeypatch):
    monkeypatch.setenv("HTTPS_PROXY", PROXY)
    for url, session in sessions().items():
        assert session.proxies.get("https") == PROXY
        assert proxies_used(session, f"{url}/invoices").get("https") == PROXY


def test_no_proxy_naming_the_api_host_sends_it_direct(monkeypatch):
    monkeypatch.setenv("HTTPS_PROXY", PROXY)
    monkeypatch.setenv("NO_PROXY", "localhost,.kashflow.example")
    by_url = sessions()
    assert "https" not in proxies_used(by_url[KASHFLOW_URL], f"{KASHFLOW_URL}/invoices")
    assert proxies_used(by_url[DEBITURA_URL], f"{DEBITURA_URL}/cases").get("https") == PROXY


def test_the_environment_is_read_when_the_session_is_made_not_per_request(monkeypatch):
    monkeypatch.setenv("HTTPS_PROXY", PROXY)
    monkeypatch.setenv("REQUESTS_CA_BUNDLE", "corporate-ca.pem")
    by_url = sessions()
    monkeypatch.setenv("HTTPS_PROXY", "http://elsewhere.example:8080")
    for url, session in by_url.items():
        assert not session.trust_env  # no netrc or proxy look-up on each request
        assert proxies_used(session, url).get("https") == PROXY
        assert session.verify == "corporate-ca.pem"
