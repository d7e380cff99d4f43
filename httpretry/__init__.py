"""HTTP calls the way both remote APIs need them: one attempt that never follows a redirect,
ends by a wall-clock deadline and reads at most a capped body, decoding JSON with exact
decimals (``transport``, ``answer``, ``body``, ``deadline``, ``adapter``), retried with capped
exponential backoff, full jitter, a server's ``Retry-After`` honoured and a total budget
(``policy``); identifiers made into path segments that can only mean themselves
(``addresses``)."""

from __future__ import annotations

from httpretry.adapter import new_session
from httpretry.addresses import UnusablePathSegment, path_segment, shown_location, spellings
from httpretry.answer import Answer
from httpretry.policy import NO_RETRIES, RetryPolicy, retry_after_seconds, retrying
from httpretry.transport import (
    DEFAULT_ATTEMPT_DEADLINE,
    DEFAULT_MAX_ANSWER_BYTES,
    RetryingTransport,
)

__all__ = [
    "DEFAULT_ATTEMPT_DEADLINE",
    "DEFAULT_MAX_ANSWER_BYTES",
    "NO_RETRIES",
    "Answer",
    "RetryPolicy",
    "RetryingTransport",
    "UnusablePathSegment",
    "new_session",
    "path_segment",
    "retry_after_seconds",
    "retrying",
    "shown_location",
    "spellings",
]
