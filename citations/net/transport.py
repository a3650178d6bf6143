"""HTTP/1.1 exchanges on the standard library's http.client: kept-alive connections per route,
each opened here, so that the --no-private check and the watchdog hold its socket from the
first byte; TLS against the CA bundle requests uses (certifi's); the environment's proxies (a
CONNECT tunnel for https); cookies kept across a run's hops.

requests still prepares each URL (IDNA, quoting, the password in it) and picks its proxy
(NO_PROXY as it reads it); urllib3's parser tells the host, as `connections.endpoint` vets it.
Neither carries the exchange any more: requests' session and urllib3's pools and response were
half of a link check's CPU, spent on what a checker that reads a bounded prefix of each answer
and follows its own redirects never uses.
"""

from __future__ import annotations

import base64
import http.client
import http.cookiejar
import select
import socket
import ssl
import threading
import time
import urllib.request
from collections import OrderedDict
from collections.abc import Mapping
from dataclasses import dataclass
from pathlib import Path
from urllib.parse import unquote

import certifi
import requests
import urllib3

from .connections import WATCHDOG, Environment, prepared_url, vet
from .errors import ConnectTimeout

# What requests sent with every request; the decoding of both encodings is ours (body.py).
DEFAULT_HEADERS = {"Accept": "*/*", "Accept-Encoding": "gzip, deflate"}
# A connection idle for less than this is taken as still open, without asking the kernel (a
# tenth of a request's CPU): a server rarely closes so soon, and one that did is met by the
# request going again on a new connection (Transport.open).
FRESH = 1.0
# Idle connections kept in all, whatever the number of hosts: with those in use (the run's
# concurrency), well within a process's usual 1,024 open files.
MAX_IDLE = 256


class ProxyUnsupported(ValueError):
    """A proxy other than http:// (SOCKS, or TLS to the proxy itself)."""


@dataclass(frozen=True)
class Route:
    """Where a connection goes, and so which idle connection may serve a request."""

    scheme: str  # "http" or "https"
    host: str  # a name or an IP literal, without brackets
    port: int
    proxy: str = ""  # "http://proxy.example:3128", or "" for none


@dataclass(frozen=True)
class Plan:
    """One request's route, its request-target and the headers its URL and proxy add."""

    route: Route
    target: str  # "/path?query", or the absolute URL for a plain-HTTP proxy
    headers: Mapping[str, str]


@dataclass(frozen=True)
class Timeouts:
    """A new connection's connect timeout, every read's timeout, and the wall-clock bound
    (time.monotonic()) at which the watchdog cuts the exchange."""

    connect: float
    read: float
    until: float


class _Connection(http.client.HTTPConnection):
    """A connection opened only by `open` (never silently again by http.client): the socket is
    vetted (public peers only, unless through a proxy) and watched from its first byte."""

    auto_open = 0
    idle_since = 0.0  # time.monotonic() when it went back to the pool

    def __init__(self, route: Route, timeouts: Timeouts, public_only: bool) -> None:
        host, port = _connect_to(route)
        super().__init__(host, port, timeout=timeouts.connect)
        self._timeouts, self._public_only = timeouts, public_only and not route.proxy
        self._create_connection = self._open_socket

    def _open_socket(
        self, address: tuple[str, int], timeout: float | None, source: object = None
    ) -> socket.socket:
        try:
            sock = socket.create_connection(address, self._timeouts.connect)
        except TimeoutError as exc:
            raise ConnectTimeout(f"no connection to {address[0]} within the timeout") from exc
        if self._public_only:
            vet(self.host, sock)
        WATCHDOG.arm(threading.get_ident(), self._timeouts.until, sock)
        sock.settimeout(self._timeouts.read)
        return sock

    def open(self) -> None:
        self.connect()


class _TlsConnection(_Connection):
    """TLS over `_Connection`'s socket (through the proxy's tunnel, if any). The handshake runs
    after the TLS socket is watched: wrapping detaches the plain socket object the watchdog held."""

    def __init__(
        self, route: Route, timeouts: Timeouts, public_only: bool, context: ssl.SSLContext
    ) -> None:
        super().__init__(route, timeouts, public_only)
        self._context, self._server_name = context, route.host
        self.default_port = 443  # the Host header leaves :443 out, as for https

    def open(self) -> None:
        self.connect()  # the socket, and the CONNECT tunnel through a proxy
        assert self.sock is not None
        tls = self._context.wrap_socket(
            self.sock, server_hostname=self._server_name, do_handshake_on_connect=False
        )
        self.sock = tls
        WATCHDOG.arm(threading.get_ident(), self._timeouts.until, tls)
        tls.do_handshake()


def _connect_to(route: Route) -> tuple[str, int]:
    if not route.proxy:
        return route.host, route.port
    proxy = urllib3.util.parse_url(route.proxy)
    return (proxy.host or "").strip("[]"), proxy.port or 80


class Opened:
    """A response whose headers are in and whose body is the caller's to read; `finish` then
    gives its connection back to the pool, or closes it."""

    def __init__(
        self, response: http.client.HTTPResponse, connection: _Connection, route: Route
    ) -> None:
        self.response, self.connection, self.route = response, connection, route


class IdlePool:
    """Kept-alive connections waiting for their host's next request: at most `per_route` for
    a route, at most MAX_IDLE in all (the least recently used route gives one up first), so
    that a run over thousands of hosts does not hold a socket open for each until its end.
    Thread-safe."""

    def __init__(self, per_route: int) -> None:
        self._per_route = max(1, per_route)
        self._routes: OrderedDict[Route, list[_Connection]] = OrderedDict()
        self._count = 0
        self._lock = threading.Lock()

    def take(self, route: Route) -> _Connection | None:
        """The route's most recently used idle connection, if any."""
        with self._lock:
            idle = self._routes.get(route)
            if not idle:
                return None
            self._count -= 1
            connection = idle.pop()
            if not idle:
                del self._routes[route]
            return connection

    def put(self, route: Route, connection: _Connection) -> list[_Connection]:
        """Keep `connection` for `route`; the connections to close to stay within bounds."""
        with self._lock:
            idle = self._routes.setdefault(route, [])
            self._routes.move_to_end(route)
            if len(idle) >= self._per_route:
                return [connection]
            idle.append(connection)
            self._count += 1
            surplus = []
            while self._count > MAX_IDLE:
                oldest, connections = next(iter(self._routes.items()))
                surplus.append(connections.pop(0))
                self._count -= 1
                if not connections:
                    del self._routes[oldest]
            return surplus

    def clear(self) -> list[_Connection]:
        with self._lock:
            routes, self._routes, self._count = self._routes, OrderedDict(), 0
        return [connection for idle in routes.values() for connection in idle]


class Transport:
    """Idle connections kept per route (at most `per_route` each), TLS contexts, proxies and
    the cookie jar of one client. Thread-safe: a connection serves one exchange at a time."""

    def __init__(
        self,
        environment: Environment,
        verify: bool | str,
        per_route: int,
        public_only: bool,
        extra_ca: str | None = None,
    ) -> None:
        self._environment, self._verify, self._extra_ca = environment, verify, extra_ca
        self._public_only = public_only
        self._idle = IdlePool(per_route)
        self._contexts: dict[bool | str, ssl.SSLContext] = {}
        self._lock = threading.Lock()
        self.cookies = http.cookiejar.CookieJar()

    def open(self, method: str, url: str, headers: Mapping[str, str], timeouts: Timeouts) -> Opened:
        """Send the request and read the answer's status and headers. A kept-alive connection
        that the server closed meanwhile is replaced once by a new one."""
        plan = self.plan(url)
        sent = _merge(DEFAULT_HEADERS, plan.headers, headers)
        if len(self.cookies):  # (matching costs: only where some server set one)
            sent.update(self._cookie_header(url))
        for fresh in (False, True):
            connection = None if fresh else self._take(plan.route, timeouts)
            reused = connection is not None
            if connection is None:
                connection = self._new(plan.route, timeouts)
            try:
                connection.request(method, plan.target, headers=sent)
                response = connection.getresponse()
            except (ConnectionError, http.client.BadStatusLine) as exc:
                connection.close()
                if reused and method in ("GET", "HEAD") and _before_any_answer(exc):
                    continue
                raise
            except BaseException:
                connection.close()
                raise
            if "set-cookie" in response.msg:
                self.cookies.extract_cookies(response, urllib.request.Request(url))
            return Opened(response, connection, plan.route)
        raise AssertionError("unreachable: the second attempt returns or raises")

    def finish(self, opened: Opened) -> None:
        """The exchange is over: a connection whose answer was read to its end and that stays
        open goes back to the pool; any other is closed."""
        connection, response = opened.connection, opened.response
        if connection.sock is None or not response.isclosed():
            response.close()
            connection.close()
            return
        connection.idle_since = time.monotonic()
        for surplus in self._idle.put(opened.route, connection):
            surplus.close()

    def close(self) -> None:
        for connection in self._idle.clear():
            connection.close()

    def plan(self, url: str) -> Plan:
        """Where `url` is requested, as requests would: its URL prepared (IDNA, quoting), its
        password sent as Basic credentials, its proxy picked from the environment."""
        parts = prepared_url(url)
        scheme = (parts.scheme or "http").lower()
        host = (parts.host or "").strip("[]")
        port = parts.port or (443 if scheme == "https" else 80)
        headers: dict[str, str] = {}
        if parts.auth:
            headers["Authorization"] = _basic(parts.auth)
        proxy = self._proxy(url)
        if not proxy:
            return Plan(Route(scheme, host, port), parts.request_uri, headers)
        route = Route(scheme, host, port, proxy)
        if scheme == "https":  # a tunnel: only CONNECT carries the proxy's credentials (`_new`)
            return Plan(route, parts.request_uri, headers)
        headers.update(_proxy_credentials(proxy))
        absolute = parts._replace(auth=None, fragment=None).url
        return Plan(route, absolute, headers)

    def _proxy(self, url: str) -> str:
        proxies = self._environment.proxies(url)
        proxy = requests.utils.select_proxy(url, proxies) if proxies else None
        if not proxy:
            return ""
        proxy = requests.utils.prepend_scheme_if_needed(proxy, "http")
        if not proxy.lower().startswith("http://"):
            raise ProxyUnsupported(f"only http:// proxies are supported, not {proxy.split(':')[0]}")
        return proxy

    def _take(self, route: Route, timeouts: Timeouts) -> _Connection | None:
        """An idle connection to `route` that the server has not closed meanwhile, made ready
        for this exchange's timeouts and watched."""
        while True:
            connection = self._idle.take(route)
            if connection is None:
                return None
            sock = connection.sock
            fresh = time.monotonic() - connection.idle_since < FRESH
            if sock is None or (not fresh and _dropped(sock)):
                connection.close()
                continue
            connection._timeouts = timeouts
            sock.settimeout(timeouts.read)
            WATCHDOG.arm(threading.get_ident(), timeouts.until, sock)
            return connection

    def _new(self, route: Route, timeouts: Timeouts) -> _Connection:
        connection: _Connection
        if route.scheme == "https":
            context = self._context(self._environment.verify(self._verify, "https:"))
            connection = _TlsConnection(route, timeouts, self._public_only, context)
        else:
            connection = _Connection(route, timeouts, self._public_only)
        if route.proxy and route.scheme == "https":
            connection.set_tunnel(route.host, route.port, _proxy_credentials(route.proxy))
        try:
            connection.open()
        except BaseException:
            connection.close()
            raise
        return connection

    def _context(self, verify: bool | str) -> ssl.SSLContext:
        with self._lock:
            context = self._contexts.get(verify)
            if context is None:
                context = self._contexts[verify] = tls_context(verify, self._extra_ca)
            return context

    def _cookie_header(self, url: str) -> dict[str, str]:
        request = urllib.request.Request(url)
        self.cookies.add_cookie_header(request)
        cookie = request.get_header("Cookie")
        return {"Cookie": cookie} if cookie else {}


def tls_context(verify: bool | str, extra_ca: str | None = None) -> ssl.SSLContext:
    """What requests verifies against: its CA bundle (certifi's), or a bundle or folder named
    by `verify` instead, or nothing at all when `verify` is False; and the certificates in
    `extra_ca` as well (links --ca-bundle: a private CA beside the public ones)."""
    context = ssl.SSLContext(ssl.PROTOCOL_TLS_CLIENT)  # host names checked, certificates required
    context.minimum_version = ssl.TLSVersion.TLSv1_2
    context.set_alpn_protocols(["http/1.1"])
    if verify is False:
        context.check_hostname = False
        context.verify_mode = ssl.CERT_NONE
        return context
    for where in (certifi.where() if verify is True else str(verify), extra_ca):
        if where and Path(where).is_dir():
            context.load_verify_locations(capath=where)
        elif where:
            context.load_verify_locations(cafile=where)
    return context


def _merge(*layers: Mapping[str, str]) -> dict[str, str]:
    """Headers from each layer over the one before, names compared without case."""
    merged: dict[str, tuple[str, str]] = {}
    for layer in layers:
        for name, value in layer.items():
            merged[name.lower()] = (name, value)
    return dict(merged.values())


def _proxy_credentials(proxy: str) -> dict[str, str]:
    """The Proxy-Authorization header a proxy's URL (`http://user:password@host:port`) asks
    for: on each request to a plain-HTTP proxy, on CONNECT only for a tunnel."""
    auth = urllib3.util.parse_url(proxy).auth
    return {"Proxy-Authorization": _basic(auth)} if auth else {}


def _basic(auth: str) -> str:
    """Basic credentials from a URL's `user:password`, percent-decoded (as requests sends them)."""
    user, _, password = auth.partition(":")
    raw = f"{unquote(user)}:{unquote(password)}"
    try:
        encoded = raw.encode("latin-1")
    except UnicodeEncodeError:
        encoded = raw.encode("utf-8")
    return "Basic " + base64.b64encode(encoded).decode("ascii")


def _dropped(sock: socket.socket) -> bool:
    """Whether an idle kept-alive connection was closed by its server (it would read at once:
    the end of the stream, or bytes nobody asked for)."""
    poller = select.poll()
    poller.register(sock, select.POLLIN)
    return bool(poller.poll(0))


def _before_any_answer(exc: BaseException) -> bool:
    """A failure of a reused connection before a byte of the answer: the server had closed it
    while it was idle, and the request may go again on a new connection."""
    return isinstance(
        exc,
        http.client.RemoteDisconnected | BrokenPipeError | ConnectionResetError,
    )
