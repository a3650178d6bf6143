"""An article file: its kind, front matter, the parts that are not prose, and its markers."""

from __future__ import annotations

import bisect
import re
from collections.abc import Iterator
from dataclasses import dataclass, field
from pathlib import Path
from typing import Any, Literal

from ..errors import ArticleError, StyleError
from ..library.encoding import not_text
from ..model import Marker, Span
from .markers import OutsideRanges, find_markers
from .masking import HiddenHtml, NextMark, merge_ranges, not_prose
from .masking import markdown_code_ranges as markdown_code_ranges  # links/ imports it here

Kind = Literal["markdown", "html"]
HTML_SUFFIXES = (".html", ".htm", ".xhtml")

# A BibTeX file: its first text (past blank and %-comment lines) opens an entry `@type{key,`.
_BIBTEX_RE = re.compile(
    rb"\A(?:\xef\xbb\xbf)?(?:[ \t]*(?:%[^\n]*)?\r?\n)*[ \t]*@[A-Za-z]+[ \t]*[{(]"
)
BIBTEX_SUFFIXES = (".bib", ".bibtex", ".biblatex")
_FRONT_MATTER_RE = re.compile(r"\A---[ \t]*\n(.*?\n)?(?:---|\.\.\.)[ \t]*(?:\n|\Z)", re.DOTALL)
# Values front matter may repeat through YAML aliases (`*name`): more is an alias bomb.
MAX_ALIASED = 10_000
# Where the reference list goes: a pandoc `::: {#refs}` div, pandoc's HTML placeholder
# `<div id="refs"></div>`, or a `[[references]]` line.
_REFS_DIV_START_RE = re.compile(r"^:::+[ \t]*\{#refs", re.M)
_REFS_DIV_HEAD_END_RE = re.compile(r"[ \t]*\n")
_REFS_DIV_END_RE = re.compile(r"^:::+[ \t]*$", re.M)
_REFS_HTML_RE = re.compile(
    r"""<div\b[^<>]*?\sid\s*=\s*(["']?)refs\1(?=[\s/>])[^<>]*>\s*</div\s*>""", re.I
)
_REFS_LINE_RE = re.compile(r"^[ \t]*\[\[references\]\][ \t]*$", re.MULTILINE)


@dataclass
class Article:
    """An article's text (CRLF folded) and what was found in it, with offsets into `text`."""

    path: str
    text: str
    kind: Kind
    meta: dict[str, Any] = field(default_factory=dict)
    body_start: int = 0  # where the text after front matter begins
    masked: list[tuple[int, int]] = field(default_factory=list)
    markers: list[Marker] = field(default_factory=list)
    refs_at: tuple[int, int] | None = None  # the placeholder for the reference list


def read_article(path: Path) -> Article:
    """Read and scan an article file; unreadable or non-UTF-8 files raise ArticleError."""
    try:
        data = path.read_bytes()
    except OSError as exc:
        raise ArticleError(f"cannot read article {path}: {exc.strerror}") from None
    if path.suffix.lower() in BIBTEX_SUFFIXES or _BIBTEX_RE.match(data):
        raise ArticleError(
            f"{path} is a BibTeX library, not an article",
            hint=f"render an article that cites it: citations render ARTICLE --refs {path}",
        )
    problem = not_text(data)
    if problem is not None:
        where = Span(str(path), problem.line, problem.column)
        raise ArticleError(f"article is {problem.message}", where, hint=problem.hint)
    try:
        text = data.decode("utf-8-sig")
    except UnicodeDecodeError as exc:
        line = data[: exc.start].count(b"\n") + 1
        raise ArticleError(
            "article is not UTF-8 text", Span(str(path), line), hint="save it as UTF-8"
        ) from None
    kind: Kind = "html" if path.suffix.lower() in HTML_SUFFIXES else "markdown"
    return scan_article(text, str(path), kind)


def scan_article(
    text: str, path: str, kind: Kind = "markdown", *, front_matter: bool = True
) -> Article:
    """An article's text scanned; without `front_matter` (a caller such as MkDocs took it off
    already), a `---` rule opening the text is text, not the start of front matter."""
    text = text.replace("\r\n", "\n")
    article = Article(path, text, kind)
    front = _FRONT_MATTER_RE.match(text) if kind == "markdown" and front_matter else None
    if front:
        article.meta = _front_matter(front.group(1) or "", path)
        article.body_start = front.end()
    article.masked = _masked_ranges(text, kind, article.body_start)
    article.markers = find_markers(text, path, article.masked)
    article.refs_at = _refs_placeholder(article)
    return article


def front_matter_style(article: Article) -> tuple[str | None, dict[str, Any]]:
    """The style an article's front matter asks for (None: the settings') and its options;
    a value of the wrong type is an error at its line, not a silent default."""
    name, options = article.meta.get("style"), article.meta.get("style-options", {})
    if name is not None and not isinstance(name, str):
        where = front_matter_span(article, "style")
        raise StyleError(f"front matter 'style' must be a style's name, not {name!r}", where)
    if not isinstance(options, dict):
        where = front_matter_span(article, "style-options")
        raise StyleError(f"front matter 'style-options' must be a mapping, not {options!r}", where)
    return name, options


def front_matter_span(article: Article, key: str) -> Span:
    """The line of `key:` in the article's front matter (its first line if not found)."""
    head = article.text[: article.body_start]
    found = re.search(rf"(?m)^{re.escape(key)}\s*:", head)
    return Span(article.path, head.count("\n", 0, found.start()) + 1 if found else 1)


def _front_matter(source: str, path: str) -> dict[str, Any]:
    import yaml

    loader = getattr(yaml, "CSafeLoader", yaml.SafeLoader)  # libyaml when present: 10x faster
    try:
        bomb = _alias_bomb(source, loader)
        if bomb is not None:
            raise ArticleError(
                f"front matter repeats more than {MAX_ALIASED:,} values through YAML aliases",
                Span(path, bomb + 2),
                hint="write the values out, or repeat less through &anchors and *aliases",
            )
        meta = yaml.load(source, Loader=loader) or {}
    except yaml.YAMLError as exc:
        mark = getattr(exc, "problem_mark", None)
        line = mark.line + 2 if mark is not None else 1
        raise ArticleError(f"front matter is not valid YAML: {exc}", Span(path, line)) from None
    if not isinstance(meta, dict):
        raise ArticleError("front matter must be a YAML mapping", Span(path, 1))
    return meta


def _alias_bomb(source: str, loader: Any) -> int | None:
    """The line (0-based in `source`) of the alias that takes the values repeated through
    aliases past MAX_ALIASED, or None. Loading shares what an alias names, but whatever reads
    the result (a template printing the title) walks every repeat: 600 bytes of nested
    aliases are billions of values."""
    import yaml

    sizes: dict[str, int] = {}  # values under each anchor, its aliases expanded
    open_: list[tuple[str | None, int]] = []  # each collection being read: anchor, values
    repeated = 0
    for event in yaml.parse(source, Loader=loader):
        if isinstance(event, yaml.AliasEvent):
            size = sizes.get(event.anchor, 1)  # an anchor still open is a cycle: one value
            repeated += size
            if repeated > MAX_ALIASED:
                return int(event.start_mark.line)
        elif isinstance(event, yaml.ScalarEvent):
            size = 1
            if event.anchor:
                sizes[event.anchor] = 1
        elif isinstance(event, yaml.CollectionStartEvent):
            open_.append((event.anchor, 1))
            continue
        elif isinstance(event, yaml.CollectionEndEvent):
            anchor, size = open_.pop()
            if anchor:
                sizes[anchor] = size
        else:
            continue
        if open_:
            open_[-1] = (open_[-1][0], open_[-1][1] + size)
    return None


def _masked_ranges(text: str, kind: Kind, body_start: int) -> list[tuple[int, int]]:
    """[start, end) ranges where `@` and `[` are not citations."""
    ranges: list[tuple[int, int]] = [(0, body_start)] if body_start else []
    if kind == "markdown":
        ranges += markdown_code_ranges(text, body_start)
    ranges += not_prose(text, body_start)
    return merge_ranges(ranges)


def _refs_placeholder(article: Article) -> tuple[int, int] | None:
    text = article.text
    free = OutsideRanges(article.masked)
    for start, end in refs_divs(text):
        if free(start):
            return start, end
    # A tag is masked as a whole, the placeholder's own among them: only comments, code
    # elements and code blocks hide it (found only when a placeholder is there at all).
    visible: OutsideRanges | None = None
    for m in _REFS_HTML_RE.finditer(text, article.body_start):
        if visible is None:
            hidden = HiddenHtml(text).spans(0)
            if article.kind == "markdown":
                hidden += markdown_code_ranges(text, article.body_start)
            visible = OutsideRanges(merge_ranges(hidden))
        if visible(m.start()):
            return m.start(), m.end()
    for m in _REFS_LINE_RE.finditer(text):
        if free(m.start()):
            return m.start(), m.end()
    return None


def refs_divs(text: str) -> Iterator[tuple[int, int]]:
    r"""Each `::: {#refs}` div, from its opening line to its closing `:::` line, as
    `^:::+[ \t]*\{#refs[^}]*\}[ \t]*\n(?:.*?\n)??:::+[ \t]*$` (multi-line, `.` across
    lines) finds them, but with the closing lines listed once: searched for from each opening
    line, 50,000 opening lines without one took minutes."""
    closing = [m.span() for m in _REFS_DIV_END_RE.finditer(text)]
    brace = NextMark(text, "}")
    pos = 0
    while (m := _REFS_DIV_START_RE.search(text, pos)) is not None:
        at = brace(m.end())
        if at < 0:
            return  # no `}` after this opening line, so none after any later one
        head = _REFS_DIV_HEAD_END_RE.match(text, at + 1)
        i = bisect.bisect_left(closing, (head.end(), -1)) if head else 0
        if head is None:
            pos = m.start() + 1
        elif i == len(closing):
            return  # no closing line after this div's head, so none after any later one
        else:
            yield m.start(), closing[i][1]
            pos = closing[i][1]
