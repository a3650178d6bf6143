"""Markdown output links each number to its reference and each reference back to its citations,
as HTML output does, once any Markdown renderer reads it (CommonMark, Python-Markdown as
MkDocs uses it); hostile keys make ids and links that still match, and nothing live."""

from __future__ import annotations

from pathlib import Path
from urllib.parse import unquote

import markdown as python_markdown
import pytest
from markdown_it import MarkdownIt

from citations import RenderSettings, render_file
from citations.config import load_config

from anchors import Anchors, anchors, assert_links_resolve
from conftest import ROOT

ARTICLE = ROOT / "articles" / "acupuncture-for-hip-pain.md"
EXPECTED_LABELS = ["1", "2", "3–5", "3", "4", "4", "5", "6", "3", "2"]  # as test_example's
RENDERERS = ["commonmark", "python-markdown"]

# Keys BibTeX accepts that are HTML, Markdown and URL syntax.
HOSTILE_LIBRARY = """
@misc{k<b>&amp;[x](y)*z`q_r~~s~~,
  author = {Doe, Jane}, title = {Quoted [t](javascript:alert(1)) *x*}, year = {2020},
}
@misc{k'><svg/onload>,
  author = {Roe, Richard}, title = {Third}, year = {2021},
}
@misc{o'neil:2020/a#b@c.d,
  author = {Poe, Edgar}, title = {Fourth <img src=x onerror=alert(2)>}, year = {2022},
}
"""
HOSTILE_ARTICLE = (
    "# Keys\n\nOne [@{k<b>&amp;[x](y)*z`q_r~~s~~}],"
    " two [@{k'><svg/onload>}; @{o'neil:2020/a#b@c.d}] and again [@{k'><svg/onload>}].\n"
)


def to_html(markdown: str, renderer: str) -> str:
    if renderer == "commonmark":
        return str(MarkdownIt("commonmark").render(markdown))
    return python_markdown.markdown(markdown, extensions=["toc"])


@pytest.fixture(scope="module")
def example_md() -> str:
    settings = RenderSettings.from_config(load_config(cwd=ROOT), to="md")
    return render_file(ARTICLE, settings).text


@pytest.mark.parametrize("renderer", RENDERERS)
def test_every_number_links_to_its_reference_and_back(example_md: str, renderer: str) -> None:
    page = anchors(to_html(example_md, renderer))
    assert [" ".join(label.split()) for label in page.labels] == EXPECTED_LABELS
    assert_links_resolve(page)
    refs = [i for i in page.ids if i.startswith("ref-")]
    assert refs[2:4] == ["ref-park2023acupuncture", "ref-sheng2010comparative"]
    # cited in the 3–5 range (citation 3), then alone in citations 4 and 9
    assert page.backlinks["ref-park2023acupuncture"] == ["cite-3", "cite-4", "cite-9"]
    assert page.backlinks["ref-wu2016efficacy"] == ["cite-2", "cite-10"]
    # hover previews, as in HTML output: a link's title is its reference
    assert page.titles["ref-wu2016efficacy"].startswith("2. Wu MS, Chen KH, Chen IF, et al.")


def test_every_href_in_markdown_output_has_its_id(example_md: str) -> None:
    """In the Markdown text itself, before any renderer: each `href="#ref-…"` and its id."""
    page = anchors(example_md)  # the inline HTML of the Markdown, read as HTML
    assert {link for link in page.links if link.startswith("ref-")} == {
        i for i in page.ids if i.startswith("ref-")
    }
    assert_links_resolve(page)


@pytest.fixture
def hostile(tmp_path: Path) -> Path:
    for name, text in (("refs/keys.bib", HOSTILE_LIBRARY), ("articles/keys.md", HOSTILE_ARTICLE)):
        (tmp_path / name).parent.mkdir()
        (tmp_path / name).write_text(text, "utf-8")
    return tmp_path


def _assert_hostile_keys_link(page: Anchors, html: str) -> None:
    assert_links_resolve(page)
    assert sorted(i for i in page.ids if i.startswith("ref-")) == sorted(
        ["ref-k<b>&amp;[x](y)*z`q_r~~s~~", "ref-k'><svg/onload>", "ref-o'neil:2020/a#b@c.d"]
    )
    assert [" ".join(label.split()) for label in page.labels] == ["1", "2,3", "2"]
    for live in ("<svg", "<img", "<b>", 'href="javascript', "<del", "<s>", "<code", "<em"):
        assert live not in html


@pytest.mark.parametrize("renderer", RENDERERS)
def test_hostile_keys_make_matching_ids_and_links(run, hostile: Path, renderer: str) -> None:
    result = run("render", "articles/keys.md", "--to", "md", cwd=hostile)
    assert result.code == 0, result.err
    html = to_html(result.out, renderer)
    _assert_hostile_keys_link(anchors(html), html)


def test_build_to_markdown_links_each_page(run, hostile: Path) -> None:
    result = run("build", "articles", "-o", "site", "--to", "md", cwd=hostile)
    assert result.code == 0, result.err
    page = (hostile / "site" / "keys.md").read_text("utf-8")
    for renderer in RENDERERS:
        html = to_html(page, renderer)
        _assert_hostile_keys_link(anchors(html), html)
    assert (hostile / "site" / "keys.md.citations.json").is_file()  # build keeps its sidecars


def test_the_markdown_bibliography_links_into_each_article(run, hostile: Path) -> None:
    (hostile / "citations.toml").write_text('[build]\nbibliography = "bibliography.md"\n')
    title = "Evil](javascript:alert(1)) <img src=x onerror=alert(2)>"
    (hostile / "articles" / "keys.md").write_text(
        f"---\ntitle: '{title}'\n---\n{HOSTILE_ARTICLE}", "utf-8"
    )
    result = run("build", "articles", "-o", "site", "--to", "md", cwd=hostile)
    assert result.code == 0, result.err
    article = anchors(to_html((hostile / "site" / "keys.md").read_text("utf-8"), "commonmark"))
    for renderer in RENDERERS:
        html = to_html((hostile / "site" / "bibliography.md").read_text("utf-8"), renderer)
        page = anchors(html)
        links = [href for href in page.hrefs if href.startswith("keys.md#")]
        assert len(links) == 3 and all(unquote(h.split("#")[1]) in article.ids for h in links)
        assert "<img" not in html and 'href="javascript' not in html
        assert title in " ".join(page.text.split())
