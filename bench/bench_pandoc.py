"""The pandoc filter's cost: pandoc to Word with and without `citations-pandoc`, and the
filter's own pass on a generated article in this process.

    python bench/bench_pandoc.py [--runs 5] [--citations 200] [--size 2000]

Prints medians (with min and max) of: pandoc on the example article to .docx without a
filter (the baseline), the same through `citations-pandoc` (the console script of this
Python's environment), and `run_filter` alone (load, number, rewrite, dump; library parse
cache warm) on a generated article of `--citations` citations against a generated library of
`--size` entries. Informational: the exit status is 0 whatever the figures are.
"""

from __future__ import annotations

import argparse
import os
import shutil
import statistics
import subprocess
import sys
import tempfile
import time
from collections.abc import Callable, Sequence
from pathlib import Path

BENCH = Path(__file__).resolve().parent
sys.path[:0] = [str(BENCH.parent), str(BENCH)]
from citations.commands.render import RenderSettings  # noqa: E402
from citations.config import load_config  # noqa: E402
from citations.pandoc_filter import run_filter  # noqa: E402

from generate import generate_article, generate_library, library_keys  # noqa: E402


def _timed(step: Callable[[], object], runs: int) -> list[float]:
    times = []
    for _ in range(runs):
        start = time.perf_counter()
        step()
        times.append(time.perf_counter() - start)
    return times


def _show(name: str, times: list[float]) -> None:
    median = statistics.median(times)
    print(f"{name:<44} median {median:7.3f} s  (min {min(times):.3f}, max {max(times):.3f})")


def _pandoc_runs(root: Path, pandoc: str, runs: int) -> None:
    env = {
        **os.environ,
        "PATH": os.pathsep.join([str(Path(sys.executable).parent), os.environ["PATH"]]),
    }
    article = "articles/acupuncture-for-hip-pain.md"

    def convert(*extra: str) -> Callable[[], object]:
        command = [pandoc, article, *extra, "-o", "x.docx"]
        return lambda: subprocess.run(command, cwd=root, env=env, check=True)

    _show("pandoc example -> docx (no filter)", _timed(convert(), runs))
    _show(
        "pandoc example -> docx (citations-pandoc)",
        _timed(convert("--filter", "citations-pandoc"), runs),
    )


def _filter_runs(root: Path, pandoc: str, runs: int, citations: int, size: int) -> None:
    bib = generate_library(size)
    (root / "big").mkdir()
    (root / "big" / "lib.bib").write_text(bib, "utf-8")
    (root / "big" / "article.md").write_text(
        generate_article(library_keys(bib), citations), "utf-8"
    )
    (root / "big" / "citations.toml").write_text('refs = ["lib.bib"]\n', "utf-8")
    source = subprocess.run(
        [pandoc, "article.md", "-t", "json"], cwd=root / "big", capture_output=True, text=True,
        check=True,
    ).stdout  # fmt: skip
    config = load_config(root / "big" / "citations.toml")
    settings = RenderSettings.from_config(config, cache_dir=root / "cache")
    argv = [pandoc, str(root / "big" / "article.md")]
    run_filter(source, settings, "docx", argv)  # fills the parse cache
    _show(
        f"run_filter: {citations} citations, {size} entries",
        _timed(lambda: run_filter(source, settings, "docx", argv), runs),
    )


def main(argv: Sequence[str] | None = None) -> int:
    parser = argparse.ArgumentParser(description=__doc__.split("\n")[0])
    parser.add_argument("--runs", type=int, default=5)
    parser.add_argument("--citations", type=int, default=200)
    parser.add_argument("--size", type=int, default=2000)
    args = parser.parse_args(argv)
    import pypandoc

    pandoc = pypandoc.get_pandoc_path()
    with tempfile.TemporaryDirectory() as tmp:
        root = Path(tmp)
        shutil.copy(BENCH.parent / "citations.toml", root)
        for name in ("refs", "articles"):
            shutil.copytree(BENCH.parent / name, root / name)
        os.environ["CITATIONS_CACHE_DIR"] = str(root / "cache")
        _pandoc_runs(root, pandoc, args.runs)
        _filter_runs(root, pandoc, args.runs, args.citations, args.size)
    return 0


if __name__ == "__main__":
    raise SystemExit(main())
