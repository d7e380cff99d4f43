"""The import's customer fetcher: waiting costs one step per customer, retries go out together."""

from __future__ import annotations

import queue
import threading
from concurrent.futures import Future

from kashflow import Customer, KashFlowUnavailable
from kashflow.paging import ListingProgress
from workflow.importing import _CustomerFetcher

CUSTOMERS = 40


class _CountedWaiters(list):
    """A future's waiter list that counts how often a waiter is installed on it."""

    def __init__(self, tally: list[int], installed: threading.Event) -> None:
        super().__init__()
        self._tally, self._installed = tally, installed

    def append(self, waiter) -> None:
        self._tally[0] += 1
        self._installed.set()
        super().append(waiter)


class _SteppingPool:
    """A pool whose one worker finishes the tasks one at a time, each once the caller has had
    the chance to start waiting (a waiter installed, or a short pause), as a slow server would.
    """

    def __init__(self) -> None:
        self.waiters_installed = [0]
        self._installed = threading.Event()
        self._tasks: queue.SimpleQueue = queue.SimpleQueue()
        self.futures: list[Future] = []
        self._worker = threading.Thread(target=self._work, daemon=True)
        self._worker.start()

    def submit(self, function, *args) -> Future:
        future: Future = Future()
        future._waiters = _CountedWaiters(self.waiters_installed, self._installed)
        self.futures.append(future)
        self._tasks.put((future, function, args))
        return future

    def shutdown(self) -> None:
        self._tasks.put(None)
        self._worker.join()

    def _work(self) -> None:
        while (task := self._tasks.get()) is not None:
            future, function, args = task
            self._installed.wait(timeout=0.02)
            self._installed.clear()
            if not future.set_running_or_notify_cancel():
                continue
            try:
                future.set_result(function(*args))
            except Exception as error:  # noqa: BLE001 - handed to the future's reader
                future.set_exception(error)


class _Customers:
    """A KashFlow client: customers in ``busy_once`` fail once then answer, those in ``down``
    always fail, as a throttled server would."""

    def __init__(self, busy_once=frozenset(), down=frozenset()) -> None:
        self.calls: list[str] = []
        self._busy_once, self._down = set(busy_once), set(down)

    def get_customer(self, code: str) -> Customer:
        self.calls.append(code)
        if code in self._down or code in self._busy_once:
            self._busy_once.discard(code)
            raise KashFlowUnavailable("busy", status=503)
        return Customer.from_api({"Code": code, "Name": f"Customer {code}"})


def _fetcher(client: _Customers, pool: _SteppingPool, codes: list[str]) -> _CustomerFetcher:
    fetcher = _CustomerFetcher(client)
    fetcher.pool = pool
    for code in codes:
        fetcher.request(code)
    return fetcher


def test_waiting_for_customers_installs_no_waiter_per_pending_customer_per_wake_up():
    """The old wait re-armed every pending future at each wake-up: ~n²/2 waiters for n."""
    codes = [f"C{index:03d}" for index in range(CUSTOMERS)]
    pool, client = _SteppingPool(), _Customers()
    fetcher = _fetcher(client, pool, codes)
    reports = []

    fetcher.wait_all(lambda: reports.append(fetcher.progress(ListingProgress(1, 1, 0, None))))
    pool.shutdown()

    assert pool.waiters_installed[0] <= CUSTOMERS
    assert list(fetcher.customers) == codes  # every customer, in the order requested
    assert reports[-1].customers_done == reports[-1].customers_total == CUSTOMERS
    done = [report.customers_done for report in reports]
    assert done == sorted(done)


def test_customers_that_were_busy_are_asked_once_more_together():
    codes = [f"C{index:03d}" for index in range(6)]
    pool, client = _SteppingPool(), _Customers(busy_once={"C001", "C004"})
    fetcher = _fetcher(client, pool, codes)

    fetcher.wait_all(lambda: None)
    pool.shutdown()

    assert set(fetcher.customers) == set(codes) and not fetcher.failures
    assert client.calls == codes + ["C001", "C004"]  # the retries after every first answer


def test_a_customer_still_busy_after_its_retry_is_reported_not_raised():
    pool, client = _SteppingPool(), _Customers(down={"C2"})
    fetcher = _fetcher(client, pool, ["C1", "C2"])

    fetcher.wait_all(lambda: None)
    pool.shutdown()

    assert list(fetcher.customers) == ["C1"] and list(fetcher.failures) == ["C2"]
    assert client.calls == ["C1", "C2", "C2"]


def test_cancel_stops_customers_not_yet_fetched_and_they_count_as_finished():
    pool, client = _SteppingPool(), _Customers()
    blocker = threading.Event()
    pool.submit(blocker.wait)  # keeps the worker busy while the customers are cancelled
    fetcher = _fetcher(client, pool, ["C1", "C2"])

    fetcher.cancel()
    blocker.set()
    pool.shutdown()

    assert all(future.cancelled() for future in pool.futures[1:]) and client.calls == []
    assert fetcher.progress(ListingProgress(1, 1, 0, None)).customers_done == 2
