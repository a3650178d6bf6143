"""Reading .bib text the way bibtexparser's splitter does: where entries, fields and values lie.

The editor (edit.py) replaces value extents found here, so it must agree with the parser the
library uses, mark for mark; where it would not, `Unreadable` says no edit is safe.
"""

from __future__ import annotations

import bisect
import re
from collections.abc import Iterator
from dataclasses import dataclass
from typing import NamedTuple

from .comments import prepare
from .parse import FileRecord, parse_bibtex

# The marks bibtexparser's splitter jumps between (its _MARK_PATTERN without newlines): reading
# exactly as it does means we edit the entry and field the library actually uses.
BLOCK_START = re.compile(r"@\w*[ \t]*([{(])")
MARKS = {
    "}": re.compile(r'(?<!\\)[{}",=]|@\w*[ \t]*(?=[{(])'),
    ")": re.compile(r'(?<!\\)[{}",=)]|@\w*[ \t]*(?=[{(])'),
}
FIELD_NAME = re.compile(r"[^\s{}()\",=#%@'\\]+")
# `{text}` with no brace, `@` or backslash inside: one whole value to both readers.
_PLAIN_BRACED = re.compile(r"\{[^{}@\\]*\}")
MACRO = re.compile(r"[^\d\s{}()\",=#%'\\][^\s{}()\",=#%'\\]*|\d+")


class Unreadable(Exception):
    """The entry does not read the way bibtexparser reads it: no edit of it is safe."""


class FieldExtent(NamedTuple):
    name: str  # lower case, as the library names it
    name_start: int
    eq: int  # index of the `=`: the library's field line is its line
    start: int  # the value's extent, surrounding whitespace excluded
    end: int
    term: int  # index of the `,` or closing delimiter after the value


@dataclass(frozen=True)
class EntryExtent:
    type: str
    closing: str  # `}` or `)`
    key_end: int  # end of the key text
    key_term: int  # index of the `,` or closing delimiter after the key
    close: int  # index of the closing delimiter
    # Each field's FieldExtent as a plain tuple: a fix of 60,000 entries reads 600,000
    # fields and uses a tenth of them, and a tuple costs a third of a FieldExtent to make.
    spans: tuple[tuple[str, int, int, int, int, int], ...]

    @property
    def fields(self) -> tuple[FieldExtent, ...]:
        return tuple(map(FieldExtent._make, self.spans))

    def find(self, name: str) -> FieldExtent | None:
        # The first of a repeated field is the one the library uses.
        return next((FieldExtent._make(f) for f in self.spans if f[0] == name), None)


def well_formed(value: str, closing: str) -> bool:
    """True if `value` reads as one whole field value both to bibtexparser and to BibTeX."""
    if _PLAIN_BRACED.fullmatch(value) or MACRO.fullmatch(value):
        return True  # most values: `{text}` without inner braces, or a macro or number
    return well_formed_by_marks(value, closing)


def well_formed_by_marks(value: str, closing: str) -> bool:
    """well_formed without its shortcut: every value read mark by mark, brace by brace."""
    marks = MARKS[closing].finditer(value + ",")
    try:
        if _scan_value(value + ",", marks, closing) != len(value):
            return False
    except Unreadable:
        return False
    for piece in pieces(value):
        if piece[:1] == "{":
            inner, ok = piece[1:-1], piece[-1:] == "}"
        elif piece[:1] == '"':
            inner, ok = piece[1:-1], len(piece) > 1 and piece[-1] == '"'
        else:
            inner, ok = "", bool(MACRO.fullmatch(piece))
        if not ok or not _balanced(inner, quotes=piece[:1] == '"'):
            return False
    return True


def _balanced(text: str, quotes: bool) -> bool:
    depth = 0
    for ch in text:
        if ch == '"' and quotes and depth == 0:
            return False  # it would end the quoted string early
        depth += {"{": 1, "}": -1}.get(ch, 0)
        if depth < 0:
            return False
    return depth == 0


def pieces(value: str) -> list[str]:
    """`value` split at `#` outside braces and quotes, each piece stripped."""
    pieces, depth, quoted, start = [], 0, False, 0
    for i, ch in enumerate(value):
        if ch in "{}":
            depth += 1 if ch == "{" else -1
        elif ch == '"' and depth == 0:
            quoted = not quoted
        elif ch == "#" and depth == 0 and not quoted:
            pieces.append(value[start:i].strip())
            start = i + 1
    return [*pieces, value[start:].strip()]


class EntryFinder:
    """Entries of one file by key, where the library's parser says the first one starts."""

    def __init__(self, text: str, record: FileRecord | None = None) -> None:
        """`record` is the library's parse of `text`, if it has one: else it is parsed.
        Entries are read with their comments blanked, at the same offsets (comments.py)."""
        self.text = prepare(text)
        if record is None:
            record = parse_bibtex(text.replace("\r\n", "\n"), {})
        self.strings: set[str] = set(record["strings"])  # @string names, lower case
        self.record: dict[str, tuple[str, int, dict[str, int]]] = {}
        for key, type_, line, _, lines in record["entries"]:
            self.record.setdefault(key, (type_, line, lines))
        self.starts = [0] + [m.end() for m in re.finditer("\n", text)]
        self._read: dict[str, EntryExtent | str] = {}  # an entry with several fixes is read once

    def get(self, key: str) -> EntryExtent | str:
        if key not in self._read:
            self._read[key] = self._find(key)
        return self._read[key]

    def _find(self, key: str) -> EntryExtent | str:
        if key not in self.record:
            return "no such entry in the file"
        type_, line, lines = self.record[key]
        start = self.starts[line - 1] if 0 < line <= len(self.starts) else len(self.text)
        end = self.starts[line] if line < len(self.starts) else len(self.text)
        for m in BLOCK_START.finditer(self.text, start, end):
            try:
                entry = read_entry(self.text, m, key)
            except Unreadable:
                break
            if entry is None:
                continue
            # A field's line from the line starts: counting newlines from the file's start
            # for every field made `check --fix` quadratic in the file's size.
            found = {f[0]: bisect.bisect_right(self.starts, f[2]) for f in entry.spans[::-1]}
            if entry.type == type_ and found == lines:
                return entry
            break  # we read it differently from the library: do not touch it
        return "the entry cannot be read safely"


def read_entry(
    text: str, block: re.Match[str], key: str, *, fast: bool = True
) -> EntryExtent | None:
    """The entry starting at `block` if its key is `key`, read as bibtexparser reads it.

    Fields of the common shapes are read with one match each (`_SIMPLE_FIELD`); any other
    is read mark by mark. `fast=False` reads every field mark by mark (for tests: both
    readings must agree).
    """
    closing = ")" if block.group(1) == "(" else "}"
    marks = MARKS[closing].finditer(text, block.end())
    head = _next(marks)
    if head.group() not in (",", closing):
        return None
    if text[block.end() : head.start()].strip() != key:
        return None
    key_end = block.end() + len(text[block.end() : head.start()].rstrip())
    fields: list[tuple[str, int, int, int, int, int]] = []
    sep = head.start()
    simple = _SIMPLE_FIELD.match if fast and closing == "}" else None
    while text[sep] == ",":
        m = simple(text, sep + 1) if simple else None
        if m is not None:
            name = m.group("name")
            lead = len(name) - len(name.lstrip())
            eq, sep = m.start("eq"), m.start("term")
            start, end = m.span("value")
            fields.append((name.strip().lower(), m.start() + lead, eq, start, end, sep))
            continue
        marks = MARKS[closing].finditer(text, sep + 1)
        field_or_end = _read_field(text, sep, marks, closing)
        if isinstance(field_or_end, int):
            sep = field_or_end
            break
        fields.append(field_or_end)
        sep = field_or_end.term
    type_ = block.group()[1:].rstrip("{( \t").lower()
    return EntryExtent(type_, closing, key_end, head.start(), sep, tuple(fields))


# A field as most are written: `name = {value}` (braces nested at most once), `"value"` or a
# word, then `,` or `}`; no backslash, `@` or quote where it could change how bibtexparser's
# splitter reads it. A brace after a backslash is no mark to the splitter: it is text here too.
# Written as unrolled loops (`text* (special text*)*`): linear, and no backtracking to speak
# of when a value does not fit (it is then read mark by mark).
_TEXT = r"[^{}@]*"
_ESCAPED = r"(?<=\\)[{}]"
_INNER = rf"(?<!\\)\{{{_TEXT}(?:{_ESCAPED}{_TEXT})*(?<!\\)\}}"
_SIMPLE_FIELD = re.compile(
    r'(?P<name>[^{}",=@\\]*)(?P<eq>=)\s*'
    r"(?P<value>"
    rf"\{{{_TEXT}(?:(?:{_ESCAPED}|{_INNER}){_TEXT})*(?<!\\)\}}"
    r'|"[^{}"@\\]*"'
    r'|[^\s{}",=@\\]+'
    r")\s*(?P<term>[,}])"
)


def _read_field(
    text: str, sep: int, marks: Iterator[re.Match[str]], closing: str
) -> FieldExtent | int:
    """The field after the `,` at `sep`, read mark by mark; or the closing delimiter's index
    if only blank space lies before it."""
    name_start = sep + 1
    mark = _next(marks)
    if mark.group() == closing:
        if text[name_start : mark.start()].strip():
            raise Unreadable
        return mark.start()
    if mark.group() != "=":
        raise Unreadable
    raw_name = text[name_start : mark.start()]
    sep = _scan_value(text, marks, closing)
    region = text[mark.end() : sep]
    start = mark.end() + len(region) - len(region.lstrip())
    end = max(start, sep - (len(region) - len(region.rstrip())))
    lead = len(raw_name) - len(raw_name.lstrip())
    return FieldExtent(raw_name.strip().lower(), name_start + lead, mark.start(), start, end, sep)


def _scan_value(text: str, marks: Iterator[re.Match[str]], closing: str) -> int:
    """Index of the `,` or closing delimiter ending a value: the splitter's rules, mark by mark."""
    quoted, depth = False, 0
    for mark in marks:
        ch, i = mark.group(), mark.start()
        if ch == '"' and depth == 0:
            if quoted and i > 0 and i + 2 < len(text) and text[i - 1] == "{" and text[i + 1] == "}":
                continue  # `{"}` is a literal quote inside a quoted value
            quoted = not quoted
        elif ch == "{" and not quoted:
            depth += 1
        elif ch == "}" and not quoted and depth > 0:
            depth -= 1
        elif ch in (",", closing) and not quoted and depth == 0:
            return i
        elif ch.startswith("@") and not text[text.rfind("\n", 0, i) + 1 : i].strip():
            raise Unreadable  # a block starting on its own line: the value never closed
    raise Unreadable


def _next(marks: Iterator[re.Match[str]]) -> re.Match[str]:
    mark = next(marks, None)
    if mark is None:
        raise Unreadable
    return mark
