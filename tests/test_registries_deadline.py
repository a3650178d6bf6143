"""`verify` and `add` against registries that hang or trickle: the run's deadline ends them,
each exchange's wall clock counts trickled bytes, and what the deadline left says so."""

from __future__ import annotations

import json
import socket
import threading
import time
from collections.abc import Callable, Iterator
from pathlib import Path

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


# --- the run's deadline -------------------------------------------------------------------


@pytest.fixture
def project(tmp_path: Path) -> Path:
    (tmp_path / "refs").mkdir()
    (tmp_path / "refs" / "lib.bib").write_text(
        "@article{park2023acupuncture,\n  author = {Park, Hyun Suk},\n"
        "  title = {Acupuncture treatment for hip pain},\n  journal = {Healthcare},\n"
        f"  year = {{2023}},\n  doi = {{{PARK}}},\n}}\n"
        "@article{wu2016,\n  author = {Wu, Mei-Yao},\n  title = {Acupuncture for pain},\n"
        "  journal = {PLoS One},\n  year = {2016},\n  pmid = {26959661},\n}\n"
        "@article{vaswani2017,\n  author = {Vaswani, Ashish},\n"
        "  title = {Attention is all you need},\n  journal = {arXiv},\n  year = {2017},\n"
        "  eprint = {1706.03762},\n  eprinttype = {arXiv},\n}\n",
        "utf-8",
    )
    return tmp_path


@pytest.mark.parametrize("spoil", SPOILERS)
def test_verify_ends_by_its_deadline(
    run, fake: FakeRegistry, project: Path, spoil: Callable[[FakeRegistry], None]
) -> None:
    spoil(fake)
    args = ("verify", "-f", "json", "--no-cache", "--deadline", str(DEADLINE))
    result, elapsed = timed(lambda: run(*args, cwd=project))
    assert elapsed < DEADLINE + SLACK, elapsed
    assert result.code in (0, 4), result.err  # unverifiable never fails; 4: none answered
    entries = json.loads(result.out)["results"]
    assert [e["verdict"] for e in entries] == ["unverifiable"] * 3
    assert all("deadline" in e["detail"] for e in entries), [e["detail"] for e in entries]


@pytest.mark.parametrize("spoil", SPOILERS)
def test_add_ends_by_its_deadline(
    run, fake: FakeRegistry, project: Path, spoil: Callable[[FakeRegistry], None]
) -> None:
    spoil(fake)
    ids = (PARK, "pmid:26959661", "arxiv:1706.03762")
    fresh = ("--refs", "none.bib", "--to", "new.bib")  # an empty library: nothing is known
    args = ("add", *ids, *fresh, "--dry-run", "--no-cache", "--deadline", str(DEADLINE))
    result, elapsed = timed(lambda: run(*args, cwd=project))
    assert elapsed < DEADLINE + SLACK, elapsed
    assert result.code == 1 and result.out == ""
    assert result.err.count("deadline") >= len(ids), result.err


def test_the_default_deadlines(run, fake: FakeRegistry, project: Path) -> None:
    from citations.commands.add import AddRun
    from citations.commands.verify import VerifyRun
    from citations.config import load_config

    config = load_config(cwd=project)
    assert VerifyRun.from_config(config).registries.deadline == 300.0
    assert AddRun.from_config(config).registries.deadline == 60.0
    assert VerifyRun.from_config(config, deadline=5).registries.deadline == 5.0


def test_a_rate_limit_does_not_wait_past_the_deadline(fake: FakeRegistry) -> None:
    """arXiv's one request every 3 s: the fourth id would wait 9 s; past the deadline it is
    not asked at all."""
    settings = fake.settings(rates=dict.fromkeys(REGISTRIES, 1 / 3), deadline=DEADLINE)
    ids = ["1706.03762", "1810.04805", "2005.14165", "1512.03385"]
    with Registries(settings) as registries:
        lookups, elapsed = timed(lambda: [registries.arxiv(i) for i in ids])
    assert elapsed < DEADLINE + 1, elapsed
    assert isinstance(lookups, list) and "deadline" in lookups[-1].detail


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
