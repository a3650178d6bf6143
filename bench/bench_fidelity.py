"""Fidelity: does the loader read every entry biber reads? Real .bib files, entry by entry.

    python bench/bench_fidelity.py --fetch            # once: download the corpus (Debian's apt)
    python bench/bench_fidelity.py [--corpus DIR] [--runs 3] [--verbose]

The corpus is every .bib file (and .bib.gz, unpacked) that Debian's TeX Live packages ship
(`PACKAGES` in bench/fidelity_fetch.py, and every texlive-lang-*): biblatex's examples,
style test files, theses, publishers' templates. `--fetch` needs Debian's apt: it runs
`apt-get download` into ~/.cache/citations-bench/debs (nothing is installed) and extracts
only the .bib files (`dpkg-deb --fsys-tarfile | tar -x`), a folder per package under
--corpus (default ~/.cache/citations-bench/bibs); without apt-get it says so and stops.
Files with the same bytes are read once. The hand-made cases in bench/fidelity_cases/ are
always read too (--no-cases leaves them out).

For each file, biber (`biber --tool --debug`, 30 s at most) and `load_library([file])`.
What biber read is taken from its debug log, one line `Adding entry with key 'K' to entry
list` per entry it keeps: biber writes no output .bib at all once it has logged an ERROR
(a syntax error anywhere in a file), yet it did read the rest of the file, so the log is the
only count that works on every file; where the output is written its entries are the same.
Encodings as a biber user gives them: a JabRef `% Encoding: X` header is passed as
`--input-encoding X`; a file that is not UTF-8 and declares nothing makes biber fail, so it
is given `cp1252` (what a user of such a file would try next) and counted as "needed an
encoding". A file biber reads nothing from (it fails, or times out) is counted apart.

Entries are matched by key, case-insensitively. An entry biber reads that we do not load is
lost WITH a finding when one of our findings points within 2 lines of where the entry
starts, or when the file was reported skipped; otherwise it is lost SILENTLY. "ours only"
counts entries we load that biber does not. Times: biber once per file (its start-up, about
0.3 s, included); ours the median of --runs loads. Biber's answers are cached by the file's
bytes under ~/.cache/citations-bench/biber (--no-biber-cache to ask again).

Target (issue #12): 100% loaded, 0 lost silently. Informational: it asserts nothing.
"""

from __future__ import annotations

import argparse
import codecs
import gc
import hashlib
import json
import re
import shutil
import statistics
import subprocess
import sys
import tempfile
import time
import unicodedata
from collections.abc import Callable, Iterable
from dataclasses import asdict, dataclass, field
from pathlib import Path

BENCH = Path(__file__).resolve().parent
sys.path[:0] = [str(BENCH.parent), str(BENCH)]

from citations.errors import CitationsError  # noqa: E402
from citations.library import load_library  # noqa: E402

from fidelity_fetch import corpus_files, fetch  # noqa: E402

CACHE = Path.home() / ".cache" / "citations-bench"
CASES = BENCH / "fidelity_cases"
NEAR = 2  # lines: a finding this close to an entry's first line is about it
ADDED = re.compile(r"Adding entry with key '(.*)' to entry list\s*$")
HEADER = re.compile(rb"^%[ \t]*Encoding:[ \t]*([\w.:-]+)", re.MULTILINE)
# A key ends at `,` (or, as biber reads it, at `=`: abnTeX2's `@ABNT-options{abnt-doi=link,`).
ENTRY = re.compile(r"@\s*([A-Za-z][^\s{}(),=\"#%@]*)\s*[{(]\s*([^\s,{}()\"#%=]+)\s*[,=]")
NOT_ENTRIES = frozenset({"string", "preamble", "comment"})
PERL_NAMES = {"cp1252": "cp1252", "iso8859-1": "latin1", "latin-1": "latin1", "utf-8": "UTF-8"}


@dataclass
class BiberRun:
    """What biber read from one file: its keys, or why it read nothing (`failed`)."""

    keys: list[str]
    seconds: float
    encoding: str
    needed_encoding: bool = False
    failed: str = ""
    errors: list[str] = field(default_factory=list)


@dataclass
class OursRun:
    keys: list[str]
    findings: list[tuple[str, int]]  # (code, line) of findings about this file
    seconds: float
    skipped: str = ""  # the finding code when the file was reported skipped
    crash: str = ""


@dataclass
class Lost:
    path: Path
    line: int
    key: str
    code: str  # our finding's code, "" when lost silently


@dataclass
class FileResult:
    path: Path
    group: str
    biber: BiberRun
    ours: OursRun
    loaded: int
    lost: list[Lost]
    extra: list[str]


def biber_encoding(content: bytes) -> tuple[str, bool]:
    """The --input-encoding a biber user passes, and whether biber fails without one."""
    header = HEADER.search(content[:4096])
    if header is not None:
        try:
            name = codecs.lookup(header.group(1).decode("ascii")).name
        except LookupError:
            name = header.group(1).decode("ascii")
        return PERL_NAMES.get(name, name), False
    try:
        content.decode("utf-8")
    except UnicodeDecodeError:
        return "cp1252", True
    return "UTF-8", False


def fold(key: str) -> str:
    """A key as BibTeX compares it (case-insensitively); NFC, as biber logs keys in NFD."""
    return unicodedata.normalize("NFC", key).casefold()


def entry_sites(text: str) -> dict[str, tuple[int, str]]:
    """Each entry's folded key (see fold) → (line it starts on, key as written); the first wins."""
    sites: dict[str, tuple[int, str]] = {}
    for match in ENTRY.finditer(text):
        if match.group(1).lower() in NOT_ENTRIES:
            continue
        key = match.group(2)
        line = text.count("\n", 0, match.start()) + 1
        sites.setdefault(fold(key), (line, key))
    return sites


def logged_keys(log: str) -> list[str]:
    """The keys biber's --debug log says it added to its entry list, in order."""
    return [m.group(1) for line in log.splitlines() if (m := ADDED.search(line))]


def run_biber(path: Path, content: bytes, biber: str, timeout: float) -> BiberRun:
    """`biber --tool --debug` on `path`; the keys come from its log (see the docstring)."""
    encoding, needed = biber_encoding(content)
    with tempfile.TemporaryDirectory(prefix="fidelity-") as tmp:
        out = Path(tmp) / "out.bib"
        command = [biber, "--tool", "--debug", f"--input-encoding={encoding}"]
        command += [f"--output-file={out}", f"--logfile={Path(tmp) / 'log'}", str(path)]
        start = time.perf_counter()
        try:
            proc = subprocess.run(command, cwd=tmp, capture_output=True, timeout=timeout)
        except subprocess.TimeoutExpired:
            return BiberRun([], timeout, encoding, needed, failed=f"timed out after {timeout} s")
        seconds = time.perf_counter() - start
        log_path = Path(tmp) / "log.blg"
        log = log_path.read_text("utf-8", errors="replace") if log_path.exists() else ""
    keys = logged_keys(log)
    errors = [line.split("ERROR - ", 1)[1] for line in log.splitlines() if "ERROR - " in line]
    failed = ""  # read nothing and said why (a file of no entries is not a failure)
    if not keys and (errors or proc.returncode != 0):
        failed = errors[0][:120] if errors else f"exit status {proc.returncode}"
    return BiberRun(keys, seconds, encoding, needed, failed, errors)


def cached_biber(biber: str, timeout: float, folder: Path | None) -> Callable[..., BiberRun]:
    """run_biber, remembered by the file's bytes in `folder` (None: not remembered)."""

    def run(path: Path, content: bytes) -> BiberRun:
        digest = hashlib.sha256(content).hexdigest()
        stored = folder / f"{digest}.json" if folder is not None else None
        if stored is not None and stored.exists():
            return BiberRun(**json.loads(stored.read_text("utf-8")))
        result = run_biber(path, content, biber, timeout)
        if stored is not None and not result.failed.startswith("timed out"):
            stored.parent.mkdir(parents=True, exist_ok=True)
            stored.write_text(json.dumps(asdict(result)), "utf-8")
        return result

    return run


def load_ours(path: Path, runs: int) -> OursRun:
    """load_library([path]) --runs times: the keys, findings and median time. Never raises."""
    times = []
    library = None
    for _ in range(max(1, runs)):
        gc.collect()
        start = time.perf_counter()
        try:
            library = load_library([path])
        except CitationsError as exc:  # a reported stop: the file is not silently lost
            return OursRun([], [], time.perf_counter() - start, skipped=type(exc).__name__)
        except Exception as exc:  # a crash on a weird file is a result, not the end
            return OursRun([], [], 0.0, crash=f"{type(exc).__name__}: {str(exc)[:100]}")
        times.append(time.perf_counter() - start)
    assert library is not None
    name = str(path)
    findings = [(f.code, f.span.line) for f in library.findings if f.span and f.span.path == name]
    skipped = next((item.skipped.code for item in library.loaded if item.skipped), "")
    return OursRun(list(library.references), findings, statistics.median(times), skipped)


def compare(path: Path, text: str, biber: BiberRun, ours: OursRun) -> tuple[int, list[Lost]]:
    """How many of biber's entries we load, and each one we lose, with our nearest finding."""
    sites = entry_sites(text)
    have = {fold(key) for key in ours.keys}
    loaded, lost = 0, []
    for folded in dict.fromkeys(fold(key) for key in biber.keys):
        if folded in have:
            loaded += 1
            continue
        line, key = sites.get(folded, (0, folded))
        near = sorted(
            (abs(at - line), code) for code, at in ours.findings if abs(at - line) <= NEAR
        )
        code = ours.skipped or (near[0][1] if near and line else "")
        lost.append(Lost(path, line, key, code))
    return loaded, sorted(lost, key=lambda item: item.line)


def measure_file(
    path: Path, group: str, runs: int, biber: Callable[[Path, bytes], BiberRun]
) -> FileResult:
    """One file through both tools; `biber` is run_biber or a stand-in (tests)."""
    content = path.read_bytes()
    biber_run = biber(path, content)
    ours = load_ours(path, runs)
    try:
        text = content.decode(biber_run.encoding, errors="replace")
    except LookupError:  # a name Perl knows and Python does not: lines are all we need
        text = content.decode("utf-8", errors="replace")
    loaded, lost = compare(path, text, biber_run, ours)
    read = {fold(key) for key in biber_run.keys}
    extra = [key for key in ours.keys if fold(key) not in read]
    return FileResult(path, group, biber_run, ours, loaded, lost, extra)


COLUMNS = (
    ("group", 30),
    ("files", 6),
    ("biber failed", 13),
    ("biber reads", 12),
    ("loaded", 7),
    ("%", 6),
    ("lost+finding", 13),
    ("lost silently", 14),
    ("ours only", 10),
    ("biber s", 8),
    ("ours s", 8),
)


def table_row(group: str, results: list[FileResult]) -> list[str]:
    reads = sum(len({fold(k) for k in r.biber.keys}) for r in results)
    loaded = sum(r.loaded for r in results)
    lost = [item for r in results for item in r.lost]
    return [
        group,
        str(len(results)),
        str(sum(1 for r in results if r.biber.failed)),
        str(reads),
        str(loaded),
        f"{100 * loaded / reads:.1f}" if reads else "-",
        str(sum(1 for item in lost if item.code)),
        str(sum(1 for item in lost if not item.code)),
        str(sum(len(r.extra) for r in results)),
        f"{sum(r.biber.seconds for r in results):.2f}",
        f"{sum(r.ours.seconds for r in results):.3f}",
    ]


def print_table(results: list[FileResult]) -> None:
    groups: dict[str, list[FileResult]] = {}
    for result in results:
        groups.setdefault(result.group, []).append(result)
    rows = [table_row(name, items) for name, items in groups.items()]
    header = _cells([name for name, _ in COLUMNS])
    print(header)
    print("-" * len(header))
    for row in rows:
        print(_cells(row))
    print("-" * len(header))
    print(_cells(table_row("TOTAL", results)))


def _cells(values: list[str]) -> str:
    widths = [width for _, width in COLUMNS]
    return "  ".join(
        f"{value:<{width}}" if i == 0 else f"{value:>{width}}"
        for i, (value, width) in enumerate(zip(values, widths, strict=True))
    )


def print_details(results: list[FileResult], verbose: bool, root: Path) -> None:
    """The notes under the table; with `verbose`, every lost entry and failed file."""
    needed = [r for r in results if r.biber.needed_encoding]
    declared = [r for r in results if r.biber.encoding != "UTF-8" and not r.biber.needed_encoding]
    crashed = [r for r in results if r.ours.crash]
    skipped = [r for r in results if r.ours.skipped]
    print(
        f"\nnon-UTF-8: {len(declared)} files declare an encoding (passed to biber); "
        f"{len(needed)} declare none and biber failed on them until given cp1252"
    )
    print(f"our loader skipped {len(skipped)} files whole and crashed on {len(crashed)}")
    for r in crashed:
        print(f"  CRASH {_short(r.path, root)}: {r.ours.crash}")
    if not verbose:
        print("(--verbose lists each lost entry and each file biber failed on)")
        return
    print("\nfiles biber read nothing from:")
    for r in results:
        if r.biber.failed:
            print(f"  {_short(r.path, root)} [{r.biber.encoding}]: {r.biber.failed}")
    print("\nlost entries (file:line key [our finding]):")
    for r in results:
        for item in r.lost:
            print(f"  {_short(item.path, root)}:{item.line} {item.key} [{item.code or 'SILENT'}]")


def _short(path: Path, root: Path) -> str:
    for base in (root, BENCH.parent):
        if path.is_relative_to(base):
            return str(path.relative_to(base))
    return str(path)


def measure_all(
    files: Iterable[tuple[str, Path]], runs: int, biber: Callable[[Path, bytes], BiberRun]
) -> list[FileResult]:
    results = []
    for group, path in files:
        try:
            results.append(measure_file(path, group, runs, biber))
        except Exception as exc:  # never end the run on one file
            print(f"{path}: not measured ({type(exc).__name__}: {exc})", file=sys.stderr)
    return results


def main(argv: list[str] | None = None) -> int:
    parser = argparse.ArgumentParser(description=__doc__.split("\n", 1)[0])
    parser.add_argument("--corpus", type=Path, default=CACHE / "bibs")
    parser.add_argument("--fetch", action="store_true", help="get the corpus (apt), then stop")
    parser.add_argument("--runs", type=int, default=3)
    parser.add_argument("--timeout", type=float, default=30.0, help="seconds per biber call")
    parser.add_argument("--biber", default=shutil.which("biber") or "/usr/bin/biber")
    parser.add_argument("--no-biber-cache", action="store_true")
    parser.add_argument("--no-cases", action="store_true", help="leave out bench/fidelity_cases")
    parser.add_argument("--verbose", action="store_true")
    args = parser.parse_args(argv)
    if args.fetch:
        return fetch(args.corpus, CACHE / "debs")
    if not Path(args.biber).exists():
        print(f"biber not found at {args.biber}: apt-get install -y --no-install-recommends biber")
        return 0
    files, copies = corpus_files(args.corpus, None if args.no_cases else CASES)
    if not any(group != "hand-made" for group, _ in files):
        print(f"no corpus under {args.corpus} (run with --fetch first): hand-made cases only")
    version = subprocess.run([args.biber, "--version"], capture_output=True, text=True).stdout
    print(
        f"{version.strip()}; {len(files)} files ({copies} byte-for-byte copies left out); "
        f"ours: median of {args.runs} loads"
    )
    folder = None if args.no_biber_cache else CACHE / "biber" / re.sub(r"\W+", "_", version.strip())
    start = time.perf_counter()
    results = measure_all(files, args.runs, cached_biber(args.biber, args.timeout, folder))
    print(f"({time.perf_counter() - start:.0f} s)\n")
    print_table(results)
    print_details(results, args.verbose, args.corpus)
    return 0


if __name__ == "__main__":
    sys.exit(main())
