"""verify's pure rules: field comparison, search acceptance, verdicts and their precedence."""

from __future__ import annotations

import pytest

from citations.library import DecodedFields, ParsedNames
from citations.model import Reference, Span
from citations.registries.model import Person, Record, Update
from citations.verify import judge
from citations.verify.compare import (
    Comparison,
    bibtex_pages,
    bibtex_title,
    compare,
    containers_agree,
    norm_pages,
    norm_title,
    pages_agree,
    title_similarity,
)
from citations.verify.resolve import Resolution, identifiers, match_search
from citations.verify.verdict import decide

TITLE = "Why most published research findings are false"


def entry(type_: str = "article", key: str = "k", **fields: str) -> Reference:
    raw = {name: value for name, value in fields.items()}
    lines = {name: i for i, name in enumerate(raw, 2)}
    return Reference(
        key, type_, Span("refs/x.bib", 1), raw, DecodedFields(raw), ParsedNames(raw), lines
    )


def article(**changes: str) -> Reference:
    fields = {
        "author": "Ioannidis, John P. A.",
        "title": TITLE,
        "journal": "PLoS Medicine",
        "year": "2005",
        "volume": "2",
        "number": "8",
        "pages": "e124",
        "doi": "10.1371/journal.pmed.0020124",
    }
    fields.update(changes)
    return entry(**{k: v for k, v in fields.items() if v})


def record(**changes: object) -> Record:
    values: dict[str, object] = {
        "registry": "crossref",
        "source_url": "http://127.0.0.1/works/10.1371/journal.pmed.0020124",
        "title": TITLE,
        "authors": (Person("Ioannidis", "John P. A."),),
        "year": 2005,
        "container": "PLoS Medicine",
        "short_container": "PLoS Med",
        "volume": "2",
        "issue": "8",
        "pages": "e124",
        "doi": "10.1371/journal.pmed.0020124",
        "type": "journal-article",
    }
    values.update(changes)
    return Record(**values)  # type: ignore[arg-type]


def diffs(ref: Reference, rec: Record) -> dict[str, tuple[str, str]]:
    return {d.field: (d.ours, d.theirs) for d in compare(ref, rec).diffs}


# --- normalising -----------------------------------------------------------------------------


@pytest.mark.parametrize(
    ("text", "expected"),
    [
        pytest.param("982--4", "982-984", id="elided"),
        pytest.param("pp. 320–327", "320-327", id="en-dash-and-pp"),
        pytest.param("S12-5", "s12-s15", id="prefixed"),
        pytest.param("1203 - 1210", "1203-1210", id="spaces"),
        pytest.param("e0150367", "e0150367", id="article-number"),
        pytest.param("99-101", "99-101", id="longer-end"),
    ],
)
def test_pages_are_normalised(text: str, expected: str) -> None:
    assert norm_pages(text) == expected


def test_pages_for_bibtex_use_double_dashes_and_full_ranges() -> None:
    assert bibtex_pages("982-4") == "982--984"
    assert bibtex_pages("S12-5") == "S12--S15"
    assert bibtex_pages("e0150367") == "e0150367"


@pytest.mark.parametrize(
    ("ours", "theirs", "same"),
    [
        pytest.param("982--4", "982-984", True, id="elided"),
        pytest.param("320", "320-327", True, id="first-page-only"),
        pytest.param("320--372", "320-327", False, id="swapped-digits"),
        pytest.param("e124", "E124", True, id="article-number-case"),
        pytest.param("12--20", "e124", False, id="range-vs-article-number"),
    ],
)
def test_pages_agree(ours: str, theirs: str, same: bool) -> None:
    assert pages_agree(ours, theirs) is same


def test_titles_are_normalised() -> None:
    assert (
        norm_title("<i>In vivo</i> Study — of Müller's cells.") == "in vivo study of muller s cells"
    )
    assert norm_title("[Die Wirkung von Kaffee].") == "die wirkung von kaffee"
    assert norm_title("RETRACTED: Ileal lymphoid hyperplasia") == "ileal lymphoid hyperplasia"


def test_a_subtitle_the_registry_leaves_out_still_agrees() -> None:
    assert title_similarity("Deep learning: a critical appraisal", "Deep learning") == 100


@pytest.mark.parametrize(
    ("ours", "theirs", "same"),
    [
        pytest.param("J. Clin. Epidemiol.", ["Journal of Clinical Epidemiology"], True, id="iso"),
        pytest.param(
            "Proc Natl Acad Sci U S A",
            ["Proceedings of the National Academy of Sciences of the United States of America"],
            True,
            id="nlm",
        ),
        pytest.param("The Lancet", ["Lancet"], True, id="leading-the"),
        pytest.param("BMJ", ["BMJ (Clinical research ed.)"], True, id="parenthesis"),
        pytest.param("PLOS ONE", ["PLoS One"], True, id="case"),
        pytest.param("Nature Medicine", ["Nature", "Nat"], False, id="another-journal"),
        pytest.param(
            "Journal of Medicine",
            ["New England Journal of Medicine"],
            False,
            id="a-subset-is-not-enough",
        ),
        pytest.param("N Engl J Med", ["The New England journal of medicine"], True, id="nejm"),
    ],
)
def test_containers(ours: str, theirs: list[str], same: bool) -> None:
    assert containers_agree(ours, theirs) is same


def test_titles_for_bibtex_protect_acronyms_and_escape_specials() -> None:
    assert bibtex_title("mRNA & DNA in <i>COVID</i>-19") == r"{mRNA} \& {DNA} in {COVID}-19"


# --- field rules -----------------------------------------------------------------------------


def test_a_faithful_entry_has_no_differences() -> None:
    comparison = compare(article(), record())
    assert comparison.diffs == ()
    assert comparison.confidence == 1.0
    assert not comparison.different_work


@pytest.mark.parametrize(
    ("changes", "field", "theirs"),
    [
        pytest.param({"year": "2015"}, "year", "2005", id="year"),
        pytest.param({"volume": "3"}, "volume", "2", id="volume"),
        pytest.param({"number": "9"}, "number", "8", id="issue"),
        pytest.param({"pages": "e142"}, "pages", "e124", id="pages"),
        pytest.param({"journal": "Nature Medicine"}, "journal", "PLoS Medicine", id="journal"),
        pytest.param({"title": "Why most published findings are true"}, "title", TITLE, id="title"),
        pytest.param(
            {"title": "Why most published research findings"}, "title", TITLE, id="truncated-title"
        ),
    ],
)
def test_each_field_rule(changes: dict[str, str], field: str, theirs: str) -> None:
    ours = article(**changes)
    found = diffs(ours, record())
    assert list(found) == [field]
    assert found[field] == (ours.get(field), theirs)


def test_a_truncated_title_is_a_mismatch_even_when_nearly_all_there() -> None:
    long = TITLE + " and what can be done about it in the long run"
    comparison = compare(article(title=long[:-4]), record(title=long))
    assert [(d.field, d.note) for d in comparison.diffs] == [("title", "truncated")]
    assert comparison.diffs[0].theirs == long


def test_year_from_a_biblatex_date_is_compared_but_not_fixed() -> None:
    found = compare(article(year="", date="2006-03-01"), record()).diffs
    assert [(d.field, d.fix) for d in found] == [("date", None)]


def test_the_registry_s_extra_fields_are_missing_not_mismatches() -> None:
    comparison = compare(article(pages="", volume=""), record())
    assert comparison.diffs == ()
    assert {d.field: d.fix for d in comparison.missing} == {"pages": "e124", "volume": "2"}


@pytest.mark.parametrize(
    ("author", "theirs", "same"),
    [
        pytest.param("Ioannidis, J. P. A.", [("Ioannidis", "John P A")], True, id="initials"),
        pytest.param('M{\\"u}ller, J.', [("Muller", "Jan")], True, id="accents"),
        pytest.param("van der Berg, A.", [("Berg", "A. van der")], True, id="von-in-given"),
        pytest.param("van der Berg, A.", [("van der Berg", "A.")], True, id="von-in-family"),
        pytest.param(
            "Garc{\\'\\i}a-L{\\'o}pez, M.", [("García López", "M")], True, id="hyphen-vs-space"
        ),
        pytest.param(
            "Smith, A. and Jones, B.", [("Jones", "B"), ("Smith", "A")], False, id="order"
        ),
        pytest.param(
            "Smith, A. and others",
            [("Smith", "A"), ("Jones", "B")],
            True,
            id="and-others-is-at-least",
        ),
        pytest.param(
            "Smith, A. and Jones, B. and others", [("Smith", "A")], False, id="and-others-too-few"
        ),
        pytest.param("Smith, A.", [("Smith", "A"), ("Jones", "B")], False, id="count"),
        pytest.param("Smith, A.", [("Smyth", "A")], False, id="spelling"),
    ],
)
def test_authors(author: str, theirs: list[tuple[str, str]], same: bool) -> None:
    people = tuple(Person(family, given) for family, given in theirs)
    found = diffs(article(author=author), record(authors=people))
    assert ("author" not in found) is same


def test_a_corporate_author_matches_the_registry_s_literal_name() -> None:
    people = (Person("", literal="World Health Organization"),)
    assert diffs(article(author="{World Health Organization}"), record(authors=people)) == {}


def test_alphabetical_deposits_do_not_count_author_order() -> None:
    people = (Person("Adams", "B"), Person("Zhou", "A"))
    ours = article(author="Zhou, A. and Adams, B.", doi="10.52202/068431-0001")
    assert "author" not in diffs(ours, record(authors=people, doi="10.52202/068431-0001"))


def test_confidence_falls_with_each_disagreeing_field() -> None:
    one = compare(article(year="2015"), record()).confidence
    two = compare(article(year="2015", volume="3"), record()).confidence
    assert 1.0 > one > two > 0.5


# --- verdicts --------------------------------------------------------------------------------


def test_a_record_of_another_work_is_different_work() -> None:
    other = record(title="Cardiac output in sepsis", authors=(Person("Smith", "A"),), year=2011)
    comparison = compare(article(), other)
    assert comparison.different_work
    assert decide(comparison) == "different-work"


def test_a_far_title_with_the_same_author_and_year_is_a_mismatch_not_another_work() -> None:
    comparison = compare(article(), record(title="Cardiac output in sepsis"))
    assert not comparison.different_work
    assert decide(comparison) == "mismatch"


RETRACTION = Update("retraction", "10.1/notice", "2020-01-01", "retraction-watch")
CONCERN = Update("expression-of-concern", source="publisher")
CORRECTION = Update("correction", "10.1/erratum")


@pytest.mark.parametrize(
    ("updates", "diffs_", "verdict"),
    [
        pytest.param((), False, "verified", id="verified"),
        pytest.param((), True, "mismatch", id="mismatch"),
        pytest.param((CORRECTION,), True, "corrected", id="corrected-beats-mismatch"),
        pytest.param((CORRECTION, CONCERN), False, "concern", id="concern-beats-corrected"),
        pytest.param((CORRECTION, CONCERN, RETRACTION), True, "retracted", id="retracted-first"),
        pytest.param((Update("withdrawal"),), False, "retracted", id="withdrawn"),
        pytest.param((Update("other"),), False, "verified", id="other-notices-do-not-count"),
    ],
)
def test_precedence(updates: tuple[Update, ...], diffs_: bool, verdict: str) -> None:
    comparison = compare(article(year="2015" if diffs_ else "2005"), record())
    assert decide(comparison, updates) == verdict


def test_notices_of_another_work_are_not_ours() -> None:
    comparison = Comparison(title_similarity=20.0, first_author=False, year_gap=6)
    assert decide(comparison, (RETRACTION,)) == "different-work"


def test_a_retracted_title_prefix_counts_as_a_retraction() -> None:
    result = judge(article(), Resolution("found", record(title="RETRACTED: " + TITLE), "doi"))
    assert result.verdict == "retracted"
    assert result.fields == ()


def test_a_retraction_still_lists_the_field_mismatches() -> None:
    result = judge(article(year="2015"), Resolution("found", record(updates=(RETRACTION,)), "doi"))
    assert result.verdict == "retracted"
    assert [d.field for d in result.fields] == ["year"]
    assert result.updates == (RETRACTION,)


@pytest.mark.parametrize(
    ("status", "verdict"),
    [
        pytest.param("not-found", "not-found", id="not-found"),
        pytest.param("unavailable", "unverifiable", id="unavailable-is-never-not-found"),
        pytest.param("unindexed", "unverifiable", id="unindexed"),
        pytest.param("ambiguous", "unverifiable", id="ambiguous"),
    ],
)
def test_resolutions_without_a_record(status: str, verdict: str) -> None:
    result = judge(article(), Resolution(status, how="doi", detail="why"))  # type: ignore[arg-type]
    assert (result.verdict, result.detail, result.confidence) == (verdict, "why", None)


# --- search acceptance -----------------------------------------------------------------------


def hit(title: str, family: str, score: float | None) -> Record:
    return record(title=title, authors=(Person(family, "X"),), score=score)


@pytest.mark.parametrize(
    ("hits", "status"),
    [
        pytest.param([hit(TITLE, "Ioannidis", 90.0)], "accepted", id="alone"),
        pytest.param(
            [hit(TITLE, "Ioannidis", 90.0), hit("Other", "Smith", 40.0)],
            "accepted",
            id="clear-lead",
        ),
        pytest.param(
            [hit(TITLE, "Ioannidis", 90.0), hit(TITLE + " (reply)", "Ioannidis", 80.0)],
            "ambiguous",
            id="no-clear-lead",
        ),
        pytest.param([hit(TITLE, "Smith", 90.0)], "ambiguous", id="first-author-differs"),
        pytest.param(
            [hit("Why most published research is false", "Ioannidis", 90.0)],
            "ambiguous",
            id="title-close-not-same",
        ),
        pytest.param([hit("Cardiac output in sepsis", "Ioannidis", 90.0)], "none", id="far"),
        pytest.param([], "none", id="no-hits"),
        pytest.param(
            [hit(TITLE, "Ioannidis", None), hit("Other", "Smith", None)],
            "ambiguous",
            id="no-scores-no-lead",
        ),
    ],
)
def test_search_acceptance(hits: list[Record], status: str) -> None:
    assert match_search(article(doi=""), hits).status == status


# --- identifiers -----------------------------------------------------------------------------


@pytest.mark.parametrize(
    ("fields", "expected"),
    [
        pytest.param({"doi": "https://doi.org/10.1234/ABC"}, {"doi": "10.1234/ABC"}, id="doi-url"),
        pytest.param({"doi": "not a doi"}, {}, id="bad-doi"),
        pytest.param({"pmid": "21290833"}, {"pmid": "21290833"}, id="pmid"),
        pytest.param(
            {"eprint": "21290833", "eprinttype": "pubmed"}, {"pmid": "21290833"}, id="pmid-eprint"
        ),
        pytest.param({"pmcid": "pmc4784927"}, {"pmcid": "PMC4784927"}, id="pmcid"),
        pytest.param(
            {"eprint": "1706.03762v5", "archiveprefix": "arXiv"},
            {"arxiv": "1706.03762"},
            id="arxiv-eprint",
        ),
        pytest.param(
            {"doi": "10.48550/arXiv.1706.03762"},
            {"doi": "10.48550/arXiv.1706.03762", "arxiv": "1706.03762"},
            id="arxiv-doi",
        ),
        pytest.param(
            {"journal": "arXiv preprint arXiv:1706.03762"},
            {"arxiv": "1706.03762"},
            id="arxiv-in-journal",
        ),
        pytest.param({"eprint": "1706.03762"}, {}, id="eprint-of-no-kind"),
    ],
)
def test_identifiers(fields: dict[str, str], expected: dict[str, str]) -> None:
    assert identifiers(entry(title="T", **fields)).as_dict() == expected


def test_a_second_registry_s_notices_add_only_new_kinds() -> None:
    pubmed = (Update("retraction", source="pubmed"), Update("correction", source="pubmed"))
    found = Resolution("found", record(updates=(RETRACTION,)), "doi", updates=pubmed)
    result = judge(article(), found)
    assert [(u.kind, u.source) for u in result.updates] == [
        ("retraction", "retraction-watch"),
        ("correction", "pubmed"),
    ]


def test_an_unregistered_doi_beside_another_identifier_is_a_doi_mismatch() -> None:
    found = Resolution("found", record(doi=""), "pmid", bad_doi="10.1371/journal.pmed.0020124")
    result = judge(article(), found)
    assert (result.verdict, [(d.field, d.note) for d in result.fields]) == (
        "mismatch",
        [("doi", "not registered with any agency")],
    )
