"""requests' sessions with connections we can see: a watchdog that cuts an exchange at its
wall-clock bound, whatever the server trickles."""

from __future__ import annotations

import contextlib
import socket
import threading
import time
from typing import TYPE_CHECKING, Any

import requests
import urllib3
from requests.adapters import HTTPAdapter
from urllib3.connection import HTTPConnection, HTTPSConnection
from urllib3.connectionpool import HTTPConnectionPool, HTTPSConnectionPool
from urllib3.response import HTTPResponse

if TYPE_CHECKING:
    from .http import HttpConfig

POOLED_HOSTS = 1024  # hosts whose idle connections are kept for reuse


class _Watchdog:
    """Shuts a socket down when its exchange's wall-clock bound passes, waking a blocked read."""

    def __init__(self) -> None:
        self._cond = threading.Condition()
        self._armed: dict[int, tuple[float, socket.socket]] = {}
        self._fired: set[int] = set()
        self._thread: threading.Thread | None = None

    def arm(self, token: int, until: float, sock: socket.socket) -> None:
        with self._cond:
            self._armed[token] = (until, sock)
            if self._thread is None:
                self._thread = threading.Thread(target=self._run, name="http-watchdog", daemon=True)
                self._thread.start()
            self._cond.notify()

    def disarm(self, token: int) -> bool:
        """Stop watching; True if the bound had passed and the socket was shut down."""
        with self._cond:
            self._armed.pop(token, None)
            fired = token in self._fired
            self._fired.discard(token)
            return fired

    def fired(self, token: int) -> bool:
        with self._cond:
            return token in self._fired

    def _run(self) -> None:
        with self._cond:
            while True:
                now = time.monotonic()
                for token, (until, sock) in list(self._armed.items()):
                    if until <= now:
                        del self._armed[token]
                        self._fired.add(token)
                        # socket.socket's own shutdown: SSLSocket's would drop its state under
                        # the reading thread; this only ends the connection, which wakes it.
                        with contextlib.suppress(OSError):
                            socket.socket.shutdown(sock, socket.SHUT_RDWR)
                soonest = min((until for until, _ in self._armed.values()), default=None)
                self._cond.wait(None if soonest is None else max(0.0, soonest - now))


WATCHDOG = _Watchdog()
bound = threading.local()  # the wall-clock bound of the exchange this thread is making


def _watch(sock: Any) -> None:
    until = getattr(bound, "until", None)
    if until is not None and isinstance(sock, socket.socket):
        WATCHDOG.arm(threading.get_ident(), until, sock)


class _WatchedHTTPConnection(HTTPConnection):
    def getresponse(self) -> HTTPResponse:  # type: ignore[override]
        _watch(self.sock)
        return super().getresponse()


class _WatchedHTTPSConnection(HTTPSConnection):
    def getresponse(self) -> HTTPResponse:  # type: ignore[override]
        _watch(self.sock)
        return super().getresponse()


class _HTTPPool(HTTPConnectionPool):
    ConnectionCls = _WatchedHTTPConnection


class _HTTPSPool(HTTPSConnectionPool):
    ConnectionCls = _WatchedHTTPSConnection


_POOLS: dict[str, type[HTTPConnectionPool]] = {"http": _HTTPPool, "https": _HTTPSPool}


class _Adapter(HTTPAdapter):
    """requests' adapter with connections the watchdog can see."""

    def init_poolmanager(
        self, connections: int, maxsize: int, block: bool = False, **pool_kwargs: Any
    ) -> None:
        super().init_poolmanager(connections, maxsize, block, **pool_kwargs)
        self.poolmanager.pool_classes_by_scheme = dict(_POOLS)

    def proxy_manager_for(self, proxy: str, **proxy_kwargs: Any) -> Any:
        manager = super().proxy_manager_for(proxy, **proxy_kwargs)
        if isinstance(manager, urllib3.ProxyManager):  # SOCKS managers keep their own pools
            manager.pool_classes_by_scheme = dict(_POOLS)
        return manager


def make_session(config: HttpConfig) -> requests.Session:
    """A session whose connection pool fits the concurrency; retries are ours, not urllib3's."""
    session = requests.Session()
    size = max(config.concurrency, config.per_host, 1)
    # pool_connections is how many hosts keep their connections: a run visits hosts round
    # robin, so with fewer pools than hosts almost every pool is evicted before its reuse and
    # each request opens a new connection (2,000 for 4,500 requests on 40 hosts).
    adapter = _Adapter(pool_connections=POOLED_HOSTS, pool_maxsize=size, max_retries=0)
    session.mount("http://", adapter)
    session.mount("https://", adapter)
    session.headers["User-Agent"] = config.user_agent
    return session
