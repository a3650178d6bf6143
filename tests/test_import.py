"""`citations import`: PubMed MEDLINE, EndNote and Zotero RIS, Zotero CSL-JSON and BibTeX files
become the entries `add` would write; duplicates are skipped and named, damaged records fail
at their file:line while the rest is imported, and hostile files never raise a traceback.

The fixtures describe the example's references (as refs/example.bib has them), in each tool's
layout; their other tags (abstracts, dates of indexing, pii) only fill the layout out. Two are
made up for the test: the MEDLINE file's third record (PMID 99000001, a DOI under Crossref's
10.5555 test prefix), to carry a corporate author and names with diacritics, and the Zotero
CSL-JSON's chapter, to carry name particles and an editor."""

from __future__ import annotations

import json
import re
import shutil
from pathlib import Path

import pytest

from conftest import FIXTURES, ROOT

HERE = FIXTURES / "interchange"


@pytest.fixture
def empty(tmp_path: Path) -> Path:
    """A project with the example's settings (sentence case on) and no entries."""
    shutil.copy(ROOT / "citations.toml", tmp_path)
    (tmp_path / "refs").mkdir()
    return tmp_path


@pytest.fixture
def example(tmp_path: Path) -> Path:
    """The example project, its six entries in refs/example.bib."""
    shutil.copy(ROOT / "citations.toml", tmp_path)
    shutil.copytree(ROOT / "refs", tmp_path / "refs")
    return tmp_path


def spans(err: str, name: str) -> list[int]:
    """The lines of `name` that standard error points at, in order."""
    return [int(n) for n in re.findall(rf"^{re.escape(name)}:(\d+):1: ", err, re.M)]


@pytest.mark.parametrize(
    "name",
    [
        pytest.param("pubmed.nbib", id="pubmed-medline"),
        pytest.param("endnote.ris", id="endnote-ris"),
        pytest.param("zotero.ris", id="zotero-ris"),
        pytest.param("zotero.json", id="zotero-csl-json"),
    ],
)
def test_each_export_imports_the_expected_entries(run, empty: Path, name: str) -> None:
    shutil.copy(HERE / name, empty)
    result = run("import", name, cwd=empty)
    assert result.code == 0, result.err
    expected = HERE / "expected" / (name.replace(".", "-") + ".bib")
    assert (empty / "refs" / "added.bib").read_text("utf-8") == expected.read_text("utf-8")
    keys = re.findall(r"^@\w+\{([^,]+),", expected.read_text("utf-8"), re.M)
    assert [k for k in keys if re.search(rf"\b{k}\b", result.err)] == keys


def test_medline_names_ids_and_corporate_authors(empty: Path) -> None:
    from citations.interchange.medline import read_medline

    read = read_medline((HERE / "pubmed.nbib").read_text("utf-8"))
    assert read.failures == [] and [w.line for w in read.works] == [2, 60, 84]
    wu, sheng, made_up = (w.record for w in read.works)
    assert (wu.pmid, wu.pmcid, wu.doi, wu.issn) == (
        "26959661", "PMC4784927", "10.1371/journal.pone.0150367", ("1932-6203",),
    )  # fmt: skip
    assert wu.title.startswith("The Efficacy of Acupuncture in Post-Operative Pain Management: A")
    assert (sheng.year, sheng.month, sheng.pages, sheng.language) == (2010, 12, "982-4", "chi")
    assert [p.family or p.literal for p in made_up.authors] == [
        "Müller", "Øvrebø", "Šimić", "García-López", "Nordic Arthroplasty Register Association",
    ]  # fmt: skip
    assert made_up.authors[1].given == "Åse Marit" and made_up.authors[4].literal


def test_a_medline_file_with_crlf_line_ends_reads_the_same(run, empty: Path) -> None:
    data = (HERE / "pubmed.nbib").read_bytes().replace(b"\n", b"\r\n")
    (empty / "pubmed.txt").write_bytes(data)  # PubMed's "Citation manager" names it .txt too
    result = run("import", "pubmed.txt", cwd=empty)
    assert result.code == 0, result.err
    expected = (HERE / "expected" / "pubmed-nbib.bib").read_text("utf-8")
    assert (empty / "refs" / "added.bib").read_text("utf-8") == expected


def test_duplicates_of_the_library_are_skipped_and_named(run, example: Path) -> None:
    before = (example / "refs" / "example.bib").read_bytes()
    for name in ("pubmed.nbib", "endnote.ris"):
        shutil.copy(HERE / name, example)
    result = run("import", "pubmed.nbib", "endnote.ris", cwd=example)
    assert result.code == 0, result.err
    skipped = dict(re.findall(r"^(\S+:\d+):1: .*\b(\w+\d{4}\w+)$", result.err, re.M))
    assert skipped == {
        "pubmed.nbib:2": "wu2016efficacy",  # by DOI and PMID
        "pubmed.nbib:60": "sheng2010comparative",  # by PMID
        "endnote.ris:1": "park2023acupuncture",  # by DOI
        "endnote.ris:25": "usichenko2005auricular",  # no identifier: title, author, year
    }
    after = (example / "refs" / "example.bib").read_bytes()
    assert after.startswith(before)  # appended after the last byte, nothing else touched
    assert re.findall(r"^@\w+\{([^,]+),", after[len(before) :].decode(), re.M) == [
        "muller2024hip", "worldhealthorganization2013who",
    ]  # fmt: skip


def test_duplicates_within_the_batch_are_skipped(run, empty: Path) -> None:
    for name in ("zotero.json", "endnote.ris", "zotero.ris", "pubmed.nbib"):
        shutil.copy(HERE / name, empty)
    result = run("import", "zotero.json", "endnote.ris", "zotero.ris", "pubmed.nbib", cwd=empty)
    assert result.code == 0, result.err
    assert "endnote.ris:1:1: " in result.err and "pubmed.nbib:60:1: " in result.err
    text = (empty / "refs" / "added.bib").read_text("utf-8")
    keys = re.findall(r"^@\w+\{([^,]+),", text, re.M)
    assert len(keys) == len(set(keys)) == 9
    assert keys.count("park2023acupuncture") == 1 and "park2023acupuncturea" not in keys


@pytest.mark.parametrize(
    ("name", "failed", "imported"),
    [
        pytest.param(
            "damaged.nbib",
            [11, 15],
            ["sheng2010comparative", "usichenko2005auricular"],
            id="medline-bad-line-and-no-title",
        ),
        pytest.param("damaged.ris", [8, 14], ["sheng2010comparative"], id="ris-no-title-no-er"),
        pytest.param(
            "damaged.json",
            [4, 6, 7, 8],
            ["sheng2010comparative", "usichenko2005auricular"],
            id="csl-json-bad-items",
        ),
    ],
)
def test_a_damaged_record_fails_at_its_line_and_the_rest_is_imported(
    run, empty: Path, name: str, failed: list[int], imported: list[str]
) -> None:
    shutil.copy(HERE / name, empty)
    result = run("import", name, cwd=empty)
    assert result.code == 1
    assert "Traceback" not in result.err
    assert [n for n in spans(result.err, name) if n in failed] == failed
    text = (empty / "refs" / "added.bib").read_text("utf-8")
    assert re.findall(r"^@\w+\{([^,]+),", text, re.M) == imported


def test_dry_run_prints_and_writes_nothing(run, empty: Path) -> None:
    shutil.copy(HERE / "zotero.ris", empty)
    result = run("import", "zotero.ris", "--dry-run", "--into", "refs/x.bib", cwd=empty)
    assert result.code == 0
    assert result.out == (HERE / "expected" / "zotero-ris.bib").read_text("utf-8")
    assert not (empty / "refs" / "x.bib").exists()


def test_format_is_told_by_content_not_name(run, empty: Path) -> None:
    shutil.copy(HERE / "zotero.ris", empty / "export.json")
    shutil.copy(HERE / "zotero.json", empty / "library.txt")
    shutil.copy(ROOT / "refs" / "example.bib", empty / "shared.txt")
    result = run("import", "export.json", "library.txt", "shared.txt", cwd=empty)
    assert result.code == 0, result.err
    text = (empty / "refs" / "added.bib").read_text("utf-8")
    # The example's web pages and articles found in the first two files are duplicates.
    assert re.findall(r"^@\w+\{([^,]+),", text, re.M)[5:] == [
        "wu2016efficacy", "usichenko2005auricular",
    ]  # fmt: skip
    for fmt in ("ris", "nbib", "bibtex"):
        forced = run("import", "library.txt", "--format", fmt, "--dry-run", cwd=empty)
        assert forced.code == 1 and spans(forced.err, "library.txt") == [1], fmt


def test_bibtex_imports_as_add_writes_it(run, empty: Path) -> None:
    (empty / "old.bib").write_text(
        '@article{X1, title = {A {Study} of {DNA}}, author = {M{\\"u}ller, J. and Doe, Jane},'
        " journal = {J Test}, year = 2020, month = may, pages = {5-9}, doi = {10.5555/x1}}\n"
        "@article{broken, title = {Unclosed\n",
        "utf-8",
    )
    result = run("import", "old.bib", "--keep-case", cwd=empty)
    assert result.code == 1 and spans(result.err, "old.bib") == [2]
    assert (empty / "refs" / "added.bib").read_text("utf-8") == (
        "@article{muller2020study,\n  author = {Müller, J. and Doe, Jane},\n"
        "  title = {A {Study} of {DNA}},\n  journal = {J Test},\n  year = {2020},\n"
        "  month = may,\n  pages = {5--9},\n  doi = {10.5555/x1},\n}\n"
    )


@pytest.mark.parametrize(
    ("data", "line"),
    [
        pytest.param(b"\x89PNG\r\n\x1a\n\x00\x00\x00\rIHDR", 3, id="binary"),
        pytest.param(b"TY  - JOUR\nTI  - Caf\xe9\nER  - \n", 2, id="latin-1"),
        pytest.param(b"[" * 200_000, 1, id="deeply-nested-json"),
        pytest.param(
            b'[{"title": ' + b"[" * 100_000 + b"]" * 100_000 + b"}]", 1, id="nested-field"
        ),
        pytest.param(b'{"items": [\n{"title": "A", "author": [{"fam', 2, id="truncated-json"),
        pytest.param(b"\xef\xbb\xbfjust some words\n", 1, id="unknown-format"),
        pytest.param(b"", 1, id="empty"),
    ],
)
def test_hostile_files_fail_at_a_line_without_a_traceback(
    run, empty: Path, data: bytes, line: int
) -> None:
    (empty / "in.dat").write_bytes(data)
    result = run("import", "in.dat", cwd=empty)
    assert result.code == 1, result.err
    assert "Traceback" not in result.err and "internal error" not in result.err
    assert spans(result.err, "in.dat")[:1] == [line]
    assert not (empty / "refs" / "added.bib").exists()


def test_a_huge_file_is_refused_unread(run, empty: Path) -> None:
    from citations.commands.import_ import MAX_FILE

    with (empty / "huge.ris").open("wb") as f:
        f.truncate(MAX_FILE + 1)  # sparse: nothing is written to disk, nothing is read
    result = run("import", "huge.ris", cwd=empty)
    assert result.code == 1 and spans(result.err, "huge.ris") == [1]


def test_records_without_fields_give_what_they_have(run, empty: Path) -> None:
    (empty / "bare.ris").write_text("TY  - JOUR\nTI  - Only a title\nER  - \n", "utf-8")
    (empty / "bare.nbib").write_text("PMID- 1\nTI  - Only a title too.\n", "utf-8")
    (empty / "bare.json").write_text('{"items": [{"title": "Only a title as well"}]}', "utf-8")
    result = run("import", "bare.ris", "bare.nbib", "bare.json", cwd=empty)
    assert result.code == 0, result.err
    text = (empty / "refs" / "added.bib").read_text("utf-8")
    assert re.findall(r"^@(\w+)\{([^,]+),", text, re.M) == [
        ("article", "anononly"), ("article", "anononlya"), ("misc", "anononlyb"),
    ]  # fmt: skip


def test_hostile_field_values_cannot_break_the_entry(run, empty: Path) -> None:
    hostile = {"type": "webpage", "title": "T}{", "URL": "https://example.org/}{"}
    hostile |= {"DOI": "10.1/x}", "PMID": "12}", "ISSN": "}{", "note": "updated: }{"}
    fine = {"type": "article-journal", "title": "Fine", "DOI": "10.5555/ok"}
    items = [{**hostile, "author": [{"literal": "A}"}]}, fine]
    (empty / "bad.json").write_text(json.dumps(items), "utf-8")
    result = run("import", "bad.json", cwd=empty)
    assert result.code == 0, result.err
    from citations.library import load_library

    library = load_library([empty / "refs"])
    assert library.findings == [] and len(library) == 2
    first = next(iter(library))
    assert first.get("title") == "T}{" and not first.get("url") and not first.get("updated")


def test_mendeley_ris_dialect() -> None:
    from citations.interchange.ris import read_ris

    text = (
        "TY  - JOUR\nAU  - Wu, Ming-Shun\nAU  - Chen, Kee-Hsin\nTI  - The efficacy of acupuncture\n"
        "JO  - PLoS ONE\nPY  - 2016\nVL  - 11\nIS  - 3\nSP  - e0150367\nSN  - 1932-6203\n"
        "DO  - 10.1371/journal.pone.0150367\nUR  - https://doi.org/10.1371/journal.pone.0150367\n"
        "N1  - PMID: 26959661\nER  - \n"
    )
    read = read_ris(text)
    assert read.failures == []
    record = read.works[0].record
    assert (record.container, record.year, record.pages, record.pmid) == (
        "PLoS ONE", 2016, "e0150367", "26959661",
    )  # fmt: skip
    assert [p.family for p in record.authors] == ["Wu", "Chen"] and not read.works[0].web


@pytest.mark.parametrize(
    ("name", "text", "expected"),
    [
        pytest.param("a.txt", "\nPMID- 1\nTI  - T.\n", "nbib", id="medline-as-txt"),
        pytest.param("a.json", "TY  - JOUR\nER  - \n", "ris", id="ris-named-json"),
        pytest.param("a.ris", '  {"items": []}', "csl-json", id="json-named-ris"),
        pytest.param("a.txt", "% comment\n@article{k,}\n", "bibtex", id="bibtex-as-txt"),
        pytest.param("a.nbib", "nothing recognisable", "nbib", id="by-name-last"),
        pytest.param("a.dat", "nothing recognisable", None, id="unknown"),
    ],
)
def test_format_detection(name: str, text: str, expected: str | None) -> None:
    from citations.interchange.detect import detect_format

    assert detect_format(name, text) == expected
