"""The linear-time scanners find exactly what the regular expressions they replaced found:
those (quadratic on hostile input) stay here as the specification, run on random text."""

from __future__ import annotations

import difflib
import html
import re
from collections.abc import Callable

from hypothesis import given, settings
from hypothesis import strategies as st

from citations.checks import authors, sanity
from citations.checks.fields import _closest, _variant
from citations.claims import inline, sentences
from citations.claims.evidence import _RandomizedTrial
from citations.render import compose, markers, masking
from citations.render.article import refs_divs
from citations.snapshot import _names_on

SETTINGS = settings(max_examples=300, deadline=None, derandomize=True, database=None)


def texts(*atoms: str, size: int = 14) -> st.SearchStrategy[str]:
    return st.lists(st.sampled_from(atoms), max_size=size).map("".join)


# --- render: masked ranges, the reference placeholder, brackets, titles ----------------------

_HIDDEN = r"(?si:<!--.*?-->|<(code|pre|script|style|kbd|samp|textarea)\b[^>]*>.*?</\1\s*>)"
NOT_PROSE = re.compile(
    _HIDDEN + r"|</[A-Za-z][^<>]*>|(?<!\w)<[A-Za-z][^<>]*>|<![^<>]*>"
    r"|(?i:\b(?:https?|ftp|mailto):[^\s<>\"'`\]\)]+)"
    r"|\]\([^()\s]*(?:\([^()\s]*\)[^()\s]*)*(?:\s+\"[^\"]*\")?\)"
)
OPAQUE = re.compile(r"(?si)<!--.*?-->|<(code|pre|script|style|kbd|samp|textarea)\b.*?</\1\s*>")
HTML = texts(
    "<!--", "-->", "--", ">", "<", "<code>", "</code>", "<CODE x>", "</code >", "<pre", "</pre>",
    "<script>", "</script>", "<codex>", "a", " ", "\n", "http://x", "](", ")", "(", '"', "<a>",
    "</a>", "<!x>", "<kbd>", "</kbd>",
)  # fmt: skip


@SETTINGS
@given(HTML, st.integers(0, 20))
def test_not_prose(text: str, start: int) -> None:
    start = min(start, len(text))
    assert masking.not_prose(text, start) == [m.span() for m in NOT_PROSE.finditer(text, start)]
    hidden = [m.span() for m in re.compile(_HIDDEN).finditer(text, start)]
    assert masking.HiddenHtml(text).spans(start) == hidden
    opaque = [m.span() for m in OPAQUE.finditer(text, start)]
    assert masking.HiddenHtml(text, whole_tag=False).spans(start) == opaque


def _old_code_spans(text: str, pos: int) -> list[tuple[int, int]]:
    spans = []
    while (m := re.compile(r"(?<![`\\])(`+)(?!`)").search(text, pos)) is not None:
        closing = re.compile(rf"(?<!`){m.group(1)}(?!`)").search(text, m.end())
        if closing is None:
            pos = m.end()
            continue
        spans.append((m.start(), closing.end()))
        pos = closing.end()
    return spans


@SETTINGS
@given(texts("`", "``", "```", "\\`", "a", " ", "\n"), st.integers(0, 5))
def test_code_spans(text: str, start: int) -> None:
    start = min(start, len(text))
    assert masking._code_spans(text, start) == _old_code_spans(text, start)


REFS_DIV = re.compile(r"^:::+[ \t]*\{#refs[^}]*\}[ \t]*\n(?:.*?\n)??:::+[ \t]*$", re.M | re.S)


@SETTINGS
@given(texts(":::", "::::", " ", "\t", "{#refs", "{#refs}", "}", "\n", "x", "{", ":"))
def test_refs_divs(text: str) -> None:
    assert list(refs_divs(text)) == [m.span() for m in REFS_DIV.finditer(text)]


def _old_matching_bracket(text: str, start: int) -> int | None:
    depth, i, limit = 0, start, min(len(text), start + 2000)
    while i < limit:
        ch = text[i]
        if ch == "\\":
            i += 2
            continue
        if ch == "[":
            depth += 1
        elif ch == "]":
            depth -= 1
            if depth == 0:
                return i
        elif ch == "\n" and text[i + 1 : i + 2] == "\n":
            return None
        i += 1
    return None


@SETTINGS
@given(texts("[", "]", "\\", "\n", "@", "a", " ", "[@a]", "\\[", "\n\n", "x" * 700, size=20))
def test_matching_brackets(text: str) -> None:
    pairs = markers._matching_brackets(text)
    for m in re.finditer(r"(?<!\\)\[", text):
        assert pairs.get(m.start()) == _old_matching_bracket(text, m.start())


HEADING = re.compile(r"^#{1,6}[ \t]+(.+?)[ \t#]*$", re.MULTILINE)
HTML_TITLE = re.compile(r"<(?:title|h1)\b[^>]*>(.*?)</(?:title|h1)>", re.I | re.S)


@SETTINGS
@given(
    texts("#", "##", "#######", " ", "\t", "\n", "a", "b ", "# ", "\r", "x#"),
    texts("<title>", "<h1 x>", "</h1>", "</TITLE>", "<h1", ">", "<", "a", "\n", "<h1x>"),
    texts("<", ">", "<>", "[@", "]", "[", "@", "a", " ", "<a>", "[@a]"),
)
def test_titles(markdown: str, html: str, title: str) -> None:
    heading = HEADING.search(markdown)
    assert compose._heading(markdown) == (heading.group(1) if heading else None)
    found = HTML_TITLE.search(html)
    assert compose._html_title(html) == (found.group(1) if found else None)
    stripped = re.sub(r"<[^>]+>|\[@[^\]]*\]", "", title)
    assert compose._without_tags_and_citations(title) == stripped


# --- claims: Markdown inline syntax, headings, tags, the randomized-trial rule ---------------

REDUCE: list[tuple[re.Pattern[str], str, Callable[[str], str]]] = [
    (
        re.compile(r"!?\[([^\]]*)\]\((?:[^()]|\([^()]*\))*\)"),
        r"\1",
        inline._links,
    ),
    (re.compile(r"\[([^\]]+)\]\[[^\]]*\]"), r"\1", inline._reference_links),
    (re.compile(r"(`+)(.+?)\1"), r"\2", inline._code),
    *(
        (re.compile(pattern), replacement, lambda t, s=span: inline._spans(t, s))
        for (pattern, replacement), span in zip(
            [
                (r"(\*\*|__)(?=\S)(.+?)(?<=\S)\1", r"\2"),
                (r"(?<![\w*])\*(?=\S)(.+?)(?<=\S)\*(?!\w)", r"\1"),
                (r"(?<![\w_])_(?=\S)(.+?)(?<=\S)_(?!\w)", r"\1"),
                (r"~~(.+?)~~", r"\1"),
            ],
            inline._SPANS,
            strict=True,
        )
    ),
]
MARKDOWN = texts(
    "[", "]", "(", ")", "!", "a", " ", "\n", "`", "``", "*", "**", "_", "__", "~", "~~", "x",
    "<http://a>", "\\*", "[a]", "(u)", "![", "][",
)  # fmt: skip


@SETTINGS
@given(MARKDOWN)
def test_inline_markdown(text: str) -> None:
    for pattern, replacement, step in REDUCE:
        assert step(text) == pattern.sub(replacement, text), pattern.pattern
    # The whole reduction, as it was: the eight substitutions in order, with escapes parked.
    old = inline._ESCAPE.sub(lambda m: chr(inline._PARKED + ord(m.group(1))), text)
    for pattern, replacement, _ in [*REDUCE[:2], (inline._AUTOLINK, r"\1", None), *REDUCE[2:]]:
        old = pattern.sub(replacement, old)
    old = inline._UNPARK.sub(lambda m: chr(ord(m.group()) - inline._PARKED), old)
    old = " ".join(html.unescape(old).split())
    assert inline.reduce_markdown(text) == inline._SPACE_BEFORE_PUNCTUATION.sub(r"\1", old)


SECTION = re.compile(r" {0,3}(#{1,6})(?:[ \t]+(.*?))?(?:[ \t]+#+)?[ \t]*$")
TAG = re.compile(r"<(/?)([A-Za-z][\w-]*)[^<>]*>")
RANDOMIZED = re.compile(r"randomi[sz]ed\b.*\b(?:trials?|controlled)\b|\bRCTs?\b", re.I)


@SETTINGS
@given(
    texts("#", "##", "#######", " ", "\t", "a", "b ", "x#", " #", "\r", "    "),
    texts("<", ">", "/", "a", "-", "b", " ", "<a", "</p>", "1", "_"),
    texts("randomized", "Randomised", " ", "\n", "trial", "trials", "controlled", "RCT", "x"),
)
def test_sentence_scanners(line: str, tags: str, title: str) -> None:
    section = SECTION.match(line)
    assert sentences._heading(line) == (None if section is None else section.group(2) or "")
    new = [(m.span(), m.groups()) for m in sentences._TAG.finditer(tags)]
    assert new == [(m.span(), m.groups()) for m in TAG.finditer(tags)]
    old, found = RANDOMIZED.search(title), _RandomizedTrial().search(title)
    assert (found and (found.span(), found.group())) == (old and (old.span(), old.group()))


# --- check: braces, names, field names ---------------------------------------------------------

INNER_GROUP = re.compile(r"\{[^{}]*\}")


def _old_balanced(value: str) -> bool:
    if value.count("{") != value.count("}"):
        return False
    while "{" in value:
        value, n = INNER_GROUP.subn("", value)
        if not n:
            return False
    return "}" not in value


def _old_without_groups(text: str, fill: Callable[[str], str]) -> str:
    while "{" in text:
        blanked = INNER_GROUP.sub(lambda m: fill(m.group()), text)
        if blanked == text:
            break
        text = blanked
    return text


@SETTINGS
@given(texts("{", "}", "a", "B", " ", "~", "\\", "$"))
def test_brace_groups(value: str) -> None:
    assert sanity.balanced(value) == _old_balanced(value)
    assert sanity.without_groups(value) == _old_without_groups(value, lambda _: " ")
    blanked = _old_without_groups(value, lambda g: "\0" * len(g)).replace("~", " ")
    assert authors.mask_braces(value) == blanked


@SETTINGS
@given(texts("a", "b", ".", "-", "_", "=", ":", "{", "}", " ", ",", "\t", "ab"))
def test_field_names_on_a_long_line(line: str) -> None:
    index = _names_on(line)
    for name in ["a", "b", "ab", "a.b", "b.a", "a-b", ".b", "_a", "a:b", "{a", "a}"]:
        m = re.search(rf"(?i)(?<![\w-]){re.escape(name)}\s*=", line)
        assert index.get(name) == (m.start() if m else None), name


@SETTINGS
@given(texts(" ", "\t", "and", "AND", "a", "x", "{", "}", "et", "al", ".", "{et al}"))
def test_and_between_names(names: str) -> None:
    old = re.compile(r"\s+and\s+", re.I)
    assert [m.span() for m in authors._AND.finditer(names)] == [
        m.span() for m in old.finditer(names)
    ]
    braced = re.compile(r"(?:\s+and)?\s*\{\s*et\.?\s*al\.?\s*\}\s*$", re.I).search(names)
    found = authors._BRACED_ET_AL.search(names)
    assert (found and found.span()) == (braced and braced.span())


@SETTINGS
@given(st.text("abcdeilnorstuy_-0123456789", max_size=14))
def test_closest_field_name(name: str) -> None:
    from citations.checks.fields import _KNOWN_SORTED

    close = difflib.get_close_matches(name, _KNOWN_SORTED, n=1, cutoff=0.8)
    expected = close[0] if close and not _variant(name, close[0]) else None
    assert _closest.__wrapped__(name, _KNOWN_SORTED) == expected


@SETTINGS
@given(
    st.lists(st.text("abAB12_:-", min_size=1, max_size=8), max_size=30, unique=True),
    st.text("abAB12_:-", max_size=8),
)
def test_suggested_keys(keys: list[str], key: str) -> None:
    from citations.library import Library

    library = Library({k: None for k in keys}, [], [])  # type: ignore[misc]
    same_case = [k for k in keys if k.casefold() == key.casefold()]
    close = difflib.get_close_matches(key, keys, n=3, cutoff=0.6)
    assert library.suggest(key) == list(dict.fromkeys(same_case + close))[:3]
