"""`check --fix`'s shortcuts give exactly what the long way gives.

At 60,000 entries `check --fix` was 30 s, a third of it parsing files again. Three
shortcuts took that away; each is held here to the long way on random and tricky input:
- a field of a common shape is read with one regex match, not mark by mark (read_entry);
- a plain value is known well-formed without scanning it (well_formed);
- after the fixes are written the library is patched, not loaded again (patch_library):
  the findings that remain must be those a fresh load of the written files gives.
"""

from __future__ import annotations

import dataclasses
from pathlib import Path
from typing import Any

import pytest
from hypothesis import HealthCheck, given, settings
from hypothesis import strategies as st

from citations.checks import CheckSettings
from citations.commands import check as check_command
from citations.commands.check import CheckRun, run_check
from citations.library import Library, load_library
from citations.library.bibtext import (
    BLOCK_START,
    Unreadable,
    read_entry,
    well_formed,
    well_formed_by_marks,
)
from citations.library.load import patch_library

from conftest import FIXTURES

EXAMPLES = settings(
    max_examples=1500,
    deadline=None,
    derandomize=True,
    database=None,
    suppress_health_check=[HealthCheck.too_slow],
)
# Every character the splitter treats specially, spaces of several kinds, and plain text.
TEXT = st.text(st.sampled_from([*list('ab1 =,{}"\\@#%()\n\t'), "\xa0", "\u2003", "é"]))
VALUE = st.one_of(
    TEXT,
    TEXT.map(lambda t: "{" + t + "}"),
    TEXT.map(lambda t: '"' + t + '"'),
    TEXT.map(lambda t: "{{" + t + "}}"),
    TEXT.map(lambda t: "{a {" + t + "} b}"),
    st.sampled_from(["mar", "2020", "{\\{}", "{\\}}", "{a\\\\}", "jan # feb", "{@book{x}"]),
)
FIELD = st.tuples(
    st.sampled_from([",", ", ", ",\n  ", ",\r\n"]),
    st.sampled_from(["title", "a b", "%c", "x", "", "Note"]),
    st.sampled_from(["=", " = ", "= ", "\n=\t"]),
    VALUE,
)
ENTRY = st.tuples(
    st.sampled_from(["@article{k", "@article{ k ", "@misc(k"]),
    st.lists(FIELD, max_size=5),
    st.sampled_from(["}", ",}", "\n}", ", }", ")", ""]),
    st.sampled_from(["", "\n@book{b, t={x}}", " trailing", "\n"]),
).map(lambda t: t[0] + "".join("".join(f) for f in t[1]) + t[2] + t[3])


def _read(text: str, fast: bool) -> object:
    block = BLOCK_START.match(text)
    assert block is not None
    try:
        return read_entry(text, block, "k", fast=fast)
    except Unreadable:
        return "unreadable"


@EXAMPLES
@given(ENTRY)
def test_an_entry_reads_the_same_by_regex_and_mark_by_mark(text: str) -> None:
    assert _read(text, fast=True) == _read(text, fast=False)


@EXAMPLES
@given(VALUE, st.sampled_from("})"))
def test_the_well_formed_shortcut_agrees_with_the_full_reading(value: str, closing: str) -> None:
    assert well_formed(value, closing) == well_formed_by_marks(value, closing)


def test_the_common_field_shapes_take_the_shortcut() -> None:
    """The shortcut is not dead code: the generated library's entries read by regex alone."""
    text = '@article{k,\n  author = {Lef{\\`e}vre, A.},\n  year = 2001,\n  t = "x, y",\n}\n'
    block = BLOCK_START.match(text)
    assert block is not None
    entry = read_entry(text, block, "k")
    assert entry is not None and [f.name for f in entry.fields] == ["author", "year", "t"]
    assert entry == read_entry(text, block, "k", fast=False)


def _state(library: Library) -> list[object]:
    """Everything checks and reports read from a library, comparable."""
    refs = [
        (r.key, r.type, r.span, dict(r.raw), dict(r.field_lines), dict(r.fields)) for r in library
    ]
    return [refs, library.findings, library.files]


FIXABLE = """\
@string{mar = {Marzo}}
@article{a, author = {Doe, J. et al.}, title = {A}, journal = {J}, year = 2001,
  month = {March}, doi = {https://doi.org/10.1/a}, pages = {1-5}}
@article{b,
  author = {Roe, R.},
  title = {B},
  journal = {J},
  year = {2002},
  month = {3},
  pages = {10-20},
  crossref = {P},
}
@article{b, title = {Again}, month = {4}}
@proceedings{p, title = {Parent}, year = {2002}, month = {May}, doi = {doi:10.1/p}}
@misc{c, title = "Quoted", month = "june", url = {http://x.org/?a=1}}
"""


@pytest.mark.parametrize(
    ("text", "patched"),
    [
        (FIXABLE, True),  # `month = mar` would name the file's own @string: not written
        (FIXABLE.replace("@string{mar = {Marzo}}\n", ""), True),
        (FIXABLE.replace("@string{mar = {Marzo}}\n", "").replace("\n", "\r\n"), True),
        ((FIXTURES / "check_fix" / "library.bib").read_text("utf-8"), True),
    ],
    ids=["user-macro", "builtin-macro", "crlf", "fixture"],
)
@pytest.mark.parametrize("cached", [False, True])
def test_the_library_after_fixing_is_the_library_loaded_again(
    tmp_path: Path, monkeypatch: pytest.MonkeyPatch, text: str, patched: bool, cached: bool
) -> None:
    bib = tmp_path / "library.bib"
    bib.write_bytes(text.encode("utf-8"))
    cache = tmp_path / "cache" if cached else None
    made: list[Library] = []

    def patch(*args: Any) -> Library:
        made.append(patch_library(*args))
        return made[-1]

    monkeypatch.setattr(check_command, "patch_library", patch)
    run = CheckRun(CheckSettings(), refs=(bib,), articles=None, parse_cache=cache)
    outcome = run_check(dataclasses.replace(run, fix=True))
    assert "fixed" in " ".join(outcome.notes)
    assert len(made) == patched
    if patched:
        assert _state(made[0]) == _state(load_library([bib]))
    assert outcome.findings == run_check(run).findings


def test_a_fix_that_changes_lines_loads_the_library_again(
    tmp_path: Path, monkeypatch: pytest.MonkeyPatch
) -> None:
    """A range over two lines fixed into one: every line after it moves, so the library is
    loaded again, not patched; the findings are still those of a fresh load."""
    bib = tmp_path / "library.bib"
    text = (FIXTURES / "check_fix" / "library.bib").read_text("utf-8")
    bib.write_text(text.replace("{320-327}", "{320-\n327}"), "utf-8")
    monkeypatch.setattr(check_command, "patch_library", None)  # never called
    run = CheckRun(CheckSettings(), refs=(bib,), articles=None)
    outcome = run_check(dataclasses.replace(run, fix=True))
    assert "{320--327}" in bib.read_text("utf-8")
    assert outcome.findings == run_check(run).findings


def test_a_month_is_not_written_as_a_macro_the_library_redefines(tmp_path: Path) -> None:
    """`month = mar` would mean the file's own @string{mar = ...}: that fix is refused."""
    bib = tmp_path / "library.bib"
    bib.write_text(FIXABLE, "utf-8")
    outcome = run_check(CheckRun(CheckSettings(), refs=(bib,), articles=None, fix=True))
    text = bib.read_text("utf-8")
    assert "month = {March}" in text and "month = may" in text  # `may` is no @string here
    assert any("'mar' is an @string of the library" in note for note in outcome.notes)


def _apply_diff(old: str, body: str) -> str:
    """One file's hunks (`body`) applied to `old`, every context and removed line checked."""
    import re

    lines = old.splitlines(keepends=True)
    out: list[str] = []
    at = 0
    sign = ""
    for line in body.split("\n")[:-1]:
        head = re.match(r"@@ -(\d+)(?:,(\d+))? \+\d+(?:,\d+)? @@$", line)
        if head:
            first = int(head[1]) - (1 if head[2] != "0" else 0)
            out += lines[at:first]
            at = first
        elif line == "\\ No newline at end of file":
            if sign in " +":
                out[-1] = out[-1][:-1]
        else:
            sign, content = line[0], line[1:]
            if sign in " -":
                assert lines[at].rstrip("\n") == content
                at += 1
            if sign in " +":
                out.append(content + "\n")
    out += lines[at:]
    return "".join(out)


LINES = st.lists(st.sampled_from(["a\n", "}\n", "  year = {2001},\n", "\n", "b c\n"]), max_size=30)


@EXAMPLES
@given(LINES, st.data())
def test_the_diff_of_any_edit_applies_to_give_the_new_text(lines: list[str], data) -> None:
    from citations.library.diff import unified_diff
    from citations.library.edit import FileEdit, _apply

    text = "".join(lines) + data.draw(st.sampled_from(["", "tail"]))
    cuts = sorted(data.draw(st.lists(st.integers(0, len(text)), max_size=8, unique=True)))
    changes = []
    for begin, end in zip(cuts[0::2], cuts[1::2], strict=False):
        changes.append((begin, end, data.draw(st.sampled_from(["X", "", "y\nz", "\n", "q\n"]))))
    new = _apply(text, changes)
    edit = FileEdit(Path("f.bib"), text, new, changes=changes)
    diff = unified_diff([edit])
    if new == text:
        assert diff == ""
    else:
        header, body = diff.split("\n", 2)[:2], diff.split("\n", 2)[2]
        assert header == ["--- a/f.bib", "+++ b/f.bib"]
        assert _apply_diff(text, body) == new


def test_the_diff_reads_as_difflib_wrote_it(tmp_path: Path) -> None:
    import difflib

    text = "".join(f"line {i}\n" for i in range(40))
    changes = []
    for n in (3, 4, 30):  # two touching lines, one far away
        at = text.index(f"line {n}\n")
        changes.append((at, at + len(f"line {n}"), f"LINE {n}"))
    from citations.library.diff import unified_diff
    from citations.library.edit import FileEdit, _apply

    new = _apply(text, changes)
    ours = unified_diff([FileEdit(Path("f.bib"), text, new, changes=changes)])
    theirs = difflib.unified_diff(text.splitlines(True), new.splitlines(True), "a/f.bib", "b/f.bib")
    assert ours == "".join(theirs)
