"""Collect every row of an offset-paged KashFlow list, however the server misbehaves.

KashFlow's paging is not snapshot-consistent: rows can slip between pages during a run, page
sizes are capped without notice, ``NextPageUrl`` is sometimes missing, and some lists come back
as a bare array instead of the ``{"MetaData", "Data"}`` envelope. So: sort by a unique key,
dedupe by it, trust ``TotalRecords`` over page lengths, stop on an empty page or one that brings
nothing new, and page again when a pass comes up short.
"""

from __future__ import annotations

import logging
import math
from collections.abc import Callable, Iterable, Mapping
from concurrent.futures import Future, as_completed
from dataclasses import dataclass
from typing import Any

from jsonwire.fields import Fields
from kashflow.errors import UnexpectedResponse

log = logging.getLogger(__name__)

# Far more pages than any KashFlow account has; only guards against a server that never ends.
MAX_PAGES = 10_000


@dataclass(frozen=True)
class Page:
    number: int
    rows: tuple[Mapping[str, Any], ...]
    total_records: int | None = None
    # From NextPageUrl: True/False when the server said, None when it did not.
    has_next: bool | None = None


@dataclass(frozen=True)
class ListingProgress:
    pages_fetched: int
    pages_expected: int | None
    rows: int
    total_records: int | None


def read_page(payload: Any, number: int, url: str = "") -> Page:
    """Read one page in either shape KashFlow uses.

    >>> payload = {"MetaData": {"TotalRecords": 3, "NextPageUrl": None}, "Data": [{"Number": 1}]}
    >>> read_page(payload, 1)
    Page(number=1, rows=({'Number': 1},), total_records=3, has_next=False)
    >>> read_page([{"Number": 1}], 1).total_records is None
    True
    """
    if isinstance(payload, list):
        return Page(number, _objects(payload))
    if not isinstance(payload, Mapping):
        raise UnexpectedResponse(url=url)
    fields = Fields(payload)
    data = fields.get("Data")
    if data is None and not fields.get("MetaData"):
        raise UnexpectedResponse(url=url)
    if not isinstance(data, list | type(None)):
        raise UnexpectedResponse(url=url)
    meta = Fields(fields.get("MetaData"))
    total = meta.decimal("TotalRecords")
    has_next: bool | None = None
    if meta.get("NextPageUrl") is not None:
        has_next = bool(meta.text("NextPageUrl"))
    elif any(key.lower() == "nextpageurl" for key in _keys(fields.get("MetaData"))):
        has_next = False  # present and null: the last page
    return Page(
        number,
        _objects(data or []),
        int(total) if total is not None and total >= 0 else None,
        has_next,
    )


class PagedListing:
    """Fetch every page of one list and keep each row once, keyed by ``key``.

    ``submit`` (an executor's ``submit``) lets pages whose numbers are known in advance be
    fetched concurrently; without it, pages are fetched one after another. ``parse`` turns
    each row into what is kept, once, as it arrives (rows and ``on_rows`` get its results).
    """

    def __init__(
        self,
        fetch: Callable[[int], Page],
        *,
        per_page: int,
        key: Callable[[Mapping[str, Any]], str],
        submit: Callable[..., Future] | None = None,
        max_passes: int = 3,
        parse: Callable[[Mapping[str, Any]], Any] = lambda row: row,
    ) -> None:
        self._fetch = fetch
        self._parse = parse
        self._per_page = per_page
        self._key = key
        self._submit = submit
        self._max_passes = max_passes
        self._rows: dict[str, Any] = {}  # key → the parsed row
        self._on_rows: Callable[[list[Any], ListingProgress], None] | None = None
        self.total_records: int | None = None
        self.pages_fetched = 0
        self.pages_expected: int | None = None
        self.rows_without_key = 0
        self.passes = 0
        self._pass_start = 0  # pages fetched before the current pass began

    @property
    def complete(self) -> bool:
        """False when, after every pass, fewer rows arrived than TotalRecords promised."""
        return self.total_records is None or len(self._rows) >= self.total_records

    def run(self, on_rows: Callable[[list[Any], ListingProgress], None] | None = None) -> list[Any]:
        """All rows, each once. ``on_rows`` receives each page's new rows as it arrives."""
        self._on_rows = on_rows
        while self.passes < self._max_passes:
            self.passes += 1
            self._one_pass()
            if self.complete:
                break
            log.info(
                "KashFlow listing pass %d returned %d of %d rows; paging again",
                self.passes,
                len(self._rows),
                self.total_records,
            )
        if not self.complete:
            log.warning(
                "KashFlow listing still short after %d passes: %d of %d rows",
                self.passes,
                len(self._rows),
                self.total_records,
            )
        return list(self._rows.values())

    def _one_pass(self) -> None:
        self._pass_start = self.pages_fetched
        first = self._take(self._fetch(1))
        if not first.rows:
            return
        page_size = len(first.rows)  # the server's real size, even when it capped ours
        previous, next_number = first, 2
        if first.total_records is not None:
            last = max(1, math.ceil(first.total_records / page_size))
            self._expect(last)
            previous = self._fetch_known_pages(range(2, last + 1)) or first
            next_number = last + 1
        # Past the pages TotalRecords implies: only while the server says there may be more,
        # and only while pages bring rows not seen before. A server that ignores ``page`` (and
        # sends no TotalRecords) answers every page with the same rows: that ends it.
        while not self._finished(previous) and next_number <= MAX_PAGES:
            self._expect(next_number)
            rows_before = len(self._rows)
            previous = self._take(self._fetch(next_number))
            if len(self._rows) == rows_before:
                if previous.rows:
                    log.warning(
                        "KashFlow page %d brought no invoice not seen before; stopping",
                        next_number,
                    )
                break
            next_number += 1

    def _fetch_known_pages(self, numbers: Iterable[int]) -> Page | None:
        numbers = list(numbers)
        if not numbers:
            return None
        if self._submit is None:
            pages = [self._take(self._fetch(number)) for number in numbers]
        else:
            futures = [self._submit(self._fetch, number) for number in numbers]
            pages = []
            try:
                for future in as_completed(futures):
                    pages.append(self._take(future.result()))
            finally:
                for future in futures:
                    future.cancel()
        return max(pages, key=lambda page: page.number)

    def _finished(self, page: Page) -> bool:
        if not page.rows:
            return True
        if self.total_records is not None and len(self._rows) >= self.total_records:
            return True
        return page.has_next is False and len(page.rows) < self._per_page

    def _expect(self, last_page_of_pass: int) -> None:
        self.pages_expected = self._pass_start + last_page_of_pass

    def _take(self, page: Page) -> Page:
        self.pages_fetched += 1
        if page.total_records is not None:
            self.total_records = page.total_records
        fresh = []
        for row in page.rows:
            key = self._key(row)
            if not key:
                if self.passes == 1:
                    self.rows_without_key += 1
                continue
            parsed = self._parse(row)
            if key not in self._rows:
                fresh.append(parsed)
            self._rows[key] = parsed  # keep the newest copy of a row seen twice
        if self._on_rows is not None:
            progress = ListingProgress(
                self.pages_fetched,
                max(self.pages_expected or 0, self.pages_fetched),
                len(self._rows),
                self.total_records,
            )
            self._on_rows(fresh, progress)
        return page


def _objects(values: list[Any]) -> tuple[Mapping[str, Any], ...]:
    return tuple(value for value in values if isinstance(value, Mapping))


def _keys(value: Any) -> Iterable[str]:
    return [str(key) for key in value] if isinstance(value, Mapping) else []
