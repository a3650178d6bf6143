"""The identifiers check: DOI, ISBN, ISSN, PMID, PMCID, arXiv and URL syntax, offline."""

from __future__ import annotations

from pathlib import Path

import pytest

from citations.checks import identifiers
from citations.findings import Finding, Fix
from citations.library import load_library
from citations.snapshot import Snapshot

from conftest import FIXTURES, ROOT

PATH = FIXTURES / "check_identifiers" / "identifiers.bib"

Place = tuple[str, int, int]


def findings(path: Path = PATH) -> list[Finding]:
    return list(identifiers.run(Snapshot(load_library([path]))))


def by_key() -> dict[str, list[Place]]:
    """(code, line, column) of each finding, by entry key; every key of the fixture is there."""
    library = load_library([PATH])
    assert library.findings == []  # the fixture itself loads cleanly
    found: dict[str, list[Place]] = {ref.key: [] for ref in library}
    for f in identifiers.run(Snapshot(library)):
        assert f.span is not None and f.span.path == str(PATH) and f.key is not None
        found[f.key].append((f.code, f.span.line, f.span.column))
    return found


# (entry key, the one finding it gives: code, line, column)
_TRIGGERS = [
    ("doi-with-space", "invalid-doi", 3, 36),
    ("doi-wrong-prefix", "invalid-doi", 4, 38),
    ("doi-link-to-nothing", "invalid-doi", 5, 41),
    ("doi-link", "doi-not-normalized", 9, 30),
    ("doi-old-link", "doi-not-normalized", 10, 34),
    ("doi-prefix", "doi-not-normalized", 11, 32),
    ("doi-label", "doi-not-normalized", 13, 7),
    ("isbn-check-digit", "invalid-isbn", 15, 38),
    ("isbn-length", "invalid-isbn", 16, 33),
    ("isbn-10-check-digit", "invalid-isbn", 17, 41),
    ("isbn-second-of-two", "invalid-isbn", 18, 40),
    ("issn-check-digit", "invalid-issn", 23, 41),
    ("issn-short", "invalid-issn", 24, 35),
    ("pmid-label", "invalid-pmid", 28, 35),
    ("pmid-too-long", "invalid-pmid", 29, 38),
    ("pmcid-digits-only", "invalid-pmcid", 31, 42),
    ("pmcid-lower-case", "invalid-pmcid", 32, 41),
    ("arxiv-short-number", "invalid-arxiv", 35, 62),
    ("arxiv-prefix", "invalid-arxiv", 36, 59),
    ("arxiv-too-early", "invalid-arxiv", 37, 37),
    ("url-space", "invalid-url", 44, 33),
    ("url-no-scheme", "invalid-url", 45, 37),
    ("url-no-host", "invalid-url", 46, 35),
    ("url-escaped", "invalid-url", 47, 35),
    ("url-bad-port", "invalid-url", 48, 36),
    ("url-ftp", "url-not-http", 49, 31),
    ("url-javascript", "url-not-http", 50, 38),
]
TRIGGERS = [pytest.param(*row, id=row[0]) for row in _TRIGGERS]

_NEAR_MISSES = [
    "doi-bare",
    "doi-sici",  # 10.1002/(SICI)1097-4636(199911)47:2<155::AID-JBM4>3.0.CO;2-T
    "isbn-13",
    "isbn-10-with-x",
    "isbn-spaces",
    "issn-plos",  # 1932-6203
    "issn-x",
    "pmid-good",
    "pmcid-good",
    "arxiv-new",  # 2101.00001v2
    "arxiv-four-digits",  # 0704.0001, the first new-style id
    "arxiv-old",  # hep-th/9901001
    "arxiv-old-subject",  # math.GT/0309136
    "jstor-eprint",  # an eprint that is not arXiv is not checked
    "url-good",
    "url-local",
]


@pytest.mark.parametrize(("key", "code", "line", "column"), TRIGGERS)
def test_finding_at_its_field(key: str, code: str, line: int, column: int) -> None:
    assert by_key()[key] == [(code, line, column)]


@pytest.mark.parametrize("key", _NEAR_MISSES)
def test_near_miss_is_clean(key: str) -> None:
    assert by_key()[key] == []


def test_every_code_has_a_fixture_that_triggers_it() -> None:
    assert {row[1] for row in _TRIGGERS} == {rule.code for rule in identifiers.RULES}


def test_severity_and_fixability_follow_the_rules() -> None:
    rules = {rule.code: rule for rule in identifiers.RULES}
    for f in findings():
        assert f.severity == rules[f.code].severity
        assert (f.fix is not None) == rules[f.code].fixable


@pytest.mark.parametrize(
    ("key", "bare_doi"),
    [
        pytest.param("doi-link", "10.1371/journal.pone.0150367", id="https"),
        pytest.param("doi-old-link", "10.3390/healthcare11111624", id="dx"),
        pytest.param("doi-prefix", "10.1016/j.pain.2004.12.021", id="doi:"),
        pytest.param("doi-label", "10.1000/xyz123", id="DOI:"),
    ],
)
def test_doi_fix_writes_the_bare_doi(key: str, bare_doi: str) -> None:
    fixes = [f.fix for f in findings() if f.key == key]
    assert fixes == [Fix(str(PATH), key, "doi", bare_doi)]


@pytest.mark.parametrize(
    ("isbn", "valid"),
    [
        pytest.param("978-3-16-148410-0", True, id="13"),
        pytest.param("0-306-40615-2", True, id="10"),
        pytest.param("0-8044-2957-x", True, id="10-lower-x"),
        pytest.param("978-3-16-148410-1", False, id="13-check"),
        pytest.param("0-306-40615-X", False, id="10-check"),
        pytest.param("123-3-16-148410-0", False, id="13-not-978"),
    ],
)
def test_isbn_checksums(isbn: str, valid: bool) -> None:
    assert (identifiers.isbn_problem(isbn) == "") is valid


@pytest.mark.parametrize(
    ("issn", "valid"),
    [("1932-6203", True), ("0255-2930", True), ("2227-9032", True), ("0304-3959", True),
     ("0304-3958", False), ("03043959", True), ("0304_3959", False)],
)  # fmt: skip
def test_issn_checksums(issn: str, valid: bool) -> None:
    assert (identifiers.issn_problem(issn) == "") is valid


def test_the_shipped_library_gives_no_finding() -> None:
    assert [str(f) for f in findings(ROOT / "refs")] == []
