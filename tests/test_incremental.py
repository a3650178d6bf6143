"""The block cache: the same parse as the whole file's, and only changed blocks re-parsed."""

from __future__ import annotations

import sys
from pathlib import Path

import pytest

import citations.library.incremental as incremental
from citations.library import load_library
from citations.library.incremental import parse_with_block_cache
from citations.library.parse import parse_bibtex

from conftest import FIXTURES, ROOT

sys.path.insert(0, str(ROOT / "bench"))
from generate import generate_library

LIBRARIES = [
    pytest.param((ROOT / "refs" / "example.bib").read_text("utf-8"), id="example"),
    pytest.param(
        (FIXTURES / "check_all" / "refs" / "library.bib").read_text("utf-8"),
        id="one-problem-of-each-kind",
    ),
    pytest.param((FIXTURES / "check_fix" / "library.bib").read_text("utf-8"), id="hand-kept"),
    pytest.param(generate_library(300, seed=3), id="generated"),
    pytest.param(
        "@string{a = {A}}\n@misc{x, title = a # { and B}}\n"
        "@misc{y,\n title = {@misc{in a value}}}\n",
        id="at-in-value",
    ),
]


@pytest.mark.parametrize("text", LIBRARIES)
def test_same_record_as_the_whole_file(tmp_path: Path, text: str) -> None:
    whole = parse_bibtex(text, {})
    cold = parse_with_block_cache(text, {}, tmp_path, tmp_path / "lib.bib")
    warm = parse_with_block_cache(text, {}, tmp_path, tmp_path / "lib.bib")
    assert cold == whole
    assert warm == whole


def test_an_edit_reparses_only_its_block(tmp_path: Path, monkeypatch: pytest.MonkeyPatch) -> None:
    text = generate_library(200, seed=5)
    path = tmp_path / "lib.bib"
    parse_with_block_cache(text, {}, tmp_path, path)
    calls: list[str] = []

    def counting(block: str, macros: object) -> object:
        calls.append(block)
        return parse_bibtex(block, macros)  # type: ignore[arg-type]

    monkeypatch.setattr(incremental, "parse_bibtex", counting)
    title_at = text.index("title = {") + len("title = {")
    edited = text[:title_at] + "Revised: " + text[title_at:]
    record = parse_with_block_cache(edited, {}, tmp_path, path)
    assert len(calls) == 1 and "Revised: " in calls[0]
    assert record == parse_bibtex(edited, {})


def test_load_library_uses_it(tmp_path: Path) -> None:
    bib = tmp_path / "refs.bib"
    bib.write_text("@misc{a, title = {One}}\n\n@misc{b, title = {Two}}\n", "utf-8")
    load_library([bib], tmp_path / "cache")
    bib.write_text("@misc{a, title = {One}}\n\n@misc{b, title = {Three}}\n", "utf-8")
    library = load_library([bib], tmp_path / "cache")
    assert library["b"].get("title") == "Three" and library["b"].span.line == 3
