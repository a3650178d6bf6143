"""Build speed: `citations build` of a generated site, full, unchanged and after one edit.

    python bench/bench_build.py [--entries 10000] [--articles 1000] [--runs 3] [--jobs 0]

In a temporary folder, generates a library of --entries entries and --articles articles of
~20 citations once; then, each run, with a fresh output folder and an empty parse cache:

1. a full build (`build_site` in this process, --jobs workers, 0 = one per core);
2. (first run only) the same full build serially (jobs=1), for the parallel speed-up, and a
   byte-for-byte comparison of every file the two builds wrote;
3. a no-change rebuild into the same folder (nothing should be built);
4. one changed entry: the title of an entry that few articles cite is edited in the .bib and
   the site rebuilt; exactly the articles citing it should be rebuilt;
5. steps 1, 3 and 4 again as the whole command in a new process
   (`python -m citations build SRC -o OUT --refs BIB`), as a CI pipeline runs it.

Baselines timed in the same script: `load_library` with an empty and a filled parse cache
(the floor under every build), and Python start-up with and without importing the CLI. If
pandoc is on PATH, `pandoc --citeproc` is timed on a sample of articles and projected to the
whole site. It prints medians with min and max, ratios, and the issue's targets (full < 10 s,
no-change < 1 s, one change < 1 s) with PASS/MISS; they are informational, and the exit
status is 0 whatever the figures are.
"""

from __future__ import annotations

import argparse
import gc
import json
import os
import re
import shutil
import statistics
import subprocess
import sys
import tempfile
import time
from collections.abc import Callable, Sequence
from dataclasses import dataclass, field
from pathlib import Path
from typing import Any

# This checkout's package (not an installed copy) and `generate` beside this file.
BENCH = Path(__file__).resolve().parent
sys.path[:0] = [str(BENCH.parent), str(BENCH)]
from generate import Corpus, write_corpus  # noqa: E402

_IMPORT_START = time.perf_counter()
from citations.build import BuildReport, BuildSettings, build_site  # noqa: E402
from citations.commands.render import RenderSettings  # noqa: E402
from citations.library import load_library  # noqa: E402

IMPORT_SECONDS = time.perf_counter() - _IMPORT_START
_PATHS = [str(BENCH.parent), os.environ.get("PYTHONPATH", "")]
PYTHONPATH = os.pathsep.join(p for p in _PATHS if p)

# The targets, for 1,000 articles against a 10,000-entry library, on 2 cores.
TARGET_ENTRIES, TARGET_ARTICLES = 10_000, 1_000
TARGETS = {"full": 10.0, "nochange": 1.0, "onechange": 1.0}
PANDOC_SAMPLE = 10
# A citation key in an article: `@` not preceded by a word character (so not an e-mail).
_KEY = re.compile(r"(?<![\w@])@([A-Za-z0-9_][A-Za-z0-9_:.#$%&+?<>~/-]*)")


@dataclass
class Figures:
    """Timings of one step (one per run) with what the build reported."""

    times: list[float] = field(default_factory=list)
    built: list[int] = field(default_factory=list)
    notes: list[str] = field(default_factory=list)

    def add(self, seconds: float, built: int, note: str = "") -> None:
        self.times.append(seconds)
        self.built.append(built)
        if note:
            self.notes.append(note)


@dataclass
class Site:
    """The generated corpus and what the benchmark learned about it."""

    corpus: Corpus
    src: Path
    original: str  # the library's text as generated
    key: str  # the entry the one-change step edits
    citing: set[str]  # the articles (relative to src) that cite it
    cited_keys: int  # distinct keys per article, summed over the site


# ---------------------------------------------------------------------------------------------
# The corpus


def citing_articles(src: Path) -> tuple[dict[str, set[str]], int]:
    """For every cited key, the articles citing it; and the distinct keys summed per article."""
    index: dict[str, set[str]] = {}
    total = 0
    for path in sorted(src.rglob("*.md")):
        keys = {k.rstrip(".:;,?") for k in _KEY.findall(path.read_text("utf-8"))}
        total += len(keys)
        for key in keys:
            index.setdefault(key, set()).add(path.relative_to(src).as_posix())
    return index, total


def pick_key(index: dict[str, set[str]], library: Sequence[str]) -> str:
    """A key in the library cited by few articles: the fewest, but at least two if any are."""
    known = set(library)
    counts = sorted((len(arts), key) for key, arts in index.items() if key in known)
    several = [item for item in counts if item[0] >= 2]
    return (several or counts)[0][1]


def edit_title(text: str, key: str, tag: str) -> str:
    """The library with `tag` put at the start of entry `key`'s title."""
    entry = re.search(rf"^@\w+\{{{re.escape(key)},.*?(?=^@|\Z)", text, re.M | re.S)
    if entry is None:
        raise SystemExit(f"entry {key} not found in the library")
    block = entry.group(0)
    edited, n = re.subn(r"(\n\s*title\s*=\s*[{\"])", rf"\g<1>{tag} ", block, count=1)
    if n != 1:
        raise SystemExit(f"entry {key} has no title to edit")
    return text[: entry.start()] + edited + text[entry.end() :]


def make_site(root: Path, entries: int, articles: int, seed: int) -> Site:
    corpus = write_corpus(root / "site", entries, articles, seed)
    src = corpus.root / "articles"
    index, total = citing_articles(src)
    key = pick_key(index, corpus.keys)
    original = corpus.library.read_text("utf-8")
    return Site(corpus, src, original, key, index[key], total)


# ---------------------------------------------------------------------------------------------
# Building


def settings(site: Site, out: Path, cache: Path, jobs: int) -> BuildSettings:
    render = RenderSettings(refs=(site.corpus.library,), to="html", style="ama", cache_dir=cache)
    return BuildSettings(render=render, src=site.src, out=out, jobs=jobs)


def timed(call: Callable[[], Any]) -> tuple[float, Any]:
    """One timing of `call()`, after a garbage collection."""
    gc.collect()
    start = time.perf_counter()
    value = call()
    return time.perf_counter() - start, value


def build(site: Site, out: Path, cache: Path, jobs: int) -> tuple[float, BuildReport]:
    return timed(lambda: build_site(settings(site, out, cache, jobs)))


def build_command(site: Site, out: Path, cache: Path, jobs: int) -> tuple[float, dict[str, Any]]:
    """`python -m citations build` in a new process, timed from outside; its JSON report."""
    command = [sys.executable, "-m", "citations", "build", str(site.src), "-o", str(out),
               "--refs", str(site.corpus.library), "--report", "json"]  # fmt: skip
    if jobs:
        command += ["--jobs", str(jobs)]
    env = {**os.environ, "CITATIONS_CACHE_DIR": str(cache), "PYTHONPATH": PYTHONPATH}
    cwd = site.corpus.root  # no citations.toml there: the defaults and these options only
    seconds, proc = timed(
        lambda: subprocess.run(command, capture_output=True, text=True, env=env, cwd=cwd)
    )
    try:
        report = json.loads(proc.stdout)
    except ValueError:
        report = {"built": [], "error": f"exit {proc.returncode}: {proc.stderr.strip()[-300:]}"}
    if proc.returncode:
        report.setdefault("error", f"exit {proc.returncode}")
    return seconds, report


def compare_trees(a: Path, b: Path) -> list[str]:
    """Files (relative) that are in only one folder or differ in bytes."""
    files_a = {p.relative_to(a).as_posix() for p in a.rglob("*") if p.is_file()}
    files_b = {p.relative_to(b).as_posix() for p in b.rglob("*") if p.is_file()}
    different = sorted(files_a ^ files_b)
    for rel in sorted(files_a & files_b):
        if (a / rel).read_bytes() != (b / rel).read_bytes():
            different.append(rel)
    return different


def exact(built: Sequence[str], expected: set[str]) -> str:
    if set(built) == expected and len(built) == len(expected):
        return "exactly the citing articles"
    extra, missing = sorted(set(built) - expected), sorted(expected - set(built))
    return f"NOT the citing articles: extra {extra[:5]}, missing {missing[:5]}"


@dataclass
class Results:
    steps: dict[str, Figures] = field(default_factory=dict)
    serial: float | None = None
    serial_built: int = 0
    identical: list[str] | None = None  # differing files; empty when identical
    files_compared: int = 0

    def step(self, name: str) -> Figures:
        return self.steps.setdefault(name, Figures())


def one_run(site: Site, root: Path, run: int, jobs: int, results: Results, serial: bool) -> None:
    """Every step once, in fresh folders under `root`."""
    library = site.corpus.library
    library.write_text(site.original, encoding="utf-8")
    here = root / f"run{run}"

    # The floor under every build: loading the library, cold and warm.
    seconds, _ = timed(lambda: load_library([library], here / "load-cache"))
    results.step("load_cold").add(seconds, 0)
    seconds, _ = timed(lambda: load_library([library], here / "load-cache"))
    results.step("load_warm").add(seconds, 0)

    out, cache = here / "out", here / "cache"
    seconds, report = build(site, out, cache, jobs)
    results.step("full").add(seconds, len(report.built), f"{len(report.findings)} findings")
    if serial:
        seconds, serial_report = build(site, here / "out-serial", here / "cache-serial", 1)
        results.serial, results.serial_built = seconds, len(serial_report.built)
        results.identical = compare_trees(out, here / "out-serial")
        results.files_compared = sum(1 for p in out.rglob("*") if p.is_file())
    seconds, report = build(site, out, cache, jobs)
    results.step("nochange").add(seconds, len(report.built))
    library.write_text(edit_title(site.original, site.key, f"Revised{run}a"), encoding="utf-8")
    seconds, report = build(site, out, cache, jobs)
    results.step("onechange").add(seconds, len(report.built), exact(report.built, site.citing))

    # The same as whole commands, in new processes, from an empty output folder and cache.
    out, cache = here / "out-cli", here / "cache-cli"
    seconds, data = build_command(site, out, cache, jobs)
    results.step("full_cli").add(seconds, len(data["built"]), data.get("error", ""))
    seconds, data = build_command(site, out, cache, jobs)
    results.step("nochange_cli").add(seconds, len(data["built"]), data.get("error", ""))
    library.write_text(edit_title(site.original, site.key, f"Revised{run}b"), encoding="utf-8")
    seconds, data = build_command(site, out, cache, jobs)
    note = data.get("error") or exact(data["built"], site.citing)
    results.step("onechange_cli").add(seconds, len(data["built"]), note)
    library.write_text(site.original, encoding="utf-8")
    shutil.rmtree(here)  # the next run starts from nothing; keeps the temporary folder small


def startup_times(runs: int, root: Path) -> tuple[list[float], list[float]]:
    """`python -c pass`, and `python -m citations --version` (start-up + the CLI's imports)."""
    env = {**os.environ, "PYTHONPATH": PYTHONPATH}
    bare, version = [sys.executable, "-c", "pass"], [sys.executable, "-m", "citations", "--version"]

    def run(command: list[str]) -> float:
        quiet = subprocess.DEVNULL
        seconds, _ = timed(lambda: subprocess.run(command, env=env, cwd=root, stdout=quiet))
        return seconds

    return [run(bare) for _ in range(runs)], [run(version) for _ in range(runs)]


def warm_up(root: Path, jobs: int) -> float:
    """A whole run on a tiny site, so first-use costs (lazy imports, compiling templates and
    regexes) are not charged to the first measured run; returns its time."""
    start = time.perf_counter()
    site = make_site(root, 50, 12, seed=99)
    one_run(site, root, 0, jobs, Results(), serial=False)
    return time.perf_counter() - start


# ---------------------------------------------------------------------------------------------
# pandoc


@dataclass
class Pandoc:
    version: str
    times: list[float]
    failures: list[str]


def pandoc_sample(site: Site, root: Path, sample: int) -> Pandoc | None:
    """`pandoc --citeproc` on the first `sample` articles, one process each; None without it."""
    exe = shutil.which("pandoc")
    if exe is None:
        return None
    first = subprocess.run([exe, "--version"], capture_output=True, text=True).stdout
    version = first.splitlines()[0] if first else "pandoc (version unknown)"
    out = root / "pandoc"
    out.mkdir()
    articles = sorted(site.src.glob("*.md"))[:sample]
    times, failures = [], []
    for path in articles:
        command = [exe, "--citeproc", "--bibliography", str(site.corpus.library),
                   "-o", str(out / f"{path.stem}.html"), str(path)]  # fmt: skip
        seconds, proc = timed(lambda c=command: subprocess.run(c, capture_output=True, text=True))
        times.append(seconds)
        if proc.returncode:
            failures.append(f"{path.name}: exit {proc.returncode}: {proc.stderr.strip()[:200]}")
    return Pandoc(version, times, failures)


# ---------------------------------------------------------------------------------------------
# Printing


def load_average() -> str:
    try:
        return " ".join(f"{x:.2f}" for x in os.getloadavg())
    except OSError:
        return "unknown"


def figure(times: Sequence[float]) -> str:
    """`median [min–max] unit`, all in the median's unit."""
    med = statistics.median(times)
    if med >= 1:
        scale, name, digits = 1.0, "s", 2
    else:
        scale, name, digits = 1e3, "ms", 0
    lo, hi = min(times) * scale, max(times) * scale
    return f"{med * scale:.{digits}f} {name} [{lo:.{digits}f}–{hi:.{digits}f}]"


def verdict(step: str, times: Sequence[float]) -> str:
    target = TARGETS[step]
    mark = "PASS" if statistics.median(times) < target else "MISS"
    return f"< {target:g} s: {mark}"


def line(label: str, value: str, extra: str = "") -> None:
    print(f"  {label:<44}{value:<28}{extra}".rstrip())


def built_text(fig: Figures) -> str:
    counts = sorted(set(fig.built))
    return "built " + "/".join(str(c) for c in counts)


def print_results(site: Site, res: Results, runs: int, jobs: int, pandoc: Pandoc | None) -> None:
    s = res.steps
    med = {name: statistics.median(fig.times) for name, fig in s.items()}
    n_articles = len(site.corpus.articles)
    print(f"\nIn this process (build_site), median [min–max] of {runs} runs:")
    line("baseline: load_library, empty parse cache", figure(s["load_cold"].times))
    line("baseline: load_library, filled parse cache", figure(s["load_warm"].times),
         f"{med['load_warm'] / med['load_cold']:.3f}× cold load")  # fmt: skip
    full = s["full"]
    line(f"full build, jobs={jobs or os.cpu_count()}, empty parse cache", figure(full.times),
         f"{built_text(full)}; {full.notes[0] if full.notes else ''}")  # fmt: skip
    line(
        "  per article",
        f"{med['full'] / n_articles * 1e3:.2f} ms",
        f"{(med['full'] - med['load_cold']) / n_articles * 1e3:.2f} ms beyond the cold load",
    )
    if res.serial is not None:
        line(
            "full build, jobs=1 (first run only)",
            f"{res.serial:.2f} s",
            f"built {res.serial_built}; parallel speed-up {res.serial / med['full']:.2f}×",
        )
        verdict_text = "IDENTICAL" if not res.identical else "DIFFERENT"
        detail = f"{res.files_compared} files compared"
        if res.identical:
            detail += f"; differing: {', '.join(res.identical[:5])}"
        line("serial vs parallel outputs", verdict_text, detail)
    nochange = s["nochange"]
    line("no-change rebuild", figure(nochange.times),
         f"{built_text(nochange)}; {med['nochange'] / med['full']:.3f}× full; "
         f"{med['nochange'] / med['load_warm']:.1f}× warm load")  # fmt: skip
    one = s["onechange"]
    notes = sorted(set(one.notes))
    line(f"one changed entry ({site.key})", figure(one.times),
         f"{built_text(one)} of {len(site.citing)} citing; {med['onechange'] / med['full']:.3f}× "
         f"full; {med['onechange'] / med['load_cold']:.2f}× cold load")  # fmt: skip
    for note in notes:
        line("  rebuilt", note)

    print(f"\nThe whole command in a new process (python -m citations build), {runs} runs:")
    bare, cli = statistics.median(s["python"].times), statistics.median(s["version"].times)
    line("baseline: python -c pass", figure(s["python"].times))
    line(
        "baseline: python -m citations --version",
        figure(s["version"].times),
        f"start-up + CLI imports; +{(cli - bare) * 1e3:.0f} ms over bare Python",
    )
    for step, label in (("full", "full build"), ("nochange", "no-change rebuild"),
                        ("onechange", "one changed entry")):  # fmt: skip
        fig = s[f"{step}_cli"]
        extra = f"{built_text(fig)}; in-process {(med[f'{step}_cli'] - med[step]) * 1e3:+.0f} ms"
        line(label, figure(fig.times), extra)
        for note in sorted(set(fig.notes)):
            line("  note", note)

    print("\npandoc --citeproc, one process per article (no CSL: Chicago author-date):")
    if pandoc is None:
        print("  skipped: pandoc is not on PATH")
    elif not pandoc.times:
        print(f"  {pandoc.version}: no articles to time")
    else:
        per = statistics.median(pandoc.times)
        projected = per * n_articles
        line(f"{pandoc.version}, {len(pandoc.times)} articles", figure(pandoc.times), "per article")
        line(f"projected for {n_articles:,} articles (× median)", f"{projected:.1f} s",
             f"{projected / med['full']:.1f}× our full build in-process; "
             f"{projected / med['full_cli']:.1f}× as a new process")  # fmt: skip
        ours = med["full"] / n_articles
        line("our full build per article, for comparison", f"{ours * 1e3:.2f} ms",
             f"pandoc/ours per article: {per / ours:.0f}×")  # fmt: skip
        for failure in pandoc.failures:
            line("  failed", failure)

    at_size = len(site.corpus.keys) == TARGET_ENTRIES and n_articles == TARGET_ARTICLES
    size = f"{len(site.corpus.keys):,} × {n_articles:,}"
    where = "" if at_size else f" (measured at {size}: not the target size)"
    print(f"\nTargets, {TARGET_ARTICLES:,} articles × {TARGET_ENTRIES:,} entries on 2 cores "
          f"(informational; medians){where}:")  # fmt: skip
    for step, label in (("full", "full build"), ("nochange", "no-change rebuild"),
                        ("onechange", "one changed entry")):  # fmt: skip
        line(f"{label}, in-process", figure(s[step].times), verdict(step, s[step].times))
        line(f"{label}, new process", figure(s[f'{step}_cli'].times),
             verdict(step, s[f"{step}_cli"].times))  # fmt: skip


# ---------------------------------------------------------------------------------------------


def main(argv: Sequence[str] | None = None) -> int:
    parser = argparse.ArgumentParser(description=__doc__.splitlines()[0])
    parser.add_argument("--entries", type=int, default=10_000, help="library entries (10000)")
    parser.add_argument("--articles", type=int, default=1_000, help="articles (1000)")
    parser.add_argument("--runs", type=int, default=3, help="timed runs per figure (3)")
    parser.add_argument("--jobs", type=int, default=0, help="build workers, 0 = one per core (0)")
    parser.add_argument("--seed", type=int, default=0, help="generator seed (0)")
    args = parser.parse_args(argv)

    print(f"citations build benchmark: Python {sys.version.split()[0]}, {os.cpu_count()} cores, "
          f"jobs={args.jobs or os.cpu_count()}, {args.runs} runs per figure")  # fmt: skip
    print(f"imports (citations.build, api, library): {IMPORT_SECONDS * 1e3:.0f} ms")
    print(f"load average (1, 5, 15 min) at the start: {load_average()}")
    with tempfile.TemporaryDirectory(prefix="citations-bench-build-") as tmp:
        root = Path(tmp)
        (root / "warmup").mkdir()
        print(f"first-use warm-up, a whole run on 50 entries × 12 articles: "
              f"{warm_up(root / 'warmup', args.jobs):.2f} s")  # fmt: skip
        seconds, site = timed(lambda: make_site(root, args.entries, args.articles, args.seed))
        mb = site.corpus.library.stat().st_size / 1e6
        n = len(site.corpus.articles)
        print(f"corpus: {len(site.corpus.keys):,} entries ({mb:.1f} MB), {n:,} articles, "
              f"{site.cited_keys / max(n, 1):.1f} distinct keys per article; "
              f"generated in {seconds:.2f} s")  # fmt: skip
        print(f"one-change entry: {site.key}, cited by {len(site.citing)} articles "
              f"({', '.join(sorted(site.citing)[:6])})")  # fmt: skip

        results = Results()
        for run in range(1, args.runs + 1):
            start = time.perf_counter()
            one_run(site, root, run, args.jobs, results, serial=run == 1)
            print(f"  run {run}/{args.runs}: {time.perf_counter() - start:.1f} s", flush=True)
        bare, cli = startup_times(args.runs, root)
        results.step("python").times.extend(bare)
        results.step("version").times.extend(cli)
        pandoc = pandoc_sample(site, root, PANDOC_SAMPLE)
        print_results(site, results, args.runs, args.jobs, pandoc)
    print(f"\nload average at the end: {load_average()} (this script's own work included)")
    return 0


if __name__ == "__main__":
    sys.exit(main())
