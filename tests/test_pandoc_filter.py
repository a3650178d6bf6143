"""`citations-pandoc` run by real pandoc (the pypandoc-binary wheel): the example to Word with
its numbers and reference list as `citations render` prints them, links both ways in HTML,
and failures (unknown keys, a broken library) that fail pandoc with file:line."""

from __future__ import annotations

import os
import re
import shutil
import subprocess
import sys
import zipfile
from collections.abc import Callable
from html.parser import HTMLParser
from pathlib import Path
from xml.etree import ElementTree

import pytest

from conftest import ROOT

EXAMPLE = "articles/acupuncture-for-hip-pain.md"
W = "{http://schemas.openxmlformats.org/wordprocessingml/2006/main}"
BIB = """@article{alpha,
  author = {Smith, Ann and Jones, Bob},
  title = {A first study},
  journal = {Journal of Tests},
  year = {2020}, volume = {1}, pages = {1--9},
}
@article{beta,
  author = {Brown, Carl},
  title = {A second study},
  journal = {Journal of Tests},
  year = {2021}, volume = {2}, pages = {10--19},
}
@article{gamma,
  author = {Green, Dora},
  title = {A third study},
  journal = {Other Journal},
  year = {2022}, volume = {3}, pages = {20--29},
}
@article{delta,
  author = {White, Eve},
  title = {A fourth study},
  journal = {Other Journal},
  year = {2023}, volume = {4}, pages = {30--39},
}
"""


def _bin_path() -> str:
    return os.pathsep.join([str(Path(sys.executable).parent), os.environ.get("PATH", "")])


def _pandoc(*args: str, cwd: Path, stdin: str | None = None) -> subprocess.CompletedProcess[str]:
    """Real pandoc, with the venv's bin on PATH so `--filter citations-pandoc` finds the
    installed console script."""
    import pypandoc

    return subprocess.run(
        [pypandoc.get_pandoc_path(), *args], cwd=cwd, input=stdin, capture_output=True,
        text=True, timeout=120, env={**os.environ, "PATH": _bin_path()},
    )  # fmt: skip


@pytest.fixture(scope="module")
def example(tmp_path_factory: pytest.TempPathFactory) -> Path:
    """The repository's example project, copied."""
    root = tmp_path_factory.mktemp("example")
    shutil.copy(ROOT / "citations.toml", root)
    for name in ("refs", "articles"):
        shutil.copytree(ROOT / name, root / name)
    return root


@pytest.fixture
def project(tmp_path: Path) -> Callable[[str], Path]:
    """A small project (four entries) with the article given; returns its folder."""

    def make(article: str) -> Path:
        (tmp_path / "refs").mkdir(exist_ok=True)
        (tmp_path / "refs" / "lib.bib").write_text(BIB, "utf-8")
        (tmp_path / "citations.toml").write_text('refs = ["refs"]\n', "utf-8")
        (tmp_path / "article.md").write_text(article, "utf-8")
        return tmp_path

    return make


def _render(run: Callable[..., object], article: str, to: str, cwd: Path) -> str:
    result = run("render", article, "--to", to, cwd=cwd)
    assert result.code == 0, result.err  # type: ignore[attr-defined]
    return str(result.out)  # type: ignore[attr-defined]


def _render_superscripts(markdown: str) -> list[str]:
    return [re.sub("<[^>]+>", "", s) for s in re.findall(r"<sup>(.*?)</sup>", markdown)]


def _render_references(text: str) -> list[str]:
    """`citations render --to txt`'s reference list: its `  N. text` lines."""
    return re.findall(r"^  (\d+\. .+)$", text, re.M)


def _docx(path: Path) -> tuple[list[str], list[str]]:
    """A Word file's paragraphs' text, and its runs of superscript text in order."""
    root = ElementTree.fromstring(zipfile.ZipFile(path).read("word/document.xml"))
    paragraphs, superscripts = [], []
    for p in root.iter(f"{W}p"):
        run: str | None = None
        for r in p.iter(f"{W}r"):
            align = r.find(f"{W}rPr/{W}vertAlign")
            text = "".join(t.text or "" for t in r.iter(f"{W}t"))
            if align is not None and align.get(f"{W}val") == "superscript":
                run = (run or "") + text
            elif run is not None:
                superscripts.append(run)
                run = None
        if run is not None:
            superscripts.append(run)
        paragraphs.append("".join(t.text or "" for t in p.iter(f"{W}t")))
    return paragraphs, superscripts


def test_the_filter_is_an_installed_console_script() -> None:
    assert shutil.which("citations-pandoc", path=_bin_path()) is not None


def test_the_example_to_word_has_its_numbers_and_references(example: Path, run) -> None:
    proc = _pandoc(EXAMPLE, "--filter", "citations-pandoc", "-o", "x.docx", cwd=example)
    assert proc.returncode == 0, proc.stderr
    assert proc.stderr == ""
    paragraphs, superscripts = _docx(example / "x.docx")
    expected_numbers = _render_superscripts(_render(run, EXAMPLE, "md", example))
    assert expected_numbers == ["1", "2", "3–5", "3", "4", "4", "5", "6", "3", "2"]
    assert superscripts == expected_numbers
    expected = _render_references(_render(run, EXAMPLE, "txt", example))
    assert len(expected) == 6
    # where the article's `::: {#refs}` stands: after its own heading and paragraph
    at = paragraphs.index("References and Clinical Sources") + 2
    assert [p.removesuffix(" ↩") for p in paragraphs[at : at + 6]] == expected
    assert all(p.endswith(" ↩") for p in paragraphs[at : at + 6])  # the back-links
    assert paragraphs[at + 6 :] == []


class _Links(HTMLParser):
    """Every element's id, and each link's href with the ids of the elements it is inside."""

    def __init__(self) -> None:
        super().__init__()
        self.ids: set[str] = set()
        self.cites: dict[str, list[str]] = {}  # citation id → the keys it cites
        self.links: list[tuple[str, list[str]]] = []
        self.open: list[str] = []

    def handle_starttag(self, tag: str, attrs: list[tuple[str, str | None]]) -> None:
        found = dict(attrs)
        if found.get("id"):
            self.ids.add(str(found["id"]))
            if found.get("data-cites"):
                self.cites[str(found["id"])] = str(found["data-cites"]).split()
        if tag == "a":
            self.links.append((str(found.get("href")), [i for i in self.open if i]))
        if tag not in ("br", "img", "meta", "link", "hr", "input"):
            self.open.append(str(found.get("id") or ""))

    def handle_endtag(self, tag: str) -> None:
        if self.open:
            self.open.pop()


def test_html_numbers_link_to_references_and_back(example: Path) -> None:
    proc = _pandoc(EXAMPLE, "--filter", "citations-pandoc", "-t", "html", cwd=example)
    assert proc.returncode == 0, proc.stderr
    page = _Links()
    page.feed(proc.stdout)
    forward = [(h, within) for h, within in page.links if h.startswith("#ref-")]
    back = [(h, within) for h, within in page.links if h.startswith("#cite-")]
    keys = ["mayoclinic2023osteoarthritis", "wu2016efficacy", "park2023acupuncture"]
    keys.append("usichenko2005auricular")  # 3–5 links to its ends
    assert [h for h, _ in forward][:4] == [f"#ref-{k}" for k in keys]
    assert all(h[1:] in page.ids and within[-1].startswith("cite-") for h, within in forward)
    # each reference links back once, to the citation that cites it first
    first: dict[str, str] = {}
    for cite, keys in sorted(page.cites.items(), key=lambda c: int(c[0].split("-")[1])):
        for key in keys:
            first.setdefault(key, cite)
    assert len(first) == 6
    assert sorted(within[-1] for _, within in back) == sorted(f"ref-{k}" for k in first)
    assert all(h[1:] == first[within[-1][len("ref-") :]] for h, within in back)


def test_citations_read_as_render_reads_them(project, run) -> None:
    """Ranges, locators, repeats, in-text citations and moved punctuation: pandoc's output
    shows the superscripts `render --to md` prints, and the list at the end."""
    article = (
        "# Title\n\nFirst [@alpha; @beta; @gamma]. Again [@beta, p. 12], and [@delta; @alpha].\n\n"
        "As @gamma [p. 3] says, more [-@delta].\n"
    )
    root = project(article)
    proc = _pandoc("article.md", "--filter", "citations-pandoc", "-t", "html", cwd=root)
    assert proc.returncode == 0, proc.stderr
    shown = [re.sub("<[^>]+>", "", s) for s in re.findall(r"<sup>(.*?)</sup>", proc.stdout, re.S)]
    assert shown == _render_superscripts(_render(run, "article.md", "md", root))
    assert "First.<span" in proc.stdout  # the period moved before the superscript (AMA)
    plain = _pandoc("article.md", "--filter", "citations-pandoc", "-t", "plain", cwd=root)
    assert plain.returncode == 0, plain.stderr
    assert "References\n\n1. Smith A, Jones B." in plain.stdout
    assert "↩" not in plain.stdout  # no back-links where the format has no links
    latex = _pandoc("article.md", "--filter", "citations-pandoc", "-t", "latex", cwd=root)
    assert latex.returncode == 0, latex.stderr
    assert r"\textsuperscript{\hyperref[ref-alpha]{1}--\hyperref[ref-gamma]{3}}" in latex.stdout
    assert "↩" not in latex.stdout  # pdflatex knows no ↩: its LaTeX symbol instead
    assert r"\hyperref[cite-1]{$\hookleftarrow$}" in latex.stdout


def test_the_heading_follows_the_templates_and_front_matter(project) -> None:
    root = project("---\nreferences-title: Sources\n---\n\nText [@alpha].\n")
    (root / "templates").mkdir()
    (root / "templates" / "article.md").write_text(
        "{{ body }}\n\n### {{ references_title }}\n\n{{ references }}\n", "utf-8"
    )
    (root / "citations.toml").write_text('refs = ["refs"]\ntemplates = "templates"\n', "utf-8")
    proc = _pandoc("article.md", "--filter", "citations-pandoc", "-t", "html", cwd=root)
    assert proc.returncode == 0, proc.stderr
    assert re.search(r"<h3[^>]*>Sources</h3>\s*<div id=\"refs\"", proc.stdout)


def test_an_unknown_key_fails_pandoc_at_its_line(project) -> None:
    root = project("# Title\n\nFine [@alpha].\n\nTypo [@alpah].\n\nAgain [@alpah, p. 3].\n")
    proc = _pandoc("article.md", "--filter", "citations-pandoc", "-o", "x.docx", cwd=root)
    assert proc.returncode != 0
    assert "article.md:5:" in proc.stderr and "alpah" in proc.stderr
    assert "article.md:7:" in proc.stderr
    assert "unknown-key" in proc.stderr
    assert "Traceback" not in proc.stderr
    assert not (root / "x.docx").exists()


def test_several_input_files_each_at_its_lines(project) -> None:
    root = project("Fine [@alpha].\n")
    (root / "second.md").write_text("\nMore [@beta].\n\nTypo [@alpah].\n", "utf-8")
    proc = _pandoc(
        "article.md", "second.md", "--filter", "citations-pandoc", "-t", "html", cwd=root
    )
    assert proc.returncode != 0
    assert "second.md:4:" in proc.stderr and "alpah" in proc.stderr


def test_from_standard_input_the_metadata_names_the_file(project) -> None:
    root = project("Typo [@alpah].\n")
    text = (root / "article.md").read_text("utf-8")
    named = ("-M", "citations-source=article.md")
    proc = _pandoc(*named, "--filter", "citations-pandoc", "-t", "html", cwd=root, stdin=text)
    assert proc.returncode != 0
    assert "article.md:1:" in proc.stderr and "alpah" in proc.stderr
    unnamed = _pandoc("--filter", "citations-pandoc", "-t", "html", cwd=root, stdin=text)
    assert unnamed.returncode != 0
    assert "alpah" in unnamed.stderr and "Traceback" not in unnamed.stderr


def test_a_broken_library_fails_pandoc_at_its_line(project) -> None:
    root = project("Text [@alpha].\n")
    broken = BIB.replace("  title = {A second study},\n", "  title = {A second study,\n")
    (root / "refs" / "lib.bib").write_text(broken, "utf-8")
    proc = _pandoc("article.md", "--filter", "citations-pandoc", "-t", "html", cwd=root)
    assert proc.returncode != 0
    assert re.search(r"refs/lib\.bib:\d+:", proc.stderr)
    assert "Traceback" not in proc.stderr


def test_bad_input_is_a_message_not_a_traceback(tmp_path: Path) -> None:
    script = shutil.which("citations-pandoc", path=_bin_path())
    assert script is not None
    proc = subprocess.run(
        [script, "html"], input="not json", capture_output=True, text=True, cwd=tmp_path,
        timeout=60,
    )  # fmt: skip
    assert proc.returncode == 3
    assert proc.stdout == ""
    assert "pandoc JSON" in proc.stderr and "Traceback" not in proc.stderr


@pytest.mark.parametrize(
    ("argv", "inputs"),
    [
        pytest.param(["pandoc", "a.md", "-o", "b.md"], ["a.md"], id="output-value"),
        pytest.param(["pandoc", "--filter", "a.md", "b.md"], ["b.md"], id="long-value"),
        pytest.param(["pandoc", "--output=b.md", "a.md"], ["a.md"], id="long-equals"),
        pytest.param(["pandoc", "-F", "a.md", "--", "-x.md"], ["-x.md"], id="double-dash"),
        pytest.param(["python", "a.md"], [], id="not-pandoc"),
        pytest.param(["pandoc", "missing.md"], [], id="no-such-file"),
    ],
)
def test_pandoc_inputs_from_its_command_line(
    tmp_path: Path, monkeypatch: pytest.MonkeyPatch, argv: list[str], inputs: list[str]
) -> None:
    from citations.pandoc_filter.sources import pandoc_inputs

    monkeypatch.chdir(tmp_path)
    for name in ("a.md", "b.md", "-x.md"):
        (tmp_path / name).write_text("x", "utf-8")
    assert [str(p) for p in pandoc_inputs(argv)] == inputs


def test_importing_the_package_does_not_load_panflute() -> None:
    code = "import sys, citations, citations.cli; print('panflute' in sys.modules)"
    proc = subprocess.run([sys.executable, "-c", code], capture_output=True, text=True, cwd=ROOT)
    assert proc.stdout.strip() == "False", proc.stderr


def test_pandoc_reference_section_title_names_the_heading(project) -> None:
    root = project("Text [@alpha].\n")
    text = (root / "article.md").read_text("utf-8")
    args = ("-M", "reference-section-title=Literature", "--filter", "citations-pandoc")
    proc = _pandoc(*args, "-t", "html", cwd=root, stdin=text)
    assert proc.returncode == 0, proc.stderr
    assert re.search(r"<h2[^>]*>Literature</h2>\s*<div id=\"refs\"", proc.stdout)


def test_library_text_is_text_and_only_http_urls_link(project) -> None:
    root = project("Text [@web; @site].\n")
    hostile = (
        "@online{web, author = {{<b>Org</b>}}, title = {<script>alert(1)</script>},"
        " url = {javascript:alert(1)}, year = {2024}}\n"
        "@online{site, author = {{Org}}, title = {Page}, url = {https://example.org/a},"
        " year = {2024}}\n"
    )
    (root / "refs" / "lib.bib").write_text(hostile, "utf-8")
    proc = _pandoc("article.md", "--filter", "citations-pandoc", "-t", "html", cwd=root)
    assert proc.returncode == 0, proc.stderr
    assert "<script>" not in proc.stdout and "&lt;script&gt;" in proc.stdout
    assert "javascript:alert(1)" in proc.stdout and 'href="javascript' not in proc.stdout
    assert re.search(r'<a\s+href="https://example.org/a"', proc.stdout)
