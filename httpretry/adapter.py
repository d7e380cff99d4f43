"""A ``requests`` session whose connections answer to the attempt's watchdog while they wait
for a status line and headers.

The transport guards the body itself (``response.raw.shutdown``), but before ``requests``
returns a response there is no handle on the socket: a server that trickles its headers one
byte at a time would hold the attempt for ever. The connections made here register their
socket with the running ``Watchdog`` for exactly that wait.
"""

from __future__ import annotations

import functools
import os
import socket
from typing import Any

import requests
from requests.adapters import HTTPAdapter
from requests.utils import get_environ_proxies

from httpretry.deadline import current_watchdog


def new_session(*, base_url: str, pool_maxsize: int = 10) -> requests.Session:
    """A session for one API client at ``base_url``: a pool of ``pool_maxsize`` connections
    per host, and what ``requests`` would read from the environment read once, here.

    With ``trust_env`` on, ``requests`` looks up the proxy settings and ~/.netrc again on
    every request. The proxies (HTTPS_PROXY, NO_PROXY, …) for ``base_url`` and the CA bundle
    (REQUESTS_CA_BUNDLE, CURL_CA_BUNDLE) are read now instead; netrc is not read at all, since
    every credential these APIs take travels in a header the client sets.
    """
    session = requests.Session()
    session.trust_env = False
    session.proxies = get_environ_proxies(base_url)
    session.verify = _ca_bundle() or True
    adapter = DeadlineAdapter(pool_connections=2, pool_maxsize=pool_maxsize)
    session.mount("http://", adapter)
    session.mount("https://", adapter)
    return session


def _ca_bundle() -> str | None:
    """The CA bundle the environment names, read as ``requests`` reads it with ``trust_env``."""
    return os.environ.get("REQUESTS_CA_BUNDLE") or os.environ.get("CURL_CA_BUNDLE")


class DeadlineAdapter(HTTPAdapter):
    """An ``HTTPAdapter`` whose connections can be cut off while reading the headers."""

    def get_connection_with_tls_context(self, *args: Any, **kwargs: Any) -> Any:
        pool = super().get_connection_with_tls_context(*args, **kwargs)
        pool.ConnectionCls = _guarded(pool.ConnectionCls)
        return pool


class _GuardedHeaders:
    """Mixed into a urllib3 connection class: the wait for the headers is guarded."""

    sock: socket.socket | None

    def getresponse(self, *args: Any, **kwargs: Any) -> Any:
        watchdog = current_watchdog()
        if watchdog is None:
            return super().getresponse(*args, **kwargs)  # type: ignore[misc]
        with watchdog.guarding(self._stop_reading):
            return super().getresponse(*args, **kwargs)  # type: ignore[misc]

    def _stop_reading(self) -> None:
        # What urllib3's HTTPResponse.shutdown does for a body: the blocked read sees the end.
        if self.sock is not None:
            self.sock.shutdown(socket.SHUT_RD)


@functools.cache
def _guarded(connection_class: type) -> type:
    if issubclass(connection_class, _GuardedHeaders):
        return connection_class
    name = f"Guarded{connection_class.__name__}"
    return type(name, (_GuardedHeaders, connection_class), {})
