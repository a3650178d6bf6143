"""Places in a document's text: 1-based spans and offsets ↔ the protocol's 0-based lines and
columns counted in the negotiated units (UTF-16 by default)."""

from __future__ import annotations

import bisect
from dataclasses import dataclass

from ..model import Span

# Where a protocol range starts and ends: (line, column) pairs, 0-based, in client units.
Position = tuple[int, int]
Range = tuple[Position, Position]


def folded(text: str) -> str:
    """The text as the article scanner reads it (CRLF folded), so offsets agree with it."""
    return text.replace("\r\n", "\n")


@dataclass(frozen=True)
class Lines:
    """A text cut into lines at `\\n` (as the scanners count them), for converting places.

    `encoding` is the position encoding agreed at initialize: utf-16, utf-8 or utf-32.
    """

    text: str
    starts: tuple[int, ...]
    encoding: str = "utf-16"

    @classmethod
    def of(cls, text: str, encoding: str = "utf-16") -> Lines:
        starts = [0]
        at = text.find("\n")
        while at >= 0:
            starts.append(at + 1)
            at = text.find("\n", at + 1)
        return cls(text, tuple(starts), encoding)

    def line_text(self, line: int) -> str:
        """The 0-based line `line`, without its line break ("" past the end)."""
        if not 0 <= line < len(self.starts):
            return ""
        end = self.starts[line + 1] - 1 if line + 1 < len(self.starts) else len(self.text)
        return self.text[self.starts[line] : end]

    def _units(self, chars: str) -> int:
        if self.encoding == "utf-32":
            return len(chars)
        if self.encoding == "utf-8":
            return len(chars.encode("utf-8", "surrogatepass"))
        return len(chars) + sum(1 for c in chars if ord(c) > 0xFFFF)

    def position(self, offset: int) -> Position:
        """The protocol position of a code-point offset into the text."""
        offset = max(0, min(offset, len(self.text)))
        line = bisect.bisect_right(self.starts, offset) - 1
        return line, self._units(self.text[self.starts[line] : offset])

    def offset(self, position: Position) -> int:
        """The code-point offset of a protocol position (clamped to its line)."""
        line, units = position
        if line >= len(self.starts):
            return len(self.text)
        if line < 0:
            return 0
        text = self.line_text(line)
        count = 0
        for i, char in enumerate(text):
            if count >= units:
                return self.starts[line] + i
            count += self._units(char)
        return self.starts[line] + len(text)

    def span_offset(self, span: Span) -> int:
        """The offset a 1-based span (line, column in code points) names."""
        line = min(max(span.line - 1, 0), len(self.starts) - 1)
        return min(self.starts[line] + max(span.column - 1, 0), len(self.text))

    def span_range(self, span: Span, length: int = 0) -> Range:
        """The protocol range from a span over `length` characters (at least to its line's end
        when `length` is 0: a whole-line finding)."""
        start = self.span_offset(span)
        if length <= 0:
            line = self.position(start)[0]
            end = start + len(self.line_text(line)) - (start - self.starts[line])
            end = max(end, start)
        else:
            end = min(start + length, len(self.text))
        return self.position(start), self.position(end)
