"""One HTTP exchange with KashFlow, with retries for transient failures.

Transient means: 429 (honouring ``Retry-After``), 500/502/503/504, a dropped connection or a
timeout, a 2xx or 5xx body that is not JSON (maintenance pages), and KashFlow's nightly SQL
timeout, a 400 whose ``Error`` is ``"-2146232060"``. Those are retried with capped exponential
backoff and full jitter (tenacity). Everything else comes back to the caller as an
``ApiResponse`` to interpret, so login failures are never retried here.
"""

from __future__ import annotations

import json
import logging
from collections.abc import Mapping
from dataclasses import dataclass
from decimal import Decimal
from typing import Any

import requests

from httpretry import RetryingTransport, retry_after_seconds
from jsonwire.fields import Fields
from kashflow.errors import KashFlowUnavailable, RateLimited, UnexpectedResponse

log = logging.getLogger(__name__)

SQL_TIMEOUT_ERROR = "-2146232060"
_NOT_JSON = object()


@dataclass(frozen=True)
class ApiResponse:
    status: int
    payload: Any  # decoded JSON (floats as Decimal), or None for an empty body
    url: str
    body_is_json: bool = True

    @property
    def ok(self) -> bool:
        return 200 <= self.status < 300

    @property
    def error_code(self) -> str:
        return Fields(self.payload).text("Error")

    @property
    def error_message(self) -> str:
        return Fields(self.payload).text("Message")


class Transport(RetryingTransport):
    """Sends requests through one ``requests.Session`` and retries what is worth retrying."""

    transient = KashFlowUnavailable

    def send(
        self,
        method: str,
        url: str,
        *,
        params: Mapping[str, Any] | None = None,
        json_body: Any = None,
        headers: Mapping[str, str] | None = None,
        retry: bool = True,
    ) -> ApiResponse:
        if not retry:
            return self._attempt(method, url, params, json_body, headers)
        return self._with_retries(method, url, params, json_body, headers)

    def _attempt(
        self,
        method: str,
        url: str,
        params: Mapping[str, Any] | None,
        json_body: Any,
        headers: Mapping[str, str] | None,
    ) -> ApiResponse:
        self._count_request()
        try:
            response = self._session.request(
                method, url, params=params, json=json_body, headers=headers, timeout=self._timeout
            )
        except requests.Timeout as error:
            raise KashFlowUnavailable(
                "KashFlow did not answer in time. Try again in a few minutes.", url=url
            ) from error
        except requests.RequestException as error:
            raise KashFlowUnavailable(url=url) from error

        status = response.status_code
        payload = _decode(response)
        where = response.url or url
        if status == 429:
            retry_after = retry_after_seconds(response.headers.get("Retry-After"))
            raise RateLimited(status=status, url=where, retry_after=retry_after)
        if status >= 500:
            raise KashFlowUnavailable(
                f"KashFlow is having problems (HTTP {status}). Try again in a few minutes.",
                status=status,
                url=where,
                api_error=Fields(payload).text("Error"),
                api_message=Fields(payload).text("Message"),
            )
        if status == 400 and Fields(payload).text("Error") == SQL_TIMEOUT_ERROR:
            raise KashFlowUnavailable(
                "KashFlow's database timed out. Try again in a few minutes.",
                status=status,
                url=where,
                api_error=SQL_TIMEOUT_ERROR,
                api_message=Fields(payload).text("Message"),
            )
        if payload is _NOT_JSON:
            if 200 <= status < 300:
                raise UnexpectedResponse(status=status, url=where)
            # A 4xx page that is not JSON (a wrong base URL, say): report it, don't retry.
            return ApiResponse(status, None, where, body_is_json=False)
        return ApiResponse(status, payload, where)


def _decode(response: requests.Response) -> Any:
    if not response.content:
        return None
    try:
        # Money must never pass through float.
        return json.loads(response.content, parse_float=Decimal)
    except ValueError:
        return _NOT_JSON
