"""Core speed: loading a generated library (cold and warm parse cache), decoding it, rendering.

    python bench/bench_core.py [--sizes 1000,10000] [--runs 5] [--profile STEP]

For each size, in this one process and a temporary folder: the bare bibtexparser parse (the
baseline), `load_library` with an empty parse cache (cold) and a filled one (warm), decoding
every entry's fields and authors once, and rendering one generated ~20-citation article to
HTML; then, for reference, the cold and warm load again in a new Python process each time
(start-up and imports included). It prints medians with min and max, ratios against the
baseline run here, and the issue's targets with PASS/MISS beside them. The targets are
informational: the exit status is 0 whatever the figures are. `--profile STEP` runs cProfile
on one step at the largest size and prints the top functions.
"""

from __future__ import annotations

import argparse
import cProfile
import gc
import io
import os
import pstats
import statistics
import subprocess
import sys
import tempfile
import time
from collections.abc import Callable, Sequence
from dataclasses import dataclass
from pathlib import Path
from typing import Any

# This checkout's package (not an installed copy) and `generate` beside this file.
BENCH = Path(__file__).resolve().parent
sys.path[:0] = [str(BENCH.parent), str(BENCH)]
from generate import generate_article, generate_library, library_keys  # noqa: E402

_IMPORT_START = time.perf_counter()
import bibtexparser  # noqa: E402

from citations.library import Library, load_library  # noqa: E402
from citations.library.cache import cache_key, read_record  # noqa: E402
from citations.render.article import scan_article  # noqa: E402
from citations.render.compose import RenderOptions, render_article  # noqa: E402
from citations.render.styles import get_style  # noqa: E402
from citations.render.templating import Templates  # noqa: E402

IMPORT_SECONDS = time.perf_counter() - _IMPORT_START
_PATHS = [str(BENCH.parent), os.environ.get("PYTHONPATH", "")]
CHILD_ENV = {**os.environ, "PYTHONPATH": os.pathsep.join(p for p in _PATHS if p)}


def bare_parse(text: str) -> object:
    """The baseline: bibtexparser's parse alone, as citations.library.parse calls it."""
    return bibtexparser.parse_string(text, parse_stack=[])  # type: ignore[attr-defined]


# The targets, for a 10,000-entry library.
TARGET_SIZE = 10_000
TARGETS = {"cold": 1.5, "warm": 0.15, "render": 0.050}
STEPS = ("baseline", "cold", "warm", "decode", "render", "rerender", "cold_process", "warm_process")
LABELS = {
    "baseline": "baseline: bibtexparser.parse_string",
    "cold": "cold load (empty parse cache)",
    "warm": "warm load (parse cache filled)",
    "decode": "full decode (all fields + authors)",
    "render": "render article (fresh library)",
    "rerender": "render again (same library)",
    "cold_process": "cold load, whole new process",
    "warm_process": "warm load, whole new process",
}
# What `citations` does on its own before anything else: start Python, import, load.
_LOAD_SCRIPT = (
    "import sys; from pathlib import Path; from citations.library import load_library; "
    "load_library([Path(sys.argv[1])], cache_dir=Path(sys.argv[2]))"
)
OPTIONS = RenderOptions(to="html", report_uncited=False)


@dataclass
class Setup:
    """One size's inputs, written under `folder`."""

    size: int
    folder: Path
    bib: Path
    text: str
    article: str
    citations: int  # cited keys in the article, counting repeats


def prepare(root: Path, size: int, seed: int) -> Setup:
    folder = root / f"n{size}"
    folder.mkdir()
    text = generate_library(size, seed)
    bib = folder / "library.bib"
    bib.write_text(text, encoding="utf-8")
    article = generate_article(library_keys(text), 20, seed)
    cited = sum(len(m.items) for m in scan_article(article, "a.md").markers)
    return Setup(size, folder, bib, text, article, cited)


def timed(runs: int, body: Callable[[], Any]) -> list[float]:
    """`runs` timings of `body()`, with a garbage collection before each."""
    return timed_after(runs, lambda: None, lambda _: body())


def timed_after(runs: int, setup: Callable[[], Any], body: Callable[[Any], Any]) -> list[float]:
    """`runs` timings of `body(setup())`; `setup()` runs untimed each time."""
    times = []
    for _ in range(runs):
        arg = setup()
        gc.collect()
        start = time.perf_counter()
        body(arg)
        times.append(time.perf_counter() - start)
        del arg
    gc.collect()
    return times


def decode_all(lib: Library) -> None:
    for ref in lib:
        fields = ref.fields
        for name in fields:
            _ = fields[name]
        _ = ref.authors


def measure(setup: Setup, runs: int, templates: Templates) -> dict[str, list[float]]:
    style = get_style("ama")
    cache = setup.folder / "cache"
    fresh_caches = iter(range(10**9))

    def cold_cache() -> Path:
        empty = setup.folder / f"cold-{next(fresh_caches)}"
        empty.mkdir()
        return empty

    def cold() -> Library:
        return load_library([setup.bib], cache_dir=cold_cache())

    def warm() -> Library:
        return load_library([setup.bib], cache_dir=cache)

    results: dict[str, list[float]] = {}
    results["baseline"] = timed(runs, lambda: bare_parse(setup.text))
    results["cold"] = timed(runs, cold)
    warm()  # fill the cache
    key = cache_key(setup.bib.read_bytes(), {})
    if read_record(cache / "parse", key) is None:
        raise SystemExit("the parse cache was not filled: warm figures would be cold ones")
    results["warm"] = timed(runs, warm)
    results["decode"] = timed_after(runs, warm, decode_all)
    # Scanning the article is outside the render figures: they time the render call only.
    article = scan_article(setup.article, "a.md")

    def render(lib: Library) -> None:
        render_article(article, lib, style, templates, OPTIONS)

    results["render"] = timed_after(runs, warm, render)
    results["rerender"] = rerender_times(runs, warm(), render)
    results["cold_process"] = timed_after(runs, cold_cache, lambda c: in_new_process(setup.bib, c))
    results["warm_process"] = timed(runs, lambda: in_new_process(setup.bib, cache))
    return results


def rerender_times(runs: int, lib: Library, render: Callable[[Library], None]) -> list[float]:
    """Render timings once the cited entries were decoded by an earlier render."""
    render(lib)
    return timed(runs, lambda: render(lib))


def in_new_process(bib: Path, cache: Path) -> None:
    """`load_library` in a fresh interpreter: start-up and imports included."""
    command = [sys.executable, "-c", _LOAD_SCRIPT, str(bib), str(cache)]
    subprocess.run(command, check=True, env=CHILD_ENV, cwd=BENCH.parent)


def python_startup(runs: int) -> list[float]:
    return timed(runs, lambda: subprocess.run([sys.executable, "-c", "pass"], check=True))


def warm_up(root: Path, templates: Templates) -> float:
    """Run every step once on a tiny library, so first-use costs (lazy imports, compiling
    templates and regexes) are not charged to the first measured run; return its time."""
    start = time.perf_counter()
    setup = prepare(root, 20, seed=99)
    lib = load_library([setup.bib], cache_dir=setup.folder / "cache")
    decode_all(lib)
    lib = load_library([setup.bib], cache_dir=setup.folder / "cache")
    article = scan_article(setup.article, "a.md")
    render_article(article, lib, get_style("ama"), templates, OPTIONS)
    return time.perf_counter() - start


# ---------------------------------------------------------------------------------------------
# Printing


def unit(seconds: float) -> tuple[float, str, int]:
    if seconds >= 1:
        return 1.0, "s", 2
    if seconds >= 0.1:
        return 1e3, "ms", 0
    return 1e3, "ms", 1


def figure(times: Sequence[float]) -> str:
    """`median [min–max] unit`, all in the median's unit."""
    med = statistics.median(times)
    scale, name, digits = unit(med)
    lo, hi = min(times) * scale, max(times) * scale
    return f"{med * scale:.{digits}f} {name} [{lo:.{digits}f}–{hi:.{digits}f}]"


def verdict(step: str, times: Sequence[float], size: int) -> str:
    if size != TARGET_SIZE or step not in TARGETS:
        return ""
    target = TARGETS[step]
    scale, name, _ = unit(target)
    mark = "PASS" if statistics.median(times) < target else "MISS"
    return f"target < {target * scale:g} {name}: {mark}"


def print_size(setup: Setup, results: dict[str, list[float]], runs: int) -> None:
    mb = setup.bib.stat().st_size / 1e6
    print(f"\n{setup.size:,} entries ({mb:.1f} MB), article with {setup.citations} cited keys; "
          f"median [min–max] of {runs} runs")  # fmt: skip
    base = statistics.median(results["baseline"])
    cold = statistics.median(results["cold"])
    warm = statistics.median(results["warm"])

    def extra(step: str, than: float) -> str:
        return f"{(statistics.median(results[step]) - than) * 1e3:.0f} ms"

    ratios = {
        "cold": f"{cold / base:.2f}× baseline",
        "warm": f"{warm / cold:.3f}× cold",
        "decode": f"{statistics.median(results['decode']) / base:.2f}× baseline",
        "cold_process": f"cold + {extra('cold_process', cold)}",
        "warm_process": f"warm + {extra('warm_process', warm)}",
    }
    for step in STEPS:
        line = f"  {LABELS[step]:<38}{figure(results[step]):<26}{ratios.get(step, ''):<18}"
        print((line + verdict(step, results[step], setup.size)).rstrip())


def print_table(all_results: dict[int, dict[str, list[float]]]) -> None:
    print("\nSummary: median [min–max]")
    heads = ["entries", "baseline parse", "cold load", "warm load", "full decode", "render",
             "cold/base", "warm/cold"]  # fmt: skip
    rows = []
    for size, res in all_results.items():
        base, cold = statistics.median(res["baseline"]), statistics.median(res["cold"])
        warm = statistics.median(res["warm"])
        rows.append(
            [f"{size:,}"]
            + [figure(res[s]) for s in ("baseline", "cold", "warm", "decode", "render")]
            + [f"{cold / base:.2f}", f"{warm / cold:.3f}"]
        )
    widths = [max(len(h), *(len(r[i]) for r in rows)) for i, h in enumerate(heads)]
    print("  ".join(h.ljust(w) for h, w in zip(heads, widths, strict=True)).rstrip())
    for row in rows:
        print("  ".join(c.ljust(w) for c, w in zip(row, widths, strict=True)).rstrip())


def print_targets(all_results: dict[int, dict[str, list[float]]]) -> None:
    res = all_results.get(TARGET_SIZE)
    print(f"\nTargets at {TARGET_SIZE:,} entries (informational; medians):")
    if res is None:
        print(f"  not measured: add {TARGET_SIZE} to --sizes")
        return
    for step in ("cold", "warm", "render"):
        print(f"  {LABELS[step]:<38}{figure(res[step]):<26}{verdict(step, res[step], TARGET_SIZE)}")


# ---------------------------------------------------------------------------------------------
# Profiling one step


def profile(root: Path, size: int, seed: int, step: str, templates: Templates, top: int) -> None:
    setup = prepare(root, size, seed)
    style = get_style("ama")
    cache = setup.folder / "cache"
    load_library([setup.bib], cache_dir=cache)
    article = scan_article(setup.article, "a.md")
    lib = load_library([setup.bib], cache_dir=cache)
    calls: dict[str, Callable[[], Any]] = {
        "baseline": lambda: bare_parse(setup.text),
        "cold": lambda: load_library([setup.bib], cache_dir=setup.folder / "profile-cold"),
        "warm": lambda: load_library([setup.bib], cache_dir=cache),
        "decode": lambda: decode_all(lib),
        "render": lambda: render_article(article, lib, style, templates, OPTIONS),
    }
    gc.collect()
    profiler = cProfile.Profile()
    profiler.enable()
    calls[step]()
    profiler.disable()
    for order in ("tottime", "cumulative"):
        out = io.StringIO()
        stats = pstats.Stats(profiler, stream=out).strip_dirs().sort_stats(order)
        stats.print_stats(top)
        text = out.getvalue()
        print(f"\ncProfile of '{step}' at {size:,} entries, top {top} by {order}:")
        print(text[text.find("   ncalls") :].rstrip())


# ---------------------------------------------------------------------------------------------


def main(argv: Sequence[str] | None = None) -> int:
    parser = argparse.ArgumentParser(description=__doc__.split("\n\n")[0])
    parser.add_argument("--sizes", default="1000,10000", help="library sizes (1000,10000)")
    parser.add_argument("--runs", type=int, default=5, help="timed runs per figure (5)")
    parser.add_argument("--seed", type=int, default=0, help="generator seed (0)")
    parser.add_argument(
        "--profile", choices=["baseline", "cold", "warm", "decode", "render"],
        help="also cProfile this step once at the largest size",
    )  # fmt: skip
    parser.add_argument("--top", type=int, default=20, help="functions shown by --profile (20)")
    args = parser.parse_args(argv)
    sizes = [int(s.replace("_", "")) for s in args.sizes.split(",") if s.strip()]

    print(f"citations core benchmark: Python {sys.version.split()[0]}, "
          f"bibtexparser {bibtexparser.__version__}, {args.runs} runs per figure")  # fmt: skip
    print(f"imports (bibtexparser + citations): {IMPORT_SECONDS * 1e3:.0f} ms")
    print(f"python start-up (python -c pass): {figure(python_startup(args.runs))}")
    with tempfile.TemporaryDirectory(prefix="citations-bench-") as tmp:
        root = Path(tmp)
        templates = Templates()
        (root / "warmup").mkdir()
        seconds = warm_up(root / "warmup", templates)
        print(f"first-use warm-up, every step on a 20-entry library: {seconds:.3f} s")
        all_results: dict[int, dict[str, list[float]]] = {}
        for size in sizes:
            setup = prepare(root, size, args.seed)
            all_results[size] = measure(setup, args.runs, templates)
            print_size(setup, all_results[size], args.runs)
        print_table(all_results)
        print_targets(all_results)
        if args.profile:
            (root / "profile").mkdir()
            profile(root / "profile", max(sizes), args.seed, args.profile, templates, args.top)
    return 0


if __name__ == "__main__":
    sys.exit(main())
