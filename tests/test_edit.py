"""Editing .bib files: only the fixed values change, writes are atomic and locked, appends."""

from __future__ import annotations

import multiprocessing
import time
from collections.abc import Callable
from pathlib import Path

import pytest
from filelock import FileLock

from citations.errors import LibraryError
from citations.findings import Fix
from citations.library import edit, load_library
from citations.library.append import append_entry
from citations.library.diff import unified_diff
from citations.library.edit import FileChangedError, lock_path, plan_fixes, write_edits

from conftest import FIXTURES

EDIT = FIXTURES / "edit"

# (key, field, new value, bare, old value extent, new value extent), in file order.
LIBRARY_FIXES = [
    ("smith2020", "author", "{World Health Organization} and Smith, John and others", False,
     "{{World Health Organization} and Smith, John et al.}",
     "{{World Health Organization} and Smith, John and others}"),
    ("smith2020", "doi", "10.1000/xyz123", False,
     "{https://doi.org/10.1000/xyz123}", "{10.1000/xyz123}"),
    ("smith2020", "pages", "100--110", False, "{100-110}", "{100--110}"),
    ("smith2020", "month", "mar", True, "{March}", "mar"),
    ("jones2019", "pages", "5--9", False, '"5-9"', '"5--9"'),
    ("jones2019", "doi", "10.2000/abc", False, '"doi:10.2000/abc"', '"10.2000/abc"'),
    ("jones2019", "month", "apr", True, '"April"', "apr"),
    ("jones2019", "journal", "BMJ Open", False, 'bmj # " Open"', "{BMJ Open}"),
    ("nested", "pages", "{12}--{15}", False, "{{12}-{15}}", "{{12}--{15}}"),
    ("nested", "month", "jun", True, "{jun}", "jun"),
    ("dup", "pages", "1--2", False, "{1-2}", "{1--2}"),
]  # fmt: skip


def _fixes(path: Path) -> list[Fix]:
    # Planned in an order other than the file's, as findings may come.
    return [Fix(str(path), k, f, v, b) for k, f, v, b, *_ in reversed(LIBRARY_FIXES)]


def _lf(text: str) -> str:
    return text


def _crlf(text: str) -> str:
    return text.replace("\n", "\r\n")


def _no_final_newline(text: str) -> str:
    return text.rstrip("\n")


def _bom(text: str) -> str:
    return "\ufeff" + text


def _crlf_bom_no_final_newline(text: str) -> str:
    return _bom(_crlf(_no_final_newline(text)))


VARIANTS = [
    pytest.param(_lf, id="lf"),
    pytest.param(_crlf, id="crlf"),
    pytest.param(_no_final_newline, id="no-final-newline"),
    pytest.param(_bom, id="bom"),
    pytest.param(_crlf_bom_no_final_newline, id="crlf-bom-no-final-newline"),
]


def _cut(text: str, spans: list[tuple[int, int]]) -> str:
    """`text` without the given spans (sorted, not overlapping)."""
    kept, at = [], 0
    for start, end in spans:
        kept.append(text[at:start])
        at = end
    return "".join(kept) + text[at:]


@pytest.mark.parametrize("variant", VARIANTS)
def test_fix_round_trip_changes_only_the_fixed_values(
    tmp_path: Path, variant: Callable[[str], str]
) -> None:
    original = variant((EDIT / "library.bib").read_text("utf-8"))
    expected = variant((EDIT / "library.fixed.bib").read_text("utf-8"))
    path = tmp_path / "library.bib"
    path.write_bytes(original.encode("utf-8"))

    [planned] = plan_fixes(_fixes(path))
    assert planned.skipped == []
    assert len(planned.applied) == len(LIBRARY_FIXES)
    assert path.read_bytes() == original.encode("utf-8")  # planning writes nothing

    old, new = planned.old_text, planned.new_text
    # Each change replaces exactly one value extent, and nothing else differs.
    assert [(old[s:e], r) for s, e, r in planned.changes] == [
        (old_value, new_value) for *_, old_value, new_value in LIBRARY_FIXES
    ]
    old_spans = [(s, e) for s, e, _ in planned.changes]
    new_spans, shift = [], 0
    for start, end, replacement in planned.changes:
        new_spans.append((start + shift, start + shift + len(replacement)))
        shift += len(replacement) - (end - start)
    assert _cut(new, new_spans) == _cut(old, old_spans)
    assert [new[s:e] for s, e in new_spans] == [v for *_, v in LIBRARY_FIXES]

    write_edits([planned])
    assert path.read_bytes() == expected.encode("utf-8")


def test_fixed_library_reads_the_new_values(tmp_path: Path) -> None:
    path = tmp_path / "library.bib"
    path.write_bytes((EDIT / "library.bib").read_bytes())
    write_edits(plan_fixes(_fixes(path)))
    library = load_library([path])
    assert [(f.code, f.span and f.span.line) for f in library.findings] == [("duplicate-key", 37)]
    assert library["smith2020"].raw["doi"] == "10.1000/xyz123"
    assert library["smith2020"].authors.others
    assert library["jones2019"].raw["pages"] == "5--9"
    assert library["jones2019"].raw["month"] == "April"  # the macro apr, expanded
    assert library["nested"].raw["pages"] == "{12}--{15}"
    assert library["dup"].raw["pages"] == "1--2"


def test_unfixable_fixes_are_skipped_and_the_rest_applied(tmp_path: Path) -> None:
    path = tmp_path / "library.bib"
    path.write_bytes((EDIT / "library.bib").read_bytes())
    good = Fix(str(path), "smith2020", "pages", "100--110")
    again = Fix(str(path), "smith2020", "pages", "100--111")
    ghost = Fix(str(path), "ghost", "doi", "10.1/ghost")  # only inside an @comment
    no_field = Fix(str(path), "smith2020", "url", "https://example.org")
    unbalanced = Fix(str(path), "jones2019", "pages", "{5--9")
    closes_entry = Fix(str(path), "jones2019", "month", "apr)", bare=True)
    [planned] = plan_fixes([good, again, ghost, no_field, unbalanced, closes_entry])
    assert planned.applied == [good]
    assert [fix for fix, _ in planned.skipped] == [again, ghost, no_field, unbalanced, closes_entry]
    assert [(old, new) for s, e, new in planned.changes for old in [planned.old_text[s:e]]] == [
        ("{100-110}", "{100--110}")
    ]


def test_missing_file_is_skipped(tmp_path: Path) -> None:
    fix = Fix(str(tmp_path / "absent.bib"), "a", "pages", "1--2")
    [planned] = plan_fixes([fix])
    assert [f for f, _ in planned.skipped] == [fix]
    assert not planned.changed
    write_edits([planned])
    assert not (tmp_path / "absent.bib").exists()


def test_a_quote_in_a_quoted_value_switches_to_braces(tmp_path: Path) -> None:
    path = tmp_path / "q.bib"
    path.write_text('@misc{q,\n  title = "Old"\n}\n', "utf-8")
    [planned] = plan_fixes([Fix(str(path), "q", "title", 'A "new" title')])
    assert planned.new_text == '@misc{q,\n  title = {A "new" title}\n}\n'


ADDED = [
    pytest.param(
        "@article{a,\n  title = {T},\n}\n",
        "@article{a,\n  title = {T},\n  url = {http://x.org/a},\n}\n",
        id="trailing-comma",
    ),
    pytest.param(
        "@article{a,\n\ttitle = {T}\n}\n",
        "@article{a,\n\ttitle = {T},\n\turl = {http://x.org/a}\n}\n",
        id="no-trailing-comma-tab",
    ),
    pytest.param(
        "@article{a,\r\n    title = {T}}\r\n",
        "@article{a,\r\n    title = {T},\r\n    url = {http://x.org/a}}\r\n",
        id="crlf",
    ),
    pytest.param(
        "@misc{a, title = {T}, year = 2001}",
        "@misc{a, title = {T}, year = 2001, url = {http://x.org/a}}",
        id="one-line",
    ),
    pytest.param(
        "@article(a,\n  title = {T})\n",
        "@article(a,\n  title = {T},\n  url = {http://x.org/a})\n",
        id="paren",
    ),
    pytest.param("@misc{a}\n", "@misc{a,\n  url = {http://x.org/a}\n}\n", id="no-fields"),
    pytest.param("@misc{a,\n}\n", "@misc{a,\n  url = {http://x.org/a},\n}\n", id="no-fields-comma"),
]


@pytest.mark.parametrize(("before", "after"), ADDED)
def test_set_field_adds_a_missing_field(tmp_path: Path, before: str, after: str) -> None:
    path = tmp_path / "a.bib"
    path.write_bytes(before.encode("utf-8"))
    fix = Fix(str(path), "a", "url", "http://x.org/a")
    [skipped] = plan_fixes([fix])
    assert [f for f, _ in skipped.skipped] == [fix]  # only with add_missing
    [planned] = plan_fixes([fix], add_missing=True)
    assert planned.applied == [fix]
    assert planned.new_text == after
    write_edits([planned])
    library = load_library([path])
    assert library.findings == []
    assert library["a"].raw["url"] == "http://x.org/a"


def test_set_field_adds_several_fields_in_order(tmp_path: Path) -> None:
    path = tmp_path / "a.bib"
    path.write_text("@article{a,\n  title = {T}\n}\n", "utf-8")
    fixes = [
        Fix(str(path), "a", "month", "mar", bare=True),
        Fix(str(path), "a", "title", "New"),
        Fix(str(path), "a", "year", "2020"),
    ]
    [planned] = plan_fixes(fixes, add_missing=True)
    assert planned.new_text == (
        "@article{a,\n  title = {New},\n  month = mar,\n  year = {2020}\n}\n"
    )


def test_file_changed_between_plan_and_write_is_refused(tmp_path: Path) -> None:
    path = tmp_path / "library.bib"
    path.write_bytes((EDIT / "library.bib").read_bytes())
    edits = plan_fixes(_fixes(path))
    meanwhile = path.read_bytes() + b"\n% added by someone else\n"
    path.write_bytes(meanwhile)
    with pytest.raises(FileChangedError):
        write_edits(edits)
    assert path.read_bytes() == meanwhile


def test_a_held_lock_times_out(tmp_path: Path, monkeypatch: pytest.MonkeyPatch) -> None:
    path = tmp_path / "library.bib"
    original = (EDIT / "library.bib").read_bytes()
    path.write_bytes(original)
    edits = plan_fixes(_fixes(path))
    monkeypatch.setattr(edit, "LOCK_TIMEOUT", 0.1)
    assert lock_path(path) == tmp_path / ".library.bib.lock"
    with FileLock(str(lock_path(path))):
        with pytest.raises(LibraryError):
            write_edits(edits)
        with pytest.raises(LibraryError):
            append_entry(path, "@misc{new, year = 2020}")
    assert path.read_bytes() == original


def _fix_one(path: str, index: int, start: multiprocessing.synchronize.Barrier) -> None:
    start.wait(timeout=60)  # all eight plan at once: most plans go stale before they are written
    for _ in range(500):
        try:
            write_edits(plan_fixes([Fix(path, f"e{index}", "pages", f"{index}--{index + 1}")]))
            return
        except FileChangedError:
            time.sleep(0.001 * index)
    raise SystemExit(1)


def test_concurrent_writers_lose_nothing(tmp_path: Path) -> None:
    path = tmp_path / "shared.bib"
    path.write_text("".join(f"@misc{{e{i},\n  pages = {{{i}-{i + 1}}},\n}}\n\n" for i in range(8)))
    context = multiprocessing.get_context("spawn")
    start = context.Barrier(8)
    workers = [context.Process(target=_fix_one, args=(str(path), i, start)) for i in range(8)]
    for worker in workers:
        worker.start()
    for worker in workers:
        worker.join(timeout=120)
    assert [w.exitcode for w in workers] == [0] * 8
    library = load_library([path])
    assert library.findings == []
    assert [library[f"e{i}"].raw["pages"] for i in range(8)] == [f"{i}--{i + 1}" for i in range(8)]


APPENDS = [
    pytest.param(b"@misc{old, year = 2001}\n", b"@misc{old, year = 2001}\n\n", id="final-newline"),
    pytest.param(b"@misc{old, year = 2001}", b"@misc{old, year = 2001}\n\n", id="no-final-newline"),
    pytest.param(b"@misc{old, year = 2001}\n\n", b"@misc{old, year = 2001}\n\n", id="blank-line"),
    pytest.param(
        b"\xef\xbb\xbf@misc{old,\r\n  year = 2001}\r\n",
        b"\xef\xbb\xbf@misc{old,\r\n  year = 2001}\r\n\r\n",
        id="bom-crlf",
    ),
    pytest.param(None, b"", id="new-file"),
    pytest.param(b"", b"", id="empty-file"),
]


@pytest.mark.parametrize(("before", "prefix"), APPENDS)
def test_append_entry(tmp_path: Path, before: bytes | None, prefix: bytes) -> None:
    path = tmp_path / "refs" / "new.bib"
    if before is not None:
        path.parent.mkdir()
        path.write_bytes(before)
    append_entry(path, "\n@article{new,\n  title = {A new one},\n  year = 2024,\n}\n\n")
    nl = b"\r\n" if b"\r\n" in prefix else b"\n"
    entry = nl.join([b"@article{new,", b"  title = {A new one},", b"  year = 2024,", b"}", b""])
    assert path.read_bytes() == prefix + entry
    if before:
        assert path.read_bytes().startswith(before)
    library = load_library([path])
    assert library.findings == []
    assert library["new"].raw["year"] == "2024"


@pytest.mark.parametrize(
    "text",
    [
        pytest.param("@article{new, title = {unclosed}", id="unclosed"),
        pytest.param("@misc{a, year = 1}\n@misc{b, year = 2}", id="two-entries"),
        pytest.param("not bibtex", id="not-an-entry"),
        pytest.param("@misc{a, year = 1} and more", id="text-after"),
        pytest.param('@string{x = "y"}', id="string"),
    ],
)
def test_append_entry_refuses_broken_text(tmp_path: Path, text: str) -> None:
    path = tmp_path / "a.bib"
    path.write_bytes(b"@misc{old, year = 2001}\n")
    with pytest.raises(LibraryError):
        append_entry(path, text)
    assert path.read_bytes() == b"@misc{old, year = 2001}\n"


def test_unified_diff(tmp_path: Path, monkeypatch: pytest.MonkeyPatch) -> None:
    monkeypatch.chdir(tmp_path)
    Path("a.bib").write_text("@misc{a,\n  year = 2001,\n  pages = {1-2}}", "utf-8")
    Path("b.bib").write_text("@misc{b,\n  pages = {3--4}\n}\n", "utf-8")
    edits = plan_fixes([Fix("a.bib", "a", "pages", "1--2"), Fix("b.bib", "b", "pages", "3--4")])
    assert unified_diff(edits) == (
        "--- a/a.bib\n+++ b/a.bib\n@@ -1,3 +1,3 @@\n @misc{a,\n   year = 2001,\n"
        "-  pages = {1-2}}\n\\ No newline at end of file\n"
        "+  pages = {1--2}}\n\\ No newline at end of file\n"
    )
    assert unified_diff(edits[1:]) == ""
