"""Claims and the reverse index over two articles that number the same keys differently."""

from __future__ import annotations

import os
from pathlib import Path

import pytest

from citations.claims import ClaimIndex, find_claims
from citations.commands.claims import run_claims_command
from citations.config import Config
from citations.library import load_library
from citations.render.article import read_article

from conftest import FIXTURES

TWO = FIXTURES / "claims" / "two"


def golden(path: Path, text: str) -> None:
    """Compare with the committed file; UPDATE_GOLDEN=1 rewrites it instead."""
    if os.environ.get("UPDATE_GOLDEN"):
        path.write_text(text, "utf-8")
    assert text == path.read_text("utf-8")


@pytest.fixture
def index(monkeypatch: pytest.MonkeyPatch) -> ClaimIndex:
    monkeypatch.chdir(TWO)
    library = load_library([Path("refs.bib")])
    return find_claims([read_article(Path("first.md")), read_article(Path("second.md"))], library)


def test_claims_keep_their_keys_numbers_places_and_sections(index: ClaimIndex) -> None:
    got = [(c.article, c.number, c.span.line, c.span.column, c.keys, c.numbers, c.section)
           for c in index.claims]  # fmt: skip
    assert got == [
        ("first.md", 1, 8, 1, ("smith2020trial",), (1,), "Evidence"),
        ("first.md", 2, 8, 57, ("lee2019review", "smith2020trial"), (2, 1), "Evidence"),
        ("first.md", 3, 11, 3, ("clinic2024heat",), (3,), "Evidence"),
        ("second.md", 1, 5, 9, ("lee2019review",), (1,), "Joint pain at home"),
        ("second.md", 2, 8, 1, ("smith2020trial",), (2,), "Joint pain at home"),
        ("second.md", 3, 8, 57, ("missing2030",), (None,), "Joint pain at home"),
    ]  # fmt: skip


def test_the_reverse_index_spans_both_articles(index: ClaimIndex) -> None:
    assert index.citing == {
        "smith2020trial": [0, 1, 4],
        "lee2019review": [1, 3],
        "clinic2024heat": [2],
        "missing2030": [5],
    }
    assert index.numbers_of("smith2020trial") == {"first.md": 1, "second.md": 2}
    assert index.numbers_of("missing2030") == {}


def test_sentences_without_markers_are_not_claims(index: ClaimIndex) -> None:
    second = index.articles[1]
    assert "Research suggests ice helps after sprains." in [s.text for s in second.sentences]
    assert all(c.sentence.markers for c in index.claims)


def test_the_two_article_report_matches_the_golden_file(monkeypatch: pytest.MonkeyPatch) -> None:
    monkeypatch.chdir(TWO)
    options = {"refs": [Path("refs.bib")], "no_cache": True}
    outcome = run_claims_command(Config(), [Path("first.md"), Path("second.md")], options)
    golden(FIXTURES / "claims" / "two.txt", outcome.report)
    assert not outcome.failed
