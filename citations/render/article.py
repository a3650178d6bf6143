"""An article file: its kind, front matter, the parts that are not prose, and its markers."""

from __future__ import annotations

import functools
import re
from dataclasses import dataclass, field
from pathlib import Path
from typing import Any, Literal

from ..errors import ArticleError
from ..library.encoding import not_text
from ..model import Marker, Span
from .markers import OutsideRanges, find_markers

Kind = Literal["markdown", "html"]
HTML_SUFFIXES = (".html", ".htm", ".xhtml")

# A BibTeX file: its first text (past blank and %-comment lines) opens an entry `@type{key,`.
_BIBTEX_RE = re.compile(
    rb"\A(?:\xef\xbb\xbf)?(?:[ \t]*(?:%[^\n]*)?\r?\n)*[ \t]*@[A-Za-z]+[ \t]*[{(]"
)
BIBTEX_SUFFIXES = (".bib", ".bibtex", ".biblatex")
_FRONT_MATTER_RE = re.compile(r"\A---[ \t]*\n(.*?\n)?(?:---|\.\.\.)[ \t]*(?:\n|\Z)", re.DOTALL)
# Text where `@` and `[` are never citations, found in one pass: HTML comments and the
# content of code-like elements; HTML tags (closing tags anywhere, opening ones not glued to
# a word, since pandoc keys may hold `<k>`); URLs; and Markdown link targets `](...)`.
_HIDDEN_HTML = r"(?si:<!--.*?-->|<(code|pre|script|style|kbd|samp|textarea)\b[^>]*>.*?</\1\s*>)"
_HIDDEN_HTML_RE = re.compile(_HIDDEN_HTML)
_NOT_PROSE_RE = re.compile(
    _HIDDEN_HTML + r"|</[A-Za-z][^<>]*>|(?<!\w)<[A-Za-z][^<>]*>|<![^<>]*>"
    r"|(?i:\b(?:https?|ftp|mailto):[^\s<>\"'`\]\)]+)"
    r"|\]\([^()\s]*(?:\([^()\s]*\)[^()\s]*)*(?:\s+\"[^\"]*\")?\)"
)
# Only text with a fence or an indented line can hold a code block: skip the parser otherwise.
# Values front matter may repeat through YAML aliases (`*name`): more is an alias bomb.
MAX_ALIASED = 10_000
_MAY_HAVE_CODE_BLOCK = re.compile(r"```|~~~|^(?: {4}|\t)", re.MULTILINE)
# Where the reference list goes: a pandoc `::: {#refs}` div, pandoc's HTML placeholder
# `<div id="refs"></div>`, or a `[[references]]` line.
_REFS_DIV_RE = re.compile(r"^:::+[ \t]*\{#refs[^}]*\}[ \t]*\n(?:.*?\n)??:::+[ \t]*$", re.M | re.S)
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


def scan_article(text: str, path: str, kind: Kind = "markdown") -> Article:
    text = text.replace("\r\n", "\n")
    article = Article(path, text, kind)
    front = _FRONT_MATTER_RE.match(text) if kind == "markdown" else None
    if front:
        article.meta = _front_matter(front.group(1) or "", path)
        article.body_start = front.end()
    article.masked = _masked_ranges(text, kind, article.body_start)
    article.markers = find_markers(text, path, article.masked)
    article.refs_at = _refs_placeholder(article)
    return article


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
    ranges += [(m.start(), m.end()) for m in _NOT_PROSE_RE.finditer(text, body_start)]
    return _merge(ranges)


def markdown_code_ranges(text: str, body_start: int) -> list[tuple[int, int]]:
    """Code blocks (from markdown-it, so CommonMark decides) and inline code spans."""
    ranges = []
    if _MAY_HAVE_CODE_BLOCK.search(text, body_start):
        line_starts = [0] + [m.end() for m in re.finditer("\n", text)] + [len(text)]
        first_line = text.count("\n", 0, body_start)
        for token in _block_parser().parse(text[body_start:]):
            if token.type in ("fence", "code_block") and token.map:
                begin, end = token.map[0] + first_line, token.map[1] + first_line
                ranges.append((line_starts[begin], line_starts[min(end, len(line_starts) - 1)]))
    blocks = _merge(ranges)
    # Inline code: a run of N backticks up to the next run of exactly N.
    pos = body_start
    backticks = re.compile(r"(?<![`\\])(`+)(?!`)")
    while True:
        m = backticks.search(text, pos)
        if m is None:
            break
        closing = re.compile(rf"(?<!`){m.group(1)}(?!`)").search(text, m.end())
        if closing is None:
            pos = m.end()
            continue
        blocks.append((m.start(), closing.end()))
        pos = closing.end()
    return blocks


@functools.cache
def _block_parser() -> Any:
    """CommonMark's block structure only: inline parsing is most of the cost, and unneeded."""
    from markdown_it import MarkdownIt

    return MarkdownIt("commonmark").disable("inline")


def _refs_placeholder(article: Article) -> tuple[int, int] | None:
    text = article.text
    free = OutsideRanges(article.masked)
    for m in _REFS_DIV_RE.finditer(text):
        if free(m.start()):
            return m.start(), m.end()
    # A tag is masked as a whole, the placeholder's own among them: only comments, code
    # elements and code blocks hide it (found only when a placeholder is there at all).
    visible: OutsideRanges | None = None
    for m in _REFS_HTML_RE.finditer(text, article.body_start):
        if visible is None:
            hidden = [(h.start(), h.end()) for h in _HIDDEN_HTML_RE.finditer(text)]
            if article.kind == "markdown":
                hidden += markdown_code_ranges(text, article.body_start)
            visible = OutsideRanges(_merge(hidden))
        if visible(m.start()):
            return m.start(), m.end()
    for m in _REFS_LINE_RE.finditer(text):
        if free(m.start()):
            return m.start(), m.end()
    return None


def _merge(ranges: list[tuple[int, int]]) -> list[tuple[int, int]]:
    merged: list[tuple[int, int]] = []
    for start, end in sorted(ranges):
        if merged and start <= merged[-1][1]:
            merged[-1] = (merged[-1][0], max(merged[-1][1], end))
        else:
            merged.append((start, end))
    return merged
