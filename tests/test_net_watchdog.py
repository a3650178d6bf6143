"""The watchdog that cuts an exchange at its wall-clock bound: a thread only while there is
something to watch, so a process done with the network can fork without copying it."""

from __future__ import annotations

import threading
import time

from citations.net.http import Client
from citations.net.settings import HttpConfig

from linkserver import LinkServer, Request, answer


def _watchdogs() -> list[threading.Thread]:
    return [t for t in threading.enumerate() if t.name == "http-watchdog"]


def _gone(deadline: float = 10.0) -> bool:
    end = time.monotonic() + deadline
    while _watchdogs() and time.monotonic() < end:
        time.sleep(0.02)
    return not _watchdogs()


def test_the_watchdog_ends_when_idle_and_comes_back_to_cut_a_trickle() -> None:
    def trickle(req: Request) -> None:
        req.start(200, length=100_000)
        for _ in range(2000):  # 100 s of one byte every 50 ms, unless cut
            if not req.write(b"x") or not req.sleep(0.05):
                return

    config = HttpConfig("t", retries=0, connect_timeout=1.0, read_timeout=0.3)
    with LinkServer() as server, Client(config) as client:
        server.route("/ok", answer(200, b"fine"))
        server.route("/slow", trickle)
        assert client.request("GET", server.url("/ok")).response is not None
        assert _gone()  # nothing armed: no thread left behind
        exchange = client.request("GET", server.url("/slow"), max_body=100_000)
        assert exchange.response is not None  # the status came; the body was cut at the bound
        assert "no complete answer within" in exchange.response.body_error
    assert _gone()
