"""Issue #14: no false alarms on real works, typos are not fabrications, evidence from records.

Records are served by the fake registries in the real APIs' shapes (bench/verify_cases.py
writes them: Crossref book-chapter with `container-title`, `editor`, `published-print` /
`published-online` / `issued` / `created`; PubMed esummary with pubdate/epubdate and
pubtype; NCBI's ID converter JSON).
"""

from __future__ import annotations

import json
import sys
from collections.abc import Iterator
from pathlib import Path
from typing import Any

import pytest

from citations.commands.verify import VerifyOutcome, run_verify_command
from citations.config import Config
from citations.registries.settings import POLITE_NOTICE

from conftest import FIXTURES, ROOT, example_evidence
from fakeregistry import FakeRegistry

sys.path.insert(0, str(ROOT / "bench"))
import verify_accuracy
from verify_cases import (
    KINDS,
    Cases,
    _Draw,
    article,
    bibtex,
    book,
    chapter,
    proceedings,
)


@pytest.fixture
def served() -> Iterator[tuple[FakeRegistry, Cases, _Draw]]:
    """An empty fake (no shared fixtures) and a set of works to add to it."""
    cases, draw = Cases(), _Draw()
    with FakeRegistry(FIXTURES / "registry" / "none") as fake:
        yield fake, cases, draw


def serve(fake: FakeRegistry, cases: Cases) -> None:
    for work in cases.works:
        fake.add_work(work)
    for item in cases.summaries:
        fake.add_summary(item)
    fake.idconv.update(cases.idconv)


def verify(fake: FakeRegistry, tmp: Path, *entries: str, **options: Any) -> VerifyOutcome:
    bib = tmp / "refs.bib"
    bib.write_text("\n".join(entries), "utf-8")
    opts: dict[str, Any] = {"refs": (bib,), "no_cache": True, **options}
    return run_verify_command(Config(refs=(bib,)), opts, settings=fake.settings())


def only(outcome: VerifyOutcome) -> Any:
    (result,) = outcome.results
    return result


def test_a_genuine_book_chapter_is_verified(served: Any, tmp_path: Path) -> None:
    fake, cases, draw = served
    work = chapter(cases, draw, "chapter")
    serve(fake, cases)
    message = cases.works[0]
    assert message["type"] == "book-chapter" and len(message["container-title"]) == 2
    result = only(verify(fake, tmp_path, work.bib()))
    assert (result.verdict, result.fields) == ("verified", ())
    assert "editor" not in {d.field for d in result.fields}


@pytest.mark.parametrize(
    ("change", "field"),
    [
        pytest.param({"editor": "Smith, John and Jones, Mary"}, "editor", id="editors"),
        pytest.param({"booktitle": "Oxford Textbook of Medicine"}, "booktitle", id="booktitle"),
        pytest.param({"publisher": "Elsevier"}, "publisher", id="publisher"),
    ],
)
def test_a_chapter_is_compared_on_its_own_fields(
    served: Any, tmp_path: Path, change: dict[str, str], field: str
) -> None:
    fake, cases, draw = served
    work = chapter(cases, draw, "chapter")
    serve(fake, cases)
    result = only(verify(fake, tmp_path, work.bib(**change)))
    assert result.verdict == "mismatch"
    assert [d.field for d in result.fields] == [field]


def test_online_first_cited_by_its_print_year(served: Any, tmp_path: Path) -> None:
    fake, cases, draw = served
    work = article(cases, draw, "early", online=True)
    serve(fake, cases)
    message = cases.works[0]
    printed = message["published-print"]["date-parts"][0][0]
    assert message["issued"]["date-parts"][0][0] == printed - 1 == int(work.fields["year"]) - 1
    result = only(verify(fake, tmp_path, work.bib()))
    assert result.verdict == "verified"
    assert result.notes == (f"year {printed} is the record's published-print year "
                            f"(issued: {printed - 1})",)  # fmt: skip
    assert "published-print" in result.detail
    wrong = only(verify(fake, tmp_path, work.bib(year=str(printed + 3))))
    assert (wrong.verdict, [d.field for d in wrong.fields]) == ("mismatch", ["year"])


def test_pubmed_article_date_counts(served: Any, tmp_path: Path) -> None:
    fake, cases, draw = served
    work = article(cases, draw, "epub", ids="pmid", epub=True)
    serve(fake, cases)
    result = only(verify(fake, tmp_path, work.bib()))
    assert result.verdict == "verified"
    assert "ArticleDate" in result.notes[0]


@pytest.mark.parametrize("maker", [article, chapter, proceedings], ids=lambda f: f.__name__)
def test_a_doi_with_a_typo_is_a_mismatch_with_the_registered_doi(
    served: Any, tmp_path: Path, maker: Any
) -> None:
    fake, cases, draw = served
    work = maker(cases, draw, "typo")
    serve(fake, cases)
    right = work.fields["doi"]
    result = only(verify(fake, tmp_path, work.bib(doi=right + "7")))
    assert result.verdict == "mismatch"
    (diff,) = [d for d in result.fields if d.field == "doi"]
    assert (diff.ours, diff.theirs, diff.fix) == (right + "7", right, right)
    assert diff.note == "the DOI as written is not registered"
    assert "the DOI as written is not registered" in result.detail


def test_a_pmid_with_a_typo_is_a_mismatch(served: Any, tmp_path: Path) -> None:
    fake, cases, draw = served
    work = article(cases, draw, "pmidtypo", ids="pmid")
    serve(fake, cases)
    result = only(verify(fake, tmp_path, work.bib(pmid="96999999")))
    assert result.verdict == "mismatch"
    (diff,) = result.fields
    assert (diff.field, diff.ours, diff.fix) == ("pmid", "96999999", work.fields["pmid"])
    assert diff.note == "the PMID as written is not registered"


def test_an_unregistered_doi_nobody_can_find_is_not_found(served: Any, tmp_path: Path) -> None:
    fake, cases, draw = served
    article(cases, draw, "real")
    work = article(cases, draw, "invented", registered=False)
    serve(fake, cases)
    result = only(verify(fake, tmp_path, work.bib(doi="10.5555/invented.1")))
    assert result.verdict == "not-found"
    assert "a search by its title found nothing" in result.detail


def test_another_papers_doi_is_a_different_work_offering_the_own(
    served: Any, tmp_path: Path
) -> None:
    fake, cases, draw = served
    decoy = article(cases, draw, "decoy")
    work = article(cases, draw, "own")
    serve(fake, cases)
    outcome = verify(fake, tmp_path, work.bib(doi=decoy.fields["doi"]), report_format="json")
    result = only(outcome)
    assert result.verdict == "different-work"
    assert result.suggested == {"doi": work.fields["doi"]}
    assert work.fields["doi"] in result.detail
    assert json.loads(outcome.report)["results"][0]["suggested"] == {"doi": work.fields["doi"]}


def test_books_and_proceedings_by_their_own_fields(served: Any, tmp_path: Path) -> None:
    fake, cases, draw = served
    works = [book(cases, draw, "mono"), book(cases, draw, "edited", "edited-book"),
             proceedings(cases, draw, "paper")]  # fmt: skip
    serve(fake, cases)
    outcome = verify(fake, tmp_path, *(w.bib() for w in works))
    assert {r.key: r.verdict for r in outcome.results} == dict.fromkeys(
        ("mono", "edited", "paper"), "verified"
    )


def test_evidence_from_pubmed_through_the_id_converter(served: Any, tmp_path: Path) -> None:
    """A DOI-only entry: NCBI's ID converter gives the PMID, PubMed the publication types."""
    fake, cases, draw = served
    types = ["Journal Article", "Randomized Controlled Trial"]
    work = article(cases, draw, "trial", pmc=True, pubmed=True, pubtype=types)
    serve(fake, cases)
    result = only(verify(fake, tmp_path, work.bib()))
    assert result.verdict == "verified"
    assert result.evidence["pubmed_types"] == types
    assert result.evidence["crossref_type"] == "journal-article"
    assert len(fake.hits("/idconv")) == 1


def test_the_issue_test_set_meets_its_targets() -> None:
    """bench/verify_accuracy.py's set: every entry type, miscited, fabricated, unindexed."""
    cases = verify_accuracy.build_cases()
    counts = {k: sum(c.kind == k for c in cases.cases) for k in KINDS}
    assert counts["genuine"] >= 40 and counts["miscited"] >= 20
    assert counts["fabricated"] >= 10 and counts["unindexed"] >= 5
    with pytest.MonkeyPatch.context() as patch, __import__("tempfile").TemporaryDirectory() as d:
        patch.setenv("CITATIONS_CACHE_DIR", d)
        results = verify_accuracy.run_cases(cases, Path(d))
    verdicts = {r.key: r.verdict for r in results}
    wrong = {c.key: (verdicts[c.key], c.expect) for c in cases.cases
             if verdicts[c.key] != c.expect}  # fmt: skip
    assert wrong == {}


def test_claims_on_the_example_labels_from_the_records(
    fake: FakeRegistry, tmp_path: Path, monkeypatch: pytest.MonkeyPatch
) -> None:
    """verify stores the records' evidence in the cache; claims reads it, offline."""
    monkeypatch.chdir(ROOT)
    evidence = example_evidence(fake, tmp_path / "cache.sqlite")
    labels = {key: (e["type"], e["rule"]) for key, e in evidence.items()}
    assert labels == {
        "mayoclinic2023osteoarthritis": ("web-page", "web-entry"),
        "wu2016efficacy": ("systematic-review", "pubmed-publication-type"),
        "park2023acupuncture": ("systematic-review", "pubmed-publication-type"),
        "sheng2010comparative": ("randomized-controlled-trial", "pubmed-publication-type"),
        "usichenko2005auricular": ("randomized-controlled-trial", "randomized-trial-pattern"),
        "clevelandclinic2023hip": ("web-page", "web-entry"),
    }


def test_the_polite_notice_is_shown_once(served: Any, tmp_path: Path) -> None:
    fake, cases, draw = served
    work = article(cases, draw, "one")
    serve(fake, cases)
    first = verify(fake, tmp_path, work.bib())
    again = verify(fake, tmp_path, work.bib())
    assert POLITE_NOTICE in first.notes and POLITE_NOTICE not in again.notes
    bib = tmp_path / "refs.bib"
    settings = fake.settings(mailto="editor@example.org")
    quiet = run_verify_command(Config(refs=(bib,)), {"refs": (bib,), "no_cache": True},
                               settings=settings)  # fmt: skip
    assert POLITE_NOTICE not in quiet.notes


def test_an_unindexed_report_is_never_fabricated(served: Any, tmp_path: Path) -> None:
    fake, _, _ = served
    entry = bibtex("techreport", "grey", title="A report nobody indexed", year="1998",
                   institution="Health Board West")  # fmt: skip
    assert only(verify(fake, tmp_path, entry)).verdict == "unverifiable"
