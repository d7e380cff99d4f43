"""An HTTP answer as both APIs are read: status, address, and the body decoded as JSON with
exact decimals, or kept as a short excerpt when it is not JSON."""

from __future__ import annotations

from dataclasses import dataclass, field
from typing import Any

import requests

from httpretry.policy import retry_after_seconds
from jsonwire.encoding import loads

EXCERPT_BYTES = 300  # enough of an HTML error page to recognise it in an error report


@dataclass(frozen=True)
class Answer:
    status: int
    payload: Any  # decoded JSON (fractions as Decimal); None for an empty or non-JSON body
    url: str
    body_is_json: bool = True
    text_excerpt: str = ""  # the start of a body that is not JSON (for error reports)
    retry_after: float | None = None  # seconds the server's Retry-After asked for, if any
    # The raw body and its declared type, for answers that are files (an invoice PDF).
    content: bytes = field(default=b"", repr=False)
    content_type: str = ""

    @property
    def ok(self) -> bool:
        return 200 <= self.status < 300

    @classmethod
    def of(cls, response: requests.Response, url: str, body: bytes | None = None) -> Answer:
        """Read ``response`` to the request for ``url``; ``body`` is its content when it was
        read already (streamed within limits), else ``response.content`` is read.

        >>> response = requests.Response()
        >>> response.status_code, response._content = 200, b'{"amount": 12.50}'
        >>> Answer.of(response, "https://api.test/x").payload
        {'amount': Decimal('12.50')}
        >>> response._content = b"<html>down</html>"
        >>> answer = Answer.of(response, "https://api.test/x")
        >>> answer.body_is_json, answer.payload, answer.text_excerpt
        (False, None, '<html>down</html>')
        """
        retry_after = retry_after_seconds(response.headers.get("Retry-After"))
        where = response.url or url
        content = response.content if body is None else body
        raw = {"content": content or b"", "content_type": response.headers.get("Content-Type", "")}
        if not content or not content.strip():
            return cls(response.status_code, None, where, retry_after=retry_after, **raw)
        try:
            # Money must never pass through float.
            payload = loads(content)
        except ValueError:  # UnicodeDecodeError included
            excerpt = content[:EXCERPT_BYTES].decode("utf-8", "replace")
            return cls(
                response.status_code,
                None,
                where,
                body_is_json=False,
                text_excerpt=excerpt,
                retry_after=retry_after,
                **raw,
            )
        return cls(response.status_code, payload, where, retry_after=retry_after, **raw)
