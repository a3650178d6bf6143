"""Sentence splitting: abbreviations, decimals, lists, tables, headings, markup, and markers."""

from __future__ import annotations

import pytest

from citations.claims.sentences import reduce_markdown, split_sentences
from citations.render.article import scan_article


def texts(source: str) -> list[str]:
    return [s.text for s in split_sentences(scan_article(source, "a.md"))]


@pytest.mark.parametrize(
    ("source", "expected"),
    [
        pytest.param("One here. Two there.", ["One here.", "Two there."], id="plain"),
        pytest.param("Is it? Yes! Fine.", ["Is it?", "Yes!", "Fine."], id="question-exclamation"),
        pytest.param(
            "A review by Park et al. found benefit. Next one.",
            ["A review by Park et al. found benefit.", "Next one."], id="et-al",
        ),
        pytest.param(
            "A study by Usichenko et al. Found nothing.",
            ["A study by Usichenko et al. Found nothing."], id="et-al-before-capital",
        ),
        pytest.param(
            "Use NSAIDs, e.g. Ibuprofen, or i.e. Naproxen here. Done.",
            ["Use NSAIDs, e.g. Ibuprofen, or i.e. Naproxen here.", "Done."], id="eg-ie",
        ),
        pytest.param(
            "Ask Dr. Smith and Mrs. Jones. They know.",
            ["Ask Dr. Smith and Mrs. Jones.", "They know."], id="titles",
        ),
        pytest.param(
            "Acupuncture vs. Medication was tested. Results followed.",
            ["Acupuncture vs. Medication was tested.", "Results followed."], id="vs",
        ),
        pytest.param(
            "See p. 12 and pp. 33-35 of it. Also Fig. 2 and No. 5. The end.",
            ["See p. 12 and pp. 33-35 of it.", "Also Fig. 2 and No. 5.", "The end."],
            id="pages-figures-numbers",
        ),
        pytest.param(
            "The answer was no. Then we left.", ["The answer was no.", "Then we left."],
            id="no-as-a-word",
        ),
        pytest.param(
            "Pain fell by 1.5 points. In 2023. The end.",
            ["Pain fell by 1.5 points.", "In 2023.", "The end."], id="decimals-and-years",
        ),
        pytest.param(
            "Heat to 40 °C. Then cool.", ["Heat to 40 °C.", "Then cool."], id="unit-not-initial",
        ),
        pytest.param(
            "Written by J. R. Smith. He agreed.", ["Written by J. R. Smith.", "He agreed."],
            id="initials",
        ),
        pytest.param(
            "Take pills, creams, etc. Then rest.", ["Take pills, creams, etc.", "Then rest."],
            id="etc-ends-a-sentence",
        ),
        pytest.param(
            "Take pills, creams, etc. and rest.", ["Take pills, creams, etc. and rest."],
            id="etc-inside-a-sentence",
        ),
        pytest.param(
            "Wait... Then go. It was in the U.S. Army.",
            ["Wait... Then go.", "It was in the U.S. Army."], id="ellipsis-and-dotted",
        ),
        pytest.param(
            "Visit https://example.org/a.B. Then x.y.Z now. Done.",
            ["Visit https://example.org/a.B.", "Then x.y.Z now.", "Done."], id="urls",
        ),
        pytest.param(
            'He said "it works." Then left. (See above.) Next.',
            ['He said "it works."', "Then left.", "(See above.)", "Next."], id="quotes-brackets",
        ),
        pytest.param(
            "This is *very* **bold** and _sure_. See [the page](https://x.org/a. b). Done.",
            ["This is very bold and sure.", "See the page.", "Done."], id="emphasis-links",
        ),
        pytest.param(
            "Run `a. B` now. Next.", ["Run a. B now.", "Next."], id="code-span-not-split",
        ),
        pytest.param(
            "# Title\n\nText one. Text two.\n\n## Part A\n\nMore text.",
            ["Text one.", "Text two.", "More text."], id="headings-are-not-sentences",
        ),
        pytest.param(
            "Intro:\n\n- First item. Second part\n- Third item\n  continued here.\n1. Numbered.",
            ["Intro:", "First item.", "Second part", "Third item continued here.", "Numbered."],
            id="lists",
        ),
        pytest.param(
            "It began in\n2023. Then it grew.\n1. One.",
            ["It began in 2023.", "Then it grew.", "One."],
            id="number-at-line-start-continues-a-paragraph",
        ),
        pytest.param(
            "| Claim | Note |\n|---|:---:|\n| Works. Really. | Yes |",
            ["Claim", "Note", "Works.", "Really.", "Yes"], id="table-cells",
        ),
        pytest.param(
            "Text.\n\n```\nCode. Not prose.\n```\n\nAfter.", ["Text.", "After."],
            id="code-block-skipped",
        ),
        pytest.param(
            "---\ntitle: T. Here.\n---\nBody one. Body two.", ["Body one.", "Body two."],
            id="front-matter-skipped",
        ),
        pytest.param(
            "Pain eased.[@a; @b] Next one [@c]. Last.",
            ["Pain eased.", "Next one.", "Last."], id="markers-removed",
        ),
        pytest.param(
            "As @park2023 showed. Next.", ["As @park2023 showed.", "Next."],
            id="in-text-marker-kept",
        ),
        pytest.param(
            "> Quoted one. Quoted two\n> still quoted.\n>\n> - Listed. Too.",
            ["Quoted one.", "Quoted two still quoted.", "Listed.", "Too."], id="block-quote",
        ),
        pytest.param(
            "Setext Title\n============\n\nBody.", ["Body."], id="setext-heading",
        ),
        pytest.param(
            "Fish &amp; chips. <b>Bold</b> here.", ["Fish & chips.", "Bold here."],
            id="entities-and-tags",
        ),
    ],
)  # fmt: skip
def test_splitting(source: str, expected: list[str]) -> None:
    assert texts(source) == expected


def test_markers_after_the_period_belong_to_the_sentence_before() -> None:
    article = scan_article("Pain eased.[@a; @b] Next [@c] one.\n", "a.md")
    first, second = split_sentences(article)
    assert [i.key for m in first.markers for i in m.items] == ["a", "b"]
    assert [i.key for m in second.markers for i in m.items] == ["c"]
    assert first.end == article.text.index(" Next")


def test_spans_and_sections() -> None:
    source = "---\nt: 1\n---\n# Top\n\nFirst. Second one.\n\n### Sub *part*\n\n- Item. Two.\n"
    sentences = split_sentences(scan_article(source, "doc.md"))
    got = [(s.span.line, s.span.column, s.section, s.text) for s in sentences]
    assert got == [
        (6, 1, "Top", "First."),
        (6, 8, "Top", "Second one."),
        (10, 3, "Sub part", "Item."),
        (10, 9, "Sub part", "Two."),
    ]
    assert str(sentences[0].span) == "doc.md:6:1"


def test_html_articles_split_at_block_tags() -> None:
    source = (
        "<html><head><title>T. X.</title></head><body><h1>Head</h1>"
        "<p>One. <em>Two</em> here.</p><ul><li>Item one. Item two</li></ul>"
        "<!-- Hidden. Text. --><pre>Code. Here.</pre><p>Last [@k].</p></body></html>"
    )
    article = scan_article(source, "a.html", "html")
    sentences = split_sentences(article)
    assert [s.text for s in sentences] == ["One.", "Two here.", "Item one.", "Item two", "Last."]
    assert {s.section for s in sentences} == {"Head"}
    assert [i.key for i in sentences[-1].markers[0].items] == ["k"]


@pytest.mark.parametrize(
    ("markdown", "text"),
    [
        pytest.param("**a** *b* __c__ _d_ ~~e~~", "a b c d e", id="emphasis"),
        pytest.param("[t](http://x.org/(y)) ![alt](i.png) [r][ref]", "t alt r", id="links"),
        pytest.param("snake_case_name and 2*3*4", "snake_case_name and 2*3*4", id="not-emphasis"),
        pytest.param(r"\*not\* <https://x.org>", "*not* https://x.org", id="escapes-autolinks"),
        pytest.param("a  \n  b , c .", "a b, c.", id="whitespace"),
    ],
)  # fmt: skip
def test_reduce_markdown(markdown: str, text: str) -> None:
    assert reduce_markdown(markdown) == text
