"""What every connection is held to (transport.py opens them): a watchdog that cuts an
exchange at its wall-clock bound, whatever the server trickles, and, for untrusted content,
a refusal of any connection whose peer is not a public address; the environment's proxies and
CA bundle, read once.

The address is checked on the connected socket, not on a lookup made beforehand: a name
that resolves to a public address for the check and to 127.0.0.1 for the connection (DNS
rebinding) is refused all the same. Through a proxy the peer is the proxy, which is trusted;
there the check made before the request is all there is, so it must vet the host the
transport will ask the proxy for (as urllib3's parser reads it): `endpoint` tells that host,
or why it is ambiguous (the standard library's `urlsplit` reads
`http://127.0.0.1:80\\@pub.example/` as pub.example, urllib3 as 127.0.0.1). A name that the
proxy resolves otherwise than we did is beyond our sight.
"""

from __future__ import annotations

import contextlib
import ipaddress
import os
import re
import socket
import threading
import time
import urllib.request
from dataclasses import dataclass
from urllib.parse import urlsplit

import requests
import urllib3

# White space, C0 and C1 controls, DEL: no parser agrees with another on what these mean.
_UNSAFE = re.compile(r"[\s\x00-\x1f\x7f-\x9f]")
# An IPv4 address in a form other than four decimal parts (`127.1`, `0x7f.1`, `2130706433`):
# resolvers read it as an address, and not all in the same way.
_NUMERIC_HOST = re.compile(r"(?i)(?:0x[0-9a-f]*|\d+)(?:\.(?:0x[0-9a-f]*|\d+)){0,3}\.?")


_IDLE_EXIT = 0.1  # seconds the watchdog thread waits with nothing armed before it ends


class _Watchdog:
    """Shuts a socket down when its exchange's wall-clock bound passes, waking a blocked read."""

    def __init__(self) -> None:
        self._cond = threading.Condition()
        self._armed: dict[int, tuple[float, socket.socket]] = {}
        self._fired: set[int] = set()
        self._thread: threading.Thread | None = None
        self._wakes_at = float("inf")  # when the watchdog next looks, unless woken sooner

    def arm(self, token: int, until: float, sock: socket.socket) -> None:
        with self._cond:
            self._armed[token] = (until, sock)
            if self._thread is None:
                self._thread = threading.Thread(target=self._run, name="http-watchdog", daemon=True)
                self._thread.start()
            # Woken only for a bound sooner than its next look: exchanges share one bound, so
            # a wake per request (and a scan of all under way) held this lock from every worker.
            if until < self._wakes_at:
                self._wakes_at = until
                self._cond.notify()

    def disarm(self, token: int) -> bool:
        """Stop watching; True if the bound had passed and the socket was shut down."""
        with self._cond:
            self._armed.pop(token, None)
            if not self._armed and self._thread is not None:
                self._cond.notify()  # the last one: the watchdog may go idle, then end
            fired = token in self._fired
            self._fired.discard(token)
            return fired

    def fired(self, token: int) -> bool:
        with self._cond:
            return token in self._fired

    def _run(self) -> None:
        with self._cond:
            while True:
                if not self._armed:
                    # Nothing to watch for a while: the thread ends (the next arm starts
                    # another), so a process that is done with the network has no thread
                    # left that a later fork() would copy mid-lock.
                    self._wakes_at = float("inf")
                    self._cond.wait(_IDLE_EXIT)
                    if not self._armed:
                        self._thread = None
                        return
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
                if soonest is not None:
                    self._wakes_at = soonest
                    self._cond.wait(max(0.0, soonest - now))


WATCHDOG = _Watchdog()


@dataclass(frozen=True)
class Endpoint:
    """The host (an IP literal without brackets, or a name) and port a request connects to."""

    host: str
    port: int


def prepared_url(url: str) -> urllib3.util.Url:
    """`url` as the transport requests it: prepared by requests (IDNA, quoting), then read by
    urllib3's parser (scheme, credentials, host, port, request target). `endpoint` vets the
    same reading, so the host checked is the host connected to."""
    prepared = requests.models.PreparedRequest()
    prepared.prepare_url(url, None)
    return urllib3.util.parse_url(prepared.url or "")


def endpoint(url: str) -> Endpoint | str:
    """Where the transport will connect for `url`; or why that cannot be told for sure (a
    string): a host the standard library's parser and `prepared_url` read differently, white
    space or control characters, a backslash in the authority, an IPv4 address in an unusual
    form."""
    if _UNSAFE.search(url):
        return "white space or control characters in the URL"
    try:
        ours = urlsplit(url)
        our_port = ours.port
        theirs = prepared_url(url)
    except (ValueError, requests.exceptions.RequestException, urllib3.exceptions.HTTPError):
        return "a URL that cannot be parsed"
    host = (theirs.host or "").strip("[]").lower()
    expected = _idna((ours.hostname or "").lower())
    if not host or host != expected or (our_port is not None and our_port != theirs.port):
        shown = theirs.host or "no host"
        return f"read as {ours.hostname or 'no host'} by one parser, {shown} by another"
    if "\\" in ours.netloc:
        return "a backslash in the host part"
    if _NUMERIC_HOST.fullmatch(host) and not _is_ip(host):
        return f"{host} is an IPv4 address in an unusual form"
    scheme = (theirs.scheme or "").lower()
    return Endpoint(host, theirs.port or (443 if scheme == "https" else 80))


def _idna(host: str) -> str:
    if host.isascii():
        return host
    try:
        return host.encode("idna").decode("ascii")
    except UnicodeError:
        return host


def _is_ip(host: str) -> bool:
    try:
        ipaddress.ip_address(host.split("%", 1)[0])
    except ValueError:
        return False
    return True


class PrivateAddressError(ConnectionError):
    """A connection reached a loopback, private, link-local or multicast address while only
    public ones were allowed."""


def is_public(address: str) -> bool:
    """A globally routable unicast address (an IPv4-mapped IPv6 address as its IPv4)."""
    ip = ipaddress.ip_address(address.split("%", 1)[0])
    if isinstance(ip, ipaddress.IPv6Address) and ip.ipv4_mapped is not None:
        ip = ip.ipv4_mapped
    return ip.is_global and not ip.is_multicast


def vet(host: str, sock: socket.socket) -> None:
    """Refuse (close, raise) a new connection to `host` whose peer is not a public address."""
    address = str(sock.getpeername()[0])
    if not is_public(address):
        sock.close()
        raise PrivateAddressError(f"{host} is {address} (--no-private)")


@dataclass(frozen=True)
class Environment:
    """What requests would read from the environment for every request, read once: the
    proxies (HTTP_PROXY, NO_PROXY...) and a CA bundle (REQUESTS_CA_BUNDLE, CURL_CA_BUNDLE).

    Reading them per request scanned the whole environment twice and looked for ~/.netrc
    three times: a third of a link check's CPU. ~/.netrc is not read at all: its passwords
    are not for hosts named in files we did not write.
    """

    proxied: bool
    ca_bundle: str | None

    @classmethod
    def read(cls) -> Environment:
        bundle = os.environ.get("REQUESTS_CA_BUNDLE") or os.environ.get("CURL_CA_BUNDLE")
        # NO_PROXY alone names no proxy (CI machines often set it): nothing to look up per URL.
        proxied = any(scheme != "no" for scheme in urllib.request.getproxies())
        return cls(proxied, bundle or None)

    def proxies(self, url: str) -> dict[str, str]:
        """The proxies for `url`, as requests picks them (NO_PROXY, CIDR ranges included)."""
        if not self.proxied:
            return {}
        return dict(requests.utils.get_environ_proxies(url))

    def verify(self, verify: bool | str, url: str) -> bool | str:
        """What requests' `verify` is for `url`: the CA bundle only where there is TLS (for a
        path, requests looks on disk at every request whether it is a folder)."""
        if url[:6].lower() != "https:":
            return True
        return self.ca_bundle if verify is True and self.ca_bundle else verify
