"""Markdown output (`render --to md`, `build --to md`) from a hostile library: once a Markdown
renderer reads it, nothing from the data is live HTML or a link it did not mean, and the
hostile text is shown as the text it is."""

from __future__ import annotations

from html.parser import HTMLParser
from pathlib import Path

import pytest
from markdown_it import MarkdownIt

from citations.richtext import Emph, Link, markdown_url, to_markdown

PAYLOAD = "<img src=x onerror=alert(1)>"
LIBRARY = r"""
@misc{tab,
  author = {Doe, Jane},
  title = {Tabbed},
  year = {2020},
  url = {https://x.example/a	<img	src=x	onerror=alert(1)>},
}
@misc{newline,
  author = {Doe, Jane},
  title = {Broken line},
  year = {2021},
  url = {https://y.example/b
<img	src=x	onerror=alert(2)>},
}
@misc{paren,
  author = {Roe, Richard},
  title = {Parenthesised},
  year = {2021},
  url = {https://z.example/a)<img	src=x	onerror=alert(3)>(},
}
@article{markup,
  author = {<b onmouseover=alert(4)>Evil</b>, Eve},
  title = {Title <img src=x onerror=alert(5)> &lt;b&gt;bold&lt;/b&gt; *star*
           [link](javascript:alert(6))},
  journal = {Journal](javascript:alert(7)) <script>alert(8)</script>},
  year = {2022},
  doi = {10.1000/x)<img src=x onerror=alert(9)>},
}
"""
ARTICLE = """# Hostile

Tab [@tab], newline [@newline], paren [@paren], markup [@markup], in text @markup,
and a key no entry has [@{<img src=x onerror=alert(10)>}] and [@{a*b_c`d}].
"""


class _Page(HTMLParser):
    """The tags, attributes and text of an HTML fragment."""

    def __init__(self) -> None:
        super().__init__(convert_charrefs=True)
        self.tags: list[tuple[str, list[tuple[str, str | None]]]] = []
        self.text: list[str] = []

    def handle_starttag(self, tag: str, attrs: list[tuple[str, str | None]]) -> None:
        self.tags.append((tag, attrs))

    def handle_data(self, data: str) -> None:
        self.text.append(data)


def rendered(markdown: str, renderer: str = "commonmark") -> _Page:
    """What a CommonMark renderer (raw HTML allowed, as most are) or Python-Markdown (MkDocs'
    renderer, which reads backslash escapes, links and raw HTML in another order) makes of
    `markdown`."""
    page = _Page()
    if renderer == "commonmark":
        page.feed(MarkdownIt("commonmark").enable(["table", "strikethrough"]).render(markdown))
    else:
        import markdown as python_markdown

        page.feed(python_markdown.markdown(markdown, extensions=["tables", "toc"]))
    return page


def assert_inert(markdown: str) -> None:
    for renderer in ("commonmark", "python-markdown"):
        _assert_inert(rendered(markdown, renderer))


def _assert_inert(page: _Page) -> None:
    names = {tag for tag, _ in page.tags}
    assert names <= {"h1", "h2", "p", "ol", "li", "sup", "span", "strong", "em", "a", "code"}, names
    for tag, attrs in page.tags:
        for name, value in attrs:
            assert not name.startswith("on"), (tag, name, value)
            assert name in ("href", "id", "class", "title", "aria-label"), (tag, name)
            assert not (value or "").lower().lstrip().startswith(("javascript:", "data:"))
    text = " ".join(page.text)
    assert "alert(5)" in text and "<img src=x onerror=alert(5)>" in " ".join(text.split())
    assert "&lt;b&gt;bold" in text  # an entity in the data is shown as written
    assert "[link](javascript:alert(6))" in text and "<script>alert(8)</script>" in text
    assert "a*b_c`d" in text  # the unknown key, as it is


@pytest.fixture
def project(tmp_path: Path) -> Path:
    (tmp_path / "refs").mkdir()
    (tmp_path / "refs" / "hostile.bib").write_text(LIBRARY, "utf-8")
    (tmp_path / "articles").mkdir()
    (tmp_path / "articles" / "hostile.md").write_text(ARTICLE, "utf-8")
    return tmp_path


def test_render_to_markdown_is_inert(run, project: Path) -> None:
    result = run("render", "articles/hostile.md", "--to", "md", cwd=project)
    assert result.out.startswith("# Hostile"), result.err
    assert_inert(result.out)


def test_build_to_markdown_is_inert(run, project: Path) -> None:
    result = run("build", "articles", "-o", "site", "--to", "md", cwd=project)
    pages = sorted((project / "site").rglob("*.md"))
    assert pages, result.err
    article = next(p for p in pages if p.stem == "hostile")
    assert_inert(article.read_text("utf-8"))
    for page in pages:
        assert "onerror" not in {
            a for _, attrs in rendered(page.read_text()).tags for a, _ in attrs
        }


@pytest.mark.parametrize(
    ("url", "in_parens", "expected"),
    [
        pytest.param("https://a.example/x y", False, "https://a.example/x%20y", id="space"),
        pytest.param("https://a.example/\tb", False, "https://a.example/%09b", id="tab"),
        pytest.param("https://a.example/\nb", False, "https://a.example/%0Ab", id="newline"),
        pytest.param("https://a.example/<b>", False, "https://a.example/%3Cb%3E", id="angles"),
        pytest.param("https://a.example/(b)", False, "https://a.example/(b)", id="parens-kept"),
        pytest.param("https://a.example/(b)", True, "https://a.example/%28b%29", id="parens"),
        pytest.param("https://a.example/b\\", True, "https://a.example/b%5C", id="backslash"),
        pytest.param("https://a.example/\u2028b", False, "https://a.example/%E2%80%A8b", id="ls"),
        pytest.param(
            "https://a.example/é?q=1&r=2", True, "https://a.example/é?q=1&r=2", id="plain"
        ),
    ],
)
def test_markdown_url(url: str, in_parens: bool, expected: str) -> None:
    assert markdown_url(url, in_parens=in_parens) == expected


@pytest.mark.parametrize(
    ("rich", "expected"),
    [
        pytest.param(("a & b",), "a & b", id="ampersand-kept"),
        pytest.param(
            ("&lt;b&gt; &#60; &#x3c;",), "&amp;lt;b&amp;gt; &amp;\\#60; &amp;\\#x3c;", id="entities"
        ),
        pytest.param(("one\ntwo\r\n# three",), "one two \\# three", id="lines"),
        pytest.param(("<img src=x>",), "&lt;img src=x&gt;", id="html"),
        pytest.param((Emph(("A*B",)),), "*A\\*B*", id="emph"),
        pytest.param(
            (Link("https://a.example/x\t<b>"),), "<https://a.example/x%09%3Cb%3E>", id="autolink"
        ),
        pytest.param(
            (Link("https://a.example/(x) y", "doi:[x]"),),
            "[doi:\\[x\\]](https://a.example/%28x%29%20y)",
            id="link",
        ),
        pytest.param((Link("javascript:alert(1)"),), "javascript:alert(1)", id="not-http"),
    ],
)
def test_to_markdown(rich: tuple[object, ...], expected: str) -> None:
    assert to_markdown(rich) == expected  # type: ignore[arg-type]
