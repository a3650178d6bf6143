"""Editing .bib files the way the file system keeps them: links, read-only files, hard links,
and the temporary files an interrupted write leaves behind."""

from __future__ import annotations

import os
import shutil
import time
from pathlib import Path

import pytest

from citations.errors import EXIT_INPUT, LibraryError
from citations.files import atomic_write
from citations.findings import Fix
from citations.library.append import append_entry
from citations.library.edit import plan_fixes, write_edits

from conftest import FIXTURES, run_process

ORIGINAL = (FIXTURES / "check_fix" / "library.bib").read_bytes()
ENTRY = "@misc{added2024, title = {Added}, year = {2024}}"
HOUR = 3600.0  # a temporary file this old was left by a killed run (STALE_AFTER is 5 min)


@pytest.fixture
def project(tmp_path: Path) -> Path:
    (tmp_path / "refs").mkdir()
    shutil.copy(FIXTURES / "check_fix" / "library.bib", tmp_path / "refs" / "library.bib")
    (tmp_path / "citations.toml").write_text("[check]\nuncited = false\n", "utf-8")
    return tmp_path


def _linked(project: Path) -> tuple[Path, Path]:
    """refs/library.bib as a link to a library kept elsewhere."""
    shared = project / "shared"
    shared.mkdir()
    target = shared / "library.bib"
    link = project / "refs" / "library.bib"
    link.replace(target)
    link.symlink_to(os.path.relpath(target, link.parent))
    return link, target


def _pages_fix(path: Path) -> Fix:
    return Fix(str(path), "usichenko2005auricular", "pages", "320--327")


def test_check_fix_edits_a_linked_library_at_its_target(run, project: Path) -> None:
    link, target = _linked(project)
    result = run("check", "--fix", cwd=project)
    assert result.code == 0, result.err
    assert link.is_symlink() and link.resolve() == target.resolve()
    assert target.read_bytes() != ORIGINAL and b"{320--327}" in target.read_bytes()
    assert not list(link.parent.glob(".*.tmp")) and not list(target.parent.glob(".*.tmp"))


def test_add_appends_to_a_linked_library_at_its_target(project: Path) -> None:
    link, target = _linked(project)
    assert append_entry(link, ENTRY)
    assert link.is_symlink()
    assert target.read_bytes().startswith(ORIGINAL) and b"added2024" in target.read_bytes()


def test_a_read_only_library_is_refused_and_left_as_it_was(run, project: Path) -> None:
    bib = project / "refs" / "library.bib"
    bib.chmod(0o444)
    result = run("check", "--fix", cwd=project)
    assert result.code == EXIT_INPUT
    assert "read-only" in result.err and "Traceback" not in result.err
    assert bib.read_bytes() == ORIGINAL and (bib.stat().st_mode & 0o777) == 0o444
    with pytest.raises(LibraryError, match="read-only"):
        append_entry(bib, ENTRY)
    with pytest.raises(LibraryError, match="read-only"):
        write_edits(plan_fixes([_pages_fix(bib)]))
    assert bib.read_bytes() == ORIGINAL


def test_a_read_only_file_among_several_stops_the_edit_before_any_write(project: Path) -> None:
    first = project / "refs" / "library.bib"
    second = project / "refs" / "second.bib"
    second.write_bytes(ORIGINAL)
    second.chmod(0o444)
    edits = plan_fixes([_pages_fix(first), _pages_fix(second)])
    with pytest.raises(LibraryError, match="read-only"):
        write_edits(edits)
    assert first.read_bytes() == ORIGINAL and second.read_bytes() == ORIGINAL


def test_a_read_only_link_target_is_refused(project: Path) -> None:
    link, target = _linked(project)
    target.chmod(0o444)
    with pytest.raises(LibraryError, match="read-only"):
        write_edits(plan_fixes([_pages_fix(link)]))
    assert target.read_bytes() == ORIGINAL and link.is_symlink()


def test_a_link_to_something_not_a_file_is_refused(tmp_path: Path) -> None:
    link = tmp_path / "refs.bib"
    link.symlink_to(os.devnull)
    with pytest.raises(LibraryError, match="not a regular file"):
        append_entry(link, ENTRY)
    assert Path(os.devnull).is_char_device() and link.is_symlink()


def test_a_hard_linked_library_stays_one_file(run, project: Path) -> None:
    bib = project / "refs" / "library.bib"
    other = project / "elsewhere.bib"
    os.link(bib, other)
    inode = bib.stat().st_ino
    assert run("check", "--fix", cwd=project).code == 0
    assert bib.stat().st_ino == inode == other.stat().st_ino
    assert other.read_bytes() == bib.read_bytes() != ORIGINAL
    assert append_entry(bib, ENTRY)
    assert b"added2024" in other.read_bytes() and bib.stat().st_nlink == 2


def test_an_in_place_write_shrinks_and_grows_the_file(tmp_path: Path) -> None:
    from citations.files import edit_file

    path = tmp_path / "a.bib"
    path.write_bytes(b"x" * 1000)
    os.link(path, tmp_path / "b.bib")
    edit_file(path, b"short")
    assert (tmp_path / "b.bib").read_bytes() == b"short"
    edit_file(path, b"y" * 5000)
    assert (tmp_path / "b.bib").read_bytes() == b"y" * 5000


def test_edits_keep_the_permissions(project: Path) -> None:
    bib = project / "refs" / "library.bib"
    bib.chmod(0o640)
    write_edits(plan_fixes([_pages_fix(bib)]))
    assert bib.stat().st_mode & 0o777 == 0o640 and b"{320--327}" in bib.read_bytes()


@pytest.mark.skipif(not hasattr(os, "geteuid") or os.geteuid() != 0, reason="needs root")
def test_an_edit_as_root_keeps_the_owner(project: Path) -> None:
    bib = project / "refs" / "library.bib"
    os.chown(bib, 12345, 12345)
    write_edits(plan_fixes([_pages_fix(bib)]))
    assert (bib.stat().st_uid, bib.stat().st_gid) == (12345, 12345)


def _temporary(folder: Path, name: str, age: float) -> Path:
    path = folder / name
    path.write_bytes(b"half a library" * 1000)
    then = time.time() - age
    os.utime(path, (then, then))
    return path


def test_stale_temporary_files_of_an_interrupted_write_are_removed(project: Path) -> None:
    refs = project / "refs"
    stale = [_temporary(refs, f".library.bib.{x}.tmp", HOUR) for x in ("k1ll3d_a", "zz9qbxyz")]
    fresh = _temporary(refs, ".library.bib.wr1t1ng_.tmp", 5)  # another run's, in use
    others = [
        _temporary(refs, ".other.bib.k1ll3d_a.tmp", HOUR),  # another file's
        _temporary(refs, ".library.bib.mine.tmp", HOUR),  # not a name of ours
        _temporary(refs, "library.bib.k1ll3d_a.tmp", HOUR),
    ]
    write_edits(plan_fixes([_pages_fix(refs / "library.bib")]))
    assert not any(path.exists() for path in stale)
    assert fresh.exists() and all(path.exists() for path in others)


def test_stale_temporary_files_beside_an_output_are_removed(tmp_path: Path) -> None:
    stale = _temporary(tmp_path, ".page.html.abcdefgh.tmp", HOUR)
    atomic_write(tmp_path / "page.html", b"<p>page</p>\n")
    assert not stale.exists() and (tmp_path / "page.html").read_bytes() == b"<p>page</p>\n"


def test_a_write_through_a_link_removes_stale_files_beside_the_target(project: Path) -> None:
    link, target = _linked(project)
    stale = _temporary(target.parent, ".library.bib.12345678.tmp", HOUR)
    append_entry(link, ENTRY)
    assert not stale.exists()


def test_stale_temporary_files_in_the_parse_cache_are_removed(tmp_path: Path) -> None:
    """A killed cache write's temporary file is named after a record that may never be
    written again: the cache folder is ours, so a write there removes every stale one."""
    from citations.library import load_library

    bib = tmp_path / "refs.bib"
    bib.write_text("@misc{a, title = {One}}\n", "utf-8")
    parse = tmp_path / "cache" / "parse"
    parse.mkdir(parents=True)
    stale = _temporary(parse, ".0123abcd.json.k1ll3d_a.tmp", HOUR)
    fresh = _temporary(parse, ".0123abcd.json.wr1t1ng_.tmp", 5)
    load_library([bib], tmp_path / "cache")
    assert not stale.exists() and fresh.exists()


def test_a_build_removes_stale_temporary_files_beside_unchanged_outputs(tmp_path: Path) -> None:
    (tmp_path / "refs").mkdir()
    (tmp_path / "refs" / "lib.bib").write_text("@misc{a, title = {One}}\n", "utf-8")
    (tmp_path / "articles").mkdir()
    (tmp_path / "articles" / "a.md").write_text("# A\n\nOne [@a].\n", "utf-8")
    assert run_process("build", "articles", "-o", "out", cwd=tmp_path).returncode == 0
    left = [
        _temporary(tmp_path / "out", ".a.html.k1ll3d_a.tmp", HOUR),
        _temporary(tmp_path / "out", ".a.html.citations.json.k1ll3d_a.tmp", HOUR),
    ]
    again = run_process("build", "articles", "-o", "out", cwd=tmp_path)  # a later run
    assert again.returncode == 0 and "built 0" in again.stdout  # nothing is written again
    assert not any(path.exists() for path in left)
