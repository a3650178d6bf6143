"""How registries are asked: rate limits per registry, the response cache, redirects, errors."""

from __future__ import annotations

import re
import threading
import time
from collections.abc import Mapping
from dataclasses import dataclass
from urllib.parse import urljoin, urlsplit

from ..net.cache import Cache
from ..net.http import Client, Exchange
from ..net.settings import HttpConfig

NOT_FOUND_TTL = 86400.0  # a DOI or PMID missing today may be registered tomorrow
OFFLINE = "offline: not in the cache"
DEADLINE = "the run's deadline passed"
_URL = "x-citations-url"  # stored with a cached answer: where the answer finally came from
_INTERVAL = re.compile(r"(\d+(?:\.\d+)?)\s*(ms|s|m)?")
_UNITS = {"ms": 0.001, "s": 1.0, "m": 60.0}
_SECRET = re.compile(r"([?&])api_key=[^&]*&?")  # never written to the cache file


class TokenBucket:
    """At most `rate` requests a second, in bursts of at most `burst`; thread-safe.

    A taker reserves its token at once (the count may go below zero) and sleeps until the
    token would have been there, so waiting threads are served in turn, evenly spaced.
    """

    def __init__(self, rate: float, burst: float = 1.0) -> None:
        self._lock = threading.Lock()
        self._rate = max(rate, 1e-6)
        self._burst = burst
        self._tokens = burst
        self._at = time.monotonic()

    @property
    def rate(self) -> float:
        return self._rate

    def set_rate(self, rate: float) -> None:
        with self._lock:
            self._refill()
            self._rate = max(rate, 1e-6)

    def take(self, until: float | None = None) -> bool:
        """Wait for a token; False, at once and taking none, if it would come after `until`
        (a time.monotonic() value)."""
        with self._lock:
            self._refill()
            wait = (1.0 - self._tokens) / self._rate if self._tokens < 1.0 else 0.0
            if until is not None and time.monotonic() + wait > until:
                return False
            self._tokens -= 1.0
        if wait > 0:
            time.sleep(wait)
        return True

    def _refill(self) -> None:
        now = time.monotonic()
        self._tokens = min(self._burst, self._tokens + (now - self._at) * self._rate)
        self._at = now


@dataclass(frozen=True)
class Answer:
    """A registry's HTTP answer, fresh or from the cache."""

    status: int
    body: bytes
    headers: dict[str, str]
    url: str  # after redirects
    cached: bool = False
    note: str = ""  # why the client stopped retrying early, if it did

    @property
    def ok(self) -> bool:
        return 200 <= self.status < 300

    def problem(self) -> str:
        what = "rate limited (HTTP 429)" if self.status == 429 else f"HTTP {self.status}"
        return f"{what}: {self.note}" if self.note else what


def polite_user_agent(user_agent: str, mailto: str) -> str:
    """Crossref's polite pool wants a mailto in the User-Agent: `tool/1.0 (url; mailto:x)`."""
    if not mailto or "mailto:" in user_agent:
        return user_agent
    if user_agent.endswith(")"):
        return f"{user_agent[:-1]}; mailto:{mailto})"
    return f"{user_agent} (mailto:{mailto})"


def describe(exchange: Exchange) -> str:
    """Why an exchange got no answer, for a person: "timed out after 2 attempts"."""
    error = exchange.error
    kind = error.kind if error else "no answer"
    text = {
        "timeout": "timed out",
        "read-timeout": "timed out",
        "refused": "connection refused",
        "connect-timeout": "timed out connecting",
        "dns-nxdomain": "no such host",
        "deadline": DEADLINE,
    }.get(kind, kind.replace("-", " "))
    if error and error.message and kind not in ("timeout", "refused"):
        text += f" ({error.message})"
    if exchange.attempts > 1:
        text += f" after {exchange.attempts} attempts"
    return text


class Transport:
    """One HTTP client, a token bucket per registry, and the cache in front of them.

    `deadline` (a time.monotonic() value) ends the run: no request starts after it, one under
    way is cut there, and a rate limit never makes a request wait beyond it.
    """

    def __init__(
        self,
        config: HttpConfig,
        rates: Mapping[str, float],
        cache: Cache | None = None,
        *,
        offline: bool = False,
        ttl: float = 30 * 86400,
        deadline: float | None = None,
    ) -> None:
        self.client = Client(config, deadline)
        self.deadline = deadline
        self.cache = cache
        self.offline = offline
        self.ttl = ttl
        self._ceilings = dict(rates)
        self._buckets = {name: TokenBucket(rate) for name, rate in rates.items()}
        self._lock = threading.Lock()
        self._requests = 0
        self._answered = 0  # exchanges that got an HTTP answer, whatever its status
        self._unanswered = 0  # exchanges that got none (no network, host down, time-outs)

    def close(self) -> None:
        self.client.close()

    def requests_made(self) -> int:
        with self._lock:
            return self._requests

    def unreachable(self) -> bool:
        """Whether registries were asked this run and not one of them answered."""
        with self._lock:
            return self._unanswered > 0 and self._answered == 0

    def rate(self, registry: str) -> float:
        return self._buckets[registry].rate

    def cached(self, key: str) -> Answer | None:
        """The stored answer under `key`: fresh only, or however old when offline."""
        if self.cache is None:
            return None
        hit = self.cache.get_response(key, allow_stale=self.offline)
        if hit is None:
            return None
        status, body, headers = hit
        return Answer(status, body, headers, headers.get(_URL, ""), cached=True)

    def fetch(
        self, registry: str, key: str, url: str, headers: Mapping[str, str], follow: int = 0
    ) -> Answer | str:
        """The cached answer, else (online) the registry's; a string says why there is none."""
        cached = self.cached(key)
        if cached is not None:
            return cached
        if self.offline:
            return OFFLINE
        return self.get(registry, url, headers, follow)

    def get(
        self, registry: str, url: str, headers: Mapping[str, str], follow: int = 0
    ) -> Answer | str:
        """GET through the registry's rate limit, following up to `follow` redirects (the
        client never follows one itself); a string says why there is no answer."""
        for _ in range(follow + 1):
            if not self._buckets[registry].take(self.deadline):
                return DEADLINE
            exchange = self.client.request("GET", url, headers=headers)
            response = exchange.response
            with self._lock:
                self._requests += exchange.attempts
                if response is None:
                    self._unanswered += 1
                else:
                    self._answered += 1
            if response is None:
                return describe(exchange)
            if registry == "crossref":
                self._follow_crossref_limits(response.headers)
            location = response.headers.get("location", "")
            if follow and response.status in (301, 302, 303, 307, 308) and location:
                url = urljoin(url, location)
                if urlsplit(url).scheme not in ("http", "https"):
                    return f"redirected to {url}, which is not HTTP"
                continue
            if response.truncated or response.body_error:
                return f"the answer was cut short ({response.body_error or 'too large'})"
            kept = {"content-type": response.headers.get("content-type", "")}
            return Answer(response.status, response.body, kept, url, note=exchange.gave_up)
        return f"more than {follow} redirects"

    def keep(self, key: str, answer: Answer, *, found: bool) -> None:
        """Cache a definitive answer: found for the TTL, not-found for at most a day."""
        if self.cache is None or answer.cached:
            return
        ttl = self.ttl if found else min(self.ttl, NOT_FOUND_TTL)
        headers = {**answer.headers, _URL: _SECRET.sub(r"\1", answer.url)}
        self.cache.put_response(key, answer.status, answer.body, headers, ttl)

    def _follow_crossref_limits(self, headers: Mapping[str, str]) -> None:
        """Crossref states its limit in every answer (`x-rate-limit-limit: 50`,
        `x-rate-limit-interval: 1s`): go no faster than that, nor than our own ceiling."""
        limit = headers.get("x-rate-limit-limit", "").strip()
        match = _INTERVAL.fullmatch(headers.get("x-rate-limit-interval", "").strip())
        if not match or not re.fullmatch(r"\d+(?:\.\d+)?", limit):
            return
        seconds = float(match.group(1)) * _UNITS[match.group(2) or "s"]
        if seconds <= 0 or float(limit) <= 0:
            return
        rate = min(self._ceilings["crossref"], float(limit) / seconds)
        if rate != self._buckets["crossref"].rate:
            self._buckets["crossref"].set_rate(rate)
