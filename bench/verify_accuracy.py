"""How often `citations verify` is right: issue #14's test set against the fake registries.

    python bench/verify_accuracy.py [--list]

The set (bench/verify_cases.py): 45 genuine references of every entry type (articles by DOI,
PMID or a search; online-first papers cited by their print year; chapters, books, edited
books, proceedings papers, reports, theses, datasets, medRxiv and arXiv preprints), 21
miscited (a DOI with a typo, another paper's DOI or PMID or arXiv id, wrong year, volume,
issue, pages, journal, authors, title, editors), 10 fabricated and 5 unindexed. The records
are served by tests/fakeregistry.py on 127.0.0.1 in the real APIs' shapes.

Printed: fabricated caught (not-found or different-work; target ≥ 95%), miscited flagged
(any verdict but verified and unverifiable; ≥ 95%), false alarms on genuine references
(mismatch, different-work, not-found; ≤ 2%), genuine references ever not-found (must be 0),
unindexed never not-found; with `--list`, every case and its verdict.
"""

from __future__ import annotations

import argparse
import os
import sys
import tempfile
from collections.abc import Sequence
from pathlib import Path

BENCH = Path(__file__).resolve().parent
ROOT = BENCH.parent
sys.path[:0] = [str(ROOT), str(BENCH), str(ROOT / "tests")]
from verify_cases import (  # noqa: E402
    Case,
    Cases,
    Work,
    _Draw,
    article,
    arxiv_preprint,
    bibtex,
    book,
    chapter,
    dataset,
    preprint,
    proceedings,
    report,
)

from citations.library import load_library  # noqa: E402
from citations.registries.client import Registries  # noqa: E402
from citations.verify import Result, verify_references  # noqa: E402
from citations.verify.resolve import Resolver  # noqa: E402

from fakeregistry import FakeRegistry  # noqa: E402

ALARMS = frozenset({"mismatch", "different-work", "not-found"})
TARGETS = {"fabricated": 0.95, "miscited": 0.95, "false alarms": 0.02}


def genuine(c: Cases, d: _Draw) -> dict[str, Work]:
    """45 references as their registries record them; the keys say what each is."""
    works = {}
    for i, (ids, shape, extra) in enumerate([
        ("doi", "trial", {}), ("doi", "review", {}), ("doi pmid", "trial", {"pubmed": True}),
        ("doi", "cohort", {}), ("doi pmid", "review", {"pubtype": ["Journal Article",
         "Meta-Analysis", "Systematic Review"]}), ("doi", "trial", {"pmc": True, "pubmed": True}),
        ("doi", "cohort", {}), ("doi", "trial", {}),
    ]):  # fmt: skip
        works[f"article{i + 1}"] = article(c, d, f"article{i + 1}", ids=ids, shape=shape, **extra)
    for i in range(4):
        works[f"onlinefirst{i + 1}"] = article(c, d, f"onlinefirst{i + 1}", online=True)
    works["epubfirst"] = article(c, d, "epubfirst", ids="pmid", epub=True)
    for i in range(3):
        works[f"pubmedonly{i + 1}"] = article(c, d, f"pubmedonly{i + 1}", ids="pmid")
        works[f"noid{i + 1}"] = article(c, d, f"noid{i + 1}", ids="search")
    for i in range(5):
        works[f"chapter{i + 1}"] = chapter(c, d, f"chapter{i + 1}")
    works["chapteronline"] = chapter(c, d, "chapteronline", online=True)
    for i in range(2):
        works[f"chapternoid{i + 1}"] = chapter(c, d, f"chapternoid{i + 1}", doi=False)
    for kind in ("monograph", "book", "edited-book"):
        works[f"book-{kind}"] = book(c, d, f"book-{kind}", kind)
    for i in range(4):
        works[f"proc{i + 1}"] = proceedings(c, d, f"proc{i + 1}")
    works["procnoid"] = proceedings(c, d, "procnoid", doi=False)
    for i in range(2):
        works[f"report{i + 1}"] = report(c, d, f"report{i + 1}")
        works[f"thesis{i + 1}"] = report(c, d, f"thesis{i + 1}", "dissertation")
        works[f"dataset{i + 1}"] = dataset(c, d, f"dataset{i + 1}")
        works[f"medrxiv{i + 1}"] = preprint(c, d, f"medrxiv{i + 1}")
        works[f"arxiv{i + 1}"] = arxiv_preprint(c, d, f"arxiv{i + 1}")
    for key, work in works.items():
        c.cases.append(Case(key, "genuine", key.rstrip("0123456789"), work.bib(), "verified"))
    return works


def miscited(c: Cases, d: _Draw) -> None:
    """21 references to real works with something wrong, each its own work."""
    decoy = article(c, d, "decoy")  # registered, cited by nobody: the wrong DOIs' owner
    decoy_chapter = chapter(c, d, "decoychapter")
    other_arxiv = arxiv_preprint(c, d, "otherarxiv")
    other_pmid = article(c, d, "otherpmid", ids="pmid")

    def add(what: str, work: Work, expect: str, **changes: str | None) -> None:
        c.cases.append(Case(work.key, "miscited", what, work.bib(**changes), expect))

    w = article(c, d, "mis-doitypo")
    add("doi-typo-article", w, "mismatch", doi=w.fields["doi"] + "7")
    w = chapter(c, d, "mis-chaptertypo")
    add("doi-typo-chapter", w, "mismatch", doi=w.fields["doi"].replace("bench", "bnech"))
    w = proceedings(c, d, "mis-proctypo")
    add("doi-typo-proceedings", w, "mismatch", doi=w.fields["doi"] + "x")
    w = article(c, d, "mis-pmidtypo", ids="pmid")
    add("pmid-typo", w, "mismatch", pmid="96999999")
    add("other-doi-article", article(c, d, "mis-otherdoi"), "different-work",
        doi=decoy.fields["doi"])  # fmt: skip
    add("other-doi-chapter", chapter(c, d, "mis-otherchap"), "different-work",
        doi=decoy_chapter.fields["doi"])  # fmt: skip
    add("other-pmid", article(c, d, "mis-otherpmid", ids="pmid"), "different-work",
        pmid=other_pmid.fields["pmid"])  # fmt: skip
    add("other-arxiv", arxiv_preprint(c, d, "mis-otherarxiv"), "different-work",
        eprint=other_arxiv.fields["eprint"])  # fmt: skip
    for what, work, field in (
        ("year-article", article(c, d, "mis-year"), "year"),
        ("year-onlinefirst", article(c, d, "mis-yearonline", online=True), "year"),
        ("year-book", book(c, d, "mis-yearbook"), "year"),
    ):
        add(what, work, "mismatch", **{field: str(int(work.fields[field]) - 3)})
    w = article(c, d, "mis-volume")
    add("volume", w, "mismatch", volume=str(int(w.fields["volume"]) + 4))
    w = article(c, d, "mis-issue")
    add("issue", w, "mismatch", number=str(int(w.fields["number"]) + 3))
    w = article(c, d, "mis-pages")
    add("pages", w, "mismatch", pages="501--509")
    add("journal", article(c, d, "mis-journal"), "mismatch", journal="Journal of Pain Research")
    w = article(c, d, "mis-authors")
    add("author-missing", w, "mismatch", author=w.fields["author"].rsplit(" and ", 1)[0])
    w = article(c, d, "mis-authorspelt")
    family = w.fields["author"].split(",")[0]
    misspelt = family[:-1] + ("e" if family[-1] != "e" else "a")
    add("author-misspelt", w, "mismatch", author=w.fields["author"].replace(family, misspelt, 1))
    w = article(c, d, "mis-title")
    add(
        "title-words", w, "mismatch", title=w.fields["title"].replace("for", "versus usual care in")
    )
    w = chapter(c, d, "mis-editors")
    add("editors", w, "mismatch", editor="Smith, John and Jones, Mary")
    w = chapter(c, d, "mis-booktitle")
    add("booktitle", w, "mismatch", booktitle="Oxford Textbook of Rehabilitation Medicine")
    w = dataset(c, d, "mis-dataset")
    add("dataset-year", w, "mismatch", year=str(int(w.fields["year"]) - 2))


def fabricated(c: Cases, d: _Draw) -> None:
    """10 references to works that do not exist, in the shapes fabricated ones come in."""
    for i in range(10):
        work = article(c, d, f"fab{i + 1}", registered=False)
        changes: dict[str, str | None] = {}
        if i < 4:
            changes["doi"] = f"10.5555/fab.{2000 + i}.{i * 37 + 11}"
        elif i < 6:
            changes = {"doi": None, "pmid": str(96_500_000 + i)}
        elif i == 9:
            changes = {"doi": None, "eprint": f"2{i}05.{12345 + i}", "eprinttype": "arxiv"}
        else:
            changes["doi"] = None
        entry = work.bib(**changes)
        if i == 8:
            entry = entry.replace("@article", "@inproceedings").replace("journal =", "booktitle =")
        c.cases.append(Case(f"fab{i + 1}", "fabricated", "fabricated", entry, "not-found"))


def unindexed(c: Cases) -> None:
    """5 references no registry is expected to know."""
    for key, kind, fields in (
        ("web", "online", {"title": "Osteoarthritis: symptoms and causes",
                           "organization": "Example Clinic", "year": "2023",
                           "url": "https://www.example.org/osteoarthritis"}),
        ("oldbook", "book", {"author": "Tanaka, Hiro", "title": "Needles and the Body",
                             "publisher": "Kodansha", "year": "1971"}),
        ("grey", "techreport", {"author": "Brennan, Ciaran", "title": "Acupuncture provision in "
                                "Irish general practice", "institution": "Health Board West",
                                "year": "1998"}),
        ("oldthesis", "phdthesis", {"author": "Moreau, Pierre", "title": "L'acupuncture en France",
                                    "school": "Université de Lyon", "year": "1982"}),
        ("leaflet", "misc", {"title": "Your acupuncture appointment", "howpublished": "Leaflet",
                             "year": "2019"}),
    ):  # fmt: skip
        c.cases.append(Case(key, "unindexed", kind, bibtex(kind, key, **fields), "unverifiable"))


def build_cases() -> Cases:
    c, d = Cases(), _Draw()
    genuine(c, d)
    miscited(c, d)
    fabricated(c, d)
    unindexed(c)
    return c


def run_cases(cases: Cases, folder: Path) -> list[Result]:
    bib = folder / "cases.bib"
    bib.write_text("\n".join(case.bibtex for case in cases.cases), "utf-8")
    with FakeRegistry(folder / "no-fixtures") as fake:
        for work in cases.works:
            fake.add_work(work)
        for item in cases.summaries:
            fake.add_summary(item)
        for csl in cases.csl:
            fake.add_csl(csl)
        for feed in cases.feeds:
            fake.add_feed(feed)
        with Registries(fake.settings()) as registries:
            resolver = Resolver(registries, registries.settings.urls)
            return verify_references(list(load_library([bib])), resolver)


def figures(cases: Sequence[Case], results: Sequence[Result]) -> list[str]:
    verdicts = {r.key: r.verdict for r in results}

    def share(kind: str, good: frozenset[str] | set[str], label: str, target: str) -> str:
        chosen = [c for c in cases if c.kind == kind]
        hits = sum(verdicts[c.key] in good for c in chosen)
        return f"{label}: {hits}/{len(chosen)} = {hits / len(chosen):.1%} (target {target})"

    gen = [c for c in cases if c.kind == "genuine"]
    lost = [c.key for c in gen if verdicts[c.key] == "not-found"]
    exact = sum(verdicts[c.key] == c.expect for c in cases if c.kind == "miscited")
    return [
        share("fabricated", {"not-found", "different-work"}, "fabricated caught", "≥ 95%"),
        share("miscited", ALARMS, "miscited flagged", "≥ 95%")
        + f"; with the expected verdict {exact}",
        share("genuine", ALARMS, "false alarms on genuine references", "≤ 2%"),
        f"genuine references not-found: {len(lost)} (must be 0){': ' if lost else ''}"
        + ", ".join(lost),
        share("unindexed", {"not-found"}, "unindexed called not-found", "0"),
    ]


def main() -> int:
    parser = argparse.ArgumentParser(description=__doc__.splitlines()[0])
    parser.add_argument("--list", action="store_true", help="every case and its verdict")
    args = parser.parse_args()
    os.environ["NO_PROXY"] = os.environ["no_proxy"] = "127.0.0.1,localhost"
    cases = build_cases()
    with tempfile.TemporaryDirectory(prefix="bench-verify-accuracy-") as tmp:
        os.environ["CITATIONS_CACHE_DIR"] = str(Path(tmp) / "cache")
        results = run_cases(cases, Path(tmp))
    by_key = {r.key: r for r in results}
    for case in cases.cases if args.list else ():
        r = by_key[case.key]
        mark = "ok " if r.verdict == case.expect else "!! "
        print(f"{mark}{case.kind:10} {case.key:22} {r.verdict:14} (expected {case.expect}) "
              f"{r.detail[:150]}")  # fmt: skip
    counts = {k: sum(c.kind == k for c in cases.cases) for k in ("genuine", "miscited",
              "fabricated", "unindexed")}  # fmt: skip
    print("verify accuracy on issue #14's test set:", counts)
    for line in figures(cases.cases, results):
        print("  " + line)
    return 0


if __name__ == "__main__":
    raise SystemExit(main())
