"""The parse cache cannot lie: a damaged, misplaced or wrongly shaped cache file is a miss."""

from __future__ import annotations

import shutil
import sys
from pathlib import Path
from typing import Any

import pytest

from citations import RenderSettings
from citations.commands.render import render_file
from citations.library import load_library
from citations.library.cache import cache_key, write_record

from conftest import ROOT

sys.path.insert(0, str(ROOT / "bench"))
from generate import generate_library, library_keys


@pytest.fixture
def setup(tmp_path: Path) -> tuple[Path, Path, Path]:
    """A 25-entry library, an article citing every entry, and a parse cache filled for them."""
    text = generate_library(25, seed=11)
    bib = tmp_path / "lib.bib"
    bib.write_text(text, "utf-8")
    article = tmp_path / "a.md"
    article.write_text("# All\n\n" + "".join(f"See [@{k}].\n" for k in library_keys(text)))
    cache = tmp_path / "cache"
    _render(article, bib, cache)
    return bib, article, cache


def _render(article: Path, bib: Path, cache: Path | None) -> str:
    return render_file(article, RenderSettings(refs=(bib,), cache_dir=cache)).text


def _stored(cache: Path, blocks: bool = False) -> Path:
    """The one file record (or, with `blocks`, the block store) in the cache."""
    files = [p for p in (cache / "parse").iterdir() if p.name.endswith(".blocks") == blocks]
    assert len(files) == 1, files
    return files[0]


def _flips(size: int, count: int) -> list[tuple[int, int]]:
    """`count` (position, xor mask) pairs spread over `size` bytes, one bit or several."""
    masks = (0x01, 0x20, 0x80, 0xFF, 0x04, 0x10)
    return [(i * size // count, masks[i % len(masks)]) for i in range(count)]


def _flipped(data: bytes, at: int, mask: int) -> bytes:
    return data[:at] + bytes([data[at] ^ mask]) + data[at + 1 :]


def test_a_flipped_byte_in_a_cache_file_never_changes_the_output(setup) -> None:
    bib, article, cache = setup
    expected = _render(article, bib, None)
    assert _render(article, bib, cache) == expected
    stored = _stored(cache)
    pristine = stored.read_bytes()
    changed = []
    for at, mask in _flips(len(pristine), 240):
        stored.write_bytes(_flipped(pristine, at, mask))
        if _render(article, bib, cache) != expected:
            changed.append((at, mask))
    assert changed == []


def test_a_flipped_byte_in_the_block_store_never_changes_the_output(setup, tmp_path) -> None:
    bib, article, cache = setup
    edited = bib.read_text("utf-8").replace("title = {", "title = {Revised: ", 1)
    bib.write_text(edited, "utf-8")  # the file record misses: the block store is read
    expected = _render(article, bib, None)
    store = _stored(cache, blocks=True)
    pristine = store.read_bytes()
    changed = []
    for at, mask in _flips(len(pristine), 120):
        trial = tmp_path / "trial"
        shutil.rmtree(trial, ignore_errors=True)
        shutil.copytree(cache, trial)
        (trial / "parse" / store.name).write_bytes(_flipped(pristine, at, mask))
        if _render(article, bib, trial) != expected:
            changed.append((at, mask))
    assert changed == []


def test_a_record_stored_for_another_source_is_not_used(tmp_path: Path) -> None:
    one, two = tmp_path / "one.bib", tmp_path / "two.bib"
    one.write_text("@misc{a, title = {One}}\n", "utf-8")
    two.write_text("@misc{a, title = {Two}}\n", "utf-8")
    cache = tmp_path / "cache"
    load_library([one], cache)
    load_library([two], cache)
    key_one = cache_key(one.read_bytes(), {})
    key_two = cache_key(two.read_bytes(), {})
    stored_one = next((cache / "parse").glob(f"{key_one}.*"))
    stored_two = next((cache / "parse").glob(f"{key_two}.*"))
    stored_two.write_bytes(stored_one.read_bytes())  # one's record under two's name
    assert load_library([two], cache)["a"].get("title") == "Two"


def _entry(**changes: Any) -> tuple[Any, ...]:
    fields = {"key": "a", "type": "misc", "line": 1, "raw": {"title": "Forged"}}
    fields.update(changes)
    lines = {name: 1 for name in fields["raw"]} if isinstance(fields["raw"], dict) else {}
    return (fields["key"], fields["type"], fields["line"], fields["raw"], lines)


WRONG_SHAPES = [
    pytest.param({"entries": [_entry(raw={"title": 5})]}, id="value-not-text"),
    pytest.param({"entries": [_entry(raw={"title": None})]}, id="value-null"),
    pytest.param({"entries": [_entry(line="1")]}, id="line-not-a-number"),
    pytest.param({"entries": [_entry(key=["a"])]}, id="key-not-text"),
    pytest.param({"entries": [_entry()[:3]]}, id="entry-too-short"),
    pytest.param({"entries": [_entry()], "problems": [("bib-syntax",)]}, id="problem-short"),
    pytest.param({"entries": [_entry()], "strings": ["a", "b"]}, id="strings-a-list"),
    pytest.param({"entries": {"a": 1}}, id="entries-a-dict"),
]


@pytest.mark.parametrize("shape", WRONG_SHAPES)
def test_a_wrongly_shaped_record_is_rebuilt(tmp_path: Path, shape: dict[str, Any]) -> None:
    bib = tmp_path / "refs.bib"
    bib.write_text("@misc{a, title = {Real}, author = {Doe, Jane}}\n", "utf-8")
    cache = tmp_path / "cache"
    load_library([bib], cache)
    record = {"entries": [], "strings": {}, "problems": [], **shape}
    write_record(cache / "parse", cache_key(bib.read_bytes(), {}), record)
    library = load_library([bib], cache)
    assert library["a"].get("title") == "Real"
    assert str(library["a"].authors.names[0].last) == "Doe"
    assert library.findings == []


def _stored_text(cache: Path, bib: Path) -> tuple[str, Path]:
    key = cache_key(bib.read_bytes(), {})
    return key, next((cache / "parse").glob(f"{key}.*"))


FORGED = [
    pytest.param({"entries": [["a", "misc", 1, {"title": "F"}, "00"]]}, id="lines-too-many"),
    pytest.param({"entries": [["a", "misc", 1, {"title": "F"}, 5]]}, id="lines-a-number"),
    pytest.param({"entries": [["a", "misc", 1, {"title": "F"}]]}, id="entry-short"),
    pytest.param({"entries": ["a"]}, id="entry-text"),
    pytest.param({"entries": [["a", "misc", True, {"title": "F"}, "0"]]}, id="line-a-bool"),
    pytest.param({"entries": [["a", "misc", 1, [["title", "F"]], "0"]]}, id="fields-a-list"),
    pytest.param({"problems": [["x", 1, "m", 5]]}, id="problem-key-a-number"),
    pytest.param({"extra": 1}, id="extra-part"),
    pytest.param([], id="a-list"),
    pytest.param(None, id="null"),
]


@pytest.mark.parametrize("value", FORGED)
def test_a_forged_file_with_a_good_checksum_is_only_a_miss(tmp_path: Path, value: Any) -> None:
    """A file made with the cache's own writer, so header and checksum pass: the shape
    check alone stands between it and the loader."""
    from citations.library.cache import write_json

    bib = tmp_path / "refs.bib"
    bib.write_text("@misc{a, title = {Real}}\n", "utf-8")
    cache = tmp_path / "cache"
    load_library([bib], cache)
    key, path = _stored_text(cache, bib)
    if isinstance(value, dict):
        value = {"entries": [], "strings": {}, "problems": [], **value}
    write_json(path, key, value)
    library = load_library([bib], cache)
    assert library["a"].get("title") == "Real" and library.findings == []


def test_a_miss_rewrites_a_good_file(setup) -> None:
    bib, article, cache = setup
    stored = _stored(cache)
    good = stored.read_bytes()
    stored.write_bytes(good[:-10])  # truncated, as by a full disk
    _render(article, bib, cache)
    assert stored.read_bytes() == good


def test_field_lines_come_back_from_the_cache(tmp_path: Path) -> None:
    bib = tmp_path / "refs.bib"
    bib.write_text("\n\n@misc{a,\n  title = {T},\n\n\n  year = {2001},\n}\n", "utf-8")
    fresh = load_library([bib], tmp_path / "cache")["a"]
    cached = load_library([bib], tmp_path / "cache")["a"]
    assert dict(cached.field_lines) == dict(fresh.field_lines) == {"title": 4, "year": 7}
    assert cached.field_lines == fresh.field_lines and "year" in cached.field_lines
    assert list(cached.field_lines) == ["title", "year"] and len(cached.field_lines) == 2
