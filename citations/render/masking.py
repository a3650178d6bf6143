"""Where an article's text is not prose (comments, code, tags, URLs), found in linear time."""

# Each function finds what one regular expression's `finditer` found before, match for match
# (tests/test_linear_scanners.py keeps the expressions). They were quadratic on hostile
# input: `<!--` repeated 100,000 times made each `<!--` search the rest of the text for a
# `-->` that was not there. Here each closing mark is searched for once and remembered.

from __future__ import annotations

import bisect
import functools
import re
from typing import Any

_CODE_NAMES = "code|pre|script|style|kbd|samp|textarea"
# An HTML comment, or the start of a code-like element (its content is never prose).
_HIDDEN_START = re.compile(rf"(?i)<(?:!--|({_CODE_NAMES})\b)")
_CLOSING_TAG = re.compile(rf"(?i)</({_CODE_NAMES})\s*>")
# The rest of what is not prose, tried after comments and code elements at each place: HTML
# tags (closing tags anywhere, opening ones not glued to a word, since pandoc keys may hold
# `<k>`); URLs; and Markdown link targets `](...)`. Each is linear on its own.
_OTHER = re.compile(
    r"</[A-Za-z][^<>]*>|(?<!\w)<[A-Za-z][^<>]*>|<![^<>]*>"
    r"|(?i:\b(?:https?|ftp|mailto):[^\s<>\"'`\]\)]+)"
    r"|\]\([^()\s]*(?:\([^()\s]*\)[^()\s]*)*(?:\s+\"[^\"]*\")?\)"
)
# Only text with a fence or an indented line can hold a code block: skip the parser otherwise.
_MAY_HAVE_CODE_BLOCK = re.compile(r"```|~~~|^(?: {4}|\t)", re.MULTILINE)
_OPENING_BACKTICKS = re.compile(r"(?<![`\\])(`+)(?!`)")
_BACKTICKS = re.compile(r"`+")

Ranges = list[tuple[int, int]]


class NextMark:
    """Where `mark` next occurs at or after a place, for places asked in increasing order:
    each part of the text is searched once, however many places ask."""

    def __init__(self, text: str, mark: str) -> None:
        self.text, self.mark = text, mark
        self.asked: int | None = None
        self.found = -1

    def __call__(self, pos: int) -> int:
        """The next occurrence's index, or -1 if there is none."""
        # What was found from an earlier place holds unless it lies before this one: there
        # is no mark between the two places (nor any at all, if none was found).
        if self.asked is None or pos < self.asked or 0 <= self.found < pos:
            self.asked, self.found = pos, self.text.find(self.mark, pos)
        return self.found


class HiddenHtml:
    """HTML comments and code elements (`<code>...</code>`, `<pre>`, `<script>`...), as
    `<!--.*?-->|<(code|...)\\b[^>]*>.*?</\\1\\s*>` (case-insensitive, across lines) finds them;
    without `whole_tag`, the element's content starts right after its name, not after `>`."""

    def __init__(self, text: str, *, whole_tag: bool = True) -> None:
        self.text, self.whole_tag = text, whole_tag
        self.comment_end = NextMark(text, "-->")
        self.tag_end = NextMark(text, ">")
        self.closing: dict[str, list[tuple[int, int]]] = {}
        for m in _CLOSING_TAG.finditer(text):
            self.closing.setdefault(m.group(1).lower(), []).append(m.span())

    def spans(self, start: int) -> Ranges:
        """Every comment and code element from `start`, as `finditer` finds them."""
        found: Ranges = []
        pos = start
        while (span := self.next_span(pos)) is not None:
            found.append(span)
            pos = span[1]
        return found

    def next_span(self, pos: int) -> tuple[int, int] | None:
        """The first comment or code element starting at or after `pos`."""
        while (m := _HIDDEN_START.search(self.text, pos)) is not None:
            end = self._end(m)
            if end is not None:
                return m.start(), end
            pos = m.start() + 1
        return None

    def _end(self, m: re.Match[str]) -> int | None:
        name = m.group(1)
        if name is None:
            end = self.comment_end(m.end())
            return end + 3 if end >= 0 else None
        content = m.end()
        if self.whole_tag:
            tag_end = self.tag_end(m.end())
            if tag_end < 0:
                return None
            content = tag_end + 1
        closing = self.closing.get(name.lower(), [])
        i = bisect.bisect_left(closing, (content, -1))
        return closing[i][1] if i < len(closing) else None


def not_prose(text: str, start: int) -> Ranges:
    """Comments, code elements, tags, URLs and link targets from `start`, in one pass, as one
    alternation of them all (comments and code elements first at any place) finds them."""
    hidden = HiddenHtml(text)
    found: Ranges = []
    a = hidden.next_span(start)
    b = _OTHER.search(text, start)
    while True:
        if a is not None and (b is None or a[0] <= b.start()):
            span = a
        elif b is not None:
            span = b.span()
        else:
            return found
        found.append(span)
        pos = span[1]
        if a is not None and a[0] < pos:
            a = hidden.next_span(pos)
        if b is not None and b.start() < pos:
            b = _OTHER.search(text, pos)


def markdown_code_ranges(text: str, body_start: int) -> Ranges:
    """Code blocks (from markdown-it, so CommonMark decides) and inline code spans."""
    ranges = []
    if _MAY_HAVE_CODE_BLOCK.search(text, body_start):
        line_starts = [0] + [m.end() for m in re.finditer("\n", text)] + [len(text)]
        first_line = text.count("\n", 0, body_start)
        for token in _block_parser().parse(text[body_start:]):
            if token.type in ("fence", "code_block") and token.map:
                begin, end = token.map[0] + first_line, token.map[1] + first_line
                ranges.append((line_starts[begin], line_starts[min(end, len(line_starts) - 1)]))
    return merge_ranges(ranges) + _code_spans(text, body_start)


def _code_spans(text: str, start: int) -> Ranges:
    """Inline code: a run of N backticks up to the next run of exactly N."""
    if "`" not in text:
        return []
    runs: dict[int, list[int]] = {}  # run length → where the runs of that length start
    for run in _BACKTICKS.finditer(text):
        runs.setdefault(run.end() - run.start(), []).append(run.start())
    spans: Ranges = []
    pos = start
    while (m := _OPENING_BACKTICKS.search(text, pos)) is not None:
        closing = runs[m.end() - m.start()]
        i = bisect.bisect_left(closing, m.end())
        if i == len(closing):
            pos = m.end()
            continue
        spans.append((m.start(), closing[i] + m.end() - m.start()))
        pos = spans[-1][1]
    return spans


@functools.cache
def _block_parser() -> Any:
    """CommonMark's block structure only: inline parsing is most of the cost, and unneeded."""
    from markdown_it import MarkdownIt

    return MarkdownIt("commonmark").disable("inline")


def merge_ranges(ranges: Ranges) -> Ranges:
    merged: Ranges = []
    for start, end in sorted(ranges):
        if merged and start <= merged[-1][1]:
            merged[-1] = (merged[-1][0], max(merged[-1][1], end))
        else:
            merged.append((start, end))
    return merged
