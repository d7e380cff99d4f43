"""One HTTP exchange with KashFlow, with retries for transient failures.

Transient means: 429 (honouring ``Retry-After``), 500/502/503/504, a dropped connection or a
timeout, a 2xx or 5xx body that is not JSON (maintenance pages), and KashFlow's nightly SQL
timeout, a 400 whose ``Error`` is ``"-2146232060"``. Those are retried with capped exponential
backoff and full jitter (tenacity), within a total budget. Everything else comes back to the
caller as an ``ApiResponse`` to interpret, so login failures are never retried here. A redirect
is a ``KashFlowError`` (never followed, never retried); an answer that would inflate past the
cap is an ``UnexpectedResponse`` that is not retried. Sending, limits and decoding are
``httpretry``'s; what is KashFlow's is which answers count as transient and their words.
"""

from __future__ import annotations

from collections.abc import Mapping
from typing import Any

from httpretry import Answer, RetryingTransport
from jsonwire.fields import Fields
from kashflow.errors import KashFlowError, KashFlowUnavailable, RateLimited, UnexpectedResponse

SQL_TIMEOUT_ERROR = "-2146232060"


class ApiResponse(Answer):
    """An answer from KashFlow, which reports errors as ``{"Error": ..., "Message": ...}``."""

    @property
    def error_code(self) -> str:
        return Fields(self.payload).text("Error")

    @property
    def error_message(self) -> str:
        return Fields(self.payload).text("Message")


class Transport(RetryingTransport):
    """Sends requests through one ``requests.Session`` and retries what is worth retrying."""

    transient = KashFlowUnavailable
    redirect_error = KashFlowError  # a wrong address, not a refusal: nothing may swallow it
    too_large_error = UnexpectedResponse
    answer_type = ApiResponse
    service = "KashFlow"
    address_setting = "KASHFLOW_BASE_URL"

    def send(
        self,
        method: str,
        url: str,
        *,
        params: Mapping[str, Any] | None = None,
        json_body: Any = None,
        headers: Mapping[str, str] | None = None,
        retry: bool = True,
        expect_json: bool = True,
    ) -> ApiResponse:
        """``expect_json=False`` for a file (an invoice PDF): a 2xx body that is not JSON is
        then the answer, not a maintenance page to retry."""
        return self._send_attempts(
            method, url, params, json_body, headers, expect_json, retry=retry
        )

    def _no_answer(self, url: str, *, timed_out: bool) -> KashFlowUnavailable:
        if timed_out:
            return KashFlowUnavailable(
                "KashFlow did not answer in time. Try again in a few minutes.", url=url
            )
        return KashFlowUnavailable(url=url)

    def _attempt(
        self,
        method: str,
        url: str,
        params: Mapping[str, Any] | None,
        json_body: Any,
        headers: Mapping[str, str] | None,
        expect_json: bool = True,
    ) -> ApiResponse:
        response = self._exchange(method, url, params=params, json=json_body, headers=headers)
        status, where = response.status, response.url
        if status == 429:
            raise RateLimited(status=status, url=where, retry_after=response.retry_after)
        if status >= 500:
            raise KashFlowUnavailable(
                f"KashFlow is having problems (HTTP {status}). Try again in a few minutes.",
                status=status,
                url=where,
                api_error=response.error_code,
                api_message=response.error_message,
            )
        if status == 400 and response.error_code == SQL_TIMEOUT_ERROR:
            raise KashFlowUnavailable(
                "KashFlow's database timed out. Try again in a few minutes.",
                status=status,
                url=where,
                api_error=SQL_TIMEOUT_ERROR,
                api_message=response.error_message,
            )
        if expect_json and not response.body_is_json and response.ok:
            raise UnexpectedResponse(status=status, url=where)
        # A 4xx page that is not JSON (a wrong base URL, say) is the caller's to report.
        return response
