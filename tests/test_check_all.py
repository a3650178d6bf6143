"""One problem of each kind in one library: each is reported once, at the right line."""

from __future__ import annotations

from pathlib import Path

from citations.checks import RULES, run_checks
from citations.library import load_library
from citations.snapshot import build_snapshot, find_articles

from conftest import FIXTURES

SCENARIO = FIXTURES / "check_all"
# (code, file, line, column): where each problem is written in the fixture.
EXPECTED = [
    ("unknown-key", "cites-all.md", 11, 29),
    ("no-citations", "no-citations.md", 1, 1),
    ("missing-field", "library.bib", 15, 1),
    ("missing-recommended-field", "library.bib", 23, 1),
    ("unknown-entry-type", "library.bib", 31, 1),
    ("unknown-field", "library.bib", 39, 3),
    ("empty-field", "library.bib", 53, 3),
    ("missing-urldate", "library.bib", 59, 3),
    ("invalid-year", "library.bib", 67, 3),
    ("invalid-month", "library.bib", 77, 3),
    ("month-not-macro", "library.bib", 87, 3),
    ("invalid-pages", "library.bib", 98, 3),
    ("pages-single-hyphen", "library.bib", 107, 3),
    ("invalid-volume", "library.bib", 115, 3),
    ("unbalanced-braces", "library.bib", 121, 3),
    ("title-all-caps", "library.bib", 130, 3),
    ("invalid-doi", "library.bib", 144, 3),
    ("doi-not-normalized", "library.bib", 154, 3),
    ("invalid-isbn", "library.bib", 162, 3),
    ("invalid-issn", "library.bib", 172, 3),
    ("invalid-pmid", "library.bib", 182, 3),
    ("invalid-pmcid", "library.bib", 192, 3),
    ("invalid-arxiv", "library.bib", 199, 3),
    ("invalid-url", "library.bib", 207, 3),
    ("url-not-http", "library.bib", 215, 3),
    ("et-al-in-authors", "library.bib", 220, 3),
    ("corporate-author-unbraced", "library.bib", 229, 3),
    ("authors-joined-by-commas", "library.bib", 237, 3),
    ("duplicate-key-case", "library.bib", 245, 1),
    ("duplicate-doi", "library.bib", 261, 3),
    ("duplicate-pmid", "library.bib", 281, 3),
    ("duplicate-arxiv", "library.bib", 296, 3),
    ("similar-title", "library.bib", 311, 3),
    ("related-preprint", "library.bib", 328, 3),
    ("uncited-entry", "library.bib", 335, 1),
    ("duplicate-key", "library.bib", 353, 1),
    ("duplicate-field", "library.bib", 362, 1),
    ("undefined-macro", "library.bib", 375, 1),
    ("unknown-crossref", "library.bib", 384, 1),
    ("invalid-field-name", "library.bib", 393, 1),
    ("bib-syntax", "library.bib", 399, 1),
    ("field-not-rendered", "rendered.bib", 6, 3),
    ("bib-encoding", "zz-latin1.bib", 2, 1),
]


def test_every_problem_once_at_its_place() -> None:
    library = load_library([SCENARIO / "refs"])
    snapshot = build_snapshot(library, find_articles([SCENARIO / "articles"]))
    found = [
        (f.code, Path(f.span.path).name, f.span.line, f.span.column)
        for f in run_checks(snapshot)
        if f.span is not None
    ]
    assert found == EXPECTED


def test_the_fixture_covers_every_code() -> None:
    assert sorted(code for code, *_ in EXPECTED) == sorted(RULES)
