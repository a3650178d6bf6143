"""A farm of slow HTTP servers on 127.0.0.1 … 127.0.0.N for bench_links.py, and what it saw.

Each address has a `ThreadingHTTPServer` (ten to a process, forked before the parent starts
any thread) that answers every request after `latency` seconds. The path `/TAG/KIND/N` says
the answer (see KINDS); a new TAG gives every run fresh paths, so once-only answers (a 500,
a 429) come again. Every request is logged with its host, method and the server's own start
and end times (time.monotonic(), one clock for all processes on Linux), from which the
requests, the peak and the average in flight per host are counted.
"""

from __future__ import annotations

import contextlib
import multiprocessing
import random
import threading
import time
from collections import defaultdict
from collections.abc import Sequence
from dataclasses import dataclass
from http.server import BaseHTTPRequestHandler, ThreadingHTTPServer
from multiprocessing.connection import Connection
from typing import Any

FARM_LIFETIME = 3600.0  # the farm stops by itself after this, whatever the parent does
PAGE = "<!doctype html><html><head><title>{}</title></head><body><p>{}</p></body></html>"
RETRIES = 2  # `citations links`' default (LinkSettings.retries): the farm is stdlib only
BIG = 2 * 1024 * 1024  # a "big" page's length: far beyond what a checker needs to read


@dataclass(frozen=True)
class Kind:
    """One kind of farm URL: its share of every 200 URLs, what `citations links` should say,
    and the fewest requests a checker that retries as ours does needs for it."""

    name: str
    per_200: int
    outcome: str
    requests: int
    what: str


KINDS: tuple[Kind, ...] = (
    Kind("ok", 118, "ok", 1, "200 page with a title"),
    Kind("nohead", 16, "ok", 1, "405 to HEAD, 200 page to GET"),
    Kind("pdf", 10, "ok", 1, "200 application/pdf, 20 KB"),
    Kind("big", 4, "ok", 1, f"200 page of {BIG // 1024 // 1024} MB"),
    Kind("moved", 8, "ok-with-warning", 2, "301 to /ok/N"),
    Kind("chain", 2, "ok-with-warning", 3, "302 to /chain/N/b, 302 to /ok/N"),
    Kind("loop", 1, "broken", 4, "302 to /loop/N/b and back (one revisit allowed)"),
    Kind("gone", 14, "broken", 1, "404"),
    Kind("gone410", 6, "broken", 1, "410"),
    Kind("flaky", 6, "ok", 2, "500 to the first request, 200 after"),
    Kind("down", 1, "transient", 1 + RETRIES, f"502 always (retried {RETRIES} times with backoff)"),
    Kind("busy", 4, "ok-with-warning", 2, "429 Retry-After: 1 to the first request, 200 after"),
    Kind("soft", 4, "broken", 1, "200 page titled 'Page not found'"),
    Kind("forbidden", 6, "blocked", 1, "403"),
)
BY_NAME = {kind.name: kind for kind in KINDS}


def make_kinds(n: int, seed: int, only: str | None = None) -> list[str]:
    """`n` kind names in KINDS' proportions (or all `only`), shuffled with `seed`."""
    if only is not None:
        return [only] * n
    counts = {kind.name: n * kind.per_200 // 200 for kind in KINDS}
    counts["ok"] += n - sum(counts.values())
    names = [name for name, count in counts.items() for _ in range(count)]
    random.Random(seed).shuffle(names)
    return names


def make_urls(hosts: Sequence[str], kinds: Sequence[str], tag: str) -> list[str]:
    """URL i is on host i mod len(hosts)."""
    return [f"http://{hosts[i % len(hosts)]}/{tag}/{kind}/{i}" for i, kind in enumerate(kinds)]


class _FarmServer(ThreadingHTTPServer):
    daemon_threads = True
    block_on_close = False
    request_queue_size = 512
    allow_reuse_address = True

    def __init__(self, address: str, latency: float, log: _Log) -> None:
        self.latency, self.log, self.address = latency, log, address
        self.seen: set[str] = set()  # once-only paths already answered
        self.seen_lock = threading.Lock()
        super().__init__((address, 0), _FarmHandler)

    def process_request(self, request: Any, client_address: Any) -> None:
        self.log.connection()
        super().process_request(request, client_address)

    def handle_error(self, request: Any, client_address: Any) -> None:
        pass  # a client that hung up mid-body (a big page) is part of the plan

    def first(self, path: str) -> bool:
        with self.seen_lock:
            new = path not in self.seen
            self.seen.add(path)
        return new


class _Log:
    def __init__(self) -> None:
        self.lock = threading.Lock()
        self.events: list[tuple[str, str, str, float, float, bool]] = []
        self.connections = 0

    def connection(self) -> None:
        with self.lock:
            self.connections += 1

    def add(self, event: tuple[str, str, str, float, float, bool]) -> None:
        with self.lock:
            self.events.append(event)

    def take(self) -> dict[str, Any]:
        with self.lock:
            taken = {"events": self.events, "connections": self.connections}
            self.events, self.connections = [], 0
        return taken


class _FarmHandler(BaseHTTPRequestHandler):
    protocol_version = "HTTP/1.1"
    timeout = 10  # an idle kept-alive connection frees its thread after this
    disable_nagle_algorithm = True
    server: _FarmServer

    def log_message(self, format: str, *args: Any) -> None:
        pass

    def _reply(self, status: int, body: str | bytes = "", headers: dict[str, str] | None = None,
               kind: str = "text/html; charset=utf-8") -> None:  # fmt: skip
        data = body.encode() if isinstance(body, str) else body
        self.send_response(status)
        self.send_header("Content-Type", kind)
        self.send_header("Content-Length", str(len(data)))
        for name, value in (headers or {}).items():
            self.send_header(name, value)
        self.end_headers()
        if self.command != "HEAD":
            self.wfile.write(data)

    def _answer(self) -> None:
        srv, started = self.server, time.monotonic()
        path = self.path.split("?")[0]
        parts = path.strip("/").split("/")  # TAG, KIND, N[, b]
        kind = parts[1] if len(parts) >= 3 and parts[1] in BY_NAME else "other"
        opens = len(parts) == 3 and srv.first("url " + path)  # a URL's first request
        time.sleep(srv.latency)
        try:
            self._by_kind(kind, parts, path)
        except OSError:
            self.close_connection = True
        finally:
            srv.log.add((srv.address, self.command, kind, started, time.monotonic(), opens))

    def _by_kind(self, kind: str, parts: list[str], path: str) -> None:
        tag, n = parts[0], parts[2] if len(parts) >= 3 else ""
        ok, second = PAGE.format(f"Page {n}", "Some text."), len(parts) == 4
        if kind in ("ok", "nohead") and not (kind == "nohead" and self.command == "HEAD"):
            self._reply(200, ok)
        elif kind == "nohead":
            self._reply(405, PAGE.format("Method Not Allowed", "GET only."), {"Allow": "GET"})
        elif kind == "pdf":
            self._reply(200, b"%PDF-1.7\n" + b"0" * 20_000, kind="application/pdf")
        elif kind == "big":
            self._reply(200, ok.encode() + b" " * (BIG - len(ok)))
        elif kind in ("moved", "chain", "loop"):
            status, to = {
                "moved": (301, "ok"), "chain": (302, "ok" if second else f"chain/{n}/b"),
                "loop": (302, f"loop/{n}" if second else f"loop/{n}/b"),
            }[kind]  # fmt: skip
            target = f"/{tag}/{to}" if "/" in to else f"/{tag}/{to}/{n}"
            self._reply(status, PAGE.format("Moved", target), {"Location": target})
        elif kind in ("gone", "gone410", "forbidden", "down"):
            status = {"gone": 404, "gone410": 410, "forbidden": 403, "down": 502}[kind]
            self._reply(status, PAGE.format(f"Error {status}", "No."))
        elif kind in ("flaky", "busy"):
            if not self.server.first(path):
                self._reply(200, ok)
            elif kind == "flaky":
                self._reply(500, PAGE.format("Server Error", "Try again."))
            else:
                self._reply(429, PAGE.format("Too Many Requests", "Wait."), {"Retry-After": "1"})
        elif kind == "soft":
            self._reply(200, PAGE.format("Page not found", "Sorry."))
        else:  # /robots.txt, the page a peer is given, anything else
            self._reply(404, PAGE.format("Not Found", "Nothing here."))

    do_GET = do_HEAD = _answer


def _farm_process(addresses: list[str], latency: float, conn: Connection) -> None:
    """Serve `addresses` until told to stop, the parent goes, or FARM_LIFETIME passes."""
    log = _Log()
    servers = [_FarmServer(address, latency, log) for address in addresses]
    for server in servers:
        kwargs = {"poll_interval": 0.05}
        threading.Thread(target=server.serve_forever, kwargs=kwargs, daemon=True).start()
    conn.send(
        [
            (address, server.server_address[1])
            for address, server in zip(addresses, servers, strict=True)
        ]
    )
    end = time.monotonic() + FARM_LIFETIME
    while (left := end - time.monotonic()) > 0:
        if not conn.poll(min(left, 1.0)):
            continue
        try:
            command = conn.recv()
        except EOFError:  # the parent has gone
            break
        if command != "log":
            break
        conn.send(log.take())
    for server in servers:
        server.shutdown()
        server.server_close()


class Farm:
    """Servers on 127.0.0.1 … 127.0.0.N, ten addresses to a process."""

    def __init__(self, hosts: int, latency: float, per_process: int = 10) -> None:
        if not 1 <= hosts <= 254:
            raise SystemExit("--hosts must be 1 … 254 (127.0.0.1 … 127.0.0.254)")
        context = multiprocessing.get_context("fork")  # before any thread starts here
        addresses = [f"127.0.0.{i}" for i in range(1, hosts + 1)]
        self.processes: list[multiprocessing.process.BaseProcess] = []
        self.pipes: list[Connection] = []
        self.hosts: list[str] = []  # "127.0.0.7:41234"
        for start in range(0, hosts, per_process):
            ours, theirs = context.Pipe()
            chunk = addresses[start : start + per_process]
            process = context.Process(target=_farm_process, args=(chunk, latency, theirs),
                                      daemon=True, name=f"farm-{start}")  # fmt: skip
            process.start()
            theirs.close()
            self.processes.append(process)
            self.pipes.append(ours)
        for pipe in self.pipes:
            if not pipe.poll(30):
                raise SystemExit("the farm did not start within 30 s")
            self.hosts += [f"{address}:{port}" for address, port in pipe.recv()]

    def take(self) -> Seen:
        """What the farm saw since the last call."""
        events: list[tuple[str, str, str, float, float, bool]] = []
        connections = 0
        for pipe in self.pipes:
            pipe.send("log")
            if pipe.poll(60):
                got = pipe.recv()
                events += got["events"]
                connections += got["connections"]
        return Seen(events, connections)

    def stop(self) -> None:
        for pipe in self.pipes:
            with contextlib.suppress(OSError):
                pipe.send("stop")
        for process in self.processes:
            process.join(10)
            if process.is_alive():
                process.terminate()
                process.join(5)


@dataclass
class Seen:
    """The farm's log of one run: (host, method, kind, start, end, opens) per request; `opens`:
    the first request for its URL."""

    events: list[tuple[str, str, str, float, float, bool]]
    connections: int

    def figures(self) -> dict[str, float]:
        """Requests, TCP connections, and the in-flight counts: peak and average over the run
        (the first request's start to the last one's end), in all and per host, and the
        average while URLs remained unstarted (up to the last URL's first request): work a
        checker could have started was there all along."""
        farm = [e for e in self.events if e[2] != "other"]
        if not farm:
            return {"requests": 0, "other": len(self.events), "connections": self.connections}
        begin, end = min(e[3] for e in farm), max(e[4] for e in farm)
        last_open = max((e[3] for e in farm if e[5]), default=end)
        by_host: dict[str, list[tuple[float, float]]] = defaultdict(list)
        for e in farm:
            by_host[e[0]].append((e[3], e[4]))
        busy = sum(e[4] - e[3] for e in farm)
        early = sum(max(0.0, min(e[4], last_open) - e[3]) for e in farm)
        return {
            "requests": len(farm),
            "head": sum(e[1] == "HEAD" for e in farm),
            "other": len(self.events) - len(farm),
            "connections": self.connections,
            "window": end - begin,
            "avg_total": busy / (end - begin),
            "avg_open": early / max(last_open - begin, 1e-9),
            "open_window": last_open - begin,
            "peak_total": _peak([(e[3], e[4]) for e in farm]),
            "peak_host": max(_peak(spans) for spans in by_host.values()),
            "avg_host": busy / (end - begin) / len(by_host),
        }


def _peak(spans: list[tuple[float, float]]) -> int:
    events = sorted((t, step) for s, e in spans for t, step in ((s, 1), (e, -1)))
    most = current = 0
    for _, step in events:  # an end sorts before a start at the same time
        current += step
        most = max(most, current)
    return most
