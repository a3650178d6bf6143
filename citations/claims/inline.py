"""Markdown inline syntax reduced to the text a reader sees, in time linear in its length."""

# Each step does what one `re.sub` did before, match for match (tests/test_linear_scanners.py
# keeps the expressions): links, reference links, autolinks, code, strong, emphasis and
# strikethrough. Those searched the rest of the line (or text) for a closing mark from every
# opening one, so `**a ` or `[` repeated 50,000 times took minutes; here closing marks are
# listed or searched for once.

from __future__ import annotations

import bisect
import html
import re
from dataclasses import dataclass

from ..render.masking import NextMark

_AUTOLINK = re.compile(r"<((?:https?|ftp|mailto):[^<>\s]+)>")  # linear: it stops at `<`
_LINK_TARGET = re.compile(r"\((?:[^()]|\([^()]*\))*\)")
_SPACE_BEFORE_PUNCTUATION = re.compile(r"\s+([.,;:!?])")
_ESCAPE = re.compile(r"\\([!-/:-@\[-`{-~])")
_PARKED = 0xE000
_UNPARK = re.compile("[\ue021-\ue07e]")
_BACKTICKS = re.compile(r"`+")


@dataclass(frozen=True)
class _Span:
    """Marks around text on one line, as `OPEN(?=\\S)(.+?)(?<=\\S)CLOSE` finds them."""

    opening: re.Pattern[str]  # zero-width at each opening mark; group 1 is the mark
    closing: re.Pattern[str]  # zero-width at each place a closing mark starts; group 1 too


_SPANS = (
    _Span(re.compile(r"(?=(\*\*|__)\S)"), re.compile(r"(?<=\S)(?=(\*\*|__))")),
    _Span(re.compile(r"(?<![\w*])(?=(\*)\S)"), re.compile(r"(?<=\S)(?=(\*)(?!\w))")),
    _Span(re.compile(r"(?<![\w_])(?=(_)\S)"), re.compile(r"(?<=\S)(?=(_)(?!\w))")),
    _Span(re.compile(r"(?=(~~))"), re.compile(r"(?=(~~))")),
)


def reduce_markdown(text: str) -> str:
    """`*x*` → x, `[t](u)` → t, entities decoded, whitespace collapsed: what a reader sees."""
    # Escaped punctuation is parked in the private use area, out of the patterns' reach.
    text = _ESCAPE.sub(lambda m: chr(_PARKED + ord(m.group(1))), text)
    if "[" in text:
        text = _links(text)
        text = _reference_links(text)
    if "<" in text:
        text = _AUTOLINK.sub(r"\1", text)
    if "`" in text:
        text = _code(text)
    for span in _SPANS:
        text = _spans(text, span)
    text = _UNPARK.sub(lambda m: chr(ord(m.group()) - _PARKED), text)
    text = " ".join(html.unescape(text).split())
    return _SPACE_BEFORE_PUNCTUATION.sub(r"\1", text)


def _links(text: str) -> str:
    r"""`[t](u)` and `![t](u)` → t, as `!?\[([^\]]*)\]\((?:[^()]|\([^()]*\))*\)` does."""
    close = NextMark(text, "]")
    out: list[str] = []
    pos = skip = 0
    for m in re.finditer(r"\[", text):
        at = m.start()
        if at < pos or at < skip:
            continue
        end = close(at + 1)
        if end < 0:
            break
        target = _LINK_TARGET.match(text, end + 1)
        if target is None:
            skip = end  # every `[` before this `]` has the same `]` and fails the same way
            continue
        start = at - 1 if at - 1 >= pos and text[at - 1] == "!" else at
        out += [text[pos:start], text[at + 1 : end]]
        pos = target.end()
    out.append(text[pos:])
    return "".join(out)


def _reference_links(text: str) -> str:
    r"""`[t][ref]` → t, as `\[([^\]]+)\]\[[^\]]*\]` does."""
    close = NextMark(text, "]")
    out: list[str] = []
    pos = skip = 0
    for m in re.finditer(r"\[", text):
        at = m.start()
        if at < pos or at < skip:
            continue
        end = close(at + 1)
        if end < 0:
            break
        if end == at + 1:
            continue  # `[]`: the text needs a character
        if text[end + 1 : end + 2] != "[":
            skip = end
            continue
        ref_end = close(end + 2)
        if ref_end < 0:
            break
        out += [text[pos:at], text[at + 1 : end]]
        pos = ref_end + 1
    out.append(text[pos:])
    return "".join(out)


def _spans(text: str, span: _Span) -> str:
    """Strong, emphasis or strikethrough → its text: from each opening mark, the first
    closing mark of the same kind after at least one character, on the same line."""
    closing: dict[str, list[int]] = {}
    for m in span.closing.finditer(text):
        closing.setdefault(m.group(1), []).append(m.start())
    if not closing:
        return text
    newlines = [m.start() for m in re.finditer("\n", text)]
    out: list[str] = []
    pos = 0
    for m in span.opening.finditer(text):
        at, mark = m.start(), m.group(1)
        if at < pos:
            continue
        content = at + len(mark)
        ends = closing.get(mark, [])
        i = bisect.bisect_left(ends, content + 1)
        line = bisect.bisect_left(newlines, content)
        line_end = newlines[line] if line < len(newlines) else len(text)
        if i < len(ends) and ends[i] < line_end:
            out += [text[pos:at], text[content : ends[i]]]
            pos = ends[i] + len(mark)
    out.append(text[pos:])
    return "".join(out)


def _code(text: str) -> str:
    """Code → its text, as `(`+)(.+?)\\1` does: the longest opening run (of the backticks
    from that place) with an equal run after it on the line, closed by the first such run."""
    runs = _Runs(text)
    out: list[str] = []
    pos = 0
    for m in re.finditer("`", text):
        at = m.start()
        if at < pos:
            continue
        longest = runs.end_of(at) - at
        line_end = runs.line_end(at)
        low, high = 0, longest  # the largest n with a closing run: more n, fewer places
        while low < high:
            n = (low + high + 1) // 2
            if runs.longest_from(at + n + 1, line_end) >= n:
                low = n
            else:
                high = n - 1
        if low:
            end = runs.first(at + low + 1, low)
            out += [text[pos:at], text[at + low : end]]
            pos = end + low
    out.append(text[pos:])
    return "".join(out)


class _Runs:
    """The runs of backticks in a text, with the longest one from any run to its line's end."""

    def __init__(self, text: str) -> None:
        self.text = text
        found = [m.span() for m in _BACKTICKS.finditer(text)]
        self.starts = [a for a, _ in found]
        self.ends = [b for _, b in found]
        self.newlines = [m.start() for m in re.finditer("\n", text)]
        # longest[i]: the longest run from run i to the last run on its line
        self.longest = [0] * (len(found) + 1)
        for i in range(len(found) - 1, -1, -1):
            same_line = i + 1 < len(found) and self.line_end(self.starts[i + 1]) == self.line_end(
                self.starts[i]
            )
            later = self.longest[i + 1] if same_line else 0
            self.longest[i] = max(self.ends[i] - self.starts[i], later)

    def line_end(self, pos: int) -> int:
        i = bisect.bisect_left(self.newlines, pos)
        return self.newlines[i] if i < len(self.newlines) else len(self.text)

    def end_of(self, pos: int) -> int:
        """Where the run holding `pos` ends."""
        return self.ends[bisect.bisect_right(self.starts, pos) - 1]

    def longest_from(self, pos: int, line_end: int) -> int:
        """The longest run of backticks starting at `pos` or later, before `line_end`."""
        if pos >= line_end:
            return 0
        i = bisect.bisect_right(self.starts, pos) - 1
        here = self.ends[i] - pos if i >= 0 and self.ends[i] > pos else 0
        after = (
            self.longest[i + 1] if i + 1 < len(self.starts) and self.starts[i + 1] < line_end else 0
        )
        return max(here, after)

    def first(self, pos: int, n: int) -> int:
        """Where the first n backticks in a row start at `pos` or later (there are some)."""
        i = bisect.bisect_right(self.starts, pos) - 1
        if i >= 0 and self.ends[i] - pos >= n:
            return pos
        i += 1
        while self.ends[i] - self.starts[i] < n:
            i += 1  # runs passed over here lie inside the code span found
        return self.starts[i]
