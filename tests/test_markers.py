"""Markers: pandoc's citation syntax, found with their places; code, e-mail and markup skipped."""

from __future__ import annotations

import pytest

from citations.render.article import scan_article


def _items(text: str, kind: str = "markdown") -> list[list[tuple[object, ...]]]:
    article = scan_article(text, "a.md", kind)  # type: ignore[arg-type]
    return [
        [(i.key, i.prefix, i.label, i.locator, i.suffix, i.suppress_author) for i in m.items]
        for m in article.markers
    ]


def _keys(text: str, kind: str = "markdown") -> list[list[str]]:
    return [[i.key for i in m.items] for m in scan_article(text, "a.md", kind).markers]  # type: ignore[arg-type]


@pytest.mark.parametrize(
    ("text", "expected"),
    [
        pytest.param("A [@key].", [[("key", "", "", "", "", False)]], id="single"),
        pytest.param(
            "A [@a; @b; @c].",
            [
                [
                    ("a", "", "", "", "", False),
                    ("b", "", "", "", "", False),
                    ("c", "", "", "", "", False),
                ]
            ],
            id="group",
        ),
        pytest.param("A [@key, p. 12].", [[("key", "", "page", "12", "", False)]], id="page"),
        pytest.param(
            "A [see @key, pp. 3-4, and more].",
            [[("key", "see", "pages", "3-4", "and more", False)]],
            id="prefix-pages-suffix",
        ),
        pytest.param("A [-@key].", [[("key", "", "", "", "", True)]], id="suppress-author"),
        pytest.param(
            "A [@key, chap. 3].", [[("key", "", "chapter", "3", "", False)]], id="chapter"
        ),
        pytest.param(
            "A [@key, 33].", [[("key", "", "page", "33", "", False)]], id="bare-number-is-page"
        ),
        pytest.param(
            "A [@key{ii, A-D}, more].",
            [[("key", "", "pages", "ii, A-D", "more", False)]],
            id="braced-locator",
        ),
        pytest.param("@key says so.", [[("key", "", "", "", "", False)]], id="in-text"),
        pytest.param(
            "@key [p. 33] says.", [[("key", "", "page", "33", "", False)]], id="in-text-locator"
        ),
        pytest.param(
            "As @doe99.", [[("doe99", "", "", "", "", False)]], id="trailing-period-not-in-key"
        ),
        pytest.param(
            "See [@{a key with spaces}].",
            [[("a key with spaces", "", "", "", "", False)]],
            id="braced-key",
        ),
    ],
)
def test_syntax(text: str, expected: list) -> None:
    assert _items(text) == expected


@pytest.mark.parametrize(
    "key",
    ["a:b.c#d$e%f&g-h+i?j<k>l~m/n", "_under", "2020study", "Müller2001", "x-1"],
)
def test_keys_with_every_character_pandoc_allows(key: str) -> None:
    assert _keys(f"Text [@{key}] and @{key} here.") == [[key], [key]]


@pytest.mark.parametrize(
    "text",
    [
        pytest.param("Write to me@example.org or a.b@c.de.", id="email"),
        pytest.param("An escaped \\@key is text.", id="escaped"),
        pytest.param("Code `@key` and ``[@key]`` here.", id="code-span"),
        pytest.param("```\n[@key]\n@key\n```\n", id="fenced-code"),
        pytest.param("Para.\n\n    @key in an indented code block\n", id="indented-code"),
        pytest.param("See https://example.org/@key and <https://x.org/@key>.", id="url"),
        pytest.param("A [link](https://x.org/@key) here.", id="link-target"),
        pytest.param("<a href='@key'>x</a> <!-- [@key] --> <code>@key</code>", id="html-markup"),
        pytest.param("A [link text](http://x.org) only.", id="link-not-citation"),
        pytest.param("---\ntitle: '@key'\n---\nBody.\n", id="front-matter"),
    ],
)
def test_not_citations(text: str) -> None:
    assert _keys(text) == []


def test_html_sources_use_the_same_syntax() -> None:
    html = "<p>Text [@a; @b].</p>\n<pre>[@c]</pre>\n<p data-x='[@d]'>@e said</p>"
    assert _keys(html, "html") == [["a", "b"], ["e"]]


def test_every_marker_knows_its_line_and_column() -> None:
    text = "# Title\n\nFirst [@a] and\nsecond [@b; @c] then @d.\n"
    article = scan_article(text, "a.md")
    assert [(str(m.span)) for m in article.markers] == ["a.md:3:7", "a.md:4:8", "a.md:4:22"]
    assert [str(i.span) for i in article.markers[1].items] == ["a.md:4:9", "a.md:4:13"]


def test_key_stops_at_markup() -> None:
    assert _keys("<b>@key</b>", "html") == [["key"]]


def test_references_placeholder() -> None:
    for text in ("Body.\n\n::: {#refs}\n:::\n", "Body.\n\n[[references]]\n"):
        article = scan_article(text, "a.md")
        assert article.refs_at is not None
        assert text[article.refs_at[0] :].startswith((":::", "[[references]]"))
    assert scan_article("```\n[[references]]\n```\n", "a.md").refs_at is None
