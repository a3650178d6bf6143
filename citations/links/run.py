"""A run over many link targets: each checked once (the cache first), a bounded window of
workers taking hosts in turn, the run's deadline, and offline told apart from broken."""

from __future__ import annotations

import dataclasses
import re
import time
from collections import Counter, defaultdict
from collections.abc import Callable, Sequence
from concurrent.futures import FIRST_COMPLETED, Future, ThreadPoolExecutor
from concurrent.futures import wait as futures_wait
from typing import Any, Protocol
from urllib.parse import urlsplit

from ..net.cache import TTL
from ..net.http import Client
from ..net.settings import HttpConfig
from .check import check_one, deadline_result
from .model import NO_NETWORK, LinkSettings, Result, Target, result_from_dict, result_to_dict

FAILING = frozenset({"broken", "blocked", "transient", "tls-error"})
HISTORY_RUNS = 10
DEADLINE_GRACE = 0.5  # seconds for workers to report a cut exchange after the deadline


class ResultCache(Protocol):
    """What the checker needs of `citations.net.cache.Cache`."""

    def get_result(
        self, kind: str, url: str, now: float | None = None
    ) -> dict[str, Any] | None: ...
    def put_result(self, payload: dict[str, Any], ttl: float, now: float | None = None) -> None: ...
    def history(
        self, kind: str, url: str, limit: int = 20
    ) -> list[tuple[float, str, int | None]]: ...


def http_config(settings: LinkSettings) -> HttpConfig:
    """The network layer's settings for a link check."""
    return HttpConfig(
        user_agent=settings.user_agent,
        connect_timeout=settings.connect_timeout,
        read_timeout=settings.read_timeout,
        concurrency=settings.concurrency,
        per_host=settings.per_host,
        host_interval=settings.host_interval,
        host_limits=settings.host_limits,
        host_headers=settings.host_headers,
        retries=settings.retries,
        backoff=settings.backoff,
        backoff_max=settings.backoff_max,
        retry_after_max=settings.retry_after_max,
        max_body=settings.max_body,
        verify=settings.ca_bundle or settings.verify_tls,
        public_only=not settings.allow_private,
    )


def check_targets(
    targets: Sequence[Target],
    settings: LinkSettings,
    cache: ResultCache | None = None,
    progress: Callable[[int, int], None] | None = None,
) -> list[Result]:
    """Check every target once (the cache permitting); results in the order of `targets`.

    A host name that does not resolve makes its link broken only if the run shows that name
    resolution works (another name resolved). Otherwise the machine is offline: those links
    are transient, `NO_NETWORK`, and nothing about them is written to the cache.
    """
    deadline = time.monotonic() + settings.deadline
    results = _Results(targets, cache, progress)
    todo: list[Target] = []
    for key, target in results.first.items():
        early = _excluded(target, settings)
        if early is None and cache is not None:
            stored = cache.get_result(target.kind, target.url)
            early = None if stored is None else result_from_dict(stored, target.places)
        if early is None:
            todo.append(target)
        else:
            results.finish(key, early)
    resolved = _run(todo, settings, deadline, results.finish) if todo else frozenset()
    results.judge_unresolved(name_resolution_works=bool(resolved))
    return results.in_order()


class _Results:
    """Each target's result as it comes, stored in the cache; progress counted per place."""

    def __init__(
        self,
        targets: Sequence[Target],
        cache: ResultCache | None,
        progress: Callable[[int, int], None] | None,
    ) -> None:
        self.targets, self.cache, self.progress = targets, cache, progress
        self.keys: list[tuple[str, str]] = [(t.kind, t.url) for t in targets]
        self.first: dict[tuple[str, str], Target] = {}
        for key, target in zip(self.keys, targets, strict=True):
            self.first.setdefault(key, target)  # the caller passes unique targets; be robust
        self.counts: Counter[tuple[str, str]] = Counter(self.keys)
        self.done: dict[tuple[str, str], Result] = {}
        self.unresolved: list[Result] = []  # judged when the run is over
        self.tally = 0

    def store(self, result: Result) -> None:
        if self.cache is not None:
            if not result.from_cache and result.outcome != "excluded":
                self.cache.put_result(result_to_dict(result), TTL[result.outcome])
            _fill_history(result, self.cache)

    def finish(self, key: tuple[str, str], result: Result) -> None:
        if result.dns_failure:
            self.unresolved.append(result)
        else:
            self.store(result)
        self.done[key] = result
        for _ in range(self.counts[key]):
            self.tally += 1
            if self.progress is not None:
                self.progress(self.tally, len(self.targets))

    def judge_unresolved(self, *, name_resolution_works: bool) -> None:
        """Names that did not resolve are unknown only where another name resolved."""
        for result in self.unresolved:
            if name_resolution_works:
                self.store(result)
            else:
                offline = dataclasses.replace(result, outcome="transient", detail=NO_NETWORK)
                self.done[(result.kind, result.url)] = offline

    def in_order(self) -> list[Result]:
        return [
            dataclasses.replace(self.done[key], places=t.places)
            for key, t in zip(self.keys, self.targets, strict=True)
        ]


def offline(results: Sequence[Result]) -> bool:
    """Whether the run found itself offline: no host name could be resolved."""
    return any(r.detail == NO_NETWORK and not r.from_cache for r in results)


def _run(
    todo: list[Target],
    settings: LinkSettings,
    deadline: float,
    finish: Callable[[tuple[str, str], Result], None],
) -> frozenset[str]:
    """Check `todo`; the host names that resolved meanwhile."""
    client = Client(http_config(settings), deadline)
    workers = max(1, min(settings.concurrency, len(todo)))
    pool = ThreadPoolExecutor(max_workers=workers)
    # A small window of work in flight, not every target at once: memory stays flat whatever
    # the number of links (a pending future costs ~2 KB; 20,000 of them showed as +50 MB).
    window = workers * 4
    queue = iter(_interleave(todo, settings))
    futures: dict[Future[Result], Target] = {}

    def top_up() -> None:
        while len(futures) < window:
            target = next(queue, None)
            if target is None:
                return
            futures[pool.submit(check_one, client, target, settings, deadline)] = target

    try:
        top_up()
        while futures:
            wait = max(0.0, deadline - time.monotonic()) + DEADLINE_GRACE
            done, _ = futures_wait(futures, timeout=wait, return_when=FIRST_COMPLETED)
            if not done:  # past the deadline: what is left was never started or is stuck
                for future, target in futures.items():
                    future.cancel()
                    finish((target.kind, target.url), deadline_result(target))
                for target in queue:
                    finish((target.kind, target.url), deadline_result(target))
                break
            for future in done:
                target = futures.pop(future)
                finish((target.kind, target.url), future.result())
            top_up()
    finally:
        pool.shutdown(wait=False, cancel_futures=True)
        client.close()
    return client.resolved_names()


def _interleave(todo: list[Target], settings: LinkSettings) -> list[Target]:
    """Round-robin over hosts, so one big host does not hold every worker at its limit."""
    by_host: dict[str, list[Target]] = defaultdict(list)
    for target in todo:
        url = settings.doi_base if target.kind == "doi" else target.url
        by_host[(urlsplit(url).hostname or "").lower()].append(target)
    queues, order = list(by_host.values()), []
    for i in range(max(len(q) for q in queues)):
        order += [q[i] for q in queues if i < len(q)]
    return order


def _excluded(target: Target, settings: LinkSettings) -> Result | None:
    for pattern in settings.exclude:
        if re.search(pattern, target.url):
            return Result(
                url=target.url,
                kind=target.kind,
                outcome="excluded",
                attempts=0,
                detail=f"excluded by the pattern {pattern!r}",
                checked_at=time.time(),
            )
    return None


def _fill_history(result: Result, cache: ResultCache) -> None:
    history = cache.history(result.kind, result.url, limit=HISTORY_RUNS)[:HISTORY_RUNS]
    since = None
    streak = 0
    for at, outcome, _status in history:  # newest first: the failing streak runs back to `since`
        if outcome not in FAILING:
            break
        since = at
        streak += 1
    result.failing_since = since
    result.consecutive_failures = streak
    result.recent_failures = sum(outcome in FAILING for _, outcome, _ in history)
    result.recent_runs = len(history)
