"""How hard to retry: capped exponential backoff with full jitter, and a server's
``Retry-After`` honoured (up to a cap). Built on tenacity."""

from __future__ import annotations

import logging
import time
from collections.abc import Callable
from dataclasses import dataclass
from typing import Any

from tenacity import (
    Retrying,
    before_sleep_log,
    retry_if_exception,
    stop_after_attempt,
    stop_before_delay,
    wait_random_exponential,
)
from urllib3.util.retry import Retry

# The package's logger, so retry lines keep the name they always had.
log = logging.getLogger("httpretry")


@dataclass(frozen=True)
class RetryPolicy:
    """How hard to try before telling the user the service is unavailable.

    ``attempts`` counts every try (1 = no retries). Waits grow exponentially from
    ``initial_wait`` up to ``max_wait`` seconds, with jitter; a ``Retry-After`` is honoured
    up to ``max_retry_after`` seconds. ``total_seconds`` is the budget of one call, every
    attempt and wait included: no wait starts that would end past it, and the last attempt
    gets only what is left of it.
    """

    attempts: int = 5
    initial_wait: float = 0.5
    max_wait: float = 8.0
    max_retry_after: float = 60.0
    total_seconds: float = 180.0

    def __post_init__(self) -> None:
        if self.attempts < 1:
            raise ValueError("attempts must be at least 1")
        if self.total_seconds <= 0:
            raise ValueError("total_seconds must be positive")


NO_RETRIES = RetryPolicy(attempts=1)


def retrying(
    policy: RetryPolicy,
    retry_on: type[BaseException] | tuple[type[BaseException], ...],
    *,
    sleep: Callable[[float], None] = time.sleep,
) -> Retrying:
    """A tenacity ``Retrying`` for ``policy`` that retries ``retry_on`` exceptions.

    An exception carrying ``retry_after`` (seconds, from the server) waits that long instead
    of the backoff; one whose ``retryable`` is False is not retried (an answer too large to
    read is one of the transient kind that asking again cannot fix).
    """
    backoff = wait_random_exponential(multiplier=policy.initial_wait, max=policy.max_wait)

    def wait(retry_state: Any) -> float:
        retry_after = getattr(retry_state.outcome.exception(), "retry_after", None)
        if retry_after is not None:
            return min(retry_after, policy.max_retry_after)
        return backoff(retry_state)

    return Retrying(
        stop=stop_after_attempt(policy.attempts) | stop_before_delay(policy.total_seconds),
        wait=wait,
        retry=retry_if_exception(
            lambda error: isinstance(error, retry_on) and getattr(error, "retryable", True)
        ),
        sleep=sleep,
        reraise=True,
        before_sleep=before_sleep_log(log, logging.INFO),
    )


def retry_after_seconds(value: str | None) -> float | None:
    """A ``Retry-After`` header (seconds or an HTTP date) in seconds; None if absent or bad.

    >>> retry_after_seconds("3"), retry_after_seconds(None), retry_after_seconds("soon")
    (3.0, None, None)
    """
    if not value:
        return None
    try:
        return max(0.0, float(Retry().parse_retry_after(value)))
    except Exception:  # noqa: BLE001 - a malformed header just means "use our own backoff"
        return None
