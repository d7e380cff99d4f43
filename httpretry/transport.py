"""The part of an API transport that is the same for every API: one ``requests.Session`` and
its timeouts, one counted attempt (sent, answered, decoded), and retries of the API's own
transient error around it.

What a hostile or broken server cannot do through here: send the credentials elsewhere (a
redirect is an error, never followed and never retried), hold a call for ever (each attempt has
a wall-clock deadline, all attempts of a call share a budget), or fill the memory (a body may
inflate to ``max_answer_bytes`` and no more).
"""

from __future__ import annotations

import threading
import time
from collections.abc import Callable, Iterator, Mapping
from contextlib import contextmanager
from typing import Any

import requests

from httpretry.addresses import shown_location
from httpretry.answer import Answer
from httpretry.body import AnswerTooLarge, AnswerTooSlow, read_body, size_text
from httpretry.deadline import Deadline, Watchdog
from httpretry.policy import RetryPolicy, retrying

DEFAULT_ATTEMPT_DEADLINE = 60.0  # seconds from sending a request to the last byte of its answer
DEFAULT_MAX_ANSWER_BYTES = 32 * 1024 * 1024


class RetryingTransport:
    """What each API's transport shares. Subclasses name their API (``service``, and
    ``address_setting``, the setting a user checks when the address is wrong), their errors
    (``transient``: worth retrying; ``redirect_error``; ``too_large_error``), write
    ``_no_answer`` (the transient error, worded for their API) and ``_attempt`` (one exchange
    through ``_exchange``, raising ``transient`` for answers worth retrying).
    ``answer_type`` lets an API read answers through its own ``Answer`` subclass."""

    transient: type[Exception] = Exception
    redirect_error: type[Exception] = Exception
    too_large_error: type[Exception] = Exception
    answer_type: type[Answer] = Answer
    service = "The server"
    address_setting = "the server address"

    def __init__(
        self,
        session: requests.Session,
        *,
        timeout: tuple[float, float] | float,
        retry: RetryPolicy,
        sleep: Callable[[float], None] = time.sleep,
        attempt_deadline: float = DEFAULT_ATTEMPT_DEADLINE,
        max_answer_bytes: int = DEFAULT_MAX_ANSWER_BYTES,
    ) -> None:
        if attempt_deadline <= 0 or max_answer_bytes <= 0:
            raise ValueError("attempt_deadline and max_answer_bytes must be positive")
        self._session = session
        self._timeout = timeout
        self._retry = retry
        self._sleep = sleep
        self._attempt_deadline = attempt_deadline
        self._max_answer_bytes = max_answer_bytes
        self._budgets = threading.local()  # the budget of the call running on each thread
        self._counter_lock = threading.Lock()
        self.requests_sent = 0

    @contextmanager
    def budget(self) -> Iterator[None]:
        """Every attempt inside shares the retry policy's ``total_seconds`` (the outermost
        budget wins when calls nest, so a login's two steps and its retries share one)."""
        if getattr(self._budgets, "deadline", None) is not None:
            yield
            return
        self._budgets.deadline = Deadline.after(self._retry.total_seconds)
        try:
            yield
        finally:
            self._budgets.deadline = None

    def _send_attempts(self, *args: Any, retry: bool = True) -> Any:
        """``_attempt(*args)``, retried (when ``retry``) within the budget."""
        with self.budget():
            if not retry:
                return self._attempt(*args)
            return retrying(self._retry, self.transient, sleep=self._sleep)(self._attempt, *args)

    def _attempt(self, *args: Any) -> Any:
        raise NotImplementedError

    def _no_answer(self, url: str, *, timed_out: bool) -> Exception:
        """The API's transient error for a request that got no answer at all."""
        raise NotImplementedError

    def _exchange(
        self,
        method: str,
        url: str,
        *,
        params: Mapping[str, Any] | None = None,
        headers: Mapping[str, str] | None = None,
        data: bytes | None = None,
        json: Any = None,
    ) -> Answer:
        """Send one request and read its answer within the attempt's deadline and size cap.

        A timeout, a dropped connection or the deadline raises the API's transient error; a
        redirect raises ``redirect_error``: following it would carry the credentials in the
        headers and body to whatever address the redirect names.
        """
        deadline = Deadline.after(self._attempt_deadline).or_sooner(self._budget_deadline())
        if deadline.passed:
            raise self._too_slow(url, deadline)
        self._count_request()
        with Watchdog(deadline) as watchdog:
            try:
                response = self._session.request(
                    method,
                    url,
                    params=params,
                    data=data,
                    json=json,
                    headers=headers,
                    timeout=self._timeout,
                    allow_redirects=False,
                    stream=True,
                )
            except requests.RequestException as error:
                raise self._failed(url, error, watchdog) from error
            with response:
                if watchdog.fired:  # headers cut short at the deadline: nothing to trust
                    raise self._too_slow(url, deadline)
                if 300 <= response.status_code < 400:
                    raise self._redirected(response, url)
                try:
                    body = read_body(response, max_bytes=self._max_answer_bytes, watchdog=watchdog)
                except AnswerTooLarge as error:
                    raise self._too_large(url, error.limit) from None
                except AnswerTooSlow:
                    raise self._too_slow(url, deadline) from None
                except requests.RequestException as error:
                    raise self._failed(url, error, watchdog) from error
        return self.answer_type.of(response, url, body)

    def _budget_deadline(self) -> Deadline | None:
        return getattr(self._budgets, "deadline", None)

    def _failed(self, url: str, error: requests.RequestException, watchdog: Watchdog) -> Exception:
        if watchdog.fired:
            return self._too_slow(url, watchdog.deadline)
        return self._no_answer(url, timed_out=isinstance(error, requests.Timeout))

    def _too_slow(self, url: str, deadline: Deadline) -> Exception:
        return self.transient(
            f"{self.service} did not finish answering within {_seconds(deadline.seconds)} "
            "seconds. Try again in a few minutes.",
            url=url,
        )

    def _too_large(self, url: str, limit: int) -> Exception:
        error = self.too_large_error(
            f"{self.service} sent more than {size_text(limit)} for one answer; the rest was not "
            f"read. Check {self.address_setting}; if it is right, try again later.",
            url=url,
        )
        error.retryable = False  # asking again would only fetch the same flood
        return error

    def _redirected(self, response: requests.Response, url: str) -> Exception:
        where = shown_location(response.headers.get("Location"), url)
        if where:
            message = (
                f"{self.service} answered with a redirect to {where}; check "
                f"{self.address_setting}. Nothing was sent there."
            )
        else:
            message = (
                f"{self.service} answered with a redirect (HTTP {response.status_code}) without "
                f"a readable address; check {self.address_setting}. Nothing was sent elsewhere."
            )
        error = self.redirect_error(message, status=response.status_code, url=url)
        error.location = where  # the part of the message the server chose (for redaction)
        return error

    def _count_request(self) -> None:
        with self._counter_lock:
            self.requests_sent += 1


def _seconds(value: float) -> str:
    """
    >>> _seconds(60.0), _seconds(0.5), _seconds(179.99)
    ('60', '0.5', '180')
    """
    return f"{round(value, 1):g}"
