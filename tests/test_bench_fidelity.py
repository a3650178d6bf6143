"""bench/bench_fidelity.py's counting, on its hand-made cases, with biber stood in for."""

from __future__ import annotations

import sys
from collections.abc import Callable
from pathlib import Path

from conftest import ROOT

sys.path.insert(0, str(ROOT / "bench"))
import bench_fidelity as bench

import fidelity_fetch

CASES = ROOT / "bench" / "fidelity_cases"


def stand_in(keys: list[str]) -> Callable[[Path, bytes], bench.BiberRun]:
    """A biber that read `keys`, with the encoding the script would have given it."""

    def run(path: Path, content: bytes) -> bench.BiberRun:
        encoding, needed = bench.biber_encoding(content)
        return bench.BiberRun(list(keys), 0.0, encoding, needed)

    return run


def test_encodings_are_given_as_a_biber_user_would() -> None:
    def encoding(name: str) -> tuple[str, bool]:
        return bench.biber_encoding((CASES / name).read_bytes())

    assert encoding("cp1252_header.bib") == ("cp1252", False)  # "% Encoding: windows-1252"
    assert encoding("latin1_header.bib") == ("latin1", False)  # JabRef's Java name ISO8859_1
    assert encoding("cp1252_noheader.bib") == ("cp1252", True)
    assert encoding("comment_lines.bib") == ("UTF-8", False)


def test_biber_keys_come_from_its_debug_log() -> None:
    log = (
        "[56] bibtex.pm:996> DEBUG - Adding entry with key 'b' to entry list\n"
        "[56] bibtex.pm:950> DEBUG - Creating biber Entry object with key 'x'\n"
        "[57] bibtex.pm:996> DEBUG - Adding entry with key 'O'Brien:1999' to entry list\n"
    )
    assert bench.logged_keys(log) == ["b", "O'Brien:1999"]


def test_entry_sites_find_parenthesised_entries_but_not_strings() -> None:
    sites = bench.entry_sites((CASES / "paren_entries.bib").read_text("utf-8"))
    assert sites == {
        "scribe": (4, "scribe"),
        "abelson:sicp": (11, "abelson:sicp"),
        "braced:after": (18, "braced:after"),
    }


def test_a_lost_entry_is_with_a_finding_only_near_its_line() -> None:
    text = (CASES / "comment_lines.bib").read_text("utf-8")  # entries on lines 2, 11, 18
    biber = bench.BiberRun(["knuth:ct", "Lamport:LaTeX", "percent:value"], 0.0, "UTF-8")
    ours = bench.OursRun(["KNUTH:CT"], [("bib-syntax", 13), ("other", 22)], 0.0)
    loaded, lost = bench.compare(CASES / "comment_lines.bib", text, biber, ours)
    assert loaded == 1  # matched without regard to case
    assert [(item.line, item.key, item.code) for item in lost] == [
        (11, "lamport:latex", "bib-syntax"),
        (18, "percent:value", ""),  # 4 lines off: silent
    ]
    skipped = bench.OursRun([], [], 0.0, skipped="bib-encoding")
    _, lost = bench.compare(CASES / "comment_lines.bib", text, biber, skipped)
    assert {item.code for item in lost} == {"bib-encoding"}


def test_each_entry_biber_reads_is_loaded_or_lost_on_two_cases() -> None:
    for name, keys in [
        ("comment_lines.bib", ["knuth:ct", "lamport:latex", "percent:value"]),
        ("cp1252_header.bib", ["cp1252:quotes", "cp1252:euro"]),
    ]:
        result = bench.measure_file(CASES / name, "hand-made", 2, stand_in(keys))
        assert result.loaded + len(result.lost) == len(keys), name
        assert not result.extra and not result.ours.crash, name
        for item in result.lost:  # where the loader reports the entry, the line is found
            assert item.line > 0, (name, item)
        assert not any(item.code == "" for item in result.lost), name  # issue #12's target
    assert result.biber.encoding == "cp1252"


def test_corpus_files_groups_by_folder_and_reads_copies_once(tmp_path: Path) -> None:
    (tmp_path / "pkg-a" / "doc").mkdir(parents=True)
    (tmp_path / "pkg-b").mkdir()
    (tmp_path / "pkg-a" / "doc" / "x.bib").write_text("@misc{x, title={X}}\n")
    (tmp_path / "pkg-b" / "copy.bib").write_text("@misc{x, title={X}}\n")
    (tmp_path / "pkg-b" / "y.bib").write_text("@misc{y, title={Y}}\n")
    files, copies = fidelity_fetch.corpus_files(tmp_path, None)
    assert [(group, path.name) for group, path in files] == [("pkg-a", "x.bib"), ("pkg-b", "y.bib")]
    assert copies == 1


def test_keys_biber_logs_in_nfd_match_ours_in_nfc() -> None:
    assert bench.fold("associac\u0327a\u0303o1988") == bench.fold("Associação1988")


def test_entry_sites_take_any_type_name_and_keys_up_to_equals() -> None:
    """biber ends a key at `=`: abnTeX2's `@ABNT-options{abnt-doi=link,` is key abnt-doi."""
    text = "@FAKE-ENTRY\n  {fake-key,\n x = 1}\n@\n\nMaNuAl (scribe,\n t=1)\n@opt{a=b,\n c=1}\n"
    assert bench.entry_sites(text) == {
        "fake-key": (1, "fake-key"),
        "scribe": (4, "scribe"),
        "a": (8, "a"),
    }
