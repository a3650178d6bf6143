"""Rendering: HTML structure, placement of the list, templates, formats, and escaping."""

from __future__ import annotations

import re
from pathlib import Path

import pytest

from citations import RenderSettings, render_file

from conftest import FIXTURES

REFS = FIXTURES / "render" / "refs.bib"
ARTICLE = FIXTURES / "render" / "article.md"


def _render(path: Path = ARTICLE, **settings: object) -> str:
    return render_file(path, RenderSettings(refs=(REFS,), **settings)).text  # type: ignore[arg-type]


def test_citation_elements_link_to_their_references() -> None:
    html = _render()
    first = re.search(r'<span class="citation" id="cite-1" data-cites="smith2020">.*?</span>', html)
    assert first and 'href="#ref-smith2020"' in first.group(0)
    assert '<li id="ref-smith2020" value="1">' in html
    assert html.count('class="citation"') == 6


def test_a_range_keeps_every_member_reachable() -> None:
    html = _render()
    group = re.search(r'data-cites="jones2021 lee2022 kim2023">(.*?)</sup></span>', html, re.S)
    assert group is not None
    body = group.group(1)
    assert 'data-numbers="2 3 4"' in body
    assert 'href="#ref-jones2021">2</a>–<a href="#ref-kim2023">4</a>' in body
    title = re.search(r'title="([^"]*)"', body)
    assert title and all(f"{n}. " in title.group(1) for n in (2, 3, 4))


def test_locator_prints_inside_the_superscript() -> None:
    assert re.search(r">1\(p12\)</a>", _render())


def test_each_reference_links_back_to_every_citation() -> None:
    html = _render()
    item = re.search(r'<li id="ref-smith2020".*?</li>', html, re.S)
    assert item is not None
    assert re.findall(r'href="#cite-(\d+)"[^>]*>([a-z])<', item.group(0)) == [
        ("1", "a"),
        ("3", "b"),
    ]
    assert 'id="cite-3"' in html


def test_in_text_citation_names_the_author() -> None:
    html = _render()
    assert 'Jones et al.<span class="citation" id="cite-4"' in html
    assert "Lee<span" not in html  # suppress-author prints the number only


def test_list_is_appended_under_the_configured_heading(tmp_path: Path) -> None:
    html = _render(references_title="Sources")
    assert '<h2>Sources</h2>\n<ol class="references">' in html


@pytest.mark.parametrize("placeholder", ["::: {#refs}\n:::", "[[references]]"])
def test_list_replaces_a_placeholder(tmp_path: Path, placeholder: str) -> None:
    article = tmp_path / "a.md"
    article.write_text(f"Text [@smith2020].\n\n## Sources\n\n{placeholder}\n\nAfter.\n", "utf-8")
    html = _render(article)
    assert re.search(r'<h2>Sources</h2>\s*<div id="refs" class="references-section">\s*<ol', html)
    assert html.index('id="refs"') < html.index("<p>After.</p>")
    assert 'id="references"' not in html  # not appended a second time


def test_hostile_fields_render_inert() -> None:
    html = _render()
    assert "<script>alert(1)</script>" not in html
    assert "&lt;script&gt;alert(1)&lt;/script&gt; &amp;" in html
    assert 'href="javascript:' not in html
    assert "javascript:alert(1)" in html  # shown as text, not a link


def test_html_article_source(tmp_path: Path) -> None:
    article = tmp_path / "a.html"
    article.write_text(
        "<html><body><p>Text [@smith2020; @lee2022].</p><pre>[@kim2023]</pre></body></html>",
        "utf-8",
    )
    html = _render(article)
    assert html.count('class="citation"') == 1
    assert "<pre>[@kim2023]</pre>" in html
    assert html.index('<ol class="references">') < html.index("</body>")
    assert html.count("<html>") == 1


def _shown(markup: str) -> str:
    """The text of Markdown with inline HTML, as a reader sees it (the tags gone)."""
    return re.sub(r"<[^<>]*>", "", markup)


def test_superscripts_follow_periods_and_commas() -> None:
    md = _render(to="md")
    assert 'First.<span class="citation" id="cite-1"><sup><a href="#ref-smith2020"' in md
    assert "First.1 Then2–4 and.1(p12)" in _shown(md)
    assert "Jones et al.2 found it;3 too." in _shown(md)
    kept = _render(to="md", style_options={"move-punctuation": False})
    assert "First1. Then" in _shown(kept)


def test_markdown_and_text_formats() -> None:
    md = _render(to="md")
    assert md.startswith("---\ntitle: A test article\n---\n")  # front matter kept for the next tool
    assert "1. Smith J, Doe J. First study. *J Test*. 2020;1:1-10. ↩ a b\n" in _shown(md)
    assert "&lt;script&gt;alert(1)&lt;/script&gt;" in md  # HTML in the data is text
    txt = _render(to="txt")
    assert not txt.startswith("---")
    assert "Then²⁻⁴ and.¹(p12)" in txt  # locators stay legible
    assert "  1. Smith J, Doe J. First study. J Test. 2020;1:1-10." in txt


def test_user_templates_override_the_defaults(tmp_path: Path) -> None:
    (tmp_path / "citation.html").write_text(
        "[{% for l in c.labels %}{{ l.numbers | join(',') }}{% endfor %}]", "utf-8"
    )
    html = _render(templates=tmp_path)
    assert "First.[1] Then[2,3,4]" in html
    assert '<ol class="references">' in html  # the other templates are still the defaults


@pytest.mark.parametrize(
    "placeholder",
    ['<div id="refs"></div>', "<div class='x' id='refs'>\n</div>", "<DIV ID=refs></DIV>"],
)
def test_an_html_article_gets_its_list_where_pandocs_placeholder_stands(
    tmp_path: Path, placeholder: str
) -> None:
    article = tmp_path / "a.html"
    article.write_text(
        f'<p>Text [@smith2020].</p>\n<!-- <div id="refs"></div> -->\n<h2>Sources</h2>\n'
        f"{placeholder}\n<p>After.</p>\n",
        "utf-8",
    )
    html = _render(article)
    assert re.search(r'<h2>Sources</h2>\s*<div id="refs" class="references-section">\s*<ol', html)
    assert html.index('id="refs" class') < html.index("<p>After.</p>")
    assert html.count('<ol class="references">') == 1
    assert '<!-- <div id="refs"></div> -->' in html  # a commented-out one is left alone


def test_a_markdown_article_takes_the_html_placeholder_too(tmp_path: Path) -> None:
    article = tmp_path / "a.md"
    article.write_text(
        'Text [@smith2020].\n\n```\n<div id="refs"></div>\n```\n\n## Sources\n\n'
        '<div id="refs"></div>\n\nAfter.\n',
        "utf-8",
    )
    html = _render(article)
    assert re.search(r'<h2>Sources</h2>\s*<div id="refs" class="references-section">\s*<ol', html)
    assert "&lt;div id=&quot;refs&quot;&gt;&lt;/div&gt;" in html  # the code block keeps its text
