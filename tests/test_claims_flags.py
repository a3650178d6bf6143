"""Claim flags: each code once triggered and once not, read from the cache but never fetched."""

from __future__ import annotations

from pathlib import Path

import pytest

from citations.claims.flags import CLAIM_RULES, claim_findings
from citations.commands.claims import run_claims_command
from citations.config import Config
from citations.findings import Finding
from citations.library import Library, load_library
from citations.net.cache import Cache
from citations.render.article import scan_article
from citations.verify.store import StoredVerdict

BIB = """
@article{trial,
  author = {Smith, Anna}, title = {Heat for knee pain: a randomized controlled trial},
  journal = {Pain}, year = {2020}, doi = {https://doi.org/10.1000/Trial},
}
@online{page,
  author = {{Example Clinic}}, title = {Heat or ice?}, year = {2024},
  url = {https://clinic.example/heat},
}
@online{page2,
  author = {{Other Clinic}}, title = {Ice}, year = {2024}, url = {https://other.example/ice},
}
@article{odd,
  author = {Odd, O.}, title = {Something}, journal = {J}, year = {2001}, evidence = {anecdote},
}
@article{plain,
  author = {Plain, P.}, title = {Something else}, journal = {J}, year = {2001},
  evidence = {cohort},
}
"""


@pytest.fixture
def library(tmp_path: Path) -> Library:
    path = tmp_path / "refs.bib"
    path.write_text(BIB, "utf-8")
    return load_library([path])


def flags(
    text: str,
    library: Library,
    cache: Cache | None = None,
    verified: dict[str, StoredVerdict] | None = None,
) -> list[Finding]:
    from citations.claims import find_claims
    from citations.claims.flags import flag_claims

    index = find_claims([scan_article(text, "a.md")], library)
    return flag_claims(index, library, cache, verified)


def codes(found: list[Finding]) -> list[tuple[str, int, int]]:
    return [(f.code, f.span.line, f.span.column) for f in found if f.span]


@pytest.mark.parametrize(
    "sentence",
    [
        pytest.param("Research suggests heat helps.", id="research-suggests"),
        pytest.param("Studies have shown that heat helps.", id="studies-have-shown"),
        pytest.param("Studies show heat helps.", id="studies-show"),
        pytest.param("Clinical research supports heat.", id="clinical-research-supports"),
        pytest.param("Research has consistently shown benefit.", id="research-has-shown"),
        pytest.param("Evidence suggests heat helps.", id="evidence-suggests"),
        pytest.param("Heat has been shown to help.", id="has-been-shown"),
        pytest.param("Wraps have been proven safe.", id="have-been-proven"),
        pytest.param("Heat is proven to help.", id="is-proven"),
        pytest.param("A scientifically proven method.", id="scientifically-proven"),
        pytest.param("According to research, heat helps.", id="according-to-research"),
        pytest.param("- Relief: *Research* suggests heat helps.", id="in-a-list-item"),
        pytest.param("Experts agree that heat helps.", id="experts-agree"),
        pytest.param("Major medical institutions increasingly recognize heat.", id="institutions"),
    ],
)
def test_uncited_evidence_language_is_flagged(sentence: str, library: Library) -> None:
    found = flags(f"# T\n\nIntro here. {sentence} After.\n", library)
    assert [f.code for f in found] == ["uncited-evidence-claim"]
    assert found[0].severity == "warning"
    assert found[0].span is not None and found[0].span.line == 3


@pytest.mark.parametrize(
    "sentence",
    [
        pytest.param("Research suggests heat helps.[@trial]", id="cited-after-period"),
        pytest.param("Studies have shown [@trial] that heat helps.", id="cited-inside"),
        pytest.param("We research new options.", id="research-as-a-verb"),
        pytest.param("Studies are planned for next year.", id="no-evidence-verb"),
        pytest.param("This article shows how heat is used.", id="article-shows"),
        pytest.param("Physicians may recommend rest.", id="what-care-involves"),
        pytest.param("```\nResearch suggests code.\n```", id="in-code"),
    ],
)
def test_other_sentences_are_not_flagged(sentence: str, library: Library) -> None:
    assert flags(f"Intro here.\n\n{sentence}\n", library) == []


def test_the_first_sentence_of_an_item_is_flagged_when_only_the_second_cites(
    library: Library,
) -> None:
    text = "- Research suggests heat helps. Studies have shown it works.[@trial]\n"
    assert codes(flags(text, library)) == [("uncited-evidence-claim", 1, 3)]


@pytest.mark.parametrize(
    ("text", "expected"),
    [
        pytest.param("Use heat.[@page]", ["web-only-support"], id="one-web-page"),
        pytest.param("Use heat [@page; @page2].", ["web-only-support"], id="two-web-pages"),
        pytest.param("Use heat [@page; @trial].", [], id="web-page-and-trial"),
        pytest.param("Use heat.[@trial]", [], id="trial-only"),
        pytest.param("Use heat.[@nosuchkey]", [], id="unknown-key-only"),
    ],
)
def test_web_only_support(text: str, expected: list[str], library: Library) -> None:
    found = flags(text + "\n", library)
    assert [f.code for f in found] == expected
    assert all(f.severity == "info" and f.span and f.span.column == 1 for f in found)


def _cache(tmp_path: Path, kind: str, url: str, outcome: str, *, stale: bool = False) -> Cache:
    cache = Cache.open(tmp_path / "cache.sqlite")
    payload = {"kind": kind, "url": url, "outcome": outcome, "status": 404,
               "detail": "404 Not Found", "checked_at": 1.0}  # fmt: skip
    cache.put_result(payload, ttl=10.0, now=1.0 if stale else None)
    return cache


@pytest.mark.parametrize(
    ("kind", "url", "outcome", "stale", "flagged"),
    [
        pytest.param("doi", "10.1000/Trial", "broken", False, True, id="broken-doi"),
        pytest.param("url", "https://clinic.example/heat", "broken", False, True, id="broken-url"),
        pytest.param("doi", "10.1000/Trial", "broken", True, True, id="stale-result-counts"),
        pytest.param("doi", "10.1000/Trial", "ok", False, False, id="ok"),
        pytest.param("doi", "10.1000/Trial", "transient", False, False, id="transient"),
        pytest.param("url", "https://elsewhere.example/", "broken", False, False, id="other-url"),
    ],
)  # fmt: skip
def test_cites_broken_reference(
    tmp_path: Path, library: Library, kind: str, url: str, outcome: str, stale: bool,
    flagged: bool,
) -> None:  # fmt: skip
    text = "Heat helps [@page; @trial].\n"
    with _cache(tmp_path, kind, url, outcome, stale=stale) as cache:
        found = [f for f in flags(text, library, cache) if f.code == "cites-broken-reference"]
    assert bool(found) == flagged
    if flagged:
        key = "trial" if kind == "doi" else "page"
        assert found[0].key == key and found[0].severity == "warning"
        assert found[0].span is not None and found[0].span.column == text.index(f"@{key}") + 1


@pytest.mark.parametrize(
    ("verdict", "flagged"),
    [
        pytest.param("retracted", True, id="retracted"),
        pytest.param("not-found", True, id="not-found"),
        pytest.param("verified", False, id="verified"),
        pytest.param("mismatch", False, id="mismatch"),
    ],
)
def test_cites_unverified_reference(verdict: str, flagged: bool, library: Library) -> None:
    recorded = StoredVerdict("trial", verdict, checked_at=1795780800.0)  # 2026-11-27 12:00 UTC
    found = flags("Heat helps.[@trial]\n", library, verified={"trial": recorded})
    assert [f.code for f in found] == (["cites-unverified-reference"] if flagged else [])
    assert all(f.severity == "error" and f.key == "trial" for f in found)
    assert all("recorded by citations verify on 2026-11-27" in f.message for f in found)


@pytest.mark.parametrize(
    ("key", "flagged"),
    [pytest.param("odd", True, id="unknown-value"), pytest.param("plain", False, id="alias")],
)
def test_unknown_evidence_type(key: str, flagged: bool, library: Library) -> None:
    found = flags(f"Heat helps.[@{key}]\n", library)
    assert [f.code for f in found] == (["unknown-evidence-type"] if flagged else [])
    if flagged:
        span = found[0].span
        assert span is not None and span.path.endswith("refs.bib") and span.column > 1


def test_every_code_has_a_rule_and_check_can_call_claim_findings(library: Library) -> None:
    assert set(CLAIM_RULES) == {
        "uncited-evidence-claim", "web-only-support", "cites-broken-reference",
        "cites-unverified-reference", "unknown-evidence-type",
    }  # fmt: skip
    articles = [scan_article("Research suggests so. Heat.[@page]\n", "b.md")]
    found = claim_findings(articles, library, None)
    assert [(f.code, f.severity) for f in found] == [
        ("uncited-evidence-claim", CLAIM_RULES["uncited-evidence-claim"].severity),
        ("web-only-support", CLAIM_RULES["web-only-support"].severity),
    ]


def test_the_command_reads_an_existing_cache_and_never_creates_one(
    tmp_path: Path, library: Library
) -> None:
    article = tmp_path / "a.md"
    article.write_text("Heat helps.[@trial]\n", "utf-8")
    refs = [tmp_path / "refs.bib"]
    missing = tmp_path / "none" / "cache.sqlite"
    outcome = run_claims_command(Config(), [article], {"refs": refs, "cache": missing})
    assert outcome.findings == [] and not missing.exists() and outcome.notes
    _cache(tmp_path, "doi", "10.1000/Trial", "broken").close()
    options = {"refs": refs, "cache": tmp_path / "cache.sqlite"}
    outcome = run_claims_command(Config(), [article], options)
    assert [f.code for f in outcome.findings] == ["cites-broken-reference"]
    assert not outcome.failed
    assert run_claims_command(Config(), [article], options | {"strict": True}).failed
    assert run_claims_command(Config(), [article], options | {"no_cache": True}).findings == []
