"""Link-check speed: `check_targets` against a farm of slow loopback servers, and LinkChecker.

    python bench/bench_links.py [--hosts 40] [--urls 2000] [--latency 0.05] [--runs 3]
                                [--big 20000] [--linkchecker PATH | --no-linkchecker]

A farm of HTTP servers bound to 127.0.0.1 … 127.0.0.N (Linux routes all of 127/8 to lo), each
answering every request after `--latency` seconds, runs in separate processes. URL paths say
what the farm answers, and so which outcome the checker should give: /ok/N, /gone/N (404),
/moved/N (301 to /ok/N), /flaky/N (500 to the first request, then 200), /forbidden/N (403),
/soft/N (200 "Page not found"), /slow/N (longer than the read timeout), in fixed proportions,
shuffled with a seed and spread round-robin over the hosts. Every byte goes to 127.0.0.0/8.

Printed: the whole check's time (median [min–max] of --runs runs) against the floor that the
latency and the concurrency limits set (per host and global), with the issue's target (≤ 1.3×
the floor); whether every URL got its intended outcome; requests and connections the farm saw;
peak RSS at --urls and --big URLs, each in a new process; and, if `linkchecker` is on PATH (or
given), its time and verdicts on the same URLs. Informational: the exit status is 0 whatever
is measured.
"""

from __future__ import annotations

import argparse
import contextlib
import csv
import gc
import json
import math
import multiprocessing
import os
import random
import resource
import shutil
import statistics
import subprocess
import sys
import tempfile
import threading
import time
import types
from collections import Counter, defaultdict
from collections.abc import Sequence
from dataclasses import dataclass
from http.server import BaseHTTPRequestHandler, ThreadingHTTPServer
from multiprocessing.connection import Connection
from pathlib import Path
from typing import Any

BENCH = Path(__file__).resolve().parent
sys.path[:0] = [str(BENCH.parent)]
from citations.links.model import LinkSettings, Place, Result, Target  # noqa: E402
from citations.links.run import check_targets  # noqa: E402

TARGET_RATIO = 1.3
CONCURRENCY = 32  # LinkSettings' default
PER_HOST = 4  # LinkSettings' default
RETRIES = 1  # one retry is all a flaky URL needs
BACKOFF = 0.05  # the first retry waits backoff/2 … backoff (jitter): 37.5 ms on average
FARM_LIFETIME = 3600.0  # the farm stops by itself after this, whatever the parent does
SHARED = (type, types.ModuleType, types.FunctionType)  # not the results' own: not counted
PROXY_VARS = ("http_proxy", "https_proxy", "all_proxy", "HTTP_PROXY", "HTTPS_PROXY", "ALL_PROXY")


@dataclass(frozen=True)
class Kind:
    """One kind of farm URL: its share of every 200 URLs, and what the checker should say."""

    name: str
    per_200: int
    outcome: str
    requests: int  # round trips check.py makes for it (see REQUESTS_WHY)
    retried: bool = False  # one backoff wait between two attempts


KINDS: tuple[Kind, ...] = (
    Kind("ok", 80, "ok", 2),
    Kind("gone", 30, "broken", 2),
    Kind("moved", 30, "ok-with-warning", 3),
    Kind("flaky", 20, "ok", 3, retried=True),
    Kind("forbidden", 20, "blocked", 2),
    Kind("soft", 19, "broken", 2),
    Kind("slow", 1, "transient", 2, retried=True),
)
BY_NAME = {kind.name: kind for kind in KINDS}
REQUESTS_WHY = {
    "ok": "HEAD 200 text/html, then GET for the body (soft-404 check)",
    "gone": "HEAD 404 is 'unreliable', so GET 404",
    "moved": "HEAD 301 (not followed by GET), then HEAD+GET on /ok/N",
    "flaky": "HEAD 500, backoff, HEAD 200, GET 200",
    "forbidden": "HEAD 403 is 'unreliable', so GET 403",
    "soft": "HEAD 200 text/html, then GET finds the title",
    "slow": "HEAD read timeout, backoff, HEAD read timeout (each holds a slot for the timeout)",
}


# ----------------------------------------------------------------------------- the farm


@dataclass(frozen=True)
class Timing:
    """How long the farm takes: every answer, a slow one, and a new connection's first one."""

    latency: float
    slow: float
    handshake: float = 0.0  # stands for a TCP+TLS handshake on a real network


class _FarmServer(ThreadingHTTPServer):
    daemon_threads = True
    block_on_close = False
    request_queue_size = 256
    allow_reuse_address = True

    def __init__(self, address: str, timing: Timing, stats: _Stats) -> None:
        self.timing = timing
        self.stats = stats
        self.seen: set[str] = set()  # flaky paths already answered once
        self.seen_lock = threading.Lock()
        super().__init__((address, 0), _FarmHandler)

    def process_request(self, request: Any, client_address: Any) -> None:
        self.stats.add("connections")
        super().process_request(request, client_address)

    def handle_error(self, request: Any, client_address: Any) -> None:
        pass  # a client that timed out and hung up is part of the plan


class _Stats:
    def __init__(self) -> None:
        self.lock = threading.Lock()
        self.counts: Counter[str] = Counter()

    def add(self, key: str) -> None:
        with self.lock:
            self.counts[key] += 1

    def take(self) -> dict[str, int]:
        with self.lock:
            counts, self.counts = dict(self.counts), Counter()
        return counts


PAGE = "<!doctype html><html><head><title>{}</title></head><body><p>{}</p></body></html>"


class _FarmHandler(BaseHTTPRequestHandler):
    protocol_version = "HTTP/1.1"
    timeout = 5  # an idle kept-alive connection frees its thread after this
    disable_nagle_algorithm = True
    server: _FarmServer

    def log_message(self, format: str, *args: Any) -> None:
        pass

    def _reply(self, status: int, body: str, headers: dict[str, str] | None = None) -> None:
        data = body.encode()
        self.send_response(status)
        self.send_header("Content-Type", "text/html; charset=utf-8")
        self.send_header("Content-Length", str(len(data)))
        for name, value in (headers or {}).items():
            self.send_header(name, value)
        self.end_headers()
        if self.command != "HEAD":
            self.wfile.write(data)

    def _answer(self) -> None:
        srv = self.server
        path = self.path.split("?")[0]
        parts = path.strip("/").split("/")  # /TAG/KIND/N
        kind = parts[1] if len(parts) == 3 and parts[1] in BY_NAME else "other"
        srv.stats.add(f"{self.command} {kind}")
        time.sleep(srv.timing.slow if kind == "slow" else srv.timing.latency)
        # LinkChecker waits 0.1–0.6 s between two requests to a host unless the server sends
        # a "LinkChecker" header: the "lcfast" runs lift that politeness to compare engines.
        extra = {"LinkChecker": "unthrottled"} if parts[0].startswith("lcfast") else {}
        try:
            if kind in ("ok", "slow"):
                self._reply(200, PAGE.format(f"Page {parts[2]}", "Some text."), extra)
            elif kind == "gone":
                self._reply(404, PAGE.format("Not Found", "Nothing here."), extra)
            elif kind == "moved":
                location = f"/{parts[0]}/ok/{parts[2]}"
                self._reply(301, PAGE.format("Moved", location), {"Location": location, **extra})
            elif kind == "flaky":
                with srv.seen_lock:
                    first = path not in srv.seen
                    srv.seen.add(path)
                if first:
                    self._reply(500, PAGE.format("Server Error", "Try again."), extra)
                else:
                    self._reply(200, PAGE.format(f"Page {parts[2]}", "Some text."), extra)
            elif kind == "forbidden":
                self._reply(403, PAGE.format("Forbidden", "No robots."), extra)
            elif kind == "soft":
                self._reply(200, PAGE.format("Page not found", "Sorry."), extra)
            else:  # /robots.txt and anything else
                self._reply(404, PAGE.format("Not Found", "Nothing here."), extra)
        except OSError:
            self.close_connection = True

    do_GET = do_HEAD = _answer

    def handle(self) -> None:
        if self.server.timing.handshake:  # the first answer on a new connection comes later
            time.sleep(self.server.timing.handshake)
        super().handle()


def _farm_process(addresses: list[str], timing: Timing, lifetime: float, conn: Connection) -> None:
    """Serve `addresses` until told to stop, the parent goes, or `lifetime` seconds pass."""
    stats = _Stats()
    servers = [_FarmServer(address, timing, stats) for address in addresses]
    for server in servers:
        kwargs = {"poll_interval": 0.05}
        threading.Thread(target=server.serve_forever, kwargs=kwargs, daemon=True).start()
    pairs = zip(addresses, servers, strict=True)
    conn.send([(address, server.server_address[1]) for address, server in pairs])
    end = time.monotonic() + lifetime
    while (left := end - time.monotonic()) > 0:
        if not conn.poll(min(left, 1.0)):
            continue
        try:
            command = conn.recv()
        except EOFError:  # the parent has gone
            break
        if command == "stats":
            conn.send(stats.take())
        else:
            break
    for server in servers:
        server.shutdown()
        server.server_close()


class Farm:
    """Servers on 127.0.0.1 … 127.0.0.N, ten addresses to a process."""

    def __init__(self, hosts: int, timing: Timing, per_process: int = 10) -> None:
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
            process = context.Process(
                target=_farm_process, args=(chunk, timing, FARM_LIFETIME, theirs),
                daemon=True, name=f"farm-{start}",
            )  # fmt: skip
            process.start()
            theirs.close()
            self.processes.append(process)
            self.pipes.append(ours)
        for pipe in self.pipes:
            if not pipe.poll(30):
                raise SystemExit("the farm did not start within 30 s")
            self.hosts += [f"{address}:{port}" for address, port in pipe.recv()]

    def stats(self) -> Counter[str]:
        """Requests (by method and kind) and connections since the last call."""
        total: Counter[str] = Counter()
        for pipe in self.pipes:
            pipe.send("stats")
            if pipe.poll(30):
                total.update(pipe.recv())
        return total

    def stop(self) -> None:
        for pipe in self.pipes:
            with contextlib.suppress(OSError):
                pipe.send("stop")
        for process in self.processes:
            process.join(10)
            if process.is_alive():
                process.terminate()
                process.join(5)


# ----------------------------------------------------------------------------- URLs and floor


def make_kinds(n: int, seed: int) -> list[str]:
    """`n` kind names in KINDS' proportions (rounding goes to "ok"), shuffled with `seed`."""
    counts = {kind.name: n * kind.per_200 // 200 for kind in KINDS}
    counts["ok"] += n - sum(counts.values())
    names = [name for name, count in counts.items() for _ in range(count)]
    random.Random(seed).shuffle(names)
    return names


def make_urls(hosts: Sequence[str], kinds: Sequence[str], tag: str) -> list[str]:
    """URL i is on host i mod len(hosts); `tag` makes every run's paths (and flaky state) new."""
    return [f"http://{hosts[i % len(hosts)]}/{tag}/{kind}/{i}" for i, kind in enumerate(kinds)]


def make_targets(urls: Sequence[str]) -> list[Target]:
    return [
        Target(url, "url", (Place("bench.bib", i + 1, 1, f"k{i}"),)) for i, url in enumerate(urls)
    ]


@dataclass(frozen=True)
class Floor:
    per_host: float
    worst_host: str
    worst_host_requests: int
    global_: float
    chain: float
    requests: int

    @property
    def value(self) -> float:
        return max(self.per_host, self.global_, self.chain)


def compute_floor(
    hosts: Sequence[str], kinds: Sequence[str], latency: float, timeout: float
) -> Floor:
    """The least time any checker bound by per_host and concurrency could take.

    Per host: the time its requests hold a slot (latency each; the read timeout for a slow
    one), over per_host. Global: the time every URL's chain holds a worker (its requests plus
    the mean backoff wait of a retry), over the concurrency. Chain: the longest single URL.
    """
    wait = 0.75 * BACKOFF
    slot: dict[str, float] = defaultdict(float)
    count: Counter[str] = Counter()
    busy = chain = 0.0
    for i, name in enumerate(kinds):
        kind, host = BY_NAME[name], hosts[i % len(hosts)]
        each = timeout if name == "slow" else latency
        slot[host] += kind.requests * each
        count[host] += kind.requests
        length = kind.requests * each + (wait if kind.retried else 0.0)
        busy += length
        chain = max(chain, length)
    worst = max(slot, key=lambda h: slot[h])
    return Floor(
        per_host=slot[worst] / PER_HOST, worst_host=worst, worst_host_requests=count[worst],
        global_=busy / min(CONCURRENCY, len(kinds)), chain=chain, requests=sum(count.values()),
    )  # fmt: skip


def settings_for(timeout: float, deadline: float) -> LinkSettings:
    return LinkSettings(
        concurrency=CONCURRENCY, per_host=PER_HOST, retries=RETRIES, backoff=BACKOFF,
        connect_timeout=2.0, read_timeout=timeout, deadline=deadline, allow_private=True,
    )  # fmt: skip


def mismatches(results: Sequence[Result], kinds: Sequence[str]) -> list[str]:
    """Every URL whose outcome is not the farm's intent, as one line each."""
    wrong = []
    for result, name in zip(results, kinds, strict=True):
        want = BY_NAME[name].outcome
        moved_ok = name != "moved" or (result.permanent_redirect or "").endswith(
            "/ok/" + result.url.rsplit("/", 1)[1]
        )
        if result.outcome != want or not moved_ok:
            wrong.append(
                f"{result.url}: {result.outcome} (want {want}), {result.detail!r}, "
                f"attempts {result.attempts}, permanent_redirect {result.permanent_redirect}"
            )
    return wrong


def check(
    hosts: Sequence[str], kinds: Sequence[str], tag: str, timeout: float, floor: Floor
) -> tuple[float, float, list[Result]]:
    """One whole check: wall and CPU seconds, and the results."""
    targets = make_targets(make_urls(hosts, kinds, tag))
    settings = settings_for(timeout, deadline=max(60.0, 20 * floor.value))
    cpu, start = time.process_time(), time.perf_counter()
    results = check_targets(targets, settings)
    return time.perf_counter() - start, time.process_time() - cpu, results


def deep_size(root: object, seen: set[int]) -> int:
    """Bytes of `root` and all it refers to, counting no object in `seen` (which grows)."""
    total, todo = 0, [root]
    while todo:
        fresh = [o for o in todo if id(o) not in seen and not isinstance(o, SHARED)]
        seen.update(id(o) for o in fresh)
        total += sum(sys.getsizeof(o) for o in fresh)
        todo = gc.get_referents(*fresh)
    return total


def rss_kb() -> int:
    return resource.getrusage(resource.RUSAGE_SELF).ru_maxrss  # KB on Linux


def current_rss_kb() -> int:
    with open("/proc/self/statm") as statm:
        return int(statm.read().split()[1]) * os.sysconf("SC_PAGE_SIZE") // 1024


# ----------------------------------------------------------------------------- printing


def show(label: str, times: Sequence[float], extra: str = "") -> float:
    median = statistics.median(times)
    print(f"  {label:<34} {median:7.2f} s [{min(times):.2f}–{max(times):.2f}]  {extra}")
    return median


def describe_floor(floor: Floor, latency: float, n: int) -> None:
    print(
        f"  floor: per host {floor.per_host:.2f} s ({floor.worst_host}: "
        f"{floor.worst_host_requests} requests × {latency * 1000:.0f} ms / {PER_HOST}), "
        f"global {floor.global_:.2f} s ({floor.requests:,} requests, backoffs and slow "
        f"timeouts / {min(CONCURRENCY, n)} workers), longest URL {floor.chain:.2f} s "
        f"→ floor {floor.value:.2f} s"
    )


def per_kind(
    results: Sequence[Result], kinds: Sequence[str], latency: float, timeout: float
) -> None:
    """Mean time a URL of each kind took in its worker, against its own chain of requests."""
    spent: dict[str, list[float]] = defaultdict(list)
    for result, name in zip(results, kinds, strict=True):
        spent[name].append(result.elapsed)
    print("  per kind: mean time in a worker vs its bare chain (requests × latency + waits):")
    for kind in KINDS:
        if not spent[kind.name]:
            continue
        each = timeout if kind.name == "slow" else latency
        bare = kind.requests * each + (0.75 * BACKOFF if kind.retried else 0.0)
        mean = statistics.fmean(spent[kind.name])
        over = (mean - bare) / kind.requests * 1000
        print(
            f"    {kind.name:<10} {len(spent[kind.name]):>6,}  mean {mean * 1000:7.1f} ms  "
            f"bare {bare * 1000:6.1f} ms  +{over:5.1f} ms a request  max "
            f"{max(spent[kind.name]) * 1000:7.1f} ms"
        )


def show_farm(stats: Counter[str], expected: int) -> None:
    served = sum(v for k, v in stats.items() if k != "connections" and not k.endswith(" other"))
    other = sum(v for k, v in stats.items() if k.endswith(" other"))
    by_method = ", ".join(
        f"{m} {sum(v for k, v in stats.items() if k.startswith(m + ' '))}" for m in ("HEAD", "GET")
    )
    print(
        f"  farm: {served:,} requests for farm URLs ({by_method}; expected {expected:,} from "
        f"check.py's rules), {other} for other paths, {stats['connections']:,} TCP connections"
    )


# ----------------------------------------------------------------------------- memory child


def show_memory(fig: dict[str, Any]) -> None:
    n, mb = fig["urls"], 1 / 1024
    growth, kept = fig["peak"] - fig["current_before"], fig["current_after"] - fig["current_before"]
    print(
        f"    {n:>7,} URLs: RSS {fig['current_before'] * mb:5.1f} MB before the check, peak "
        f"{fig['peak'] * mb:5.1f} MB during it: +{growth * mb:5.1f} MB, {growth * 1024 / n:,.0f} "
        f"bytes a URL; {fig['current_after'] * mb:5.1f} MB after (+{kept * 1024 / n:,.0f} bytes a "
        f"URL); the results themselves hold {fig['held'] / n:,.0f} bytes a URL (deep sizeof)"
    )
    elapsed, floor, right = fig["elapsed"], fig["floor"], n - fig["wrong"]
    print(
        f"             ru_maxrss {fig['before'] * mb:5.1f} MB before (the imports' peak), "
        f"{fig['after'] * mb:5.1f} MB after; {elapsed:.2f} s ({elapsed / floor:.2f}× its floor "
        f"{floor:.2f} s), CPU {fig['cpu']:.1f} s, {right:,}/{n:,} as intended"
    )
    for line in fig["examples"]:
        print(f"      {line}")


def child_main(args: argparse.Namespace) -> int:
    """Hidden mode: one check of --urls URLs in this fresh process; a JSON line of figures."""
    hosts = args.child_farm.split(",")
    kinds = make_kinds(args.urls, args.seed)
    floor = compute_floor(hosts, kinds, args.latency, args.timeout)
    targets = make_targets(make_urls(hosts, kinds, f"m{args.urls}"))
    settings = settings_for(args.timeout, deadline=max(60.0, 20 * floor.value))
    gc.collect()
    before, current_before = rss_kb(), current_rss_kb()
    peak, stop = [current_before], threading.Event()

    def sample() -> None:  # ru_maxrss already holds the import-time peak: sample the check's own
        while not stop.wait(0.01):
            peak[0] = max(peak[0], current_rss_kb())

    sampler = threading.Thread(target=sample, daemon=True)
    sampler.start()
    cpu, start = time.process_time(), time.perf_counter()
    results = check_targets(targets, settings)
    elapsed, cpu = time.perf_counter() - start, time.process_time() - cpu
    stop.set()
    sampler.join()
    after, current_after = rss_kb(), current_rss_kb()
    wrong = mismatches(results, kinds)
    seen: set[int] = set()
    deep_size(targets, seen)  # results share the targets' places: count only what is new
    held = deep_size(results, seen)
    print(json.dumps({
        "urls": args.urls, "before": before, "after": after, "current_before": current_before,
        "peak": max(peak[0], current_after), "current_after": current_after,
        "held": held, "elapsed": elapsed, "cpu": cpu,
        "floor": floor.value, "wrong": len(wrong), "examples": wrong[:3],
    }))  # fmt: skip
    return 0


def memory_run(n: int, farm: Farm, args: argparse.Namespace) -> dict[str, Any] | None:
    floor = compute_floor(farm.hosts, make_kinds(n, args.seed), args.latency, args.timeout)
    command = [
        sys.executable, str(Path(__file__).resolve()), "--child-farm", ",".join(farm.hosts),
        "--urls", str(n), "--latency", str(args.latency), "--timeout", str(args.timeout),
        "--seed", str(args.seed),
    ]  # fmt: skip
    try:
        proc = subprocess.run(
            command, capture_output=True, text=True, timeout=max(120.0, 30 * floor.value)
        )
    except subprocess.TimeoutExpired:
        print(f"  {n:,} URLs: the child process did not finish in time")
        return None
    lines = proc.stdout.strip().splitlines()
    if proc.returncode != 0 or not lines:
        print(f"  {n:,} URLs: the child failed (exit {proc.returncode}): {proc.stderr[-500:]}")
        return None
    figures: dict[str, Any] = json.loads(lines[-1])
    return figures


# ----------------------------------------------------------------------------- LinkChecker


def run_linkchecker(
    exe: str,
    farm: Farm,
    kinds: Sequence[str],
    tag: str,
    root: Path,
    args: argparse.Namespace,
    ours: float,
) -> None:
    """`linkchecker` over an HTML page of the farm's URLs; time, and verdicts per kind."""
    urls = make_urls(farm.hosts, kinds, tag)
    folder = root / tag
    folder.mkdir()
    page = folder / "links.html"
    links = "\n".join(f'<li><a href="{url}">{i}</a></li>' for i, url in enumerate(urls))
    page.write_text(f"<!doctype html><title>farm</title><ul>\n{links}\n</ul>\n", "utf-8")
    fast = tag.startswith("lcfast")
    rate = 1000 if fast else 10
    bound = max(120, int(2.5 * len(urls) / len(farm.hosts)))  # its waits are 0.1–0.6 s a host
    config = folder / "linkcheckerrc"
    config.write_text(
        f"[checking]\nmaxrequestspersecond={rate}\nmaxrunseconds={bound}\n"
        "[output]\nstatus=0\n", "utf-8"
    )  # fmt: skip
    for path in (root, folder, page, config):  # run as root, it drops to the user nobody
        path.chmod(0o755 if path.is_dir() else 0o644)
    env = {k: v for k, v in os.environ.items() if k not in PROXY_VARS}
    env.update(NO_PROXY="*", no_proxy="*", HOME=str(folder), XDG_CONFIG_HOME=str(folder))
    command = [
        exe, "-f", str(config), "--no-status", "--check-extern", "--recursion-level", "1",
        "--threads", str(CONCURRENCY), "--timeout", str(max(1, math.ceil(args.timeout))),
        "--verbose", "-o", "csv", str(page),
    ]  # fmt: skip
    start = time.perf_counter()
    try:
        proc = subprocess.run(command, capture_output=True, text=True, env=env, timeout=bound + 60)
    except subprocess.TimeoutExpired:
        print(f"  LinkChecker ({tag}) did not finish within {bound + 60} s")
        return
    elapsed = time.perf_counter() - start
    stats = farm.stats()
    rows = [line for line in proc.stdout.splitlines() if line and not line.startswith("#")]
    verdicts: dict[str, tuple[bool, str]] = {}
    for row in csv.DictReader(rows, delimiter=";"):
        url = row.get("urlname") or ""
        if url in verdicts or not url.startswith("http"):
            continue
        verdicts[url] = (row.get("valid") == "True", (row.get("result") or "").strip())
    label = "unthrottled: maxrequestspersecond=1000 + farm header" if fast else "default politeness"
    print(
        f"  LinkChecker, {label}: {elapsed:.2f} s, exit {proc.returncode}, "
        f"{len(verdicts):,} of {len(urls):,} URLs reported; {elapsed / ours:.2f}× our median"
    )
    served = sum(v for k, v in stats.items() if k != "connections")
    slow, wait = stats["GET slow"] + stats["HEAD slow"], max(1, math.ceil(args.timeout))
    own = max(((served - slow) * args.latency + slow * wait) / CONCURRENCY, wait if slow else 0)
    print(
        f"    farm: {served:,} requests (robots.txt included), {stats['connections']:,} "
        f"connections; its own floor (those requests × latency, {wait} s a slow one, / "
        f"{CONCURRENCY} threads; at least one slow URL) {own:.2f} s: {elapsed / own:.2f}× it"
    )
    table: dict[str, Counter[str]] = defaultdict(Counter)
    results: dict[str, Counter[str]] = defaultdict(Counter)
    for url, name in zip(urls, kinds, strict=True):
        valid, result = verdicts.get(url, (None, "not reported"))
        table[name]["missing" if valid is None else "valid" if valid else "invalid"] += 1
        results[name][result[:40]] += 1
    print(f"    {'kind':<10} {'ours':<16} {'valid':>6} {'invalid':>8} {'missing':>8}  its results")
    for kind in KINDS:
        t = table[kind.name]
        common = ", ".join(f"{r or '-'} ×{c}" for r, c in results[kind.name].most_common(2))
        print(
            f"    {kind.name:<10} {kind.outcome:<16} {t['valid']:>6} {t['invalid']:>8} "
            f"{t['missing']:>8}  {common}"
        )
    if proc.returncode not in (0, 1):
        print(f"    stderr: {proc.stderr.strip()[-400:]}")


# ----------------------------------------------------------------------------- main


def main() -> int:
    parser = argparse.ArgumentParser(description=__doc__.splitlines()[0])
    parser.add_argument("--hosts", type=int, default=40)
    parser.add_argument("--urls", type=int, default=2000)
    parser.add_argument("--latency", type=float, default=0.05)
    parser.add_argument("--runs", type=int, default=3)
    parser.add_argument("--big", type=int, default=20_000, help="URLs for the memory run (0: skip)")
    parser.add_argument("--timeout", type=float, default=None,
                        help="read timeout (default max(0.5, 10 × latency))")  # fmt: skip
    parser.add_argument("--seed", type=int, default=0)
    parser.add_argument("--handshake", type=float, default=0.0,
                        help="seconds a new connection's first answer waits more (0)")  # fmt: skip
    parser.add_argument("--linkchecker", default=None, help="its executable (default: on PATH)")
    parser.add_argument("--no-linkchecker", action="store_true")
    parser.add_argument("--child-farm", default=None, help=argparse.SUPPRESS)
    args = parser.parse_args()
    if args.timeout is None:
        args.timeout = max(0.5, 10 * args.latency)
    for name in PROXY_VARS:  # requests would send farm traffic to a proxy: loopback only
        os.environ.pop(name, None)
    os.environ["NO_PROXY"] = os.environ["no_proxy"] = "*"
    if args.child_farm:
        return child_main(args)

    slow = max(3 * args.timeout, 2.0)  # beyond our read timeout and LinkChecker's 1 s
    farm = Farm(args.hosts, Timing(args.latency, slow, args.handshake))
    try:
        return bench(farm, args)
    finally:
        farm.stop()


def bench(farm: Farm, args: argparse.Namespace) -> int:
    hosts, n = farm.hosts, args.urls
    kinds = make_kinds(n, args.seed)
    floor = compute_floor(hosts, kinds, args.latency, args.timeout)
    mix = Counter(kinds)
    print(
        f"links benchmark: {n:,} URLs on {len(hosts)} hosts (127.0.0.1–127.0.0.{len(hosts)}), "
        f"latency {args.latency * 1000:.0f} ms; concurrency {CONCURRENCY}, per host {PER_HOST}, "
        f"retries {RETRIES}, backoff {BACKOFF} s (first wait {BACKOFF / 2}–{BACKOFF} s), read "
        f"timeout {args.timeout} s (slow URLs answer after {max(3 * args.timeout, 2.0)} s); "
        f"Python {sys.version.split()[0]}, {os.cpu_count()} CPUs"
    )
    if args.handshake:
        print(f"  a new connection's first answer waits {args.handshake * 1000:.0f} ms more")
    print("  mix: " + ", ".join(f"{k.name} {mix[k.name]} → {k.outcome}" for k in KINDS))
    print("  requests per URL (from check.py):")
    for kind in KINDS:
        print(f"    {kind.name:<10} {kind.requests}: {REQUESTS_WHY[kind.name]}")
    describe_floor(floor, args.latency, n)

    warm_kinds = [k.name for k in KINDS for _ in range(2)]
    warm_floor = compute_floor(hosts, warm_kinds, args.latency, args.timeout)
    warm, _, _ = check(hosts, warm_kinds, "w", args.timeout, warm_floor)
    farm.stats()
    print(f"  warm-up ({len(warm_kinds)} URLs, first imports and threads): {warm:.2f} s")

    times, cpus, all_wrong, last = [], [], [], None
    for run in range(1, args.runs + 1):
        elapsed, cpu, results = check(hosts, kinds, f"r{run}", args.timeout, floor)
        stats = farm.stats()
        wrong = mismatches(results, kinds)
        times.append(elapsed)
        cpus.append(cpu)
        all_wrong.append(wrong)
        busy = sum(r.elapsed for r in results) / (min(CONCURRENCY, n) * elapsed)
        print(
            f"  run {run}: {elapsed:.2f} s ({elapsed / floor.value:.2f}× floor), CPU {cpu:.2f} s, "
            f"workers busy {busy:.0%}, {len(results) - len(wrong):,}/{n:,} as intended"
        )
        show_farm(stats, floor.requests)
        last = (results, cpu)
    median = show("check_targets", times, f"CPU {statistics.median(cpus):.2f} s")
    ratio = median / floor.value
    verdict = "PASS" if ratio <= TARGET_RATIO else "MISS"
    print(f"  floor {floor.value:.2f} s: ratio {ratio:.2f}× (target ≤ {TARGET_RATIO}×) {verdict}")
    wrong = max(all_wrong, key=len)
    print(
        f"  classification: {n - len(wrong):,}/{n:,} as the farm intends in the worst run"
        + ("" if not wrong else "; mismatches (up to 10):")
    )
    for line in wrong[:10]:
        print(f"    {line}")
    if last is not None:
        results, cpu = last
        print(f"  CPU per request (last run): {cpu / floor.requests * 1000:.2f} ms")
        per_kind(results, kinds, args.latency, args.timeout)

    if args.big:
        print("\n  memory, each size in a new process (results are kept until the end):")
        figures = [memory_run(size, farm, args) for size in (n, args.big)]
        farm.stats()
        for fig in figures:
            if fig is not None:
                show_memory(fig)
        if all(figures):
            per = [(f["peak"] - f["current_before"]) * 1024 / f["urls"] for f in figures if f]
            small, big = figures
            assert small is not None and big is not None
            extra = (big["peak"] - big["current_before"]) - (
                small["peak"] - small["current_before"]
            )
            print(
                f"    peak growth a URL, {args.big:,} vs {n:,} URLs: "
                f"{per[1] / max(per[0], 1.0):.2f}× (fixed costs weigh more at {n:,}); marginal "
                f"{extra * 1024 / max(args.big - n, 1):,.0f} bytes a URL from {n:,} to {args.big:,}"
            )

    print()
    exe = None if args.no_linkchecker else args.linkchecker or shutil.which("linkchecker")
    if exe is None:
        print("  LinkChecker: skipped (not on PATH; see bench/README.md to install it)")
        return 0
    start = time.perf_counter()
    version = subprocess.run([exe, "--version"], capture_output=True, text=True, timeout=60)
    startup = time.perf_counter() - start
    first = (version.stdout or version.stderr).strip().splitlines()
    print(
        f"  {first[0] if first else exe}: one GET a URL, no retries, a robots.txt a host; same "
        f"URLs on new paths; start-up (`--version`) {startup:.2f} s"
    )
    with tempfile.TemporaryDirectory() as tmp:
        for tag in ("lc", "lcfast"):
            run_linkchecker(exe, farm, kinds, tag, Path(tmp), args, median)
    return 0


if __name__ == "__main__":
    raise SystemExit(main())
