"""Files that are not UTF-8: read in the encoding they declare or the settings name, else as
Windows-1252 with a warning; edits and additions keep the file's encoding (issue #12)."""

from __future__ import annotations

from pathlib import Path

import pytest

from citations.errors import LibraryError
from citations.findings import Fix
from citations.library import load_library
from citations.library.append import append_entry
from citations.library.edit import plan_fixes, write_edits
from citations.library.encoding import Encodings

# Windows-1252's curly quotes and en dash (0x93 0x94 0x96), which Latin-1 reads as controls.
CP1252 = b"@article{q,\n  title = {\x93Quoted\x94 \x96 Caf\xe9},\n  month = {March},\n}\n"
JABREF = b"% Encoding: windows-1252\n\n" + CP1252


def _load(tmp_path: Path, data: bytes, encodings: Encodings | None = None, cache: bool = False):
    bib = tmp_path / "refs.bib"
    bib.write_bytes(data)
    return load_library([bib], tmp_path / "cache" if cache else None, encodings), bib


@pytest.mark.parametrize("cache", [False, True])
def test_an_undeclared_file_is_read_as_windows_1252_and_said_so(
    tmp_path: Path, cache: bool
) -> None:
    for _ in range(2):  # the second load from the parse cache warns the same
        library, _bib = _load(tmp_path, CP1252, cache=cache)
        assert library["q"].get("title") == "“Quoted” – Café"
        ((code, severity, line),) = [(f.code, f.severity, f.span.line) for f in library.findings]
        assert (code, severity, line) == ("bib-encoding", "warning", 2)
        assert "iconv -f cp1252 -t utf-8" in library.findings[0].message


def test_bytes_windows_1252_leaves_undefined_are_read_as_latin_1(tmp_path: Path) -> None:
    library, _ = _load(tmp_path, b"@misc{u, title = {A\x81B\xe9}}\n")
    assert library["u"].get("title") == "A\x81Bé"
    assert "read as Latin-1" in library.findings[0].message


def test_a_declared_encoding_is_read_without_a_warning(tmp_path: Path) -> None:
    library, _ = _load(tmp_path, JABREF)
    assert library.findings == [] and library["q"].get("title") == "“Quoted” – Café"
    latin, _ = _load(tmp_path, b"% Encoding: ISO8859_1\n@misc{l, title = {Caf\xe9}}\n")
    assert latin.findings == [] and latin["l"].get("title") == "Café"


def test_a_declared_encoding_that_does_not_fit_skips_the_file_with_an_error(
    tmp_path: Path,
) -> None:
    library, _ = _load(tmp_path, b"% Encoding: ascii\n@misc{l, title = {Caf\xe9}}\n")
    ((finding),) = library.findings
    assert (finding.code, finding.severity, finding.span.line) == ("bib-encoding", "error", 2)
    assert "l" not in library


def test_the_settings_name_the_encoding_for_all_files_or_one(tmp_path: Path) -> None:
    data = b"@misc{m, title = {\x8e}}\n"  # Ž in Windows-1252, é in Mac Roman
    library, bib = _load(tmp_path, data, Encodings(default="mac-roman"))
    assert library.findings == [] and library["m"].get("title") == "é"
    library, _ = _load(tmp_path, data, Encodings(files={bib.resolve(): "mac-roman"}))
    assert library["m"].get("title") == "é"
    library, _ = _load(tmp_path, data, cache=True)
    assert library["m"].get("title") == "Ž"  # the settings are part of the cache's key
    library, _ = _load(tmp_path, data, Encodings(default="mac-roman"), cache=True)
    assert library["m"].get("title") == "é"


def test_an_ascii_file_that_declares_an_encoding_is_edited_in_it(tmp_path: Path) -> None:
    bib = tmp_path / "refs.bib"
    bib.write_bytes(b"% Encoding: windows-1252\n@misc{a, title = {A}}\n")
    (edit,) = plan_fixes([Fix(str(bib), "a", "title", "Café")])
    write_edits([edit])
    assert bib.read_bytes() == b"% Encoding: windows-1252\n@misc{a, title = {Caf\xe9}}\n"


def test_check_fix_keeps_a_windows_1252_file_byte_for_byte(run, tmp_path: Path) -> None:
    (tmp_path / "refs").mkdir()
    bib = tmp_path / "refs" / "old.bib"
    for data in (CP1252, JABREF):
        bib.write_bytes(data)
        run("check", "--fix", cwd=tmp_path)
        assert bib.read_bytes() == data.replace(b"{March}", b"mar")


def test_a_value_the_encoding_cannot_hold_is_not_written(tmp_path: Path) -> None:
    bib = tmp_path / "refs.bib"
    bib.write_bytes(JABREF)
    (edit,) = plan_fixes([Fix(str(bib), "q", "title", "Őz")])
    assert not edit.changed
    assert "cannot be written in cp1252" in edit.skipped[0][1]


def test_add_appends_in_the_file_encoding_or_refuses(tmp_path: Path) -> None:
    bib = tmp_path / "refs.bib"
    bib.write_bytes(JABREF)
    assert append_entry(bib, "@misc{b, title = {Caf\u00e9}}")
    assert bib.read_bytes().endswith(b"\n@misc{b, title = {Caf\xe9}}\n")
    with pytest.raises(LibraryError, match="cannot hold 'Ő'"):
        append_entry(bib, "@misc{c, title = {\u0150}}")
    assert b"@misc{c" not in bib.read_bytes()


def test_an_unknown_encoding_in_the_settings_is_a_usage_error_at_its_line(
    run, tmp_path: Path
) -> None:
    (tmp_path / "refs").mkdir()
    (tmp_path / "refs" / "a.bib").write_text("@misc{a, title = {A}}\n", "utf-8")
    (tmp_path / "citations.toml").write_text('[library]\n\nencoding = "klingon"\n', "utf-8")
    result = run("check", cwd=tmp_path)
    assert result.code == 3
    assert "citations.toml:3" in result.err and "unknown encoding 'klingon'" in result.err


@pytest.mark.parametrize(
    "command", [["verify", "--offline"], ["links"], ["claims", "articles"], ["build"]]
)
def test_every_command_says_which_file_it_skipped_and_fails(
    run, tmp_path: Path, command: list[str]
) -> None:
    (tmp_path / "refs").mkdir()
    (tmp_path / "articles").mkdir()
    good = "@article{a, author = {A, B}, title = {T}, journal = {J}, year = 2000}\n"
    (tmp_path / "refs" / "good.bib").write_text(good, "utf-8")
    (tmp_path / "refs" / "wide.bib").write_bytes("@misc{w, title = {W}}\n".encode("utf-16"))
    (tmp_path / "articles" / "x.md").write_text("Text [@a].\n", "utf-8")
    result = run(*command, cwd=tmp_path)
    assert result.code == 1
    assert "wide.bib:1:1: error[bib-encoding] UTF-16LE text" in result.err
