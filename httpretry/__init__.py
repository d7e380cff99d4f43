"""HTTP calls the way both remote APIs need them: one attempt that never follows a redirect
and decodes JSON with exact decimals (``transport``, ``answer``), retried with capped
exponential backoff, full jitter and a server's ``Retry-After`` honoured (``policy``)."""

from __future__ import annotations

from httpretry.answer import Answer
from httpretry.policy import NO_RETRIES, RetryPolicy, retry_after_seconds, retrying
from httpretry.transport import RetryingTransport

__all__ = [
    "NO_RETRIES",
    "Answer",
    "RetryPolicy",
    "RetryingTransport",
    "retry_after_seconds",
    "retrying",
]
