"""A scripted KashFlow for `responses`: the login exchange plus helpers for data routes."""

from __future__ import annotations

import json
import re

import responses

from kashflow import Credentials, KashFlowClient, RetryPolicy

BASE = "https://kf.test/v2"
CREDENTIALS = Credentials("ann@example.com", "s3cret-pw", "pineapple")
NO_WAIT = RetryPolicy(attempts=4, initial_wait=0, max_wait=0, max_retry_after=0)


def make_client(credentials: Credentials = CREDENTIALS, **options) -> KashFlowClient:
    options.setdefault("retry", NO_WAIT)
    options.setdefault("sleep", lambda seconds: None)
    return KashFlowClient(credentials, base_url=BASE, **options)


def add_login(
    rsps: responses.RequestsMock,
    *,
    positions=(3, 4, 6),
    session_tokens=("token-1", "token-2", "token-3", "token-4"),
    company_name: str | None = None,
) -> None:
    """POST answers a challenge; each PUT hands out the next session token."""
    rsps.add(
        responses.POST,
        f"{BASE}/sessiontoken",
        json={
            "TemporaryToken": "temp-1",
            "MemorableWordList": [{"Position": p, "Value": ""} for p in positions],
            "IsLockedOut": False,
            "HasTemporaryPassword": False,
        },
        status=201,
    )
    tokens = iter(session_tokens)

    def put(request):
        body = {"SessionToken": next(tokens)}
        if company_name:
            body["CompanyName"] = company_name
        return 200, {}, json.dumps(body)

    rsps.add_callback(responses.PUT, f"{BASE}/sessiontoken", callback=put)


def calls_to(rsps: responses.RequestsMock, method: str, path_pattern: str) -> list:
    pattern = re.compile(path_pattern)
    return [
        call
        for call in rsps.calls
        if call.request.method == method and pattern.search(call.request.url)
    ]
