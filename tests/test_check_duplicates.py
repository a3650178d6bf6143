"""The duplicates check: keys equal but for case, shared ids, same titles, preprints."""

from __future__ import annotations

from pathlib import Path

import pytest

from citations.checks import duplicates
from citations.checks.duplicates import CHECK, run
from citations.checks.titles import differ_in_substance, normalise_title
from citations.findings import Finding
from citations.identifiers import normalise_arxiv, normalise_doi
from citations.library import load_library
from citations.snapshot import Snapshot

from conftest import FIXTURES, ROOT

SCENARIO = FIXTURES / "check_duplicates"


@pytest.fixture(scope="module")
def findings() -> list[Finding]:
    return list(run(Snapshot(load_library([SCENARIO / "library.bib"]))))


def found(findings: list[Finding], key: str) -> list[tuple[str, int, int, tuple[int, ...]]]:
    """(code, line, column, lines of the related places) of each finding at `key`."""
    return [
        (f.code, f.span.line, f.span.column, tuple(r.line for r in f.related))
        for f in findings
        if f.key == key and f.span
    ]


@pytest.mark.parametrize(
    ("key", "expected"),
    [
        pytest.param("park2023", ("duplicate-key-case", 7, 1, (4,)), id="key-case"),
        pytest.param("doiSecond", ("duplicate-doi", 20, 3, (14,)), id="doi-as-link"),
        pytest.param("doiThird", ("duplicate-doi", 24, 3, (14,)), id="doi-third-against-first"),
        pytest.param("pmidSecond", ("duplicate-pmid", 37, 3, (31,)), id="pmid-with-label"),
        pytest.param("arxivUrl", ("duplicate-arxiv", 50, 3, (44,)), id="arxiv-url-other-version"),
        pytest.param("arxivDoi", ("duplicate-arxiv", 54, 3, (44,)), id="arxiv-doi"),
        pytest.param("titleSame", ("similar-title", 68, 3, (61,)), id="same-title-latex-unicode"),
        pytest.param("titleSimilar", ("similar-title", 78, 3, (61,)), id="similar-title-typo"),
        pytest.param("preprint", ("related-preprint", 121, 3, (114,)), id="arxiv-preprint"),
        pytest.param(
            "biorxivPublished", ("related-preprint", 129, 25, (124,)), id="biorxiv-published-later"
        ),
        pytest.param("arxivPreprint", ("related-preprint", 138, 3, (132,)), id="same-arxiv-id"),
    ],
)
def test_triggers(
    findings: list[Finding], key: str, expected: tuple[str, int, int, tuple[int, ...]]
) -> None:
    assert found(findings, key) == [expected]


@pytest.mark.parametrize(
    "key",
    [
        pytest.param("Park2023", id="first-of-a-pair-is-not-reported"),
        pytest.param("Park2023a", id="key-with-suffix"),
        pytest.param("doiFirst", id="first-doi"),
        pytest.param("doiOther", id="doi-one-digit-apart"),
        pytest.param("pmidOther", id="other-pmid"),
        pytest.param("arxivOther", id="next-arxiv-id"),
        pytest.param("titleTypo", id="first-author-spelled-otherwise"),
        pytest.param("titleOtherYear", id="same-title-other-year"),
        pytest.param("titleOtherAuthor", id="same-title-other-author"),
        pytest.param("titleOtherInitial", id="same-title-first-author-other-initial"),
        pytest.param("titleOtherDois2", id="same-title-different-dois"),
        pytest.param("titleNotice", id="correction-notice"),
        pytest.param("titleSibling", id="one-word-replaced"),
        pytest.param("reply2", id="generic-title"),
        pytest.param("preprintOtherAuthor", id="preprint-other-author"),
    ],
)
def test_near_misses(findings: list[Finding], key: str) -> None:
    assert found(findings, key) == []


def test_each_pair_once_at_the_later_entry(findings: list[Finding]) -> None:
    keys = [f.key for f in findings]
    assert len(keys) == len(set(keys))
    assert all(len(f.related) == 1 and f.span and f.related[0].line < f.span.line for f in findings)


def test_across_files() -> None:
    lib = load_library([SCENARIO / "across"])
    result = [
        (f.code, Path(f.span.path).name, f.span.line, f.span.column,
         [(Path(r.path).name, r.line) for r in f.related])
        for f in run(Snapshot(lib)) if f.span
    ]  # fmt: skip
    assert result == [
        ("duplicate-key-case", "b.bib", 2, 1, [("a.bib", 1)]),
        ("duplicate-doi", "b.bib", 7, 3, [("a.bib", 1)]),
    ]


def test_exact_key_duplicates_are_left_to_the_loader(tmp_path: Path) -> None:
    bib = tmp_path / "twice.bib"
    bib.write_text("@misc{k, title = {One}}\n@misc{k, title = {Two}}\n")
    lib = load_library([bib])
    assert [f.code for f in lib.findings] == ["duplicate-key"]
    assert list(run(Snapshot(lib))) == []


@pytest.mark.parametrize(
    ("pattern", "again", "expected"),
    [
        pytest.param("Page {n:04d}: one of many", "Page 0007: one of manny", ["again"], id="fuzzy"),
        pytest.param("Web page {n:04d} of many", "Web page 0007 of many!", ["again"], id="exact"),
        pytest.param("Web page {n:04d} of many", "Web page 0007 of manny", [], id="no-fuzzy"),
    ],
)
def test_a_big_block_is_split_by_title_start(
    tmp_path: Path, pattern: str, again: str, expected: list[str]
) -> None:
    """600 entries with no author and no year share one block: it is split by title start,
    and a part still that big (every title starts `Web page`) is matched on exact titles only."""
    entries = [f"@misc{{m{n}, title = {{{pattern.format(n=n)}}}}}" for n in range(600)]
    bib = tmp_path / "big.bib"
    bib.write_text("\n".join([*entries, f"@misc{{again, title = {{{again}}}}}"]) + "\n")
    result = list(run(Snapshot(load_library([bib]))))
    assert [f.key for f in result] == expected
    assert all(f.code == "similar-title" for f in result)


def test_severities_and_codes() -> None:
    assert {r.code: (r.severity, r.fixable) for r in CHECK.rules} == {
        "duplicate-key-case": ("warning", False),
        "duplicate-doi": ("error", False),
        "duplicate-pmid": ("error", False),
        "duplicate-arxiv": ("error", False),
        "similar-title": ("warning", False),
        "related-preprint": ("info", False),
    }
    assert duplicates.SIMILARITY >= 90


def test_example_library_is_clean() -> None:
    assert list(run(Snapshot(load_library([ROOT / "refs"])))) == []


@pytest.mark.parametrize(
    ("text", "expected"),
    [
        pytest.param("10.1371/Journal.PONE.1", "10.1371/journal.pone.1", id="case"),
        pytest.param("https://doi.org/10.1/x", "10.1/x", id="link"),
        pytest.param("http://dx.doi.org/10.1/x", "10.1/x", id="old-link"),
        pytest.param("doi: 10.1/x ", "10.1/x", id="label"),
        pytest.param("10.1/a\\_b", "10.1/a_b", id="escaped-underscore"),
        pytest.param("not a doi", "", id="garbage"),
    ],
)
def test_normalise_doi(text: str, expected: str) -> None:
    assert normalise_doi(text) == expected


@pytest.mark.parametrize(
    ("text", "expected"),
    [
        pytest.param("2101.00001v2", "2101.00001", id="version"),
        pytest.param("arXiv:2101.00001", "2101.00001", id="label"),
        pytest.param("hep-th/9901001v1", "hep-th/9901001", id="old-style"),
        pytest.param("2101.00001.pdf", "2101.00001", id="pdf"),
        pytest.param("12345", "", id="garbage"),
    ],
)
def test_normalise_arxiv(text: str, expected: str) -> None:
    assert normalise_arxiv(text) == expected


@pytest.mark.parametrize(
    ("title", "expected"),
    [
        pytest.param("The  Efficacy of DNA-methylation -- a Review.", "efficacy of dna "
                     "methylation a review", id="ascii"),
        pytest.param("A review", "review", id="article-dropped"),
        pytest.param("A", "a", id="article-alone-kept"),
        pytest.param("Über die Größe – ein Test", "uber die grosse ein test", id="accents"),
        pytest.param("Søren’s β-blockers", "soren s β blockers", id="letters-kept"),
    ],
)  # fmt: skip
def test_normalise_title(title: str, expected: str) -> None:
    assert normalise_title(title) == expected


@pytest.mark.parametrize(
    ("a", "b", "expected"),
    [
        pytest.param("acupuncture for hip pain", "acupuncture for knee pain", True, id="word"),
        pytest.param("a trial part 1", "a trial part 2", True, id="number"),
        pytest.param("a systematic reveiw", "a systematic review", False, id="typo"),
        pytest.param("covid 19 in children", "covid19 in children", False, id="run-together"),
        pytest.param("hip pain", "chronic hip pain", False, id="word-added"),
    ],
)
def test_differ_in_substance(a: str, b: str, expected: bool) -> None:
    assert differ_in_substance(a, b) is expected
