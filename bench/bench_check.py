"""Check speed: `citations check` over a generated 10,000-entry library and 1,000 articles.

    python bench/bench_check.py [--entries 10000] [--articles 1000] [--runs 3]

In one process and a temporary folder: the bare bibtexparser parse (the baseline), then the
whole check (load the library with an empty parse cache, read and scan every article, run
every check) and the same with a warm parse cache, each as the median of --runs runs with
min and max; then each check's own time, and the whole command in a new process. The issue's
target (under 3 s for 10,000 entries and 1,000 articles) is printed beside the figure;
informational only, the exit status is 0 whatever it is.
"""

from __future__ import annotations

import argparse
import gc
import statistics
import subprocess
import sys
import tempfile
import time
from collections.abc import Callable
from pathlib import Path

BENCH = Path(__file__).resolve().parent
sys.path[:0] = [str(BENCH.parent), str(BENCH)]
import bibtexparser  # noqa: E402

from citations.checks import CHECKS, run_checks  # noqa: E402
from citations.library import load_library  # noqa: E402
from citations.snapshot import build_snapshot, find_articles  # noqa: E402

from generate import write_corpus  # noqa: E402

TARGET_S = 3.0


def timed(fn: Callable[[], object], runs: int) -> list[float]:
    times = []
    for _ in range(runs):
        gc.collect()
        start = time.perf_counter()
        fn()
        times.append(time.perf_counter() - start)
    return times


def show(label: str, times: list[float], extra: str = "") -> float:
    median = statistics.median(times)
    print(f"  {label:<40} {median:7.3f} s [{min(times):.3f}–{max(times):.3f}]  {extra}")
    return median


def main() -> int:
    parser = argparse.ArgumentParser(description=__doc__.splitlines()[0])
    parser.add_argument("--entries", type=int, default=10_000)
    parser.add_argument("--articles", type=int, default=1_000)
    parser.add_argument("--runs", type=int, default=3)
    args = parser.parse_args()

    with tempfile.TemporaryDirectory() as tmp:
        root = Path(tmp)
        corpus = write_corpus(root / "site", args.entries, args.articles)
        text = corpus.library.read_text("utf-8")
        articles = find_articles([root / "site" / "articles"])
        print(
            f"citations check benchmark: {args.entries:,} entries, {len(articles):,} articles, "
            f"median [min–max] of {args.runs} runs, Python {sys.version.split()[0]}"
        )

        def whole(cache: Path | None) -> Callable[[], object]:
            def run() -> object:
                library = load_library([corpus.library], cache)
                return run_checks(build_snapshot(library, articles))

            return run

        baseline = show(
            "baseline: bibtexparser.parse_string",
            timed(lambda: bibtexparser.parse_string(text, parse_stack=[]), args.runs),
        )
        cold_times = []
        for i in range(args.runs):
            cold_times += timed(whole(root / f"cold{i}"), 1)
        cold = show("check, empty parse cache", cold_times)
        warm_cache = root / "warm"
        whole(warm_cache)()
        warm = show("check, warm parse cache", timed(whole(warm_cache), args.runs))
        print(f"  ratios: cold/baseline {cold / baseline:.2f}, warm/cold {warm / cold:.2f}")
        verdict = "PASS" if cold < TARGET_S else "MISS"
        print(f"  target: {args.entries:,} entries + {len(articles):,} articles under "
              f"{TARGET_S:.0f} s (cold): {cold:.2f} s {verdict}")  # fmt: skip

        print("\n  each check alone (warm library, articles read once):")
        library = load_library([corpus.library], warm_cache)
        snapshot = build_snapshot(library, articles)
        for check in CHECKS:
            show(f"check '{check.name}'", timed(lambda c=check: list(c.run(snapshot)), args.runs))
        found = run_checks(snapshot)
        print(f"  findings on the generated corpus: {len(found)}")

        start = time.perf_counter()
        proc = subprocess.run(
            [sys.executable, "-m", "citations", "check", "--refs", str(corpus.library),
             "-f", "json", str(root / "site" / "articles")],
            capture_output=True, text=True, env={"CITATIONS_CACHE_DIR": str(root / "proc"),
                                                 "PYTHONPATH": str(BENCH.parent), "PATH": ""},
        )  # fmt: skip
        elapsed = time.perf_counter() - start
        print(f"\n  `citations check` in a new process (cold cache): {elapsed:.2f} s, "
              f"exit {proc.returncode}")  # fmt: skip
    return 0


if __name__ == "__main__":
    raise SystemExit(main())
