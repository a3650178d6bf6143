"""`field-not-rendered`: every field neither style prints is named once, nothing else is, and
each field a style claims to print does change some reference when left out."""

from __future__ import annotations

import dataclasses
from collections.abc import Callable
from pathlib import Path

import pytest

from citations.checks import rendered
from citations.checks.runner import RULES
from citations.library import Library, load_library
from citations.model import Reference
from citations.render.styles import get_style
from citations.render.styles.registry import STYLES
from citations.richtext import plain
from citations.snapshot import Snapshot

from conftest import FIXTURES, ROOT, Result

NOT_RENDERED = FIXTURES / "check_fields" / "not_rendered.bib"
STYLE_CASES = [
    FIXTURES / "styles" / "biblatex.bib",
    FIXTURES / "styles" / "cases.bib",
    ROOT / "refs" / "example.bib",
]


def findings(paths: list[Path]) -> list[tuple[str, str | None, int, str]]:
    library = load_library(paths, cache_dir=None)
    out = []
    for f in rendered.CHECK.run(Snapshot(library)):
        assert f.code == "field-not-rendered" and f.severity == "info" and f.span is not None
        out.append((f.message.split("'")[1], f.key, f.span.line, f.message))
    return out


def test_each_unprinted_field_is_named_once_at_its_first_entry() -> None:
    found = {name: (key, line) for name, key, line, _ in findings([NOT_RENDERED])}
    assert found == {
        "series": ("first-series", 8),
        "translator": ("second-series", 21),
        "rating": ("custom", 38),
    }


def test_the_message_counts_the_entries_that_use_it() -> None:
    messages = {name: message for name, _, _, message in findings([NOT_RENDERED])}
    assert "(2 entries use it)" in messages["series"]  # an inherited series is not counted
    assert "(1 entry uses it)" in messages["translator"]


def test_fields_the_styles_print_are_not_reported() -> None:
    assert findings(STYLE_CASES) == []


def test_the_code_is_a_documented_rule() -> None:
    assert RULES["field-not-rendered"].severity == "info"
    readme = (ROOT / "README.md").read_text("utf-8")
    assert "| `field-not-rendered` | info |" in readme


def test_check_lists_it_as_info_and_exits_0(run: Callable[..., Result], tmp_path: Path) -> None:
    (tmp_path / "refs").mkdir()
    (tmp_path / "refs" / "lib.bib").write_text(NOT_RENDERED.read_text("utf-8"), "utf-8")
    (tmp_path / "citations.toml").write_text('refs = ["refs"]\n[check]\nuncited = false\n')
    result = run("check", cwd=tmp_path)
    assert result.code == 0, result.out
    lines = [line for line in result.out.splitlines() if "field-not-rendered" in line]
    assert [line.split(":")[1] for line in lines] == ["8", "21", "38"]


# --- each style's `printed` fields are printed ---------------------------------------------------


@pytest.fixture(scope="module")
def cases() -> Library:
    return load_library(STYLE_CASES, cache_dir=None)


def _without(ref: Reference, name: str) -> Reference:
    """`ref` as if the .bib file did not have field `name`."""
    return dataclasses.replace(
        ref,
        raw={k: v for k, v in ref.raw.items() if k != name},
        fields={k: v for k, v in ref.fields.items() if k != name},
        names={k: v for k, v in ref.names.items() if k != name},
    )


@pytest.mark.parametrize("name", sorted(STYLES))
def test_every_printed_field_changes_some_reference(cases: Library, name: str) -> None:
    """A field a style says it prints, left out of each entry that has it, changes at least one
    of their references: the list `check` trusts cannot claim a field the templates ignore."""
    style = get_style(name)
    idle = []
    for field in sorted(STYLES[name].printed):
        having = [ref for ref in cases if field in ref.raw]
        changed = [
            r for r in having if plain(style.format(r)) != plain(style.format(_without(r, field)))
        ]
        if not changed:
            idle.append(field)
    assert idle == [], " ".join(idle)
