"""One HTTP exchange with Debitura, with retries for transient failures.

Transient means: 429 and 503 (honouring ``Retry-After``), 500/502/504, a dropped connection or a
timeout, and a success whose body is not JSON. Those are retried with capped exponential backoff
and full jitter (tenacity), resending the very same bytes and headers, so a ``POST /cases``
retry carries the same ``Idempotency-Key`` and the same body and Debitura replays its first
answer instead of creating a second case. Any other 4xx comes back to the caller as an
``ApiResponse`` and is never retried. A redirect is a ``DebituraError`` (never followed, never
retried); an answer that would inflate past the cap is an ``UnexpectedResponse`` that is not
retried. Sending, limits and decoding are ``httpretry``'s; what is Debitura's is which answers
count as transient and their words.
"""

from __future__ import annotations

from collections.abc import Mapping
from typing import Any

from debitura.errors import DebituraError, DebituraUnavailable, RateLimited, UnexpectedResponse
from httpretry import Answer, RetryingTransport
from jsonwire.fields import Fields

# Debitura's answers need no reading beyond the shared one.
ApiResponse = Answer


class Transport(RetryingTransport):
    """Sends requests through one ``requests.Session`` and retries what is worth retrying."""

    transient = DebituraUnavailable
    redirect_error = DebituraError  # a wrong address, not a refusal of the case
    too_large_error = UnexpectedResponse
    service = "Debitura"
    address_setting = "DEBITURA_BASE_URL"

    def send(
        self,
        method: str,
        url: str,
        *,
        params: Mapping[str, Any] | None = None,
        body: bytes | None = None,
        headers: Mapping[str, str] | None = None,
        retry: bool = True,
    ) -> ApiResponse:
        # ``retry=False`` for a request whose repeat could do the work twice (a chat message).
        return self._send_attempts(method, url, params, body, headers, retry=retry)

    def _no_answer(self, url: str, *, timed_out: bool) -> DebituraUnavailable:
        if timed_out:
            return DebituraUnavailable(
                "Debitura did not answer in time. Try again in a few minutes.", url=url
            )
        return DebituraUnavailable(url=url)

    def _attempt(
        self,
        method: str,
        url: str,
        params: Mapping[str, Any] | None,
        body: bytes | None,
        headers: Mapping[str, str] | None,
    ) -> ApiResponse:
        response = self._exchange(method, url, params=params, data=body, headers=headers)
        status, where = response.status, response.url
        if status == 429:
            raise RateLimited(
                status=status,
                url=where,
                retry_after=response.retry_after,
                **_error_body(response),
            )
        if status >= 500:  # 503 with its Retry-After included
            raise DebituraUnavailable(
                f"Debitura is having problems (HTTP {status}). Try again in a few minutes.",
                status=status,
                url=where,
                retry_after=response.retry_after,
                **_error_body(response),
            )
        if not response.body_is_json and response.ok:
            raise UnexpectedResponse(status=status, url=where, api_body=response.text_excerpt)
        # A 4xx page that is not JSON (a wrong base URL, say) is the caller's to report.
        return response


def _error_body(response: ApiResponse) -> dict[str, Any]:
    """What an error keeps of the answer: the decoded body (or an excerpt) and its message."""
    if not response.body_is_json:
        return {"api_body": response.text_excerpt, "api_message": ""}
    message = Fields(response.payload).text("message", "error")
    return {"api_body": response.payload, "api_message": message}
