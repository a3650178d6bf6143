"""`citations check --fix` and `--diff` end to end: only the fixed values change, byte for byte."""

from __future__ import annotations

import json
import shutil
from pathlib import Path

import pytest

from conftest import FIXTURES

ORIGINAL = (FIXTURES / "check_fix" / "library.bib").read_bytes()
# Each fixable value as written, and what --fix must write instead.
CHANGES = [
    (b"Chen, I-Fan et al.}", b"Chen, I-Fan and others}"),
    (b"{March}", b"mar"),
    (b"{https://doi.org/10.1371/journal.pone.0150367}", b"{10.1371/journal.pone.0150367}"),
    (b"{320-327}", b"{320--327}"),
    (b"{doi:10.1016/j.pain.2004.12.016}", b"{10.1016/j.pain.2004.12.016}"),
]


@pytest.fixture
def project(tmp_path: Path) -> Path:
    (tmp_path / "refs").mkdir()
    shutil.copy(FIXTURES / "check_fix" / "library.bib", tmp_path / "refs" / "library.bib")
    (tmp_path / "citations.toml").write_text("[check]\nuncited = false\n", "utf-8")
    return tmp_path


def _fixable(run, project: Path) -> list[str]:
    result = run("check", "-f", "json", cwd=project)
    return sorted(f["code"] for f in json.loads(result.out)["findings"] if f["fixable"])


def test_fix_changes_only_the_fixed_values(run, project: Path) -> None:
    assert _fixable(run, project) == [
        "doi-not-normalized", "doi-not-normalized", "et-al-in-authors", "month-not-macro",
        "pages-single-hyphen",
    ]  # fmt: skip
    result = run("check", "--fix", cwd=project)
    assert "fixed 5 fields in 1 file" in result.err
    written = (project / "refs" / "library.bib").read_bytes()
    expected = ORIGINAL
    for old, new in CHANGES:
        assert expected.count(old) == 1
        expected = expected.replace(old, new)
    assert written == expected  # every other byte (comments, tabs, macros, order) is identical
    assert _fixable(run, project) == []
    assert not list((project / "refs").glob("*.tmp"))


def test_diff_shows_the_fixes_and_writes_nothing(run, project: Path) -> None:
    result = run("check", "--diff", cwd=project)
    assert (project / "refs" / "library.bib").read_bytes() == ORIGINAL
    assert "--- a/" in result.out and "+++ b/" in result.out
    assert "-\tyear = 2016,   month = {March}," in result.out
    assert "+\tyear = 2016,   month = mar," in result.out
    assert "+  pages     = {320--327}," in result.out
