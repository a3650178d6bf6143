"""Link checking against peers, on a loopback farm: `citations links` at its defaults, its
`main` (optional), linkinator 7 and LinkChecker, timed in the same run on the same URLs.

    python bench/bench_links.py [--hosts 40] [--urls 2000] [--latency 0.05] [--big 20000]
        [--baseline PATH] [--linkinator DIR | --no-linkinator]
        [--linkchecker EXE | --no-linkchecker]

The farm (bench/linkfarm.py) serves 127.0.0.1 … 127.0.0.N with `--latency` per answer and a
mix of ok pages, HEAD-refusing pages, files, big pages, redirects, chains and loops,
404/410/403, a 500 once, a 502 always, soft 404s and 2% of 429 `Retry-After: 1` once. Each
tool runs in its own process on an HTML page (peers) or a .bib file (ours) of those URLs; the
farm's log gives each run's requests, peak and average in flight, in all and per host. A
second farm of ok pages only measures requests a URL where one request should do. Peak
memory at `--big` URLs is measured in a new process for this checkout and for `--baseline`
(a checkout of main: `git worktree add --detach /tmp/main main`). Informational: exit 0.
"""

from __future__ import annotations

import argparse
import compileall
import gc
import json
import os
import shutil
import statistics
import subprocess
import sys
import tempfile
import threading
import time
from collections import Counter, defaultdict
from collections.abc import Callable, Sequence
from pathlib import Path
from typing import Any

BENCH = Path(__file__).resolve().parent
REPO = BENCH.parent
sys.path[:0] = [str(BENCH)]
from linkfarm import BY_NAME, KINDS, Farm, make_kinds, make_urls  # noqa: E402
from linkpeers import PROXY_VARS, find_linkinator, quiet_env, run_linkchecker, run_linkinator  # noqa: E402

RETRY_AFTER = 1.0  # the farm's 429


def usable_concurrency(hosts: int) -> int:
    """Our defaults' usable concurrency on `hosts` hosts: the global limit, or the per-host
    limit times the hosts where that is smaller. Imported here, not at the top: the memory
    child imports `citations` from the checkout it measures."""
    from citations.links.model import LinkSettings

    defaults = LinkSettings()
    return min(defaults.concurrency, defaults.per_host * hosts)


Runner = Callable[[Sequence[str], Path], tuple[float, dict[str, str]]]


def floor(kinds: Sequence[str], hosts: int, latency: float) -> tuple[float, int, int]:
    """(seconds, requests, usable concurrency): the fewest requests any checker that retries
    as ours does must make, over the usable concurrency, times the latency, plus one
    Retry-After."""
    usable = usable_concurrency(hosts)
    requests = sum(BY_NAME[name].requests for name in kinds)
    return requests / usable * latency + (RETRY_AFTER if "busy" in kinds else 0.0), requests, usable


def run_citations(code: Path) -> Runner:
    """`citations links --no-cache -f json` from `code` on a .bib file listing the URLs.
    Its bytecode is compiled first, as pip does on install: with PYTHONDONTWRITEBYTECODE set
    (some machines set it), every run would otherwise compile the modules changed since."""
    compileall.compile_dir(Path(code) / "citations", quiet=1)

    def run(urls: Sequence[str], folder: Path) -> tuple[float, dict[str, str]]:
        (folder / "refs").mkdir(parents=True)
        (folder / "citations.toml").write_text("", "utf-8")
        entries = (f"@misc{{k{i},\n  title = {{Page {i}}},\n  url = {{{url}}},\n}}\n"
                   for i, url in enumerate(urls))  # fmt: skip
        (folder / "refs" / "bench.bib").write_text("\n".join(entries), "utf-8")
        env = quiet_env(folder) | {"PYTHONPATH": str(code)}
        out = folder / "out.json"
        command = [sys.executable, "-m", "citations", "links", "--no-cache", "-f", "json",
                   "-o", str(out)]  # fmt: skip
        start = time.perf_counter()
        proc = subprocess.run(command, cwd=folder, env=env, capture_output=True, text=True,
                              timeout=900, check=False)  # fmt: skip
        elapsed = time.perf_counter() - start
        if not out.exists():
            print(f"    citations ({code}) failed, exit {proc.returncode}: {proc.stderr[-400:]}")
            return elapsed, {}
        results = json.loads(out.read_text("utf-8"))["results"]
        return elapsed, {r["url"]: r["outcome"] for r in results}

    return run


def timed_on_farm(
    name: str, runner: Runner, farm: Farm, kinds: Sequence[str], tag: str, root: Path
) -> dict[str, Any]:
    urls = make_urls(farm.hosts, kinds, tag)
    farm.take()
    elapsed, verdicts = runner(urls, root / tag)
    figures: dict[str, Any] = dict(farm.take().figures())
    figures.update(name=name, elapsed=elapsed, per_url=figures["requests"] / len(urls))
    per_kind: dict[str, Counter[str]] = defaultdict(Counter)
    for url, kind in zip(urls, kinds, strict=True):
        per_kind[kind][verdicts.get(url, "missing")] += 1
    figures["verdicts"] = [verdicts.get(url, "missing") for url in urls]
    figures["per_kind"] = per_kind
    return figures


def show_run(fig: dict[str, Any], base: float, n: int) -> None:
    print(
        f"  {fig['name']:<24} {fig['elapsed']:6.2f} s {fig['elapsed'] / base:5.2f}× floor | "
        f"{fig['requests']:5,} requests {fig['per_url']:.3f}/URL ({fig.get('head', 0):,} HEAD, "
        f"{fig['other']:,} other paths), {fig['connections']:,} connections"
    )
    print(
        f"  {'':<24} in flight: peak {fig.get('peak_total', 0)}, average "
        f"{fig.get('avg_total', 0):.1f} ({fig.get('avg_open', 0):.1f} in the "
        f"{fig.get('open_window', 0):.2f} s while URLs remained unstarted); per host: peak "
        f"{fig.get('peak_host', 0)}, average {fig.get('avg_host', 0):.2f}"
    )


def show_verdicts(figs: Sequence[dict[str, Any]]) -> None:
    print(f"    {'kind':<10} {'intended':<16} " + " | ".join(f["name"] for f in figs))
    for kind in KINDS:
        cells = []
        for fig in figs:
            common = fig["per_kind"][kind.name].most_common(2)
            cells.append(", ".join(f"{v} ×{c}" for v, c in common) or "-")
        print(f"    {kind.name:<10} {kind.outcome:<16} " + " | ".join(cells))


def wrong(fig: dict[str, Any], kinds: Sequence[str]) -> int:
    return sum(v != BY_NAME[k].outcome for v, k in zip(fig["verdicts"], kinds, strict=True))


# ----------------------------------------------------------------------------- memory


def current_rss_kb() -> int:
    with open("/proc/self/status", encoding="ascii") as status:
        for line in status:
            if line.startswith("VmRSS:"):
                return int(line.split()[1])
    return 0


def child_main(args: argparse.Namespace) -> int:
    """Hidden mode: check --urls farm URLs with `check_targets` at its defaults, in this new
    process, from --code; one JSON line: RSS before and at the peak, seconds, outcomes."""
    sys.path.insert(0, args.code)
    from citations.links.model import LinkSettings, Place, Target
    from citations.links.run import check_targets

    urls = make_urls(args.child_farm.split(","), make_kinds(args.urls, args.seed), f"m{args.tag}")
    targets = [Target(u, "url", (Place("b.bib", i + 1, 1, f"k{i}"),)) for i, u in enumerate(urls)]
    gc.collect()
    before = current_rss_kb()
    peak, stop = [before], threading.Event()

    def sample() -> None:
        while not stop.wait(0.01):
            peak[0] = max(peak[0], current_rss_kb())

    sampler = threading.Thread(target=sample, daemon=True)
    sampler.start()
    start = time.perf_counter()
    results = check_targets(targets, LinkSettings())
    elapsed = time.perf_counter() - start
    stop.set()
    sampler.join()
    outcomes = Counter(r.outcome for r in results)
    print(json.dumps({"before": before, "peak": max(peak[0], current_rss_kb()),
                      "elapsed": elapsed, "outcomes": outcomes}))  # fmt: skip
    return 0


def memory_run(code: Path, farm: Farm, args: argparse.Namespace, tag: str) -> dict[str, Any]:
    command = [sys.executable, str(Path(__file__).resolve()), "--child-farm", ",".join(farm.hosts),
               "--urls", str(args.big), "--seed", str(args.seed), "--code", str(code),
               "--tag", tag]  # fmt: skip
    proc = subprocess.run(command, capture_output=True, text=True, timeout=1800, check=False)
    farm.take()
    lines = proc.stdout.strip().splitlines()
    if proc.returncode != 0 or not lines:
        print(f"    memory run ({code}) failed, exit {proc.returncode}: {proc.stderr[-400:]}")
        return {}
    figures: dict[str, Any] = json.loads(lines[-1])
    return figures


# ----------------------------------------------------------------------------- main


def main() -> int:
    parser = argparse.ArgumentParser(description=__doc__.splitlines()[0])
    parser.add_argument("--hosts", type=int, default=40)
    parser.add_argument("--urls", type=int, default=2000)
    parser.add_argument("--latency", type=float, default=0.05)
    parser.add_argument("--runs", type=int, default=1, help="runs of ours on the mixed farm")
    parser.add_argument("--big", type=int, default=20_000, help="URLs for the memory run (0: skip)")
    parser.add_argument("--seed", type=int, default=0)
    parser.add_argument("--baseline", type=Path, default=None, help="a checkout of main")
    parser.add_argument("--linkinator", type=Path, default=None, help="its npm folder")
    parser.add_argument("--no-linkinator", action="store_true")
    parser.add_argument("--linkchecker", default=None, help="its executable (default: on PATH)")
    parser.add_argument("--no-linkchecker", action="store_true")
    parser.add_argument("--child-farm", default=None, help=argparse.SUPPRESS)
    parser.add_argument("--code", default=str(REPO), help=argparse.SUPPRESS)
    parser.add_argument("--tag", default="0", help=argparse.SUPPRESS)
    args = parser.parse_args()
    for name in PROXY_VARS:  # the farm is loopback only
        os.environ.pop(name, None)
    os.environ["NO_PROXY"] = os.environ["no_proxy"] = "*"
    if args.child_farm:
        return child_main(args)
    farm = Farm(args.hosts, args.latency)
    try:
        with tempfile.TemporaryDirectory() as tmp:
            return bench(farm, args, Path(tmp))
    finally:
        farm.stop()


def tools(args: argparse.Namespace) -> list[tuple[str, Runner]]:
    found: list[tuple[str, Runner]] = [("citations links", run_citations(REPO))]
    if args.baseline:
        found.append(("citations (main)", run_citations(args.baseline)))
    exe = None if args.no_linkinator else find_linkinator(args.linkinator, install=True)
    if exe:
        found.append(("linkinator 7", lambda urls, folder: run_linkinator(exe, urls, folder)))
    else:
        print("  linkinator: skipped (not installed: npm install linkinator@7 failed?)")
    lc = None if args.no_linkchecker else args.linkchecker or shutil.which("linkchecker")
    if lc:
        found.append(("LinkChecker", lambda urls, folder: run_linkchecker(lc, urls, folder)))
    else:
        print("  LinkChecker: skipped (not on PATH: pip install linkchecker, or --linkchecker)")
    return found


def bench(farm: Farm, args: argparse.Namespace, root: Path) -> int:
    n, hosts = args.urls, len(farm.hosts)
    kinds = make_kinds(n, args.seed)
    base, requests, usable = floor(kinds, hosts, args.latency)
    root.chmod(0o755)  # LinkChecker run as root drops to the user nobody: it must read here
    print(
        f"links benchmark: {n:,} URLs on {hosts} hosts, latency {args.latency * 1000:.0f} ms; "
        f"Python {sys.version.split()[0]}, {os.cpu_count()} CPUs\n  mix: "
        + ", ".join(f"{k.name} {kinds.count(k.name)} ({k.what})" for k in KINDS)
    )
    print(
        f"  floor: {requests:,} requests / {usable} usable slots × {args.latency * 1000:.0f} ms"
        f" + {RETRY_AFTER:g} s Retry-After = {base:.2f} s"
    )
    runners = tools(args)
    timed_on_farm("warm-up", runners[0][1], farm, make_kinds(60, 1), "warm", root)
    mixed = [timed_on_farm(name, run, farm, kinds, f"x{i}", root)
             for i, (name, run) in enumerate(runners)]  # fmt: skip
    for extra in range(1, args.runs):  # the baseline in turn with ours: one drift for both
        for name, run in runners[: 2 if args.baseline else 1]:
            mixed.append(timed_on_farm(f"{name} #{extra + 1}", run, farm, kinds,
                                       f"again{extra}{name[-5:-1]}", root))  # fmt: skip
    print("\nmixed farm:")
    for fig in mixed:
        show_run(fig, base, n)
    show_verdicts(mixed[: len(runners)])
    oks = make_kinds(n, args.seed, only="ok")
    ok_base = floor(oks, hosts, args.latency)[0]
    print(f"\nall-ok farm ({n:,} pages; floor {ok_base:.2f} s):")
    ok_runs = [
        timed_on_farm(name, run, farm, oks, f"ok{i}", root)
        for i, (name, run) in enumerate(runners)
        if name.startswith("citations")
    ]
    for fig in ok_runs:
        show_run(fig, ok_base, n)
    memory = {}
    if args.big:
        codes = [("citations links", REPO)] + ([("main", args.baseline)] if args.baseline else [])
        for name, code in codes:
            memory[name] = memory_run(code, farm, args, name.split()[0])
    summarize(args, kinds, mixed, ok_runs, memory, base)
    return 0


def summarize(
    args: argparse.Namespace,
    kinds: Sequence[str],
    mixed: list[dict[str, Any]],
    ok_runs: list[dict[str, Any]],
    memory: dict[str, dict[str, Any]],
    base: float,
) -> None:
    ours, usable = mixed[0], usable_concurrency(args.hosts)
    ours_time = statistics.median(
        f["elapsed"] for f in mixed if f["name"].startswith("citations links")
    )
    peers = {f["name"]: f for f in mixed}
    least = floor(kinds, args.hosts, args.latency)[1] / len(kinds)
    print("\ntargets (ours: the median of its runs on the mixed farm):")
    report("requests per URL, all-ok farm <= 1.05", f"{ok_runs[0]['per_url']:.3f}",
           ok_runs[0]["per_url"] <= 1.05)  # fmt: skip
    report(f"requests per URL, mixed farm <= 1.15 (its least: {least:.3f})",
           f"{ours['per_url']:.3f}", ours["per_url"] <= 1.15)  # fmt: skip
    for fig, label in ((ours, "mixed"), (ok_runs[0], "all-ok")):
        for key, when in (("avg_total", "whole run"), ("avg_open", "URLs unstarted")):
            avg = fig.get(key, 0.0)
            report(f"average in flight >= 80% of {usable} ({label}, {when})",
                   f"{avg:.1f} ({avg / usable:.0%})", avg >= 0.8 * usable)  # fmt: skip
    link = peers.get("linkinator 7")
    speed = None if link is None else link["elapsed"] / ours_time
    shown = "-" if speed is None else f"{speed:.2f}x"
    report("at least 1.5x faster than linkinator (mixed)", shown,
           None if speed is None else speed >= 1.5)  # fmt: skip
    shown = f"{ours_time:.2f} s = {ours_time / base:.2f}x {base:.2f} s"
    report("within 1.5x of the floor (mixed)", shown, ours_time <= 1.5 * base)
    miss = wrong(ours, kinds)
    report("every URL classified as the farm intends", f"{len(kinds) - miss:,}/{len(kinds):,}",
           miss == 0)  # fmt: skip
    main_fig = peers.get("citations (main)")
    if main_fig is not None:
        same = sum(a == b for a, b in zip(ours["verdicts"], main_fig["verdicts"], strict=True))
        report("same outcomes as main, URL by URL", f"{same:,}/{len(kinds):,}",
               same == len(kinds))  # fmt: skip
        main_time = statistics.median(
            f["elapsed"] for f in mixed if f["name"].startswith("citations (main)")
        )
        print(f"  {'faster than main (medians of its runs and ours)':<58} "
              f"{main_time / ours_time:.2f}x ({main_time:.2f} s vs {ours_time:.2f} s)")  # fmt: skip
    if memory.get("citations links") and memory.get("main"):
        show_memory(memory["citations links"], memory["main"], args.big)


def report(what: str, value: str, met: bool | None) -> None:
    mark = "n/a" if met is None else "MET" if met else "NOT MET"
    print(f"  {what:<58} {value:<30} {mark}")


def show_memory(ours: dict[str, Any], main: dict[str, Any], n: int) -> None:
    grow, grow_main = ours["peak"] - ours["before"], main["peak"] - main["before"]
    value = f"{ours['peak'] / 1024:.0f} vs {main['peak'] / 1024:.0f} MB"
    report(
        f"peak RSS at {n:,} URLs within 10% of main's", value, ours["peak"] <= 1.1 * main["peak"]
    )
    print(
        f"    growth during the check: +{grow / 1024:.1f} MB vs +{grow_main / 1024:.1f} MB; "
        f"{ours['elapsed']:.1f} s vs {main['elapsed']:.1f} s; outcomes {ours['outcomes']} vs "
        f"{main['outcomes']}"
    )


if __name__ == "__main__":
    raise SystemExit(main())
