"""The part of an API transport that is the same for every API: one ``requests.Session`` and
its timeouts, one counted attempt (sent, answered, decoded), and retries of the API's own
transient error around it."""

from __future__ import annotations

import threading
import time
from collections.abc import Callable, Mapping
from typing import Any

import requests

from httpretry.answer import Answer
from httpretry.policy import RetryPolicy, retrying


class RetryingTransport:
    """What each API's transport shares. Subclasses set ``transient`` (the error worth
    retrying) and write ``_no_answer`` (that error, worded for their API) and ``_attempt``
    (one exchange through ``_exchange``, raising ``transient`` for answers worth retrying).
    ``answer_type`` lets an API read answers through its own ``Answer`` subclass."""

    transient: type[Exception] = Exception
    answer_type: type[Answer] = Answer

    def __init__(
        self,
        session: requests.Session,
        *,
        timeout: tuple[float, float] | float,
        retry: RetryPolicy,
        sleep: Callable[[float], None] = time.sleep,
    ) -> None:
        self._session = session
        self._timeout = timeout
        self._retry = retry
        self._sleep = sleep
        self._counter_lock = threading.Lock()
        self.requests_sent = 0

    def _with_retries(self, *args: Any) -> Any:
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
        """Send one request and read its answer; a timeout or a dropped connection raises
        ``_no_answer``. Redirects are not followed: they would carry the credentials in the
        headers to whatever address the redirect names."""
        self._count_request()
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
            )
        except requests.Timeout as error:
            raise self._no_answer(url, timed_out=True) from error
        except requests.RequestException as error:
            raise self._no_answer(url, timed_out=False) from error
        return self.answer_type.of(response, url)

    def _count_request(self) -> None:
        with self._counter_lock:
            self.requests_sent += 1
