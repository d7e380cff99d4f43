"""Reading an answer's body with two limits: how much it may inflate to, and when it must end.

The body is streamed and decompressed piece by piece (urllib3 inflates at most one piece at a
time), so a small gzip body that inflates to gigabytes stops at the cap instead of filling the
memory, and a body that trickles in stops at the attempt's deadline.
"""

from __future__ import annotations

import requests

from httpretry.deadline import Watchdog

CHUNK_BYTES = 64 * 1024
MB = 1024 * 1024


class AnswerTooLarge(Exception):
    """The decoded body grew past ``limit`` bytes; the rest was not read."""

    def __init__(self, limit: int) -> None:
        super().__init__(f"more than {size_text(limit)}")
        self.limit = limit


class AnswerTooSlow(Exception):
    """The attempt's deadline passed before the body was complete."""


def read_body(response: requests.Response, *, max_bytes: int, watchdog: Watchdog) -> bytes:
    """The whole decoded body of a ``stream=True`` response, within both limits."""
    chunks: list[bytes] = []
    size = 0
    with watchdog.guarding(getattr(response.raw, "shutdown", None)):
        for chunk in response.iter_content(CHUNK_BYTES):
            size += len(chunk)
            if size > max_bytes:
                raise AnswerTooLarge(max_bytes)
            if watchdog.fired:
                raise AnswerTooSlow
            chunks.append(chunk)
        # A body without a length ends when its socket does, the watchdog's cut included.
        if watchdog.fired:
            raise AnswerTooSlow
    return b"".join(chunks)


def size_text(size: int) -> str:
    """A byte count as a person reads it.

    >>> size_text(32 * MB), size_text(64 * 1024), size_text(500)
    ('32 MB', '64 KB', '500 bytes')
    """
    if size >= MB and size % MB == 0:
        return f"{size // MB} MB"
    if size >= 1024:
        return f"{round(size / 1024)} KB"
    return f"{size} bytes"
