"""Article prose → sentences, each with its place, its section heading and its citation markers."""

from __future__ import annotations

import bisect
import re
from collections.abc import Iterator
from dataclasses import dataclass

from ..model import Marker, Span
from ..render.article import Article
from ..render.markers import OutsideRanges
from ..render.masking import HiddenHtml, markdown_code_ranges
from .inline import reduce_markdown

__all__ = ["ABBREVIATIONS", "Sentence", "reduce_markdown", "split_sentences"]

# Words whose period is not a sentence end ("et al." is seen as "al"). "etc." is not here:
# it ends sentences as often as not, so the next word's case decides, as for any word.
ABBREVIATIONS = frozenset(
    {
        "al",
        "e.g",
        "i.e",
        "dr",
        "mr",
        "mrs",
        "ms",
        "prof",
        "vs",
        "v",
        "p",
        "pp",
        "fig",
        "figs",
        "vol",
        "vols",
        "ca",
        "approx",
        "cf",
        "eq",
        "eqs",
        "ed",
        "eds",
        "ch",
        "sec",
        "st",
        "jr",
        "sr",
        "viz",
        "resp",
        "incl",
        "suppl",
        "dept",
        "univ",
    }
)
BEFORE_NUMBER = frozenset({"no", "nos"})  # "No. 5", but "the answer was no. Then"
_TOKEN = re.compile(r"(?<![\w.])[A-Za-z][A-Za-z.]*$")
_DOTTED = re.compile(r"(?:[A-Za-z]\.)+[A-Za-z]")  # U.S, e.g, a.m
_ENDS = re.compile(r"[.?!]+")
_CLOSERS = "\"'”’)]*_~"
_OPENERS = "\"'“‘([*_`<@¿¡"

_HEADING_START = re.compile(r" {0,3}#{1,6}(?!#)")
_UNDERLINE = re.compile(r" {0,3}(?:=+|-+)[ \t]*$")
_RULE = re.compile(r" {0,3}(?:(?:\*[ \t]*){3,}|(?:-[ \t]*){3,}|(?:_[ \t]*){3,})$")
_BULLET = re.compile(r"[ \t]*(?:[-*+]|\d{1,9}[.)])(?:[ \t]+|$)")
_QUOTE_MARKS = re.compile(r"^[ \t]{0,3}((?:>[ \t]?)+)", re.MULTILINE)  # read what it quotes
_KEPT = re.compile(r"(?i)(?:https?|ftp|mailto):|\]\(|`|<(?:https?|ftp|mailto):")
_LINK_DEFINITION = re.compile(r" {0,3}\[[^\]^]+\]:[ \t]")
_FOOTNOTE = re.compile(r" {0,3}\[\^[^\]]+\]:[ \t]*")
_DIV_FENCE = re.compile(r" {0,3}:::")
_PIPE = re.compile(r"(?<!\\)\|")
_CELL_RULE = re.compile(r"\s*:?-+:?\s*")
# The name's end is marked, or a tag with no `>` would be tried with each shorter name.
_TAG = re.compile(r"<(/?)([A-Za-z][\w-]*)(?![\w-])[^<>]*>")
_BLOCK_TAGS = frozenset(
    {
        "address",
        "article",
        "aside",
        "blockquote",
        "body",
        "br",
        "caption",
        "dd",
        "details",
        "dialog",
        "div",
        "dl",
        "dt",
        "fieldset",
        "figcaption",
        "figure",
        "footer",
        "form",
        "h1",
        "h2",
        "h3",
        "h4",
        "h5",
        "h6",
        "head",
        "header",
        "hr",
        "html",
        "li",
        "main",
        "nav",
        "ol",
        "p",
        "pre",
        "section",
        "summary",
        "table",
        "tbody",
        "td",
        "tfoot",
        "th",
        "thead",
        "title",
        "tr",
        "ul",
    }
)


@dataclass(frozen=True, slots=True)
class Sentence:
    """One sentence at [start, end) of the article's text.

    `text` is what a reader sees: bracketed citation markers removed, Markdown reduced to
    its text, whitespace collapsed. `markers` are the citations it carries, including those
    right after its final period (`pain.[@a] Next` ends after `[@a]`). `section` is the text
    of the nearest heading above it ("" before the first heading).
    """

    start: int
    end: int
    text: str
    span: Span
    section: str
    markers: tuple[Marker, ...] = ()


def split_sentences(article: Article) -> list[Sentence]:
    """Every sentence of the article's prose, in reading order; headings are not sentences."""
    view = _prose_view(article)
    splitter = _Splitter(article, view)
    units = _html_units(article, view) if article.kind == "html" else _markdown_units(view, article)
    return [s for start, end, section in units for s in splitter.split(start, end, section)]


def _prose_view(article: Article) -> str:
    """The text with what is never prose blanked out (front matter, code blocks, comments,
    tags, block quote markers), keeping every offset. URLs, link targets and code spans
    stay: they are read as text, only never split."""
    text = article.text
    blank = [r for r in article.masked if not _KEPT.match(text, r[0])]
    if article.kind == "markdown":
        # Code blocks start a line and hold a newline; inline code spans are kept.
        blank += [
            (start, end)
            for start, end in markdown_code_ranges(text, article.body_start)
            if (start == 0 or text[start - 1] == "\n") and "\n" in text[start:end]
        ]
        blank += [m.span(1) for m in _QUOTE_MARKS.finditer(text, article.body_start)]
    chars = list(text)
    for start, end in blank:
        for i in range(start, end):
            if chars[i] != "\n":
                chars[i] = " "
    return "".join(chars)


def _markdown_units(view: str, article: Article) -> Iterator[tuple[int, int, str]]:
    """Paragraphs, list items and table cells as (start, end, section)."""
    section = ""
    unit: list[int] = []  # [start, end] of the open paragraph or list item
    paragraph = False  # the open unit is a paragraph: an underline makes it a heading
    pos = article.body_start
    while pos < len(view):
        eol = view.find("\n", pos)
        eol = len(view) if eol < 0 else eol
        start, line = pos, view[pos:eol]
        pos = eol + 1
        if unit and paragraph and _UNDERLINE.match(line) and line.strip():
            section = reduce_markdown(view[unit[0] : unit[1]])
            unit = []
            continue
        heading = _heading(line)
        table = line.lstrip().startswith("|")
        bullet = _BULLET.match(line) or _FOOTNOTE.match(line)
        if bullet and unit and paragraph and re.match(r"\s*(?:[02-9]|1\d)", line):
            bullet = None  # only `1.` may interrupt a paragraph: `2023. The` continues it
        ends = bool(
            not line.strip()
            or _RULE.match(line)
            or _DIV_FENCE.match(line)
            or _LINK_DEFINITION.match(line)
            or heading is not None
            or table
        )
        if unit and (ends or bullet):
            yield unit[0], unit[1], section
            unit = []
        if heading is not None:
            section = reduce_markdown(heading)
        elif table:
            yield from ((a, b, section) for a, b in _cells(view, start, eol))
        elif bullet:
            unit, paragraph = [start + bullet.end(), eol], False
        elif not ends and unit:
            unit[1] = eol
        elif not ends:
            unit, paragraph = [start + len(line) - len(line.lstrip()), eol], True
    if unit:
        yield unit[0], unit[1], section


def _heading(line: str) -> str | None:
    r"""An ATX heading's text ("" for none), or None if the line is no heading: what
    `" {0,3}(#{1,6})(?:[ \t]+(.*?))?(?:[ \t]+#+)?[ \t]*$"` matched as group 2, without
    trying every length of text against every run of spaces after it (quadratic)."""
    m = _HEADING_START.match(line)
    if m is None:
        return None
    rest = line[m.end() :]
    if not rest:
        return ""
    if rest[0] not in " \t":
        return None
    text = rest.strip(" \t")
    before_hashes = text.rstrip("#")
    if before_hashes != text and before_hashes != before_hashes.rstrip(" \t"):
        return before_hashes.rstrip(" \t")  # a closing run of # after a space goes
    return text


def _cells(view: str, start: int, end: int) -> Iterator[tuple[int, int]]:
    """The cells of one table row, split at pipes that are not escaped; rules skipped."""
    pipes = [m.start() for m in _PIPE.finditer(view, start, end)]
    for left, right in zip([start - 1, *pipes], [*pipes, end], strict=True):
        cell = view[left + 1 : right]
        if cell.strip() and not _CELL_RULE.fullmatch(cell):
            yield left + 1, right


def _html_units(article: Article, view: str) -> Iterator[tuple[int, int, str]]:
    """Text between block-level tags; heading elements set the section."""
    text, section, cursor = article.text, "", article.body_start
    in_heading = skip = False
    opaque = OutsideRanges(HiddenHtml(text, whole_tag=False).spans(article.body_start))
    for m in _TAG.finditer(text, article.body_start):
        name = m.group(2).lower()
        if name not in _BLOCK_TAGS or not opaque(m.start()):
            continue
        piece = (cursor, m.start())
        cursor = m.end()
        if in_heading:
            section = reduce_markdown(view[piece[0] : piece[1]])
        elif not skip and view[piece[0] : piece[1]].strip():
            yield piece[0], piece[1], section
        closing = bool(m.group(1))
        in_heading = re.fullmatch(r"h[1-6]", name) is not None and not closing
        skip = name in ("title", "head") and not closing
    if view[cursor:].strip():
        yield cursor, len(view), section


class _Splitter:
    """Finds the sentence ends inside one unit of prose."""

    def __init__(self, article: Article, view: str) -> None:
        self.article, self.view = article, view
        kept = [_trim_url(view, *r) for r in article.masked if not view[r[0] : r[1]].isspace()]
        self.markers = article.markers
        self.marker_starts = [m.start for m in article.markers]
        self.free = OutsideRanges(kept + [(m.start, m.end) for m in article.markers])
        self.line_starts = [0] + [m.end() for m in re.finditer("\n", article.text)]

    def split(self, start: int, end: int, section: str) -> Iterator[Sentence]:
        view = self.view
        while end > start and view[end - 1].isspace():
            end -= 1
        begin = start
        for m in _ENDS.finditer(view, start, end):
            if m.start() < begin or not self.free(m.start()) or not self._may_end(m):
                continue
            stop = self._after(m.end(), end)
            if stop >= end:
                break
            nxt = stop
            while nxt < end and view[nxt].isspace():
                nxt += 1
            if stop == nxt or not _starts_sentence(view[nxt]):
                continue
            yield self._sentence(begin, stop, section)
            begin = nxt
        if view[begin:end].strip():
            yield self._sentence(begin, end, section)

    def _may_end(self, m: re.Match[str]) -> bool:
        run = m.group()
        if ".." in run or (run == "." and m.end() < len(self.view) and self.view[m.end()] == "."):
            return False  # an ellipsis
        if run != "." or not self.free(m.start() - 1):
            return True  # no abbreviation ends in ? or !, nor in a URL
        token = _TOKEN.search(self.view, max(0, m.start() - 40), m.start())
        if token is None:
            return True
        word = token.group()
        if word.lower() in ABBREVIATIONS or _DOTTED.fullmatch(word):
            return False
        before = self.view[token.start() - 1] if token.start() else " "
        if len(word) == 1 and word.isupper() and (before.isspace() or before in "(\"'“‘"):
            return False  # an initial (J. Smith), unlike a unit (40 °C.)
        if word.lower() in BEFORE_NUMBER:
            rest = self.view[m.end() : m.end() + 3].lstrip()
            return not rest[:1].isdigit()
        return True

    def _after(self, pos: int, end: int) -> int:
        """Where a sentence ending at `pos` stops: past closing quotes, brackets and emphasis,
        and past citation markers that follow its period."""
        view = self.view
        while True:
            while pos < end and view[pos] in _CLOSERS and self.free(pos):
                pos += 1
            probe = pos
            while probe < end and view[probe] in " \t":
                probe += 1
            i = bisect.bisect_left(self.marker_starts, probe)
            if i < len(self.markers) and self.markers[i].start == probe:
                marker = self.markers[i]
                if not marker.in_text:
                    pos = marker.end
                    continue
            return pos

    def _sentence(self, start: int, end: int, section: str) -> Sentence:
        lo = bisect.bisect_left(self.marker_starts, start)
        hi = bisect.bisect_left(self.marker_starts, end)
        markers = tuple(self.markers[lo:hi])
        parts, cursor = [], start
        for marker in markers:
            if not marker.in_text:  # a bare @key is part of the sentence's wording
                parts.append(self.view[cursor : marker.start])
                cursor = marker.end
        parts.append(self.view[cursor:end])
        index = bisect.bisect_right(self.line_starts, start) - 1
        span = Span(self.article.path, index + 1, start - self.line_starts[index] + 1)
        return Sentence(start, end, reduce_markdown("".join(parts)), span, section, markers)


def _trim_url(view: str, start: int, end: int) -> tuple[int, int]:
    """A bare URL's trailing punctuation ends the sentence, not the URL."""
    if _KEPT.match(view, start) and view[start] not in "`]":
        while end > start and view[end - 1] in ".,;:!?":
            end -= 1
    return start, end


def _starts_sentence(char: str) -> bool:
    """Whether the text after a sentence end can begin a new sentence."""
    return char.isupper() or char.isdigit() or char in _OPENERS
