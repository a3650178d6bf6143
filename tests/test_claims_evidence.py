"""Evidence types: one entry per rule, each showing the rule that decided and what it saw."""

from __future__ import annotations

import pytest

from citations.claims.evidence import ALIASES, EVIDENCE_TYPES, RULES, classify
from citations.library import Library, load_library

from conftest import FIXTURES, ROOT


@pytest.fixture(scope="module")
def library() -> Library:
    return load_library([FIXTURES / "claims" / "evidence.bib"])


@pytest.mark.parametrize(
    ("key", "kind", "rule", "detail"),
    [
        pytest.param("field", "systematic-review", "evidence-field",
                     "evidence = Systematic Review", id="evidence-field"),
        pytest.param("fieldalias", "randomized-controlled-trial", "evidence-field",
                     "evidence = RCT", id="evidence-field-alias"),
        pytest.param("fieldunknown", "cohort-observational", "observational-pattern",
                     "title: cohort", id="evidence-field-unknown-falls-through"),
        pytest.param("keywords", "systematic-review", "keywords", "keywords: Meta-Analysis",
                     id="keywords-strongest-wins"),
        pytest.param("webpage", "web-page", "web-entry", "@online", id="web-entry-online"),
        pytest.param("miscurl", "web-page", "web-entry", "@misc", id="web-entry-misc-with-url"),
        pytest.param("authority", "guideline", "institutional-guideline",
                     "NICE; title: guideline",
                     id="institutional-guideline"),
        pytest.param("metaanalysis", "systematic-review", "systematic-review-pattern",
                     "title: meta-analysis", id="systematic-review-title"),
        pytest.param("cochrane", "systematic-review", "systematic-review-pattern",
                     "journal: cochrane database", id="systematic-review-journal"),
        pytest.param("rct", "randomized-controlled-trial", "randomized-trial-pattern",
                     "title: randomised, sham-controlled", id="randomized-trial"),
        pytest.param("observation", "cohort-observational", "observational-pattern",
                     "title: comparative observation", id="comparative-observation"),
        pytest.param("cohort", "cohort-observational", "observational-pattern",
                     "title: cohort", id="cohort"),
        pytest.param("casereport", "case-report", "case-report-pattern",
                     "title: case report", id="case-report"),
        pytest.param("guideline", "guideline", "guideline-pattern", "title: guideline",
                     id="guideline"),
        pytest.param("review", "narrative-review", "review-pattern", "title: review",
                     id="narrative-review"),
        pytest.param("other", "other", "default", "", id="default"),
    ],
)  # fmt: skip
def test_each_rule(library: Library, key: str, kind: str, rule: str, detail: str) -> None:
    evidence = classify(library[key])
    assert (evidence.type, evidence.rule, evidence.detail) == (kind, rule, detail)
    assert evidence.label == EVIDENCE_TYPES[kind]


def test_every_rule_is_exercised_and_every_alias_names_a_type() -> None:
    source = (ROOT / "tests" / "test_claims_evidence.py").read_text("utf-8")
    assert all(f'"{rule}"' in source for rule in RULES)
    assert set(ALIASES.values()) <= set(EVIDENCE_TYPES)


def test_an_unknown_evidence_value_is_kept_for_the_flag(library: Library) -> None:
    assert classify(library["fieldunknown"]).ignored == "anecdote"
    assert classify(library["field"]).ignored == ""


@pytest.mark.parametrize(
    ("key", "kind"),
    [
        pytest.param("mayoclinic2023osteoarthritis", "web-page", id="mayo-clinic"),
        pytest.param("clevelandclinic2023hip", "web-page", id="cleveland-clinic"),
        pytest.param("park2023acupuncture", "systematic-review", id="park"),
        pytest.param("wu2016efficacy", "systematic-review", id="wu"),
        pytest.param("usichenko2005auricular", "randomized-controlled-trial", id="usichenko"),
        pytest.param("sheng2010comparative", "cohort-observational", id="sheng"),
    ],
)
def test_the_example_library(key: str, kind: str) -> None:
    library = load_library([ROOT / "refs" / "example.bib"])
    assert classify(library[key]).type == kind


@pytest.mark.parametrize(
    ("key", "record", "kind", "rule", "detail"),
    [
        pytest.param("observation", {"pubmed_types": ["Comparative Study", "English Abstract",
                     "Journal Article", "Randomized Controlled Trial"]},
                     "randomized-controlled-trial", "pubmed-publication-type",
                     "PubMed publication type: Randomized Controlled Trial",
                     id="pubmed-type-beats-the-title"),
        pytest.param("other", {"pubmed_types": ["Journal Article", "Meta-Analysis", "Review",
                     "Systematic Review"]}, "systematic-review", "pubmed-publication-type",
                     "PubMed publication type: Meta-Analysis", id="pubmed-strongest-wins"),
        pytest.param("metaanalysis", {"pubmed_types": ["Journal Article", "Review"]},
                     "systematic-review", "pubmed-publication-type",
                     "PubMed publication type: Review; title: meta-analysis",
                     id="pubmed-review-refined-by-the-title"),
        pytest.param("cohort", {"pubmed_types": ["Journal Article"]}, "cohort-observational",
                     "observational-pattern", "title: cohort", id="pubmed-silent-types"),
        pytest.param("other", {"pubmed_types": ["Journal Article"], "mesh": ["Humans",
                     "Cohort Studies as Topic", "Prospective Studies"]}, "cohort-observational",
                     "mesh-heading", "MeSH heading: Prospective Studies", id="mesh-design"),
        pytest.param("other", {"pubmed_types": ["Meta-Analysis"], "mesh": ["Cohort Studies"]},
                     "systematic-review", "pubmed-publication-type",
                     "PubMed publication type: Meta-Analysis", id="pubmed-type-before-mesh"),
        pytest.param("other", {"crossref_type": "standard"}, "guideline", "crossref-type",
                     "Crossref type: standard", id="crossref-type"),
        pytest.param("review", {"crossref_type": "journal-article"}, "narrative-review",
                     "review-pattern", "title: review", id="crossref-type-silent"),
        pytest.param("field", {"pubmed_types": ["Case Reports"]}, "systematic-review",
                     "evidence-field", "evidence = Systematic Review",
                     id="the-evidence-field-still-wins"),
    ],
)  # fmt: skip
def test_records_decide_before_titles(
    library: Library, key: str, record: dict[str, object], kind: str, rule: str, detail: str
) -> None:
    evidence = classify(library[key], record)
    assert (evidence.type, evidence.rule, evidence.detail) == (kind, rule, detail)
