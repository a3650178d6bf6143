"""Hostile input: `check --fix` time against the library's size, and the pathological inputs.

    python bench/bench_hostile.py [--sizes 1000,8000,60000] [--runs 3] [--timeout 120]

Part 1: a generated library (bench/generate.py) in which every entry needs a fix (a month
written `{3}` instead of `mar`, and each DOI written as a https://doi.org/ link), or one entry
in 20 does, fixed by `citations check --fix` run as users run it (a new process, start-up
included; with --no-cache, or with the parse cache a `check` of the same file left, untimed),
on a fresh copy each run; `check` alone on the same library beside it. Linear time shows as
a steady time per entry. Part 2: each input of issue #18 (render, claims, check), timed.

Every figure is the median of --runs runs, [min–max], each run in a forked process given
--timeout seconds (">N s" if it took longer): so the script also runs against an older
checkout, where some of these never finish. It asserts nothing about time.
"""

from __future__ import annotations

import argparse
import multiprocessing
import os
import re
import statistics
import subprocess
import sys
import tempfile
import time
from collections.abc import Callable
from pathlib import Path
from typing import Any

BENCH = Path(__file__).resolve().parent
sys.path[:0] = [str(BENCH.parent), str(BENCH)]

from generate import generate_library  # noqa: E402


def fixable_library(entries: int) -> str:
    """generate_library(entries) with a fix needed in every entry."""
    bib = generate_library(entries, seed=0)
    bib = re.sub(r"doi = \{([^}]*)\}", r"doi = {https://doi.org/\1}", bib)
    bib = re.sub(r"\n\s*month = \w+,", "", bib)
    return re.sub(r"(\n@(?!string|comment|preamble)\w+\{[^,\n]+,)", r"\1\n  month = {3},", bib)


def in_child(
    fn: Callable[[], Any], timeout: float, setup: Callable[[], Any] | None = None
) -> float | None:
    """Seconds fn() took in a forked process, after setup() (untimed), or None past
    `timeout` (it is killed)."""
    context = multiprocessing.get_context("fork")
    receive, send = context.Pipe(duplex=False)

    def child() -> None:
        if setup is not None:
            setup()
        start = time.perf_counter()
        try:
            fn()
            send.send(time.perf_counter() - start)
        except BaseException as exc:  # a crash is a figure too
            send.send(f"{type(exc).__name__}: {str(exc)[:80]}")

    process = context.Process(target=child)
    process.start()
    send.close()
    if not receive.poll(timeout):
        process.kill()
        process.join()
        return None
    try:
        value = receive.recv()
    except EOFError:
        value = f"died (exit code {process.exitcode})"
    process.join()
    if isinstance(value, str):
        raise RuntimeError(value)
    return float(value)


def figure(
    fn: Callable[[], Any], runs: int, timeout: float, setup: Callable[[], Any] | None = None
) -> str:
    times: list[float] = []
    for _ in range(runs):
        try:
            took = in_child(fn, timeout, setup)
        except RuntimeError as exc:
            return f"crashed: {exc}"
        if took is None:
            return f">{timeout:.0f} s"
        times.append(took)
    median = statistics.median(times)
    return f"{median:7.2f} s [{min(times):.2f}–{max(times):.2f}]"


def fix_sizes(sizes: list[int], runs: int, timeout: float, root: Path) -> None:
    print(
        "citations check --fix (month {3} → mar, DOI links → DOIs), a new process each run,"
        " every entry\n  needing a fix or one in 20; --no-cache, or the parse cache a `check`"
        " of the same file left (the default):"
    )
    for entries in sizes:
        every = fixable_library(entries)
        some = _one_in(20, every)
        path, cache = root / f"fix{entries}.bib", root / f"cache{entries}"

        fixes = every.count("month = {3}") + every.count("https://doi.org/")
        print(f"  {entries:>7,} entries ({len(every) / 1e6:5.1f} MB, {fixes:,} fixes)")
        for label, text, fix, cached in [
            ("check --fix, every entry, no cache   ", every, True, False),
            ("check --fix, every entry, warm cache ", every, True, True),
            ("check --fix, 1 in 20, warm cache     ", some, True, True),
            ("check alone, no cache                ", every, False, False),
            ("check alone, warm cache              ", every, False, True),
        ]:
            where = cache if cached else None
            warm = _check(path, text, False, where) if cached else None
            print(f"      {label}{figure(_check(path, text, fix, where), runs, timeout, warm)}")


def _check(path: Path, text: str, fix: bool, cache: Path | None) -> Callable[[], Any]:
    """`citations check` (with --fix if `fix`) of `text` written to `path`, run as users run
    it: the command line in a new process, start-up included, with the parse cache in
    `cache` (None: --no-cache)."""

    def go() -> None:
        path.write_text(text, "utf-8")
        command = [sys.executable, "-m", "citations", "check", "--refs", str(path), "-f", "json"]
        command += ["--fix"] if fix else []
        command += ["--no-cache"] if cache is None else []
        env = {**os.environ, "CITATIONS_CACHE_DIR": str(cache or "")}
        done = subprocess.run(command, env=env, cwd=path.parent, capture_output=True, check=False)
        if done.returncode not in (0, 1):
            raise RuntimeError(done.stderr.decode("utf-8", "replace")[-300:])

    return go


def _one_in(n: int, fixable: str) -> str:
    """The library with the fixes of all but every n-th entry undone."""
    parts = re.split(r"(?=\n@(?!string|comment|preamble)\w+\{)", fixable)
    for i in range(len(parts)):
        if i % n:
            parts[i] = parts[i].replace("  month = {3},\n", "  month = mar,\n")
            parts[i] = parts[i].replace("doi = {https://doi.org/", "doi = {")
    return "".join(parts)


def _doubling(steps: int) -> str:
    strings = '@string{a0 = "x"}\n' + "".join(
        f"@string{{a{i} = a{i - 1} # a{i - 1}}}\n" for i in range(1, steps)
    )
    return strings + f"@article{{k, title = a{steps - 1}, year = 2000}}\n"


def _alias_bomb() -> str:
    lines = ['a0: &a0 ["x","x","x","x","x","x","x","x","x"]']
    lines += [f"a{i}: &a{i} [{','.join([f'*a{i - 1}'] * 9)}]" for i in range(1, 9)]
    return "---\n" + "\n".join(lines) + "\ntitle: *a8\n---\nText [@a].\n"


ARTICLES = [
    ("render", "<!-- x 100k", "markdown", "<!--" * 100_000),
    ("render", "<code> x 100k", "markdown", "<code>" * 100_000),
    ("render", "<pre> x 100k", "markdown", "<pre>" * 100_000),
    ("render", "::: {#refs} x 50k (lines)", "markdown", "::: {#refs}\n" * 50_000),
    ("render", "[@ x 100k", "markdown", "[@" * 100_000),
    ("render", "heading + 100k spaces", "markdown", "# a" + " " * 100_000 + "b\n"),
    ("render", "<h1> x 100k (HTML)", "html", "<h1>" * 100_000),
    ("render", "YAML alias bomb (~600 bytes)", "markdown", _alias_bomb()),
    ("claims", "**a  x 50k", "markdown", "**a " * 50_000),
    ("claims", "*a  x 100k", "markdown", "*a " * 100_000),
    ("claims", "![a x 50k", "markdown", "![a" * 50_000),
    ("claims", "[ x 100k", "markdown", "[" * 100_000),
    ("claims", "`` x 50k", "markdown", "x " + "``" * 50_000),
    ("claims", "<a + 1M letters (HTML)", "html", "<a" + "b" * 1_000_000),
]
FIELDS = "".join(f" f{i} = {{v}},\n" for i in range(200_000))
NESTED = "{" * 100_000 + "x" + "}" * 100_000
ENTRY = "title = {T}, year = 2000}"
LIBRARIES = [
    ("100k nested braces in a title", "@article{k, title = {" + NESTED + "}}"),
    ("200k fields in one entry", "@article{k,\n" + FIELDS + "}"),
    ("@string doubling, 30 steps", _doubling(30)),
    ("50k @strings (parse cache)", "".join(f'@string{{s{i} = "x"}}\n' for i in range(50_000))),
    ("author with 100k spaces", "@article{k, author = {A" + " " * 100_000 + "B}, " + ENTRY),
]


def pathological(runs: int, timeout: float, root: Path) -> None:
    from citations.checks import run_checks
    from citations.claims import find_claims
    from citations.claims.flags import flag_claims
    from citations.errors import CitationsError
    from citations.library import load_library
    from citations.render.article import scan_article
    from citations.render.compose import RenderOptions, render_article
    from citations.render.styles import get_style
    from citations.render.templating import Templates
    from citations.snapshot import build_snapshot

    bib = root / "refs.bib"
    bib.write_text("@article{a, author = {A, B}, title = {T}, journal = {J}, year = 2020}\n")
    library = load_library([bib])
    print("\npathological inputs (each timed from the text in memory to the result):")
    for command, label, kind, text in ARTICLES:

        def run(command: str = command, kind: str = kind, text: str = text) -> None:
            try:
                article = scan_article(text, "a.html" if kind == "html" else "a.md", kind)  # type: ignore[arg-type]
            except CitationsError:
                return  # refused with a message: the alias bomb
            if command == "render":
                render_article(article, library, get_style("ama"), Templates(), RenderOptions())
            else:
                flag_claims(find_claims([article], library), library, None, {})

        print(f"  {command:<7}{label:<34}{figure(run, runs, timeout)}")
    for label, text in LIBRARIES:

        def check(text: str = text) -> None:
            path = root / "hostile.bib"
            path.write_text(text, "utf-8")
            cache = Path(tempfile.mkdtemp(dir=root))
            run_checks(build_snapshot(load_library([path], cache), None))

        print(f"  check  {label:<34}{figure(check, runs, timeout)}")


def main() -> int:
    parser = argparse.ArgumentParser(description=__doc__.splitlines()[0])
    parser.add_argument("--sizes", default="1000,8000,60000")
    parser.add_argument("--runs", type=int, default=3)
    parser.add_argument("--timeout", type=float, default=120.0)
    args = parser.parse_args()
    sizes = [int(s) for s in args.sizes.split(",") if s]
    print(
        f"hostile input benchmark: median [min–max] of {args.runs} runs, Python "
        f"{sys.version.split()[0]}, each run in a forked process, {args.timeout:.0f} s at most"
    )
    with tempfile.TemporaryDirectory() as tmp:
        fix_sizes(sizes, args.runs, args.timeout, Path(tmp))
        pathological(args.runs, args.timeout, Path(tmp))
    return 0


if __name__ == "__main__":
    raise SystemExit(main())
