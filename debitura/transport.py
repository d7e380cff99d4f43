"""One HTTP exchange with Debitura, with retries for transient failures.

Transient means: 429 and 503 (honouring ``Retry-After``), 500/502/504, a dropped connection or a
timeout, and a success whose body is not JSON. Those are retried with capped exponential backoff
and full jitter (tenacity), resending the very same bytes and headers, so a ``POST /cases``
retry carries the same ``Idempotency-Key`` and the same body and Debitura replays its first
answer instead of creating a second case. Any other 4xx comes back to the caller as an
``ApiResponse`` and is never retried.
"""

from __future__ import annotations

import logging
from collections.abc import Mapping
from dataclasses import dataclass
from typing import Any

import requests

from debitura.errors import DebituraUnavailable, RateLimited, UnexpectedResponse
from httpretry import RetryingTransport, retry_after_seconds
from jsonwire.encoding import loads
from jsonwire.fields import Fields

log = logging.getLogger(__name__)

_NOT_JSON = object()
_RETRY_AFTER_STATUSES = frozenset({429, 503})


@dataclass(frozen=True)
class ApiResponse:
    status: int
    payload: Any  # decoded JSON (fractions as Decimal); None for an empty body
    url: str
    body_is_json: bool = True
    text_excerpt: str = ""  # the start of a body that is not JSON (for the error's api_body)

    @property
    def ok(self) -> bool:
        return 200 <= self.status < 300


class Transport(RetryingTransport):
    """Sends requests through one ``requests.Session`` and retries what is worth retrying."""

    transient = DebituraUnavailable

    def send(
        self,
        method: str,
        url: str,
        *,
        params: Mapping[str, Any] | None = None,
        body: bytes | None = None,
        headers: Mapping[str, str] | None = None,
    ) -> ApiResponse:
        return self._with_retries(method, url, params, body, headers)

    def _attempt(
        self,
        method: str,
        url: str,
        params: Mapping[str, Any] | None,
        body: bytes | None,
        headers: Mapping[str, str] | None,
    ) -> ApiResponse:
        self._count_request()
        try:
            response = self._session.request(
                method, url, params=params, data=body, headers=headers, timeout=self._timeout
            )
        except requests.Timeout as error:
            raise DebituraUnavailable(
                "Debitura did not answer in time. Try again in a few minutes.", url=url
            ) from error
        except requests.RequestException as error:
            raise DebituraUnavailable(url=url) from error

        status = response.status_code
        where = response.url or url
        payload, excerpt = _decode(response)
        is_json = payload is not _NOT_JSON
        api_body = payload if is_json else excerpt
        api_message = Fields(payload).text("message", "error") if is_json else ""
        if status in _RETRY_AFTER_STATUSES or status >= 500:
            retry_after = retry_after_seconds(response.headers.get("Retry-After"))
            if status == 429:
                raise RateLimited(
                    status=status,
                    url=where,
                    retry_after=retry_after,
                    api_body=api_body,
                    api_message=api_message,
                )
            raise DebituraUnavailable(
                f"Debitura is having problems (HTTP {status}). Try again in a few minutes.",
                status=status,
                url=where,
                retry_after=retry_after,
                api_body=api_body,
                api_message=api_message,
            )
        if not is_json:
            if 200 <= status < 300:
                raise UnexpectedResponse(status=status, url=where, api_body=excerpt)
            # A 4xx page that is not JSON (a wrong base URL, say): report it, never retry.
            return ApiResponse(status, None, where, body_is_json=False, text_excerpt=excerpt)
        return ApiResponse(status, payload, where)


def _decode(response: requests.Response) -> tuple[Any, str]:
    content = response.content
    if not content or not content.strip():
        return None, ""
    try:
        # Money must never pass through float.
        return loads(content), ""
    except (ValueError, UnicodeDecodeError):
        return _NOT_JSON, content[:300].decode("utf-8", "replace")
