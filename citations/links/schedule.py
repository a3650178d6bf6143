"""Which request starts next: work queued per host and taken round robin over the hosts with a
free slot, each host's limit and pacing, and work put to sleep (a retry's backoff, a
Retry-After) without holding a slot. Pure bookkeeping, no threads and no I/O: links/run.py
drives it with a pool of workers.

A slot is held only while a request is on the wire. A link waiting for its retry holds
nothing, so the other links of its host and every other host keep going. A 429 or 503 slows
its host the way TCP slows a sender: first fewer requests at once (halved), then, at one, a
wider interval between them (doubled, bounded); good answers win it back step by step (the
interval halved, then one more slot after as many good answers as there are slots). A host is
never stopped for a whole Retry-After: on the benchmark's farm, spacing a host's requests
0.5 s apart after one 429 left it with a backlog that ran alone at the end of the run.
"""

from __future__ import annotations

import heapq
import itertools
from collections import deque
from collections.abc import Callable, Iterator
from dataclasses import dataclass, field
from typing import Generic, TypeVar

Item = TypeVar("Item")


@dataclass
class _Host(Generic[Item]):
    limit: int  # requests at once, as configured
    base_interval: float  # seconds between two starts, as configured
    slots: int  # requests at once, as now allowed: fewer after a 429/503
    interval: float  # as now paced: wider after a 429/503
    next_at: float = 0.0  # no start before this (time.monotonic())
    in_flight: int = 0
    ready: deque[Item] = field(default_factory=deque)
    listed: bool = False  # in the rotation, or waiting on its pacing timer
    good: int = 0  # good answers since the host last gained or lost a slot


class Scheduler(Generic[Item]):
    """Items (links, or the next hop of one) queued per host; `take` hands out what may start.

    `limits(host)` gives a host's (slots, interval); `concurrency` bounds the whole run;
    `backoff`/`backoff_max` bound the pacing a 429/503 sets.
    """

    def __init__(
        self,
        concurrency: int,
        limits: Callable[[str], tuple[int, float]],
        backoff: float,
        backoff_max: float,
    ) -> None:
        self.concurrency = max(1, concurrency)
        self._limits, self._backoff, self._backoff_max = limits, backoff, backoff_max
        self._hosts: dict[str, _Host[Item]] = {}
        self._rotation: deque[str] = deque()
        # (when, order, host, item): an item asleep until `when`; item None: the host's pacing
        self._timers: list[tuple[float, int, str, Item | None]] = []
        self._order = itertools.count()
        self.in_flight = 0
        self.waiting = 0  # items queued or asleep

    def _host(self, name: str) -> _Host[Item]:
        host = self._hosts.get(name)
        if host is None:
            limit, interval = self._limits(name)
            limit, interval = max(1, limit), max(0.0, interval)
            host = self._hosts[name] = _Host(limit, interval, limit, interval)
        return host

    def _relist(self, name: str, host: _Host[Item]) -> None:
        if not host.listed and host.ready and host.in_flight < host.slots:
            host.listed = True
            self._rotation.append(name)

    def add(self, name: str, item: Item, at: float | None = None, first: bool = False) -> None:
        """Queue `item` on host `name`: ready now, or asleep until `at`. `first` puts it before
        the host's other ready work (a link under way: its chain ends sooner)."""
        self.waiting += 1
        if at is not None:
            heapq.heappush(self._timers, (at, next(self._order), name, item))
            return
        host = self._host(name)
        if first:
            host.ready.appendleft(item)
        else:
            host.ready.append(item)
        self._relist(name, host)

    def wake(self, now: float) -> None:
        """Timers due by `now`: sleeping items become ready, paced hosts may start again."""
        while self._timers and self._timers[0][0] <= now:
            _, _, name, item = heapq.heappop(self._timers)
            host = self._host(name)
            if item is None:
                host.listed = False
            else:
                host.ready.appendleft(item)  # it has waited its turn already
            self._relist(name, host)

    def take(self, now: float) -> list[tuple[str, Item]]:
        """What starts now: one item per host in turn, while slots are free; each is in flight
        until `done` is called for its host."""
        started: list[tuple[str, Item]] = []
        while self.in_flight < self.concurrency and self._rotation:
            name = self._rotation.popleft()
            host = self._hosts[name]
            host.listed = False
            if not host.ready or host.in_flight >= host.slots:
                continue  # relisted when a slot frees or work arrives
            if host.next_at > now:
                host.listed = True
                heapq.heappush(self._timers, (host.next_at, next(self._order), name, None))
                continue
            started.append((name, host.ready.popleft()))
            host.in_flight += 1
            self.in_flight += 1
            self.waiting -= 1
            if host.interval:
                host.next_at = now + host.interval
            self._relist(name, host)
        return started

    def done(self, name: str, now: float, pause: float | None = None, good: bool = False) -> None:
        """A request to `name` ended. `pause` (a 429/503 asked for one): the host slows down;
        `good` (an answer that was not 429/503): it wins some of its pace back."""
        host = self._hosts[name]
        host.in_flight -= 1
        self.in_flight -= 1
        if pause is not None:
            host.good = 0
            if host.slots > 1:
                host.slots //= 2
            else:
                host.interval = min(self._backoff_max, max(host.interval * 2, self._backoff))
                host.next_at = max(host.next_at, now + host.interval)
        elif good and host.interval > host.base_interval:
            # Halving alone never reaches a base of 0: the host stayed at one slot, paced
            # 1e-41 s apart, for the rest of the run. Close to the base, it is the base.
            halved = host.interval / 2
            near = host.base_interval + self._backoff / 8
            host.interval = host.base_interval if halved < near else halved
        elif good and host.slots < host.limit:
            host.good += 1
            if host.good >= host.slots:
                host.slots, host.good = host.slots + 1, 0
        self._relist(name, host)

    def next_timer(self) -> float | None:
        """When the soonest sleeping item or paced host is due, if any."""
        return self._timers[0][0] if self._timers else None

    def busy(self) -> bool:
        """Whether anything is in flight, ready or asleep."""
        return bool(self.in_flight or self.waiting)

    def drain(self) -> Iterator[Item]:
        """Every item not yet started (the run is over: its deadline passed)."""
        for host in self._hosts.values():
            while host.ready:
                self.waiting -= 1
                yield host.ready.popleft()
        for _, _, _, item in self._timers:
            if item is not None:
                self.waiting -= 1
                yield item
        self._timers.clear()
