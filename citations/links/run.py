"""A run over many link targets: each checked once (the cache first), one request a task,
started by the scheduler (hosts in turn, their limits and pacing), the run's deadline, and
offline told apart from broken."""

from __future__ import annotations

import contextlib
import dataclasses
import functools
import queue
import re
import threading
import time
from collections import Counter
from collections.abc import Callable, Sequence
from typing import Any, Protocol

from ..net.cache import TTL
from ..net.errors import NetError
from ..net.http import Client, Response
from ..net.settings import HttpConfig
from .check import LinkJob, Refused, advance, deadline_result, host_of, perform, start_check
from .model import NO_NETWORK, LinkSettings, Result, Target, result_from_dict, result_to_dict
from .schedule import Scheduler

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
        per_host=settings.per_host,
        host_interval=settings.host_interval,
        host_limits=settings.host_limits,
        host_headers=settings.host_headers,
        retries=settings.retries,
        backoff=settings.backoff,
        backoff_max=settings.backoff_max,
        retry_after_max=settings.retry_after_max,
        max_body=settings.max_body,
        verify=settings.verify_tls,
        extra_ca=settings.ca_bundle,
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
        results = []
        for key, target in zip(self.keys, self.targets, strict=True):
            result = self.done[key]
            if result.places != target.places:  # a copy only where it differs: replace is slow
                result = dataclasses.replace(result, places=target.places)
            results.append(result)
        return results


def offline(results: Sequence[Result]) -> bool:
    """Whether the run found itself offline: no host name could be resolved."""
    return any(r.detail == NO_NETWORK and not r.from_cache for r in results)


def _run(
    todo: list[Target],
    settings: LinkSettings,
    deadline: float,
    finish: Callable[[tuple[str, str], Result], None],
) -> frozenset[str]:
    """Check `todo`; the host names that resolved meanwhile.

    One request is one task: a link's retry waits and redirect hops go back to the scheduler,
    so a worker is never held by a sleeping link or a host at its limit. Only targets are
    queued up front (references, no per-link state), so memory stays flat however many.
    """
    client = Client(http_config(settings), deadline)
    config = client.config
    scheduler = _scheduler(todo, settings)
    answers: queue.SimpleQueue[_Answer] = queue.SimpleQueue()
    pool = _Workers(max(1, min(settings.concurrency, len(todo))))
    under_way: dict[int, LinkJob] = {}

    def settle(answer: _Answer) -> None:
        host, job, outcome = answer
        if isinstance(outcome, BaseException):
            raise outcome  # a bug of ours, not a network failure: let it show
        under_way.pop(id(job), None)
        step = advance(job, outcome, settings, config, deadline)
        scheduler.done(host, time.monotonic(), step.pause, step.good)
        if step.result is not None:
            finish(_key(job.target), step.result)
        else:
            scheduler.add(job.host, job, None if step.at <= time.monotonic() else step.at, True)

    try:
        while scheduler.busy():
            now = time.monotonic()
            if now >= deadline:
                break
            scheduler.wake(now)
            for host, item in scheduler.take(now):
                job = item if isinstance(item, LinkJob) else start_check(item, settings)
                if isinstance(job, Result):  # no request needed: malformed, not http(s)
                    scheduler.done(host, now)
                    finish((job.kind, job.url), job)
                    continue
                under_way[id(job)] = job
                pool.submit(functools.partial(_perform, client, host, job, settings, answers))
            if not scheduler.in_flight:
                wake = scheduler.next_timer()
                if wake is not None:
                    time.sleep(max(0.0, min(wake, deadline) - time.monotonic()))
                continue
            wake = min(scheduler.next_timer() or deadline, deadline)
            with contextlib.suppress(queue.Empty):
                settle(answers.get(timeout=max(0.0, wake - time.monotonic())))
                while True:  # whatever else came meanwhile, before the next round of starts
                    settle(answers.get_nowait())
        _after_deadline(scheduler, under_way, answers, settle, finish)
    finally:
        pool.stop()
        client.close()
    return client.resolved_names()


_Answer = tuple[str, LinkJob, "Response | NetError | Refused | BaseException"]


class _Workers:
    """Threads taking requests from one queue. A ThreadPoolExecutor made a Future per request
    that nobody waited on, and counted its threads at every submit: a tenth of a link
    check's CPU. All start at once (128 take a few milliseconds), so that handing out work
    is one put, with no lock the scheduling thread would wait on. Daemon threads: one cut
    short by the deadline does not hold the exit."""

    def __init__(self, count: int) -> None:
        self._work: queue.SimpleQueue[Callable[[], None] | None] = queue.SimpleQueue()
        self._count = count
        for _ in range(count):
            threading.Thread(target=self._serve, name="links-worker", daemon=True).start()

    def submit(self, task: Callable[[], None]) -> None:
        self._work.put(task)

    def stop(self) -> None:
        """Each worker ends after what it is doing; nothing queued is left (the scheduler
        hands out no more than there are workers)."""
        for _ in range(self._count):
            self._work.put(None)

    def _serve(self) -> None:
        while (task := self._work.get()) is not None:
            task()


def _perform(
    client: Client,
    host: str,
    job: LinkJob,
    settings: LinkSettings,
    answers: queue.SimpleQueue[_Answer],
) -> None:
    try:
        outcome: Response | NetError | Refused | BaseException = perform(client, job, settings)
    except BaseException as exc:  # handed to the scheduling thread, which raises it
        outcome = exc
    answers.put((host, job, outcome))


def _after_deadline(
    scheduler: Scheduler[Target | LinkJob],
    under_way: dict[int, LinkJob],
    answers: queue.SimpleQueue[_Answer],
    settle: Callable[[_Answer], None],
    finish: Callable[[tuple[str, str], Result], None],
) -> None:
    """The deadline passed (or all is done): exchanges under way were cut there and report
    within a grace period; what never started, or is stuck, is left unchecked."""
    until = time.monotonic() + DEADLINE_GRACE
    while scheduler.in_flight and (left := until - time.monotonic()) > 0:
        with contextlib.suppress(queue.Empty):
            settle(answers.get(timeout=left))
    for job in under_way.values():
        finish(_key(job.target), deadline_result(job.target))
    under_way.clear()
    for item in scheduler.drain():
        target = item.target if isinstance(item, LinkJob) else item
        finish(_key(target), deadline_result(target))


def _key(target: Target) -> tuple[str, str]:
    return (target.kind, target.url)


def _scheduler(todo: list[Target], settings: LinkSettings) -> Scheduler[Target | LinkJob]:
    """Every target queued on its host, in the order given."""

    def limits(host: str) -> tuple[int, float]:
        return settings.host_limits.get(host, (settings.per_host, settings.host_interval))

    scheduler: Scheduler[Target | LinkJob] = Scheduler(
        settings.concurrency, limits, settings.backoff, settings.backoff_max
    )
    for target in todo:
        host = host_of(settings.doi_base if target.kind == "doi" else target.url)
        scheduler.add(host, target)
    return scheduler


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
