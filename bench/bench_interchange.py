"""Interchange speed: exporting a generated library as CSL-JSON, RIS and BibTeX, and importing
the CSL-JSON (and the RIS) back into an empty project.

    python bench/bench_interchange.py [--entries 10000] [--runs 3]

In this one process and a temporary folder: `run_export` to each format from the loaded
library (load included), then `run_import` of the exported CSL-JSON and RIS into an empty
.bib file (read, duplicate checks against the batch, keys, one locked atomic write). Prints
the median with min and max of `--runs` runs, and entries per second. Exits 0 whatever the
figures are.
"""

from __future__ import annotations

import argparse
import statistics
import sys
import tempfile
from pathlib import Path

BENCH = Path(__file__).resolve().parent
sys.path[:0] = [str(BENCH.parent), str(BENCH)]
from bench_check import timed  # noqa: E402  (gc.collect() before each run)

from citations.commands.add import AddSettings  # noqa: E402
from citations.commands.export import ExportRun, run_export  # noqa: E402
from citations.commands.import_ import ImportRun, run_import  # noqa: E402

from generate import generate_library  # noqa: E402


def show(name: str, times: list[float], entries: int) -> None:
    median = statistics.median(times)
    print(
        f"{name:<22} median {median:7.3f} s  (min {min(times):.3f}, max {max(times):.3f})"
        f"  {entries / median:9.0f} entries/s"
    )


def main() -> None:
    parser = argparse.ArgumentParser()
    parser.add_argument("--entries", type=int, default=10_000)
    parser.add_argument("--runs", type=int, default=3)
    args = parser.parse_args()
    with tempfile.TemporaryDirectory() as tmp:
        folder = Path(tmp)
        (folder / "library.bib").write_text(generate_library(args.entries, seed=0), "utf-8")
        files = {}
        for to in ("csl-json", "ris", "bibtex"):
            run = ExportRun(to=to, refs=(folder / "library.bib",))
            out = folder / f"library.{to}"
            out.write_text(run_export(run).text, "utf-8")
            files[to] = out
            show(f"export {to}", timed(lambda run=run: run_export(run), args.runs), args.entries)
        for source in ("csl-json", "ris"):
            target = folder / "new.bib"

            def step(source: str = source, target: Path = target) -> None:
                target.unlink(missing_ok=True)
                settings = AddSettings("{author}{year}{title}", target, False, "")
                run = ImportRun(settings=settings, refs=(), format=source)
                outcome = run_import(run, [files[source]])
                assert not outcome.failed, outcome.failed[:3]

            show(f"import {source}", timed(step, args.runs), args.entries)


if __name__ == "__main__":
    main()
