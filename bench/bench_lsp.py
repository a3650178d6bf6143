"""Completion latency of `citations lsp` at 10,000 entries, through the protocol over stdio.

    python bench/bench_lsp.py [--entries 10000] [--real 5000] [--requests 200] [--runs 3]

In a temporary folder, makes a project whose library mixes real and generated entries: up to
--real entries from the TeX Live .bib corpus that bench_fidelity.py uses
(~/.cache/citations-bench/bibs, fetched with `bench_fidelity.py --fetch`; without it, all
generated), then entries from generate.py up to --entries. One generated article cites it.

Each run starts the real server (`python -m citations lsp`) with pygls' client, as an editor
does, and times:

- load: start-up and `initialize` (settings, library through the parse cache, search index);
  the first run fills the parse cache (cold), later runs read it (warm);
- the first completion after load, on its own;
- --requests completions of different queries (key prefixes, family names, years, title
  words, two-word queries) at the end of lines of an open article: median and p95;
- typing: a change to the article (which re-runs its diagnostics) followed at once by a
  completion, as an editor sends them: median and p95.

It prints each run's figures and their medians across runs. Figures only: nothing is asserted,
and the exit status is 0 whatever they are.
"""

from __future__ import annotations

import argparse
import asyncio
import os
import random
import re
import shutil
import statistics
import sys
import tempfile
import time
from pathlib import Path

BENCH = Path(__file__).resolve().parent
sys.path[:0] = [str(BENCH.parent), str(BENCH)]
from lsprotocol import types  # noqa: E402
from pygls.lsp.client import LanguageClient  # noqa: E402

from citations.library import load_library  # noqa: E402

from fidelity_fetch import corpus_files  # noqa: E402
from generate import generate_article, generate_library  # noqa: E402

CORPUS = Path.home() / ".cache" / "citations-bench" / "bibs"
ENTRY = re.compile(r"^[ \t]*@(?!string|preamble|comment)[A-Za-z]+[ \t]*[{(]", re.I | re.M)
_PATHS = [str(BENCH.parent), os.environ.get("PYTHONPATH", "")]
PYTHONPATH = os.pathsep.join(p for p in _PATHS if p)


def make_project(root: Path, entries: int, real: int) -> tuple[int, int]:
    """Settings, a library of real then generated entries, and one article; the numbers of
    entries written from the corpus and generated."""
    refs = root / "refs"
    (refs / "texlive").mkdir(parents=True)
    (root / "articles").mkdir()
    (root / "citations.toml").write_text('refs = ["refs"]\nstyle = "ama"\n', "utf-8")
    taken = 0
    files, _ = corpus_files(CORPUS, None) if CORPUS.is_dir() else ([], 0)
    for n, (group, path) in enumerate(files):
        if taken >= real:
            break
        count = len(ENTRY.findall(path.read_bytes().decode("latin-1")))
        if 0 < count <= real - taken:
            shutil.copy(path, refs / "texlive" / f"{n:04d}-{group}-{path.name}")
            taken += count
    taken = len(load_library([refs / "texlive"])) if taken else 0  # as read: keys once
    generated = max(entries - taken, 0)
    (refs / "generated.bib").write_text(generate_library(generated, seed=1), "utf-8")
    return taken, generated


def queries(keys: list[str], words: list[str], n: int, seed: int = 0) -> list[str]:
    """Different queries as writers type them: key prefixes, names, years, title words."""
    rng = random.Random(seed)
    made: list[str] = []
    while len(made) < n:
        key = rng.choice(keys)
        kind = len(made) % 5
        if kind == 0:
            made.append(key[: rng.randint(1, 6)])
        elif kind == 1:
            made.append(re.sub(r"\d.*", "", key)[:8] or key[:3])
        elif kind == 2:
            made.append(str(rng.randint(1990, 2024)))
        elif kind == 3:
            made.append(rng.choice(words))
        else:
            made.append(f"{rng.choice(words)} {rng.choice(words)[:4]}")
    return made


def percentile(values: list[float], q: float) -> float:
    ordered = sorted(values)
    return ordered[min(len(ordered) - 1, int(q * len(ordered)))]


async def completion(client: LanguageClient, uri: str, line: int, column: int) -> int:
    result = await client.text_document_completion_async(
        types.CompletionParams(types.TextDocumentIdentifier(uri), types.Position(line, column))
    )
    if isinstance(result, types.CompletionList):
        return len(result.items)
    return len(result or [])


async def one_run(root: Path, article: str, asked: list[str]) -> dict[str, float]:
    """One server session: load, first completion, completions, typing."""
    env = {**os.environ, "CITATIONS_CACHE_DIR": str(root / ".cache"), "PYTHONPATH": PYTHONPATH}
    client = LanguageClient("bench", "1")
    published: dict[str, asyncio.Event] = {}

    @client.feature(types.TEXT_DOCUMENT_PUBLISH_DIAGNOSTICS)
    def diagnostics(params: types.PublishDiagnosticsParams) -> None:
        published.setdefault(params.uri, asyncio.Event()).set()

    began = time.perf_counter()
    await client.start_io(sys.executable, "-m", "citations", "lsp", env=env, cwd=root)
    await client.initialize_async(
        types.InitializeParams(capabilities=types.ClientCapabilities(), root_uri=root.as_uri())
    )
    client.initialized(types.InitializedParams())
    figures = {"load": time.perf_counter() - began}
    lines = article.rstrip("\n").split("\n")
    text = "\n".join([*lines, *(f"[@{q}" for q in asked)]) + "\n"
    uri = (root / "articles" / "draft.md").as_uri()
    began = time.perf_counter()
    client.text_document_did_open(
        types.DidOpenTextDocumentParams(types.TextDocumentItem(uri, "markdown", 1, text))
    )
    await published.setdefault(uri, asyncio.Event()).wait()
    figures["open"] = time.perf_counter() - began
    first = len(lines)
    figures["first"] = await _timed(completion(client, uri, first, len(asked[0]) + 2))
    times = [
        await _timed(completion(client, uri, first + i, len(q) + 2)) for i, q in enumerate(asked)
    ]
    figures["median"], figures["p95"] = statistics.median(times), percentile(times, 0.95)
    typing = []
    for version, q in enumerate(asked[:50], start=2):
        changed = text + f"More [@{q}"
        change = types.TextDocumentContentChangeWholeDocument(text=changed)
        doc = types.VersionedTextDocumentIdentifier(uri=uri, version=version)
        began = time.perf_counter()
        client.text_document_did_change(types.DidChangeTextDocumentParams(doc, [change]))
        await completion(client, uri, first + len(asked), len(q) + 7)
        typing.append(time.perf_counter() - began)
    figures["typing"], figures["typing95"] = statistics.median(typing), percentile(typing, 0.95)
    await client.shutdown_async(None)
    client.exit(None)
    await client.stop()
    return figures


async def _timed(request: object) -> float:
    began = time.perf_counter()
    await request  # type: ignore[misc]
    return time.perf_counter() - began


def main(argv: list[str] | None = None) -> int:
    parser = argparse.ArgumentParser(description=__doc__.split("\n")[0])
    parser.add_argument("--entries", type=int, default=10_000)
    parser.add_argument("--real", type=int, default=5_000, help="at most this many from TeX Live")
    parser.add_argument("--requests", type=int, default=200)
    parser.add_argument("--runs", type=int, default=3)
    args = parser.parse_args(argv)
    root = Path(tempfile.mkdtemp(prefix="bench-lsp-")).resolve()
    try:
        real, generated = make_project(root, args.entries, args.real)
        library = load_library([root / "refs"])
        keys = list(library.references)
        article = generate_article(keys, 20, seed=3)
        (root / "articles" / "a.md").write_text(article, "utf-8")
        words = [
            w
            for k in keys[:2000]
            for w in re.findall(r"[a-z]{4,}", library[k].get("title").lower())
        ]
        asked = queries(keys, words or ["study"], args.requests)
        source = f"{real:,} from TeX Live ({CORPUS})" if real else "none from TeX Live (no corpus)"
        print(f"library: {len(library):,} entries ({source}, {generated:,} generated)")
        runs = [asyncio.run(one_run(root, article, asked)) for _ in range(args.runs)]
        report(runs, args.requests)
    finally:
        shutil.rmtree(root, ignore_errors=True)
    return 0


def report(runs: list[dict[str, float]], requests: int) -> None:
    ms = 1000.0
    for n, r in enumerate(runs, start=1):
        cache = "cold parse cache" if n == 1 else "warm parse cache"
        print(
            f"run {n}: load {r['load']:.2f} s ({cache}); open and diagnose the article "
            f"{r['open'] * ms:.0f} ms; first completion {r['first'] * ms:.1f} ms; "
            f"{requests} completions median {r['median'] * ms:.1f} ms, p95 {r['p95'] * ms:.1f} ms; "
            f"typing (change + completion) median {r['typing'] * ms:.1f} ms, "
            f"p95 {r['typing95'] * ms:.1f} ms"
        )
    if len(runs) > 1:
        warm = runs[1:]

        def mid(name: str, rows: list[dict[str, float]] = runs) -> float:
            return statistics.median(r[name] for r in rows)

        print(
            f"median of {len(runs)} runs: load {mid('load', warm):.2f} s warm "
            f"({runs[0]['load']:.2f} s cold); first completion {mid('first') * ms:.1f} ms; "
            f"completion median {mid('median') * ms:.1f} ms, p95 {mid('p95') * ms:.1f} ms; "
            f"typing median {mid('typing') * ms:.1f} ms, p95 {mid('typing95') * ms:.1f} ms"
        )
    print("target: completion within 50 ms at 10,000 entries once loaded (informational)")


if __name__ == "__main__":
    sys.exit(main())
