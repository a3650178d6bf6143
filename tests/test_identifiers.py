"""Identifiers read, checked and compared; and every command reading one spelling the same way."""

from __future__ import annotations

from collections.abc import Callable
from pathlib import Path

import pytest

from citations.add.identify import Identifier, identify
from citations.checks import duplicates
from citations.checks.base import Snapshot
from citations.identifiers import (
    bare_doi,
    find_arxiv,
    find_doi,
    is_http_url,
    isbn_problem,
    issn_problem,
    normalise_arxiv,
    normalise_doi,
    normalise_isbn,
    normalise_pmcid,
    normalise_pmid,
    normalise_url,
    parse_arxiv,
    parse_isbn,
    split_arxiv_version,
    url_problem,
    valid_arxiv,
    valid_doi,
)
from citations.library import load_library
from citations.links.collect import collect_targets
from citations.net.cache import Cache
from citations.registries.client import Registries
from citations.registries.model import Lookup
from citations.verify.resolve import identifiers

from fakeregistry import FakeRegistry

PLOS = "10.1371/journal.pone.0150367"
SICI = "10.1002/(SICI)1097-4636(199911)47:2<155::AID-JBM4>3.0.CO;2-T"


# --- DOI -------------------------------------------------------------------------------------


@pytest.mark.parametrize(
    ("text", "expected"),
    [
        pytest.param(PLOS, PLOS, id="bare"),
        pytest.param(f"https://doi.org/{PLOS}", PLOS, id="link"),
        pytest.param(f"http://dx.doi.org/{PLOS}", PLOS, id="dx-link"),
        pytest.param(f"https://www.doi.org/{PLOS}", PLOS, id="www-link"),
        pytest.param(f"doi.org/{PLOS}", PLOS, id="link-without-scheme"),
        pytest.param(f"doi:{PLOS}", PLOS, id="label"),
        pytest.param(f"DOI: {PLOS}", PLOS, id="label-upper-spaced"),
        pytest.param(f"doi {PLOS}", PLOS, id="label-without-colon"),
        pytest.param("https://doi.org/10.1371%2Fjournal.pone.0150367", PLOS, id="percent-encoded"),
        pytest.param("doi:10.1371%2Fjournal.pone.0150367", PLOS, id="percent-encoded-label"),
        pytest.param("10.1000/a\\_b", "10.1000/a_b", id="latex-underscore"),
        pytest.param(
            " 10.1371/Journal.PONE.0150367 ", "10.1371/Journal.PONE.0150367", id="case-kept"
        ),
        pytest.param("not a doi", "not a doi", id="nothing-checked"),
    ],
)
def test_bare_doi(text: str, expected: str) -> None:
    assert bare_doi(text) == expected


@pytest.mark.parametrize(
    ("doi", "valid"),
    [
        pytest.param(PLOS, True, id="plos"),
        pytest.param(SICI, True, id="sici"),
        pytest.param("10.1000.5/x", True, id="subdivided-registrant"),
        pytest.param("10.1/x", False, id="registrant-too-short"),
        pytest.param("11.1000/abc", False, id="not-directory-10"),
        pytest.param("10.1371 /journal.pone.0150367", False, id="space"),
        pytest.param("10.1000/", False, id="no-suffix"),
        pytest.param(f"https://doi.org/{PLOS}", False, id="link-is-not-bare"),
    ],
)
def test_valid_doi(doi: str, valid: bool) -> None:
    assert valid_doi(doi) is valid


@pytest.mark.parametrize(
    ("text", "expected"),
    [
        pytest.param("10.1371/JOURNAL.PONE.0150367", PLOS, id="upper-case"),
        pytest.param(f"https://doi.org/{PLOS.upper()}", PLOS, id="upper-case-link"),
        pytest.param("https://doi.org/10.1371%2Fjournal.pone.0150367", PLOS, id="percent"),
        pytest.param("10.1371 /journal.pone.0150367", PLOS, id="space-inside"),
        pytest.param("doi: 10.1000/a\\_B", "10.1000/a_b", id="latex-underscore"),
        pytest.param("10.1/x", "10.1/x", id="malformed-but-comparable"),
        pytest.param("not a doi", "", id="garbage"),
        pytest.param("", "", id="empty"),
    ],
)
def test_normalise_doi(text: str, expected: str) -> None:
    assert normalise_doi(text) == expected


@pytest.mark.parametrize(
    ("text", "options", "expected"),
    [
        pytest.param(f"{PLOS}.", {}, PLOS, id="final-period"),
        pytest.param(f"'{PLOS}',", {}, PLOS, id="quoted"),
        pytest.param(
            "(see 10.1016/s0140-6736(97)11096-0)", {}, "10.1016/s0140-6736(97)11096-0",
            id="own-parentheses-kept",
        ),
        pytest.param("no doi here", {}, "", id="none"),
        pytest.param("Pain. 2020;10.1234/abc", {"named": True}, "", id="prose-unnamed"),
        pytest.param("Pain. 2020. doi: 10.1234/abc.", {"named": True}, "10.1234/abc", id="prose"),
        pytest.param(
            f"Available: https://doi.org/{PLOS}", {"named": True}, PLOS, id="prose-link"
        ),
        pytest.param(
            f"https://journals.plos.org/plosone/article?id={PLOS}&rev=2", {"in_url": True}, PLOS,
            id="url-query",
        ),
        pytest.param(
            "https://onlinelibrary.wiley.com/doi/10.1002/anie.201915678/abstract",
            {"in_url": True}, "10.1002/anie.201915678", id="url-view-suffix",
        ),
        pytest.param(
            "https://link.springer.com/content/pdf/10.1007/s00330-019-06092-x.pdf",
            {"in_url": True}, "10.1007/s00330-019-06092-x", id="url-pdf",
        ),
        pytest.param(
            "https://www.biorxiv.org/content/10.1101/2020.01.01.123456v2.full.pdf",
            {"in_url": True}, "10.1101/2020.01.01.123456", id="url-biorxiv-version",
        ),
    ],
)  # fmt: skip
def test_find_doi(text: str, options: dict[str, bool], expected: str) -> None:
    assert find_doi(text, **options) == expected


# --- arXiv -----------------------------------------------------------------------------------


@pytest.mark.parametrize(
    ("text", "expected"),
    [
        pytest.param("2101.00001v2", "2101.00001v2", id="new-with-version"),
        pytest.param("arXiv:2101.00001v2", "2101.00001v2", id="label"),
        pytest.param("arxiv: 2101.00001", "2101.00001", id="label-spaced"),
        pytest.param("https://arxiv.org/abs/2101.00001v2", "2101.00001v2", id="abs-link"),
        pytest.param("https://arxiv.org/pdf/2101.00001v2.pdf", "2101.00001v2", id="pdf-link"),
        pytest.param("https://arxiv.org/abs/2101.00001?context=cs", "2101.00001", id="query"),
        pytest.param("http://export.arxiv.org/abs/hep-th/9901001", "hep-th/9901001", id="export"),
        pytest.param("2101.00001.pdf", "2101.00001", id="pdf-name"),
        pytest.param("10.48550/arXiv.2101.00001", "2101.00001", id="arxiv-doi"),
        pytest.param(
            "https://doi.org/10.48550/arXiv.2101.00001", "2101.00001", id="arxiv-doi-link"
        ),
        pytest.param("hep-th/9901001v1", "hep-th/9901001v1", id="old-with-version"),
        pytest.param("math.GT/0309136", "math.GT/0309136", id="old-subject-class-case-kept"),
        pytest.param("12345", "", id="garbage"),
        pytest.param(PLOS, "", id="another-doi"),
    ],
)
def test_parse_arxiv(text: str, expected: str) -> None:
    assert parse_arxiv(text) == expected


@pytest.mark.parametrize(
    ("text", "expected"),
    [
        pytest.param("arXiv preprint arXiv:1706.03762", "1706.03762", id="journal-field"),
        pytest.param("see https://arxiv.org/abs/1706.03762v5.", "1706.03762v5", id="link"),
        pytest.param("arXiv:hep-th/9711200", "hep-th/9711200", id="old-style"),
        pytest.param("arXiv:2101.000012", "", id="too-many-digits"),
        pytest.param("Phys Rev. 1706.03762", "", id="unnamed"),
    ],
)
def test_find_arxiv(text: str, expected: str) -> None:
    assert find_arxiv(text) == expected


@pytest.mark.parametrize(
    ("text", "valid"),
    [
        pytest.param("2101.00001v2", True, id="new-with-version"),
        pytest.param("0704.0001", True, id="first-new-style"),
        pytest.param("0703.0001", False, id="before-april-2007"),
        pytest.param("1412.1234", True, id="four-digits-to-2014"),
        pytest.param("1501.1234", False, id="five-digits-from-2015"),
        pytest.param("2113.00001", False, id="month-13"),
        pytest.param("hep-th/9901001", True, id="old"),
        pytest.param("math.GT/0309136", True, id="old-subject-class"),
        pytest.param("HEP-TH/9901001", False, id="old-upper-case"),
        pytest.param("arXiv:2101.00001", False, id="label-is-not-the-id"),
    ],
)
def test_valid_arxiv(text: str, valid: bool) -> None:
    assert valid_arxiv(text) is valid


@pytest.mark.parametrize(
    ("arxiv_id", "expected"),
    [
        pytest.param("2101.00001v2", ("2101.00001", "v2"), id="new"),
        pytest.param("hep-th/9901001v10", ("hep-th/9901001", "v10"), id="old"),
        pytest.param("2101.00001", ("2101.00001", ""), id="no-version"),
    ],
)
def test_split_arxiv_version(arxiv_id: str, expected: tuple[str, str]) -> None:
    assert split_arxiv_version(arxiv_id) == expected


@pytest.mark.parametrize(
    ("text", "expected"),
    [
        pytest.param("arXiv:2101.00001v2", "2101.00001", id="label-version"),
        pytest.param("https://arxiv.org/pdf/2101.00001v3.pdf", "2101.00001", id="pdf-link"),
        pytest.param("math.GT/0309136v1", "math.gt/0309136", id="old-lower-case"),
        pytest.param("10.48550/ARXIV.2101.00001", "2101.00001", id="arxiv-doi"),
        pytest.param("not an id", "", id="garbage"),
    ],
)
def test_normalise_arxiv(text: str, expected: str) -> None:
    assert normalise_arxiv(text) == expected


# --- PubMed ----------------------------------------------------------------------------------


@pytest.mark.parametrize(
    ("text", "expected"),
    [
        pytest.param("26959661", "26959661", id="bare"),
        pytest.param("PMID: 26959661", "26959661", id="label"),
        pytest.param("pmid:26959661", "26959661", id="label-lower"),
        pytest.param("PMID 26959661", "26959661", id="label-without-colon"),
        pytest.param(" 00123 ", "123", id="leading-zeros"),
        pytest.param("123456789", "", id="nine-digits"),
        pytest.param("26959661a", "", id="not-digits"),
        pytest.param("0", "", id="zero"),
    ],
)
def test_normalise_pmid(text: str, expected: str) -> None:
    assert normalise_pmid(text) == expected


@pytest.mark.parametrize(
    ("text", "expected"),
    [
        pytest.param("PMC4784927", "PMC4784927", id="bare"),
        pytest.param("pmc4784927", "PMC4784927", id="lower-case"),
        pytest.param("4784927", "PMC4784927", id="digits-only"),
        pytest.param(" PMC4784927 ", "PMC4784927", id="spaces"),
        pytest.param("PMC", "", id="no-digits"),
        pytest.param("PMC1234567890", "", id="ten-digits"),
        pytest.param("PMC12a", "", id="not-digits"),
    ],
)
def test_normalise_pmcid(text: str, expected: str) -> None:
    assert normalise_pmcid(text) == expected


# --- ISBN and ISSN ---------------------------------------------------------------------------


@pytest.mark.parametrize(
    ("text", "valid", "compact", "isbn13"),
    [
        pytest.param("978-3-16-148410-0", True, "9783161484100", "9783161484100", id="13"),
        pytest.param("0-306-40615-2", True, "0306406152", "9780306406157", id="10"),
        pytest.param("0-8044-2957-X", True, "080442957X", "9780804429573", id="10-x-check"),
        pytest.param("0-8044-2957-x", True, "080442957X", "9780804429573", id="10-lower-x"),
        pytest.param("0 306 40615 2", True, "0306406152", "9780306406157", id="spaces"),
        pytest.param("978-3-16-148410-1", False, "", "9783161484101", id="13-check-digit"),
        pytest.param("0-306-40615-3", False, "", "9780306406157", id="10-check-digit"),
        pytest.param("123-3-16-148410-0", False, "", "1233161484100", id="13-not-978"),
        pytest.param("12345", False, "", "", id="length"),
    ],
)
def test_isbn(text: str, valid: bool, compact: str, isbn13: str) -> None:
    assert (isbn_problem(text) == "") is valid
    assert parse_isbn(text) == compact
    assert normalise_isbn(text) == isbn13  # compared leniently: check digits are the check's


@pytest.mark.parametrize(
    ("text", "valid"),
    [
        pytest.param("1932-6203", True, id="plos"),
        pytest.param("2434-561X", True, id="x-check"),
        pytest.param("2434-561x", True, id="lower-x"),
        pytest.param("03043959", True, id="no-hyphen"),
        pytest.param("0304 3959", True, id="space"),
        pytest.param("0304-3958", False, id="check-digit"),
        pytest.param("1932-620", False, id="short"),
        pytest.param("0304_3959", False, id="underscore"),
    ],
)
def test_issn_problem(text: str, valid: bool) -> None:
    assert (issn_problem(text) == "") is valid


# --- URL -------------------------------------------------------------------------------------


@pytest.mark.parametrize(
    ("url", "web"),
    [
        pytest.param("https://example.org/a", True, id="https"),
        pytest.param(" HTTP://EXAMPLE.ORG ", True, id="upper-case"),
        pytest.param("javascript:alert(1)", False, id="javascript"),
        pytest.param("ftp://example.org/f", False, id="ftp"),
        pytest.param("https:///page", False, id="no-host"),
        pytest.param("http://[::1", False, id="unparsable"),
    ],
)
def test_is_http_url(url: str, web: bool) -> None:
    assert is_http_url(url) is web


@pytest.mark.parametrize(
    ("url", "valid", "scheme"),
    [
        pytest.param("https://www.example.org/page?id=1&x=a_b%20c#top", True, "https", id="good"),
        pytest.param("ftp://ftp.example.org/file.pdf", True, "ftp", id="ftp"),
        pytest.param("https://exa mple.com/", False, "", id="space"),
        pytest.param("www.example.com", False, "", id="no-scheme"),
        pytest.param("https://example.org/a\\_b", False, "", id="latex-escape"),
        pytest.param("https://example.org:80a/", False, "", id="bad-port"),
        pytest.param("https:///page", False, "https", id="no-host"),
    ],
)
def test_url_problem(url: str, valid: bool, scheme: str) -> None:
    problem, found = url_problem(url)
    assert (problem == "", found) == (valid, scheme)


@pytest.mark.parametrize(
    ("url", "expected"),
    [
        pytest.param("https://www.Example.org/a/", "example.org/a", id="www-slash-case"),
        pytest.param("http://example.org", "example.org", id="http"),
    ],
)
def test_normalise_url(url: str, expected: str) -> None:
    assert normalise_url(url) == expected


# --- one spelling, one answer, whichever command reads it -------------------------------------

# The same DOI, arXiv id and PMID as people write them; every command must read each as one.
DOI_SPELLINGS = (
    PLOS,
    f"https://doi.org/{PLOS}",
    f"http://dx.doi.org/{PLOS}",
    f"https://www.doi.org/{PLOS}",
    f"doi:{PLOS}",
    f"DOI: {PLOS.upper()}",
    "https://doi.org/10.1371%2Fjournal.pone.0150367",
)
ARXIV_SPELLINGS = (
    "1706.03762",
    "1706.03762v5",
    "arXiv:1706.03762v5",
    "https://arxiv.org/abs/1706.03762v5",
    "https://arxiv.org/pdf/1706.03762v1.pdf",
)
PMID_SPELLINGS = ("26959661", "PMID: 26959661", "pmid:26959661", "PMID 26959661")


def _ask_doi(registries: Registries, spelling: str) -> Lookup:
    return registries.crossref_work(spelling)


def _ask_arxiv(registries: Registries, spelling: str) -> Lookup:
    return registries.arxiv(spelling)


def _ask_pmid(registries: Registries, spelling: str) -> Lookup:
    return registries.pubmed([spelling])[spelling]


Ask = Callable[[Registries, str], Lookup]


@pytest.mark.parametrize(
    ("kind", "fields", "spellings", "normalise", "ask", "expected"),
    [
        pytest.param("doi", "doi = {%s}", DOI_SPELLINGS, normalise_doi, _ask_doi, PLOS, id="doi"),
        pytest.param(
            "arxiv", "eprinttype = {arxiv}, eprint = {%s}", ARXIV_SPELLINGS, normalise_arxiv,
            _ask_arxiv, "1706.03762", id="arxiv",
        ),
        pytest.param(
            "pmid", "pmid = {%s}", PMID_SPELLINGS, normalise_pmid, _ask_pmid, "26959661",
            id="pmid",
        ),
    ],
)  # fmt: skip
def test_every_command_reads_every_spelling_as_one_identifier(
    tmp_path: Path,
    fake: FakeRegistry,
    kind: str,
    fields: str,
    spellings: tuple[str, ...],
    normalise: Callable[[str], str],
    ask: Ask,
    expected: str,
) -> None:
    """check (duplicates), links (collect), verify (identifiers), add (identify) and the
    registries client, fed the same spellings, all arrive at one normalised identifier."""
    bib = tmp_path / "refs.bib"
    bib.write_text(
        "".join(
            f"@misc{{e{i}, author = {{Author{chr(65 + i)}, A.}}, title = {{Work {chr(65 + i)}}},"
            f" year = {{2017}}, {fields % spelling}}}\n"
            for i, spelling in enumerate(spellings)
        ),
        "utf-8",
    )
    library = load_library([bib])
    refs = list(library)
    assert [ref.raw[kind if kind != "arxiv" else "eprint"] for ref in refs] == list(spellings)

    # check: each later entry is reported as a duplicate of the first, by this identifier
    found = list(duplicates.run(Snapshot(library)))
    assert sorted((f.key, f.code) for f in found) == [
        (r.key, f"duplicate-{kind}") for r in refs[1:]
    ]
    assert {f.related for f in found} == {(refs[0].span,)}

    answers: dict[str, set[str]] = {}
    answers["verify"] = {normalise(getattr(identifiers(ref), kind)) for ref in refs}
    added = [identify(spelling) for spelling in spellings]
    assert all(isinstance(i, Identifier) and i.kind == kind for i in added), added
    answers["add"] = {normalise(i.value) for i in added if isinstance(i, Identifier)}
    if kind == "doi":  # links checks url and doi fields only
        targets = [t for t in collect_targets(library) if t.kind == "doi"]
        assert all(valid_doi(t.url) for t in targets)  # requested bare, shown in its own case
        answers["links"] = {normalise(t.url) for t in targets}
    with (
        Cache.open(tmp_path / "cache.sqlite") as cache,
        Registries(fake.settings(), cache) as registries,
    ):
        records = [ask(registries, spelling).record for spelling in spellings]
        requests = registries.requests_made()
    answers["registries"] = {normalise(getattr(r, kind)) if r else "" for r in records}
    assert answers == {path: {expected} for path in answers}
    if kind != "arxiv":  # arXiv versions are different documents, each asked for
        assert requests == 1  # the others were answered from the cache, under one key
