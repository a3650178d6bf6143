"""Verify speed: `citations verify` on N journal articles against a slow fake of the registries.

    python bench/bench_verify.py [--entries 1000] [--latency 0.05] [--runs 3] [--seed 0]
                                 [--accuracy-only]

First, how often verify is right (bench/verify_accuracy.py: issue #14's set of genuine,
miscited, fabricated and unindexed references): fabricated caught, miscited flagged, false
alarms on genuine references, genuine references not-found.

A library of `--entries` @article entries is taken from `generate_library` (its own DOIs,
PMIDs and PMCIDs dropped) and given identifiers: 70% a DOI only, 30% a PMID only, and one in
fifty both. For each entry the script writes the registry's record in the real answer shapes
(a Crossref `/works/{doi}` body and a PubMed esummary item, built on the fixtures in
tests/fixtures/registry/) into a temporary fixture folder; one entry in fifty of each kind has
a year that is not the registry's, so it should come out "mismatch" and every other entry
"verified". `FakeRegistry` (tests/fakeregistry.py) serves that folder on 127.0.0.1 from a
separate process (its GIL is not the verifier's), every answer delayed by `--latency`.

Timed, with the default politeness (RegistrySettings' rates, its concurrency, verify's pool):
`run_verify_command` with `no_cache` (--runs times), as `citations verify --no-cache` runs it
minus process start-up; one instrumented run of the verify API with a fresh cache file
(phases and `requests_made()`); then, from that cache, warm runs and `--offline` runs.

Printed: each time with the floor the registries' rate limits and the connection slots allow
(read from the code: PubMed's batches are fetched before any entry is resolved, so the phases
add up), the ratio (target ≤ 1.3×), requests per registry against the count expected, the
verdicts against the intended ones, and where the time went. Informational: the exit status
is 0 whatever is measured. Every request goes to 127.0.0.1.
"""

from __future__ import annotations

import argparse
import contextlib
import copy
import itertools
import json
import math
import multiprocessing
import os
import random
import re
import statistics
import sys
import tempfile
import time
import unicodedata
from collections import Counter
from collections.abc import Sequence
from dataclasses import dataclass, field
from multiprocessing.connection import Connection
from pathlib import Path
from typing import Any
from urllib.parse import parse_qsl, unquote, urlsplit

BENCH = Path(__file__).resolve().parent
ROOT = BENCH.parent
sys.path[:0] = [str(ROOT), str(BENCH)]
from citations.commands.verify import DEFAULT_CONCURRENCY, run_verify_command  # noqa: E402
from citations.config import ENVIRONMENT, Config  # noqa: E402
from citations.library import load_library  # noqa: E402
from citations.net.cache import Cache  # noqa: E402
from citations.registries import pubmed  # noqa: E402
from citations.registries.client import Registries  # noqa: E402
from citations.registries.settings import REGISTRIES, RegistrySettings  # noqa: E402
from citations.verify import Result, verify_references  # noqa: E402
from citations.verify.resolve import Resolver  # noqa: E402

from generate import generate_library  # noqa: E402

TARGET_RATIO = 1.3
BOTH_EVERY = 50  # one entry in fifty has a DOI and a PMID
PMID_SHARE = 0.30  # PMID only; the rest a DOI only
MISMATCH_EVERY = 50  # of each kind, one entry in fifty has a wrong year: the 4th, 54th...
MISMATCH_AT = 3
YEAR_OFF = 3  # wrong by this much (1 would be "online and print years can differ")
DOI_PREFIX = "10.5555/bench-verify."  # the test prefix, as the fictional fixtures use
PMID_BASE = 98_000_000  # far beyond PubMed's range, as the fictional fixtures are
FIXTURES = ROOT / "tests" / "fixtures" / "registry"
WORK_TEMPLATE = FIXTURES / "crossref" / "10.1371_journal.pone.0150367.json"
SUMMARY_TEMPLATE = FIXTURES / "pubmed" / "26959661.json"
PROXY_VARS = ("http_proxy", "https_proxy", "all_proxy", "HTTP_PROXY", "HTTPS_PROXY", "ALL_PROXY")
LOOPBACK = "http://127.0.0.1:"


# ----------------------------------------------------------------------------- the library


@dataclass(frozen=True)
class Intent:
    """What one entry carries and what verify should say of it."""

    key: str
    kind: str  # "doi", "pmid" or "both"
    doi: str = ""
    pmid: str = ""
    wrong_year: bool = False

    @property
    def verdict(self) -> str:
        return "mismatch" if self.wrong_year else "verified"

    @property
    def how(self) -> str:
        return "pmid" if self.kind == "pmid" else "doi"


def article_blocks(n: int, seed: int) -> tuple[list[str], list[tuple[str, str]]]:
    """The @string lines and the first `n` @article entries (key, field lines) of a library
    from `generate_library`, without their doi, pmid and pmcid lines."""
    size = math.ceil(n / 0.6) + 20  # about 70% of its entries are articles
    while True:
        text = generate_library(size, seed=seed)
        found = re.findall(r"^@article\{([^,\n]+),\n(.*?)^\}\n", text, re.M | re.S)
        if len(found) >= n:
            break
        size *= 2
    strings = re.findall(r"^@string\{.*\}\n", text, re.M)
    blocks = []
    for key, body in found[:n]:
        lines = [ln for ln in body.splitlines(keepends=True)
                 if not re.match(r"\s*(doi|pmid|pmcid)\s*=", ln)]  # fmt: skip
        blocks.append((key, "".join(lines)))
    return strings, blocks


def plan_library(n: int, seed: int) -> tuple[str, list[Intent]]:
    """BibTeX text of `n` articles with our identifiers, and each entry's intent."""
    strings, blocks = article_blocks(n, seed)
    both = n // BOTH_EVERY
    pmid_only = round(n * PMID_SHARE)
    kinds = ["both"] * both + ["pmid"] * pmid_only + ["doi"] * (n - both - pmid_only)
    random.Random(seed).shuffle(kinds)
    seen: Counter[str] = Counter()
    intents, out = [], ["% bench/bench_verify.py: generate_library's articles, new ids\n\n"]
    out += strings
    out.append("\n")
    for i, ((key, body), kind) in enumerate(zip(blocks, kinds, strict=True)):
        wrong = seen[kind] % MISMATCH_EVERY == MISMATCH_AT
        seen[kind] += 1
        doi = f"{DOI_PREFIX}{i:06d}" if kind in ("doi", "both") else ""
        pmid = str(PMID_BASE + i) if kind in ("pmid", "both") else ""
        intents.append(Intent(key, kind, doi, pmid, wrong))
        ids = (f"  doi = {{{doi}}},\n" if doi else "") + (f"  pmid = {{{pmid}}},\n" if pmid else "")
        out.append(f"@article{{{key},\n{body}{ids}}}\n\n")
    return "".join(out), intents


# ----------------------------------------------------------------------------- the records


def _ascii_initials(given: str) -> str:
    """NLM's initials: `Ming-Shun` → MS, `M. S.` → MS, `José` → J."""
    letters = []
    for part in re.split(r"[\s.\-]+", given):
        bare = "".join(c for c in unicodedata.normalize("NFKD", part) if c.isascii())
        if bare[:1].isalpha():
            letters.append(bare[0].upper())
    return "".join(letters)[:4]


def _plain_pages(pages: str) -> str:
    return re.sub(r"\s*[-‐‑‒–—]+\s*", "-", pages.strip())


def _nlm_pages(pages: str) -> str:
    """`982-984` → `982-4`, as NLM elides a range."""
    m = re.fullmatch(r"(\d+)-(\d+)", pages)
    if not m or len(m[1]) != len(m[2]):
        return pages
    first, last = m.groups()
    same = next((i for i, (a, b) in enumerate(zip(first, last, strict=True)) if a != b), len(last))
    return f"{first}-{last[min(same, len(last) - 1) :]}"


@dataclass(frozen=True)
class Work:
    """What the registry knows of one work (the entry's values, the year maybe not)."""

    title: str
    people: list[tuple[str, str, str]]  # (given, family, suffix)
    journal: str
    year: int
    volume: str
    issue: str
    pages: str


def work_of(ref: Any, intent: Intent) -> Work:
    names = ref.authors
    people = [(n.first, f"{n.von} {n.last}".strip(), n.jr) for n in names.names]
    if names.others:  # `and others`: the registry lists everyone
        people += [("Extra", "Bauer", ""), ("Second", "Okoro", "")]
    year = int(re.findall(r"\d{4}", ref.get("year"))[0])
    return Work(
        title=ref.get("title"), people=people, journal=ref.get("journal"),
        year=year - YEAR_OFF if intent.wrong_year else year, volume=ref.get("volume"),
        issue=ref.get("number"), pages=_plain_pages(ref.get("pages")),
    )  # fmt: skip


def crossref_body(work: Work, doi: str, template: dict[str, Any]) -> dict[str, Any]:
    """A whole `/works/{doi}` answer, on the shape of a real one."""
    body = copy.deepcopy(template)
    m = body["message"]
    date = {"date-parts": [[work.year]]}
    m.update({
        "DOI": doi, "prefix": doi.split("/")[0], "title": [work.title],
        "author": [
            {"given": given, "family": family, **({"suffix": jr} if jr else {}),
             "sequence": "first" if i == 0 else "additional", "affiliation": []}
            for i, (given, family, jr) in enumerate(work.people)
        ],
        "container-title": [work.journal], "short-container-title": [work.journal],
        "volume": work.volume, "page": work.pages, "issued": date, "published": date,
        "published-online": date, "URL": f"https://doi.org/{doi}",
        "resource": {"primary": {"URL": f"https://example.org/{doi}"}},
        "journal-issue": {"issue": work.issue, "published-online": date},
        "link": [{**m["link"][0], "URL": f"https://example.org/{doi}/full"}],
    })  # fmt: skip
    if work.issue:
        m["issue"] = work.issue
    else:
        m.pop("issue", None)
    for key in ("ISSN", "issn-type"):
        m.pop(key, None)
    return body


def pubmed_item(work: Work, pmid: str, doi: str, template: dict[str, Any]) -> dict[str, Any]:
    """One esummary `result` item, on the shape of a real one."""
    item = copy.deepcopy(template)
    names = [" ".join(p for p in (family, _ascii_initials(given), jr.rstrip(".")) if p)
             for given, family, jr in work.people]  # fmt: skip
    ids = [{"idtype": "pubmed", "idtypen": 1, "value": pmid}]
    if doi:
        ids.append({"idtype": "doi", "idtypen": 3, "value": doi})
    item.update({
        "uid": pmid, "pubdate": str(work.year), "epubdate": "", "source": work.journal,
        "fulljournalname": work.journal, "title": work.title.rstrip(".") + ".",
        "sorttitle": re.sub(r"[^\w]+", " ", work.title.lower()).strip(),
        "authors": [{"name": n, "authtype": "Author", "clusterid": ""} for n in names],
        "lastauthor": names[-1] if names else "", "sortfirstauthor": names[0] if names else "",
        "volume": work.volume, "issue": work.issue, "pages": _nlm_pages(work.pages),
        "issn": "", "essn": "", "pubtype": ["Journal Article"], "articleids": ids,
        "elocationid": f"doi: {doi}" if doi else "", "references": [],
        "sortpubdate": f"{work.year}/01/01 00:00",
    })  # fmt: skip
    return item


def write_fixtures(bib: Path, intents: Sequence[Intent], root: Path) -> Counter[str]:
    """The registries' records for every entry, as files FakeRegistry serves."""
    library = load_library([bib])
    work_template = json.loads(WORK_TEMPLATE.read_text("utf-8"))
    summary_template = json.loads(SUMMARY_TEMPLATE.read_text("utf-8"))
    for folder in ("crossref", "pubmed"):
        (root / folder).mkdir(parents=True)
    written: Counter[str] = Counter()
    for intent in intents:
        work = work_of(library[intent.key], intent)
        if intent.doi:
            body = crossref_body(work, intent.doi, work_template)
            path = root / "crossref" / f"{intent.doi.replace('/', '_')}.json"
            path.write_text(json.dumps(body, ensure_ascii=False, indent=1), "utf-8")
            written["crossref"] += 1
        if intent.pmid:
            item = pubmed_item(work, intent.pmid, intent.doi, summary_template)
            path = root / "pubmed" / f"{intent.pmid}.json"
            path.write_text(json.dumps(item, ensure_ascii=False, indent=1), "utf-8")
            written["pubmed"] += 1
    return written


# ----------------------------------------------------------------------------- the fake


@dataclass(frozen=True)
class Hit:
    """One request the fake answered: what for, when it came and when it was answered."""

    label: str  # "crossref works", "ncbi esummary", ...
    started: float  # time.monotonic(), the same clock in both processes (Linux, macOS)
    ended: float
    ids: int = 1  # PMIDs in an esummary batch


def _label(path: str) -> tuple[str, int]:
    raw, _, query = path.partition("?")
    registry, _, rest = unquote(raw).lstrip("/").partition("/")
    endpoint = rest.split("/")[0].removesuffix(".fcgi") or (
        "doi→pmid" if registry == "idconv" else "?"
    )
    params = dict(parse_qsl(query))
    if endpoint == "esummary" and params.get("db") == "pmc":
        endpoint = "esummary pmc"
    ids = len([i for i in params.get("id", "").split(",") if i]) if "id" in params else 1
    return f"{registry} {endpoint}", ids


def _serve(root: str, latency: float, lifetime: float, conn: Connection) -> None:
    """FakeRegistry on `root`, every answer `latency` late, until told, orphaned or timed out."""
    sys.path.insert(0, str(ROOT / "tests"))
    from fakeregistry import FakeRegistry

    fake = FakeRegistry(Path(root))
    if latency > 0:
        fake.slow("/*", latency)
    with fake:
        conn.send(fake.urls())
        taken = 0
        end = time.monotonic() + lifetime
        while (left := end - time.monotonic()) > 0:
            if not conn.poll(min(left, 1.0)):
                continue
            try:
                command = conn.recv()
            except EOFError:  # the parent has gone
                break
            if command != "hits":
                break
            hits = fake.server.hits()
            fresh, taken = hits[taken:], len(hits)
            conn.send([(*_label(h.path), h.started, h.ended) for h in fresh])


class Fake:
    """The fake registries in a process of their own."""

    def __init__(self, root: Path, latency: float, lifetime: float) -> None:
        context = multiprocessing.get_context("spawn")
        self.pipe, theirs = context.Pipe()
        self.process = context.Process(
            target=_serve, args=(str(root), latency, lifetime, theirs), daemon=True,
            name="fake-registry",
        )  # fmt: skip
        self.process.start()
        theirs.close()
        try:
            if not self.pipe.poll(60):
                raise EOFError
            self.urls: dict[str, str] = self.pipe.recv()
        except EOFError:
            self.stop()
            raise SystemExit("the fake registry did not start within 60 s") from None

    def hits(self) -> list[Hit]:
        """The requests answered since the last call."""
        self.pipe.send("hits")
        if not self.pipe.poll(60):
            return []
        return [Hit(label, started, ended, ids) for label, ids, started, ended in self.pipe.recv()]

    def stop(self) -> None:
        with contextlib.suppress(OSError):
            self.pipe.send("stop")
        self.process.join(10)
        if self.process.is_alive():
            self.process.terminate()
            self.process.join(5)


# ----------------------------------------------------------------------------- the floor


@dataclass(frozen=True)
class Phase:
    """One registry's share: its requests, its rate, the slots they can use at once."""

    registry: str
    requests: int
    rate: float
    slots: int
    latency: float

    @property
    def rate_bound(self) -> float:
        """The n-th request cannot start before (n−1)/rate (the bucket holds one token), and
        is answered `latency` later."""
        return (self.requests - 1) / self.rate + self.latency if self.requests else 0.0

    @property
    def slot_bound(self) -> float:
        return math.ceil(self.requests / self.slots) * self.latency

    @property
    def bound(self) -> float:
        return max(self.rate_bound, self.slot_bound)


@dataclass(frozen=True)
class Floor:
    phases: tuple[Phase, ...]

    @property
    def sequential(self) -> float:
        return sum(p.bound for p in self.phases)

    @property
    def overlapped(self) -> float:
        return max((p.bound for p in self.phases), default=0.0)

    @property
    def value(self) -> float:
        return self.sequential  # verify's schedule: PubMed's prefetch, then the pool


def expected_requests(intents: Sequence[Intent]) -> Counter[str]:
    pmids = sum(1 for i in intents if i.pmid)
    doi_only = sum(1 for i in intents if i.doi and not i.pmid)  # asked of NCBI's ID converter
    return Counter({
        "crossref works": sum(1 for i in intents if i.doi),
        "ncbi esummary": math.ceil(pmids / pubmed.BATCH),
        "ncbi efetch": math.ceil(pmids / pubmed.BATCH),  # MeSH headings, for claims
        "idconv doi→pmid": math.ceil(doi_only / pubmed.BATCH),
    })  # fmt: skip


def compute_floor(
    expected: Counter[str], settings: RegistrySettings, per_host: int, latency: float
) -> Floor:
    asked = expected["ncbi esummary"] + expected["ncbi efetch"]
    ncbi = Phase("ncbi", asked, settings.rate("ncbi"), 1, latency)
    slots = min(DEFAULT_CONCURRENCY, per_host)
    crossref = Phase("crossref", expected["crossref works"], settings.rate("crossref"), slots,
                     latency)  # fmt: skip
    return Floor((ncbi, crossref))


# ----------------------------------------------------------------------------- checking


def check_verdicts(results: Sequence[Result], intents: Sequence[Intent]) -> list[str]:
    """Every entry whose verdict (or how it was found, or what differs) is not the intent."""
    by_key = {r.key: r for r in results}
    wrong = []
    for intent in intents:
        result = by_key.get(intent.key)
        if result is None:
            wrong.append(f"{intent.key}: no result")
            continue
        fields = sorted(d.field for d in result.fields)
        want_fields = ["year"] if intent.wrong_year else []
        if result.verdict != intent.verdict or result.how != intent.how or fields != want_fields:
            wrong.append(
                f"{intent.key} ({intent.kind}{', wrong year' if intent.wrong_year else ''}): "
                f"{result.verdict} by {result.how or '-'}, differs in {fields}: {result.detail}"
            )
    return wrong


def verdict_line(results: Sequence[Result], intents: Sequence[Intent]) -> str:
    counts = Counter(r.verdict for r in results)
    intended = Counter(i.verdict for i in intents)
    wrong = check_verdicts(results, intents)
    found = sum(1 for r in results if r.verdict == "mismatch" and r.key in _wrong_year(intents))
    parts = ", ".join(f"{v} {c}" for v, c in counts.most_common())
    return (
        f"verdicts {parts}; intended mismatches found {found}/{intended['mismatch']}, "
        f"{len(intents) - len(wrong):,}/{len(intents):,} as intended"
    )


def _wrong_year(intents: Sequence[Intent]) -> set[str]:
    return {i.key for i in intents if i.wrong_year}


# ----------------------------------------------------------------------------- timing


@dataclass
class Run:
    elapsed: float
    results: list[Result]
    hits: list[Hit]
    start: float  # time.monotonic() when the timed call began
    phases: dict[str, float] = field(default_factory=dict)
    requests_made: int | None = None


def command_run(config: Config, options: dict[str, Any], fake: Fake) -> Run:
    """`run_verify_command` as the CLI calls it (settings from the config and environment)."""
    start_mono, start = time.monotonic(), time.perf_counter()
    outcome = run_verify_command(config, options)
    elapsed = time.perf_counter() - start
    return Run(elapsed, outcome.results, fake.hits(), start_mono)


def api_run(config: Config, cache_path: Path, fake: Fake) -> tuple[Run, int]:
    """The verify API with a fresh cache file, phase by phase, counting requests."""
    settings = RegistrySettings.from_config(config)
    start_mono, start = time.monotonic(), time.perf_counter()
    library = load_library(config.refs, config.cache_folder())
    refs = list(library)
    loaded = time.perf_counter()
    cache = Cache.open(cache_path)
    try:
        with Registries(settings, cache) as registries:
            per_host = registries._net.client.config.per_host  # what the registries' client uses
            resolver = Resolver(registries, settings.urls)
            resolver.prefetch(refs)
            prefetched, after_prefetch = time.perf_counter(), registries.requests_made()
            results = verify_references(refs, resolver, DEFAULT_CONCURRENCY)
            pooled, made = time.perf_counter(), registries.requests_made()
    finally:
        cache.close()
    elapsed = time.perf_counter() - start
    phases = {
        "load_library": loaded - start, "prefetch (PubMed batches)": prefetched - loaded,
        "pool (resolve + judge)": pooled - prefetched, "close": elapsed - (pooled - start),
        "requests in prefetch": after_prefetch,
    }  # fmt: skip
    run = Run(elapsed, results, fake.hits(), start_mono, phases, made)
    return run, per_host


def show(label: str, times: Sequence[float], extra: str = "") -> float:
    median = statistics.median(times)
    print(f"  {label:<32} {median:8.3f} s [{min(times):.3f}–{max(times):.3f}]  {extra}")
    return median


def where_time_went(run: Run, floor: Floor) -> list[str]:
    """From the fake's log: set-up, PubMed phase, Crossref phase, and what came after."""
    hits = sorted(run.hits, key=lambda h: h.started)
    if not hits:
        return ["no requests"]
    end = run.start + run.elapsed
    lines = []
    by: dict[str, list[Hit]] = {}
    for hit in hits:
        by.setdefault(hit.label, []).append(hit)
    first = hits[0].started - run.start
    parts = [f"start → first request {first:.2f} s (load, set-up)"]
    cursor = hits[0].started
    for label, group in by.items():
        span_start, span_end = group[0].started, max(h.ended for h in group)
        served = statistics.fmean(h.ended - h.started for h in group) * 1000
        text = (
            f"{label} ×{len(group)}: {span_start - run.start:.2f}–{span_end - run.start:.2f} s "
            f"({span_end - span_start:.2f} s, answered in {served:.1f} ms mean"
        )
        if len(group) > 1:
            gaps = [b.started - a.started for a, b in itertools.pairwise(group)]
            rate = (len(group) - 1) / (group[-1].started - group[0].started)
            text += (
                f", started every {statistics.fmean(gaps) * 1000:.1f} ms mean "
                f"[{min(gaps) * 1000:.1f}–{max(gaps) * 1000:.1f}] = {rate:.2f}/s"
            )
        if span_start > cursor + 0.01:
            parts.append(f"gap {span_start - cursor:.2f} s")
        parts.append(text + ")")
        cursor = max(cursor, span_end)
    parts.append(f"last answer → return {end - cursor:.2f} s (judging, report)")
    lines += parts
    over = run.elapsed - floor.value
    lines.append(f"{over:+.2f} s over the floor")
    return lines


def count_hits(hits: Sequence[Hit]) -> Counter[str]:
    return Counter(h.label for h in hits)


# ----------------------------------------------------------------------------- main


def main() -> int:
    parser = argparse.ArgumentParser(description=__doc__.splitlines()[0])
    parser.add_argument("--entries", type=int, default=1000)
    parser.add_argument("--latency", type=float, default=0.05)
    parser.add_argument("--runs", type=int, default=3)
    parser.add_argument("--seed", type=int, default=0)
    parser.add_argument(
        "--accuracy-only", action="store_true", help="only issue #14's accuracy figures"
    )
    args = parser.parse_args()
    if args.entries < 10 or args.runs < 1 or args.latency < 0:
        raise SystemExit("--entries ≥ 10, --runs ≥ 1, --latency ≥ 0")
    for name in PROXY_VARS:  # requests would send loopback traffic to a proxy
        os.environ.pop(name, None)
    os.environ["NO_PROXY"] = os.environ["no_proxy"] = "127.0.0.1,localhost"
    accuracy()
    if args.accuracy_only:
        return 0
    with tempfile.TemporaryDirectory(prefix="bench-verify-") as tmp:
        return bench(Path(tmp), args)


def accuracy() -> None:
    """Issue #14's figures: verdicts on genuine, miscited, fabricated and unindexed entries
    (bench/verify_accuracy.py builds the set and serves its records)."""
    from verify_accuracy import build_cases, figures, run_cases

    cases = build_cases()
    with tempfile.TemporaryDirectory(prefix="bench-verify-accuracy-") as tmp:
        saved = os.environ.get("CITATIONS_CACHE_DIR")
        os.environ["CITATIONS_CACHE_DIR"] = str(Path(tmp) / "cache")
        try:
            results = run_cases(cases, Path(tmp))
        finally:
            if saved is None:
                os.environ.pop("CITATIONS_CACHE_DIR", None)
            else:
                os.environ["CITATIONS_CACHE_DIR"] = saved
    counts = {k: sum(c.kind == k for c in cases.cases) for k in ("genuine", "miscited",
              "fabricated", "unindexed")}  # fmt: skip
    print(f"accuracy (issue #14's test set, {counts}):")
    for line in figures(cases.cases, results):
        print(f"  {line}")
    print()


def bench(tmp: Path, args: argparse.Namespace) -> int:
    os.environ["CITATIONS_CACHE_DIR"] = str(tmp / "cache")  # nothing in the user's caches
    made = time.perf_counter()
    text, intents = plan_library(args.entries, args.seed)
    bib = tmp / "refs" / "library.bib"
    bib.parent.mkdir()
    bib.write_text(text, "utf-8")
    written = write_fixtures(bib, intents, tmp / "registry")
    made = time.perf_counter() - made
    expected = expected_requests(intents)
    # Generous: every phase of the script at ten times its floor, and a fixed margin.
    settings_guess = RegistrySettings(urls={})
    floor_guess = compute_floor(expected, settings_guess, 1, args.latency)
    lifetime = 600 + 10 * (2 * args.runs + 2) * floor_guess.value

    fake = Fake(tmp / "registry", args.latency, lifetime)
    try:
        if any(not url.startswith(LOOPBACK) for url in fake.urls.values()):
            raise SystemExit(f"the fake is not on 127.0.0.1: {fake.urls}")
        for name, url in fake.urls.items():
            os.environ[ENVIRONMENT[name]] = url
        return measure(tmp, bib, intents, written, expected, made, fake, args)
    finally:
        fake.stop()


def measure(
    tmp: Path,
    bib: Path,
    intents: Sequence[Intent],
    written: Counter[str],
    expected: Counter[str],
    made: float,
    fake: Fake,
    args: argparse.Namespace,
) -> int:
    config = Config(refs=(bib,), cache_dir=tmp / "cache")
    settings = RegistrySettings.from_config(config)
    urls = settings.urls
    if sorted(urls) != sorted(REGISTRIES) or any(
        urlsplit(u).hostname != "127.0.0.1" for u in urls.values()
    ):
        raise SystemExit(f"a registry is not on 127.0.0.1: {urls}")
    kinds = Counter(i.kind for i in intents)
    wrong_years = Counter(i.kind for i in intents if i.wrong_year)
    print(
        f"verify benchmark: {len(intents):,} @article entries (from generate_library, seed "
        f"{args.seed}), fake registries on 127.0.0.1 in another process, every answer "
        f"{args.latency * 1000:.0f} ms late; Python {sys.version.split()[0]}, "
        f"{os.cpu_count()} CPUs"
    )
    print(
        f"  identifiers: DOI only {kinds['doi']}, PMID only {kinds['pmid']}, both "
        f"{kinds['both']}; wrong year (→ mismatch) {sum(wrong_years.values())} "
        f"({', '.join(f'{k} {v}' for k, v in sorted(wrong_years.items()))}), the rest → verified"
    )
    print(
        f"  fixtures: {written['crossref']} Crossref works, {written['pubmed']} PubMed "
        f"summaries (library and fixtures written in {made:.2f} s)"
    )

    # A few entries first: imports and first-use costs are not charged to run 1.
    keys = [i.key for i in intents if i.kind == "doi"][:3] + [
        i.key for i in intents if i.kind == "pmid"
    ][:3]
    warm = command_run(config, {"refs": [bib], "keys": keys, "no_cache": True}, fake)
    print(f"  warm-up: {len(keys)} entries in {warm.elapsed:.2f} s, {len(warm.hits)} requests")

    cold: list[Run] = []
    for _ in range(args.runs):
        cold.append(command_run(config, {"refs": [bib], "no_cache": True}, fake))
    api, per_host = api_run(config, tmp / "verify.sqlite", fake)

    floor = compute_floor(expected, settings, per_host, args.latency)
    rates = ", ".join(f"{name} {settings.rate(name):g}/s" for name in REGISTRIES)
    print(
        f"  politeness (defaults): rates {rates}; RegistrySettings.concurrency "
        f"{settings.concurrency} (sizes the pool), per host {per_host} in flight (the fake "
        f"serves every registry from one host, as each real registry is one host), verify's "
        f"pool {DEFAULT_CONCURRENCY} entries; retries {settings.retries}, timeout "
        f"{settings.timeout:g} s"
    )
    print(
        "  schedule (verify_references): resolver.prefetch asks PubMed for every PMID in "
        f"batches of ≤{pubmed.BATCH}, one after another in the calling thread; only then does "
        f"the pool of {DEFAULT_CONCURRENCY} resolve entries (Crossref /works/{{doi}} each; "
        "PubMed answers from the prefetch). So the phases add up: floor = sum, not max"
    )
    for p in floor.phases:
        print(
            f"    {p.registry:<8} {p.requests:>5} requests: rate bound (n−1)/{p.rate:g} + "
            f"{p.latency * 1000:.0f} ms = {p.rate_bound:.2f} s; slot bound ⌈n/{p.slots}⌉ × "
            f"{p.latency * 1000:.0f} ms = {p.slot_bound:.2f} s → {p.bound:.2f} s"
        )
    print(
        f"  floor {floor.value:.2f} s (if the phases overlapped: {floor.overlapped:.2f} s); "
        f"n/rate alone: "
        + ", ".join(f"{p.registry} {p.requests / p.rate:.2f} s" for p in floor.phases)
    )

    print("\n  cold: run_verify_command(config, {no_cache}) with default settings")
    for n, run in enumerate(cold, 1):
        got = count_hits(run.hits)
        print(
            f"  run {n}: {run.elapsed:.2f} s ({run.elapsed / floor.value:.3f}× floor); "
            f"requests {dict(got)}; {verdict_line(run.results, intents)}"
        )
        for line in where_time_went(run, floor):
            print(f"      {line}")
    median = show("cold run_verify_command", [r.elapsed for r in cold])
    ratio = median / floor.value
    verdict = "PASS" if ratio <= TARGET_RATIO else "MISS"
    print(f"  floor {floor.value:.2f} s: ratio {ratio:.3f}× (target ≤ {TARGET_RATIO}×) {verdict}")
    worst = max((check_verdicts(r.results, intents) for r in cold), key=len)
    if worst:
        print(f"  not as intended in the worst run ({len(worst)}; up to 10):")
        for line in worst[:10]:
            print(f"    {line}")

    got = count_hits(api.hits)
    print(
        "\n  instrumented: load_library, Registries + Resolver, prefetch, verify_references "
        "with a fresh cache file"
    )
    print(
        f"  {api.elapsed:.2f} s ({api.elapsed / floor.value:.3f}× floor); "
        + ", ".join(f"{k} {v:.2f} s" for k, v in api.phases.items() if "requests" not in k)
    )
    print(
        f"  requests: expected {dict(expected)} = {sum(expected.values())}; the fake saw "
        f"{dict(got)} = {sum(got.values())}; requests_made() {api.requests_made} "
        f"({api.phases['requests in prefetch']:.0f} in the prefetch); "
        f"{verdict_line(api.results, intents)}"
    )
    ids = [h.ids for h in api.hits if h.label == "ncbi esummary"]
    print(f"  PubMed batches: {ids} ids")
    for line in where_time_went(api, floor):
        print(f"      {line}")

    warm_runs = [
        command_run(config, {"refs": [bib], "cache": str(tmp / "verify.sqlite")}, fake)
        for _ in range(args.runs)
    ]
    offline_runs = [
        command_run(
            config, {"refs": [bib], "cache": str(tmp / "verify.sqlite"), "offline": True}, fake
        )
        for _ in range(args.runs)
    ]
    loads = []
    for _ in range(args.runs):
        start = time.perf_counter()
        load_library(config.refs, config.cache_folder())
        loads.append(time.perf_counter() - start)
    print("\n  from the cache the instrumented run filled:")
    base = show("load_library alone (baseline)", loads)
    for label, runs in (("warm (cache filled)", warm_runs), ("--offline", offline_runs)):
        hits = sum(len(r.hits) for r in runs)
        value = statistics.median(r.elapsed for r in runs)
        show(
            label, [r.elapsed for r in runs],
            f"{value / median:.4f}× cold, {value / base:.1f}× load_library; requests {hits} "
            f"in {len(runs)} runs; {verdict_line(runs[-1].results, intents)}",
        )  # fmt: skip
    return 0


if __name__ == "__main__":
    raise SystemExit(main())
