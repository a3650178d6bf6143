"""Loading the library: macros, LaTeX, names, crossref, broken input, and the parse cache."""

from __future__ import annotations

from pathlib import Path

import pytest

from citations.errors import LibraryError
from citations.library import load_library
from citations.library.cache import FORMAT

from conftest import FIXTURES

MULTI = FIXTURES / "library" / "multi"


@pytest.fixture
def library():
    return load_library([MULTI])


def test_every_bib_file_under_a_folder_loads_in_order(library) -> None:
    assert [p.name for p in library.files] == ["a.bib", "b.bib"]
    assert list(library.references) == ["usichenko2005", "parent", "child", "after"]


def test_macros_carry_across_files_and_months_expand(library) -> None:
    ref = library["usichenko2005"]
    assert ref.get("journal") == "Pain"
    assert ref.get("month") == "April"
    assert ref.get("year") == "2005"
    assert library["child"].get("journal") == "BMJ Open"


def test_latex_becomes_unicode(library) -> None:
    child = library["child"]
    assert child.get("title") == "On in vivo tests – a review of 10% & more"
    assert library["parent"].get("title") == "The DNA Handbook"


def test_url_is_verbatim(library) -> None:
    assert library["child"].get("url") == "https://example.org/a_b%20c~d"


def test_names_are_parsed(library) -> None:
    authors = library["child"].authors
    assert [(n.first, n.last, n.jr, n.corporate) for n in authors.names] == [
        ("Jörg", "Müller", "", False),
        ("", "World Health Organization", "", True),
        ("Henry", "Ford", "Jr.", False),
    ]
    editors = library["child"].editors  # inherited from the crossref parent
    assert editors.others is True
    assert (editors.names[0].von, editors.names[0].last) == ("van der", "Berg")
    assert len(library["usichenko2005"].authors.names) == 6


def test_crossref_inherits_missing_fields(library) -> None:
    child = library["child"]
    assert child.get("booktitle") == "The DNA Handbook"  # a book's title is the part's booktitle
    assert child.get("publisher") == "Springer"
    assert child.get("year") == "2020"
    assert child.get("title").startswith("On in vivo")  # its own title is kept


def _codes(library) -> list[tuple[str, str, int]]:
    return [(f.code, Path(f.span.path).name, f.span.line) for f in library.findings]


def test_problems_are_findings_with_file_and_line_and_the_rest_loads(library) -> None:
    codes = _codes(library)
    assert ("duplicate-key", "b.bib", 10) in codes
    assert ("bib-syntax", "b.bib", 15) in codes
    assert ("undefined-macro", "b.bib", 21) in codes
    duplicate = next(f for f in library.findings if f.code == "duplicate-key")
    assert [(Path(s.path).name, s.line) for s in duplicate.related] == [("a.bib", 5)]
    assert library["usichenko2005"].get("year") == "2005"  # the first definition wins
    assert library["after"].get("title") == "Still loads"


def test_a_file_that_is_not_utf8_is_read_as_windows_1252_with_a_warning() -> None:
    library = load_library([FIXTURES / "library" / "latin1.bib", MULTI / "a.bib"])
    assert _codes(library) == [("bib-encoding", "latin1.bib", 2)]
    (finding,) = library.findings
    assert finding.severity == "warning"
    assert "read as Windows-1252" in finding.message and "iconv -f cp1252" in finding.message
    assert "usichenko2005" in library and library["latin"].get("title") == "Café"


def test_a_missing_path_is_an_error() -> None:
    with pytest.raises(LibraryError, match="no such file"):
        load_library([Path("does/not/exist.bib")])


def test_the_parse_cache_is_keyed_by_content(tmp_path: Path) -> None:
    bib = tmp_path / "refs.bib"
    bib.write_text("@article{a, title = {One}, year = 2001}\n", "utf-8")
    cache = tmp_path / "cache"
    first = load_library([bib], cache)
    stored = list((cache / "parse").glob("*.json"))
    assert len(stored) == 1
    again = load_library([bib], cache)
    assert again["a"].get("title") == first["a"].get("title") == "One"
    assert list((cache / "parse").glob("*.json")) == stored  # a hit writes nothing new
    bib.write_text("@article{a, title = {Two}, year = 2001}\n", "utf-8")
    assert load_library([bib], cache)["a"].get("title") == "Two"


def test_a_damaged_cache_file_is_only_a_miss(tmp_path: Path) -> None:
    bib = tmp_path / "refs.bib"
    bib.write_text("@article{a, title = {One}}\n", "utf-8")
    cache = tmp_path / "cache"
    load_library([bib], cache)
    for stored in (cache / "parse").glob("*.json"):
        stored.write_bytes(FORMAT + b"garbage")
    assert load_library([bib], cache)["a"].get("title") == "One"


def test_suggestions_for_unknown_keys(library) -> None:
    assert library.suggest("usichenko2006") == ["usichenko2005"]
    assert library.suggest("CHILD") == ["child"]


COMMENTED = """\
@article{a, % the key's comment, with a comma
  title = {T},  % why = because, see {below}
  % editora = {Someone},
  note = "50% of {x}, % kept",
  url = {http://x.org/a%20b},
  year = {2001}
}
@MANUAL(scribe,
  % a comment in a parenthesised entry (with a paren)
  title = {Scribe (v2)},
  year = 1980
)
"""


def test_comments_between_fields_are_ignored_as_biber_does(tmp_path: Path) -> None:
    bib = tmp_path / "refs.bib"
    bib.write_text(COMMENTED, "utf-8")
    library = load_library([bib])
    assert library.findings == []
    a = library["a"]
    assert dict(a.raw) == {
        "title": "T",
        "note": "50% of {x}, % kept",
        "url": "http://x.org/a%20b",
        "year": "2001",
    }
    assert dict(a.field_lines) == {"title": 2, "note": 4, "url": 5, "year": 6}
    assert dict(library["scribe"].raw) == {"title": "Scribe (v2)", "year": "1980"}


def test_an_edit_beside_comments_keeps_every_byte_of_them(tmp_path: Path) -> None:
    from citations.findings import Fix
    from citations.library.edit import plan_fixes

    bib = tmp_path / "refs.bib"
    bib.write_text(COMMENTED, "utf-8")
    (edit,) = plan_fixes(
        [Fix(str(bib), "a", "year", "2002"), Fix(str(bib), "scribe", "year", "1981")]
    )
    assert not edit.skipped
    assert edit.new_text == COMMENTED.replace("{2001}", "{2002}").replace("1980", "{1981}")


INHERITING = """\
@xdata{pubinfo, publisher = {Oxford University Press}, location = {Oxford}}
@book{whole-journal, title = {The Whole}, year = 2001, publisher = {P}}
@incollection{child, author = {A, B}, title = {Part}, crossref = {WHOLE-JOURNAL},
  xdata = {PubInfo}, pages = {1--2}}
@misc{orphan, title = {O}, crossref = {nowhere}, xdata = {none1}}
"""


def test_crossref_and_xdata_match_keys_ignoring_case_as_bibtex_does(tmp_path: Path) -> None:
    bib = tmp_path / "refs.bib"
    bib.write_text(INHERITING, "utf-8")
    library = load_library([bib])
    child = library["child"]
    assert child.get("booktitle") == "The Whole"  # the container's title, as biblatex maps it
    assert child.get("publisher") == "Oxford University Press"  # xdata before crossref
    assert child.get("year") == "2001"
    assert library.sources["child"] == ("pubinfo", "whole-journal")
    assert [(f.code, f.message) for f in library.findings] == [
        ("unknown-crossref", "xdata 'none1' is not in the library"),
        ("unknown-crossref", "crossref 'nowhere' is not in the library"),
    ]


def test_what_a_cited_entry_takes_fields_from_is_not_uncited(tmp_path: Path) -> None:
    from citations.render.coverage import uncited

    bib = tmp_path / "refs.bib"
    bib.write_text(INHERITING, "utf-8")
    library = load_library([bib])
    assert [f.key for f in uncited(library, {"child"}, "a.md")] == ["orphan"]
    every = ["pubinfo", "whole-journal", "child", "orphan"]
    assert [f.key for f in uncited(library, set(), "a.md")] == every


SPACED = """\
@article
{k1, title = {One}, year = {2001}}

@ misc{k2, title = {Two}}
@article key3, title = {Lost}}
% mail me@example.org
@book(k4, title = {Four})
"""


def test_blank_space_around_an_entry_type_is_read_as_bibtex_reads_it(tmp_path: Path) -> None:
    """bibtexparser took `@article` + line break + `{` for comment text, without a word."""
    bib = tmp_path / "refs.bib"
    bib.write_text(SPACED, "utf-8")
    library = load_library([bib])
    assert list(library.references) == ["k1", "k2", "k4"]
    assert library["k1"].span.line == 1 and library["k1"].field_lines["year"] == 2
    assert [(f.code, f.span.line) for f in library.findings] == [("bib-syntax", 5)]
    assert "'@article' starts a block that cannot be read" in library.findings[0].message


def test_an_entry_with_a_spaced_start_is_edited_in_place(tmp_path: Path) -> None:
    from citations.findings import Fix
    from citations.library.edit import plan_fixes

    bib = tmp_path / "refs.bib"
    bib.write_text(SPACED, "utf-8")
    (edit,) = plan_fixes([Fix(str(bib), "k1", "year", "2002"), Fix(str(bib), "k2", "title", "2")])
    assert not edit.skipped
    assert edit.new_text == SPACED.replace("{2001}", "{2002}").replace("{Two}", "{2}")


LATEX_BREAKS = """\
@book{toc, title = {T}, year = 2001,
  contents = {Part 1 \\\\
              Part 2 \\\\
              Part 3},
  note = {N},
}

@book{after, title = {A}, year = 2002, month = {March}}
The next block is BibTeX too.@
ABNT-options  (opt, x = 1)
"""


def test_lines_after_a_latex_line_break_are_where_the_file_has_them(tmp_path: Path) -> None:
    """bibtexparser counted no line ending in a backslash: every later line came too early."""
    bib = tmp_path / "refs.bib"
    bib.write_text(LATEX_BREAKS, "utf-8")
    library = load_library([bib])
    assert library["toc"].field_lines["note"] == 5
    assert library["after"].span.line == 8
    assert [(f.code, f.span.line) for f in library.findings] == [("bib-syntax", 9)]
    assert "'@ABNT-options' starts a block" in library.findings[0].message

    from citations.findings import Fix
    from citations.library.edit import plan_fixes

    (edit,) = plan_fixes([Fix(str(bib), "after", "month", "mar", bare=True)])
    assert not edit.skipped and "month = mar}" in edit.new_text


def test_a_type_that_starts_like_comment_is_an_entry(tmp_path: Path) -> None:
    """bibtexparser read `@COMMENTARY{...}` (biblatex-jura2, oscola) as an `@comment`."""
    bib = tmp_path / "refs.bib"
    text = "@comment{a note}\n\n@COMMENTARY{palandt,\n  editor = {Palandt, Otto},\n  title = {X}}\n"
    bib.write_text(text, "utf-8")
    library = load_library([bib])
    assert list(library.references) == ["palandt"] and library.findings == []
    ref = library["palandt"]
    assert (ref.type, ref.span.line, dict(ref.field_lines)) == (
        "commentary",
        3,
        {"editor": 4, "title": 5},
    )


def test_a_block_start_on_a_commented_out_line_is_a_comment(tmp_path: Path) -> None:
    """biblatex-cv.bib keeps templates as `%@Abstract{Abstract:,` ... `%}`: biber skips the
    lines. bibtexparser took them for a block that ran on through the `%}`, and every later
    entry's line was 330 too far (and `check` failed on a line past the end of the file)."""
    bib = tmp_path / "refs.bib"
    template = "%@Abstract{Abstract:,\n  %Author = {},\n  %Title  = {},\n%}\n\n"
    bib.write_text(
        template * 3 + "  % @misc{old, title = {Kept as a note}}\n"
        "@article{real,\n  title = {Real},\n  year = {2020},\n}\n",
        "utf-8",
    )
    library = load_library([bib])
    assert list(library.references) == ["real"] and library.findings == []
    assert (library["real"].span.line, library["real"].field_lines["year"]) == (17, 19)
    assert bib.read_text("utf-8").startswith(template)  # nothing written


def test_parentheses_delimit_strings_preambles_and_comments_too(tmp_path: Path) -> None:
    bib = tmp_path / "refs.bib"
    bib.write_text(
        '@string (J = {Journal (of) Things})\n@preamble("\\newcommand{\\x}{y}")\n'
        "@comment(a note, with a comma)\n@ARTICLE(k, journal = J, title = {T (a)})\n",
        "utf-8",
    )
    library = load_library([bib])
    assert library.findings == []
    assert dict(library["k"].raw) == {"journal": "Journal (of) Things", "title": "T (a)"}
