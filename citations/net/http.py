"""The one network layer: kept-alive connections, timeouts, bounded reads, retries, per-host
limits."""

from __future__ import annotations

import contextlib
import ipaddress
import threading
import time
from collections.abc import Callable, Mapping
from dataclasses import dataclass
from typing import TYPE_CHECKING, TypeAlias
from urllib.parse import urlsplit

from .body import Body, lowered_headers
from .connections import WATCHDOG, Environment
from .errors import NetError, describe_error
from .retry import default_retry as default_retry  # re-exported: callers' name for it
from .retry import parse_retry_after as parse_retry_after
from .retry import plan_retry
from .settings import HttpConfig
from .transport import Opened, Timeouts, Transport

if TYPE_CHECKING:
    # How much of a body to read: a number, or one decided from the status and headers.
    BodyLimit: TypeAlias = int | Callable[[int, Mapping[str, str]], int]

# A whole exchange (headers and the bounded body) may last the connect timeout plus this many
# read timeouts: a server trickling one byte at a time resets a read timeout on every byte.
WALL_FACTOR = 2.0
CHUNK = 16384
# A body's rest up to this size is read and dropped, so that its connection serves the host's
# next request: cheaper than a new connection (and TLS handshake). Past it, the connection
# is closed instead.
DRAIN_MAX = 65536
DNS_ERRORS = frozenset({"dns-nxdomain", "dns-temporary", "dns"})
# Failures that come after a host name was resolved to an address: the resolver worked.
_RESOLVED_ERRORS = frozenset({"refused", "reset", "read-timeout", "private"})


@dataclass
class Response:
    """A status, lower-cased headers and at most `max_body` bytes of the body, as a value."""

    url: str
    status: int
    reason: str
    headers: dict[str, str]
    body: bytes = b""
    truncated: bool = False  # the body went on beyond what was read
    body_error: str = ""  # why the body stopped early (a stall, a reset), if it did
    elapsed: float = 0.0


@dataclass
class Exchange:
    """One request after its retries: the last response or error and how it went."""

    response: Response | None = None
    error: NetError | None = None
    attempts: int = 0
    rate_limited: bool = False  # a 429/503 asked us to wait, and we did
    gave_up: str = ""  # why retrying stopped before the attempts ran out


@dataclass
class _Host:
    slots: threading.BoundedSemaphore
    interval: float
    next_at: float = 0.0


class HostLimiter:
    """At most n requests in flight per host, started `interval` apart; a 429/503 widens it."""

    def __init__(self, config: HttpConfig) -> None:
        self._config = config
        self._lock = threading.Lock()
        self._hosts: dict[str, _Host] = {}

    def _host(self, host: str) -> _Host:
        with self._lock:
            if host not in self._hosts:
                n, gap = self._config.host_limits.get(
                    host, (self._config.per_host, self._config.host_interval)
                )
                self._hosts[host] = _Host(threading.BoundedSemaphore(max(1, n)), max(0.0, gap))
            return self._hosts[host]

    def acquire(self, host: str, until: float | None = None) -> bool:
        """Wait for a slot and the host's next start; False if that is past `until`."""
        state = self._host(host)
        wait = None if until is None else until - time.monotonic()
        if (wait is not None and wait <= 0) or not state.slots.acquire(timeout=wait):
            return False
        with self._lock:
            now = time.monotonic()
            start = max(now, state.next_at)
            state.next_at = start + state.interval
        if until is not None and start > until:
            state.slots.release()
            return False
        if start > now:
            time.sleep(start - now)
        return True

    def release(self, host: str) -> None:
        self._host(host).slots.release()

    def recovered(self, host: str) -> None:
        """A good answer: halve a gap that 429/503 widened, back down to the configured one."""
        state = self._host(host)
        base = self._config.host_limits.get(host, (0, self._config.host_interval))[1]
        with self._lock:
            if state.interval > base:
                state.interval = max(base, state.interval / 2)

    def slow_down(self, host: str, pause: float) -> None:
        """Nothing more to `host` for `pause` seconds, and a wider gap from then on (bounded)."""
        state = self._host(host)
        with self._lock:
            state.next_at = max(state.next_at, time.monotonic() + pause)
            widened = max(state.interval * 2, self._config.backoff)
            state.interval = min(self._config.backoff_max, widened)


class Client:
    """Requests through one transport (kept-alive connections), with retries, per-host limits
    and a run deadline.

    `deadline` is a time.monotonic() value: nothing starts after it, and an exchange under way
    is cut there. Thread-safe: workers share one client.
    """

    def __init__(self, config: HttpConfig, deadline: float | None = None) -> None:
        self.config = config
        self.deadline = deadline
        self.environment = Environment.read()
        # No host has more connections at once than its limit: its pool need keep no more.
        per_route = max(config.per_host, *(n for n, _ in config.host_limits.values()), 1)
        self.transport = Transport(
            self.environment, config.verify, per_route, config.public_only, config.extra_ca
        )
        self.limiter = HostLimiter(config)
        self._resolved: set[str] = set()
        self._noted: set[str] = set()

    def resolved_names(self) -> frozenset[str]:
        """Host names (not address literals, not localhost) that resolved during this client's
        life: proof that name resolution works, so that a name that did not is really unknown."""
        return frozenset(self._resolved)

    def note_resolved(self, host: str) -> None:
        """`host` was resolved to an address (by the client, or by a caller's own lookup)."""
        if host not in self._noted:  # (once a host: every request notes its own)
            self._noted.add(host)
            if is_host_name(host):
                self._resolved.add(host.lower())

    def __enter__(self) -> Client:
        return self

    def __exit__(self, *exc: object) -> None:
        self.close()

    def close(self) -> None:
        self.transport.close()

    def request(
        self,
        method: str,
        url: str,
        *,
        headers: Mapping[str, str] | None = None,
        retry_on: Callable[[Response], bool] = default_retry,
        max_body: BodyLimit | None = None,
    ) -> Exchange:
        """One request, never following redirects, retried while the failure is transient.

        At most `max_body` bytes of the body are read (the config's by default; a function of
        the status and headers decides once they are in).
        """
        host = (urlsplit(url).hostname or "").lower()
        exchange = Exchange()
        for attempt in range(self.config.retries + 1):
            if not self.limiter.acquire(host, self.deadline):
                exchange.gave_up = "the run's deadline passed"
                break
            try:
                outcome = self._attempt(method, url, host, headers or {}, max_body)
            finally:
                self.limiter.release(host)
            exchange.attempts = attempt + 1
            if isinstance(outcome, Response):
                exchange.response, exchange.error = outcome, None
                if outcome.status not in (429, 503):
                    self.limiter.recovered(host)
            else:
                exchange.response, exchange.error = None, outcome
            plan = plan_retry(self.config, outcome, attempt, retry_on)
            if plan.pause is not None:  # the next acquire waits the pause out
                self.limiter.slow_down(host, plan.pause)
            exchange.gave_up = plan.gave_up or exchange.gave_up
            if plan.delay is None:
                break
            delay = 0.0 if plan.rate_limited else plan.delay
            if self.deadline is not None and time.monotonic() + delay > self.deadline:
                exchange.gave_up = "the run's deadline passed"
                break
            exchange.rate_limited = exchange.rate_limited or plan.rate_limited
            time.sleep(delay)
        if exchange.response is None and exchange.error is None:
            exchange.error = NetError("deadline")
        return exchange

    def attempt(
        self,
        method: str,
        url: str,
        *,
        headers: Mapping[str, str] | None = None,
        max_body: BodyLimit | None = None,
    ) -> Response | NetError:
        """One attempt, no retry and no per-host limit: for a caller that schedules its own
        (links/run.py). Nothing starts after the client's deadline."""
        if self.deadline is not None and time.monotonic() >= self.deadline:
            return NetError("deadline")
        host = (urlsplit(url).hostname or "").lower()
        return self._attempt(method, url, host, headers or {}, max_body)

    def _attempt(
        self,
        method: str,
        url: str,
        host: str,
        headers: Mapping[str, str],
        max_body: BodyLimit | None,
    ) -> Response | NetError:
        outcome = self._send(
            method, url, host, headers, self.config.max_body if max_body is None else max_body
        )
        if (
            isinstance(outcome, Response)
            or outcome.kind in _RESOLVED_ERRORS
            or outcome.kind.startswith("tls")
        ):
            self.note_resolved(host)
        return outcome

    def _send(
        self, method: str, url: str, host: str, headers: Mapping[str, str], limit: BodyLimit
    ) -> Response | NetError:
        config, started = self.config, time.monotonic()
        until = started + config.connect_timeout + config.read_timeout * WALL_FACTOR
        if self.deadline is not None:
            until = min(until, self.deadline)
        left = max(0.001, until - started)
        timeouts = Timeouts(
            min(config.connect_timeout, left), min(config.read_timeout, left), until
        )
        merged = {"User-Agent": config.user_agent, **config.host_headers.get(host, {}), **headers}
        token = threading.get_ident()
        try:
            opened = self.transport.open(method, url, merged, timeouts)
        except Exception as exc:  # every failure of one request is a value
            return self._cut(until) if WATCHDOG.disarm(token) else describe_error(exc)
        if WATCHDOG.fired(token):  # cut mid-headers: what arrived looks whole but is not
            WATCHDOG.disarm(token)
            self._finish(opened)
            return self._cut(until)
        resp = opened.response
        lowered = lowered_headers(resp.msg)
        if callable(limit):
            limit = limit(resp.status, lowered)
        try:
            body, truncated, body_error = _read_prefix(Body(resp), method, limit)
        finally:
            fired = WATCHDOG.disarm(token)
            self._finish(opened)
        if fired:
            body_error = self._cut(until).message or "the run's deadline passed"
        return Response(
            url=url,
            status=resp.status,
            reason=resp.reason or "",
            headers=lowered,
            body=body,
            truncated=truncated,
            body_error=body_error,
            elapsed=time.monotonic() - started,
        )

    def _finish(self, opened: Opened) -> None:
        with contextlib.suppress(OSError):  # closing a connection the watchdog shut down
            self.transport.finish(opened)

    def _cut(self, until: float) -> NetError:
        if self.deadline is not None and until >= self.deadline:
            return NetError("deadline")
        bound = self.config.connect_timeout + self.config.read_timeout * WALL_FACTOR
        return NetError("timeout", f"no complete answer within {bound:g} s")


def is_host_name(host: str) -> bool:
    """A name that only a resolver turns into an address: not an IP literal, not localhost
    (which /etc/hosts answers with no network at all)."""
    host = host.strip("[]").lower().rstrip(".")
    if not host or host == "localhost" or host.endswith(".localhost"):
        return False
    try:
        ipaddress.ip_address(host.split("%", 1)[0])
    except ValueError:
        return True
    return False


def _read_prefix(body: Body, method: str, limit: int) -> tuple[bytes, bool, str]:
    """At most `limit` decoded bytes of the body. What is left after them is drained when it is
    short (the connection goes back to the pool for the host's next request) and otherwise
    left unread, so that the connection is closed: cheaper than reading on."""
    chunks, got = list[bytes](), 0
    want = 0 if method == "HEAD" else limit
    try:
        while got < want:
            chunk = body.read(min(CHUNK, want - got))
            if not chunk:
                return b"".join(chunks), False, ""
            chunks.append(chunk)
            got += len(chunk)
        return b"".join(chunks), not _drain(body, method), ""
    except Exception as exc:  # a stall or reset mid-body: the status is still an answer
        error = describe_error(exc)
        return b"".join(chunks), True, error.message or error.kind.replace("-", " ")


def _drain(body: Body, method: str) -> bool:
    """Whether the body ended where the prefix did. Its rest, if at most DRAIN_MAX bytes, is
    read, so that the connection can serve the host's next request; a longer rest (or one of
    no stated length that runs past DRAIN_MAX) is left for the connection's close to cut."""
    left = 0 if method == "HEAD" else body.left
    if left is not None and left > DRAIN_MAX:
        return False
    spent = 0
    while spent <= DRAIN_MAX:
        chunk = body.read(CHUNK)
        if not chunk:
            return spent == 0
        spent += len(chunk)
    return False
