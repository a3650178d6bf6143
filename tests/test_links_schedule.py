"""The link scheduler: one request a link, slots kept full, a 429 that stalls only its own URL.

Real servers on 127.0.0.1; the server's own log (start and end of every request) is the
measure. Bounds are generous: these runs share a loaded machine with other tests.
"""

from __future__ import annotations

import dataclasses
from typing import Any

import pytest

from citations.links.model import LinkSettings, Result, Target
from citations.links.run import check_targets
from citations.links.schedule import Scheduler

from linkserver import Hit, LinkServer, Request, answer, in_turn, redirect

FAST = LinkSettings(
    concurrency=8, per_host=4, connect_timeout=1.0, read_timeout=2.0, deadline=30.0,
    retries=2, backoff=0.01, backoff_max=0.05, retry_after_max=2.0, max_body=4096,
)  # fmt: skip
PAGE = "<!doctype html><title>A page</title><p>Text.</p>"


def run(urls: list[str], **changes: Any) -> list[Result]:
    targets = [Target(url, "url", ()) for url in urls]
    return check_targets(targets, dataclasses.replace(FAST, **changes))


def slow_page(seconds: float) -> Any:
    def handle(req: Request) -> None:
        if req.sleep(seconds):
            req.reply(200, PAGE)

    return handle


def share_at_least(hits: list[Hit], level: int) -> float:
    """The share of the time from the first start to the last end with `level` or more
    requests in flight at the server."""
    events = sorted((t, step) for h in hits for t, step in ((h.started, 1), (h.ended, -1)))
    busy = current = 0
    last = events[0][0]
    for at, step in events:
        if current >= level:
            busy += at - last
        current, last = current + step, at
    return busy / (events[-1][0] - events[0][0])


@pytest.fixture
def server() -> Any:
    with LinkServer() as running:
        yield running


def test_each_link_is_one_request_a_hop(server: LinkServer) -> None:
    server.route("/page", answer(200, PAGE))
    server.route("/file", answer(200, b"%PDF" * 5000, content_type="application/pdf"))
    server.route("/gone", answer(404, "<title>Not Found</title>"))
    server.route("/old", redirect("/page"))
    results = run([server.url(p) for p in ("/page", "/file", "/gone", "/old", "/missing")])
    assert [r.outcome for r in results] == ["ok", "ok", "broken", "ok-with-warning", "broken"]
    assert sorted(h.path for h in server.hits()) == sorted(
        ["/page", "/file", "/gone", "/old", "/page", "/missing"]
    )
    assert {h.method for h in server.hits()} == {"GET"}


def test_connections_are_reused_across_the_links_of_a_host(server: LinkServer) -> None:
    server.route("/page/*", answer(200, PAGE))
    server.route("/file/*", answer(200, b"%PDF" * 5000, content_type="application/pdf"))
    urls = [server.url(f"/{kind}/{i}") for i in range(6) for kind in ("page", "file")]
    results = run(urls, per_host=1)
    assert {r.outcome for r in results} == {"ok"}
    assert len(server.hits()) == 12
    assert len(server.connections) == 1  # a short unread body is drained, not a reason to close


def test_one_host_keeps_its_per_host_slots_busy(server: LinkServer) -> None:
    server.route("/p/*", slow_page(0.1))
    results = run([server.url(f"/p/{i}") for i in range(40)], per_host=4, concurrency=32)
    assert {r.outcome for r in results} == {"ok"}
    hits = server.hits()
    assert len(hits) == 40 and server.max_overlap() == 4
    assert share_at_least(hits, 4) >= 0.5  # four in flight most of the run


def test_a_429_with_retry_after_delays_only_its_own_url(server: LinkServer) -> None:
    server.route("/busy", in_turn(answer(429, headers={"Retry-After": "1"}), answer(200, PAGE)))
    server.route("/p/*", slow_page(0.05))
    urls = [server.url("/busy")] + [server.url(f"/p/{i}") for i in range(16)]
    results = run(urls, per_host=2)
    assert results[0].outcome == "ok-with-warning" and "rate-limited" in results[0].detail
    assert {r.outcome for r in results[1:]} == {"ok"}
    first, second = server.hits("/busy")
    assert second.started - first.ended >= 0.9  # Retry-After: 1 honoured for that URL
    others = [h for h in server.hits() if h.path.startswith("/p/")]
    meanwhile = [h for h in others if first.ended <= h.started and h.ended <= second.started]
    assert len(meanwhile) >= 12  # the rest of the host went on in the meantime


def scheduler(concurrency: int, per_host: int) -> Scheduler[str]:
    return Scheduler(concurrency, lambda host: (per_host, 0.0), backoff=0.5, backoff_max=8.0)


def test_hosts_are_taken_in_turn_up_to_the_global_limit() -> None:
    plan = scheduler(concurrency=4, per_host=4)
    for host in ("a", "b"):
        for i in range(4):
            plan.add(host, f"{host}{i}")
    assert [item for _, item in plan.take(0.0)] == ["a0", "b0", "a1", "b1"]
    assert plan.take(0.0) == []  # the global limit is reached
    plan.done("a", 0.1)
    assert plan.take(0.1) == [("a", "a2")]


def test_a_sleeping_item_holds_no_slot_and_a_429_paces_its_host() -> None:
    plan = scheduler(concurrency=8, per_host=1)
    plan.add("a", "a0")
    plan.add("a", "a1")
    assert plan.take(0.0) == [("a", "a0")]
    plan.done("a", 0.1, pause=1.0)  # a0 got a 429: it sleeps, its host is paced 0.5 s
    plan.add("a", "a0", at=1.1)
    assert plan.take(0.1) == []  # paced: not before 0.6
    plan.wake(0.6)
    assert plan.take(0.6) == [("a", "a1")]  # a1 goes ahead while a0 sleeps
    plan.done("a", 0.7, good=True)
    plan.wake(1.2)
    assert plan.take(1.2) == [("a", "a0")]
    assert plan.busy()
    plan.done("a", 1.3, good=True)
    assert not plan.busy()


def test_a_429_halves_its_hosts_slots_and_good_answers_win_them_back() -> None:
    plan = scheduler(concurrency=8, per_host=4)
    for i in range(12):
        plan.add("a", f"a{i}")
    assert len(plan.take(0.0)) == 4
    plan.done("a", 0.1, pause=1.0)  # a 429: two at once from now on, and no wait
    assert plan.take(0.1) == []  # three still in flight
    plan.done("a", 0.1, good=True)
    assert plan.take(0.1) == []
    plan.done("a", 0.1, good=True)  # two good answers, as many as slots: one more slot
    plan.done("a", 0.1, good=True)
    assert len(plan.take(0.1)) == 3
    for _ in range(3):
        plan.done("a", 0.2, good=True)
    assert len(plan.take(0.2)) == 4  # back to the configured four


def test_a_host_paced_at_one_slot_wins_back_its_interval_and_then_its_slots() -> None:
    """Halving the interval never reaches a base of 0 exactly: the host stayed at one slot
    with an interval of 1e-41 s for the rest of the run (a 20,000-URL run took 35 s, not 10)."""
    plan = scheduler(concurrency=8, per_host=4)
    for i in range(200):
        plan.add("a", f"a{i}")
    started = plan.take(0.0)
    for _ in started:  # four 429s: 4 → 2 → 1 slot, then a wider interval at one slot
        plan.done("a", 0.0, pause=1.0)
    now = 0.0
    for _ in range(30):  # then only good answers
        now += 10.0
        plan.wake(now)
        for name, _ in plan.take(now):
            plan.done(name, now, good=True)
    now += 10.0
    plan.wake(now)
    assert len(plan.take(now)) == 4
