"""`verify` and `add` against registries that hang or trickle: the run's deadline ends them,
each exchange's wall clock counts trickled bytes, and what the deadline left says so."""

from __future__ import annotations

import socket
import threading
import time
from collections.abc import Callable, Iterator

import pytest

from citations.net.http import Client
from citations.net.settings import HttpConfig
from citations.registries.client import Registries
from citations.registries.settings import REGISTRIES

from fakeregistry import FakeRegistry

DEADLINE = 3.0
SLACK = 7.0  # generous: a loaded machine, thread start-up, the report
PARK = "10.3390/healthcare11111624"


def hang(fake: FakeRegistry) -> None:
    for name in REGISTRIES:
        fake.slow(f"/{name}/*", 120)


def trickle_body(fake: FakeRegistry) -> None:
    for name in REGISTRIES:
        fake.trickle(f"/{name}/*", 0.2)


def trickle_headers(fake: FakeRegistry) -> None:
    for name in REGISTRIES:
        fake.trickle(f"/{name}/*", 0.2, headers=True)


SPOILERS = [
    pytest.param(hang, id="hang"),
    pytest.param(trickle_body, id="trickle-body"),
    pytest.param(trickle_headers, id="trickle-headers"),
]


def timed(action: Callable[[], object]) -> tuple[object, float]:
    started = time.monotonic()
    outcome = action()
    return outcome, time.monotonic() - started


# --- each exchange's wall clock ------------------------------------------------------------


def test_a_registry_exchange_is_cut_by_its_wall_clock_however_it_trickles(
    fake: FakeRegistry,
) -> None:
    """No run deadline here: one byte every 0.2 s resets a 1 s read timeout for ever, the
    exchange's wall clock (connect + 2 × read) does not."""
    trickle_headers(fake)
    with Registries(fake.settings(timeout=1.0, retries=0)) as registries:
        lookup, elapsed = timed(lambda: registries.crossref_work(PARK))
    assert elapsed < 1.0 + 2 * 1.0 + 2, elapsed
    assert getattr(lookup, "status", None) == "unavailable"


@pytest.fixture
def trickling_proxy(monkeypatch: pytest.MonkeyPatch) -> Iterator[int]:
    """An HTTPS proxy on 127.0.0.1 that answers CONNECT with a header line one byte every
    0.1 s, for 10 s: the tunnel is never open before the client gives up, unless nothing
    watches the clock (a read timeout alone is reset by every byte)."""
    listener = socket.socket()
    listener.bind(("127.0.0.1", 0))
    listener.listen(4)
    stop = threading.Event()

    def serve() -> None:
        listener.settimeout(0.1)
        while not stop.is_set():
            try:
                conn, _ = listener.accept()
            except OSError:
                continue
            with conn:
                conn.recv(4096)
                conn.sendall(b"HTTP/1.1 200 Connection established\r\nX-Slow: ")
                for _ in range(100):
                    if stop.wait(0.1):
                        break
                    try:
                        conn.sendall(b"a")
                    except OSError:
                        break

    thread = threading.Thread(target=serve, daemon=True)
    thread.start()
    port = listener.getsockname()[1]
    for name in ("no_proxy", "all_proxy"):
        monkeypatch.delenv(name, raising=False)
        monkeypatch.delenv(name.upper(), raising=False)
    monkeypatch.setenv("HTTPS_PROXY", f"http://127.0.0.1:{port}")
    monkeypatch.setenv("https_proxy", f"http://127.0.0.1:{port}")
    yield port
    stop.set()
    thread.join(5)
    listener.close()


def test_a_trickled_proxy_tunnel_is_cut_by_the_wall_clock(trickling_proxy: int) -> None:
    config = HttpConfig("t", connect_timeout=0.5, read_timeout=0.5, retries=0)
    with Client(config) as client:
        exchange, elapsed = timed(lambda: client.request("GET", "https://pub.example/"))
    assert elapsed < 0.5 + 2 * 0.5 + 2, elapsed
    assert getattr(exchange, "response", None) is None
