"""Article text → citation markers in pandoc's syntax, each with its place; code is skipped."""

from __future__ import annotations

import bisect
import re
from dataclasses import dataclass

from ..model import CiteItem, Marker, Span

# Pandoc: a key starts with a letter, digit or _, and may hold internal punctuation
# from :.#$%&-+?<>~/ (punctuation at the end belongs to the sentence, not the key).
_KEY = r"[^\W][\w]*(?:[:.#$%&\-+?<>~/]+[\w]+)*"
KEY_RE = re.compile(_KEY)
_BRACED_KEY = r"\{[^{}\n]+\}"
# A bare @key: not after a word character (e-mail addresses), a backslash (\@) or @.
_BARE_RE = re.compile(rf"(?<![\w@\\])(-?)@({_KEY}|{_BRACED_KEY})")
_ITEM_RE = re.compile(rf"(?<![\w@\\])(-?)@({_KEY}|{_BRACED_KEY})")

# Locator terms pandoc understands, normalised to CSL's labels.
_LOCATOR_TERMS = {
    "p": "page", "pp": "page", "page": "page", "pages": "page",
    "chap": "chapter", "chaps": "chapter", "ch": "chapter", "chapter": "chapter",
    "chapters": "chapter", "sec": "section", "secs": "section", "section": "section",
    "sections": "section", "§": "section", "§§": "section", "fig": "figure", "figs": "figure",
    "figure": "figure", "figures": "figure", "tab": "table", "tbl": "table", "table": "table",
    "vol": "volume", "vols": "volume", "volume": "volume", "volumes": "volume",
    "para": "paragraph", "paras": "paragraph", "paragraph": "paragraph",
    "paragraphs": "paragraph", "¶": "paragraph", "¶¶": "paragraph", "l": "line",
    "ll": "line", "line": "line", "lines": "line", "n": "note", "nn": "note", "note": "note",
    "notes": "note", "no": "issue", "nos": "issue", "col": "column", "cols": "column",
    "column": "column", "columns": "column", "pt": "part", "pts": "part", "part": "part",
    "parts": "part", "bk": "book", "bks": "book", "book": "book", "books": "book",
    "art": "article", "v": "verse", "vv": "verse", "verse": "verse", "verses": "verse",
    "op": "opus", "opp": "opus", "fol": "folio", "fols": "folio", "sv": "sub-verbo",
    "s.v": "sub-verbo", "sub verbo": "sub-verbo", "ref": "reference",
}  # fmt: skip
# A locator value: numbers (with letters, e.g. 12a, e0150367) or roman numerals, in ranges
# and lists; a plain word ends it, as in pandoc (`pp. 33-35, and more`).
_PART = r"(?:\d[\w.:]*|[ivxlcdmIVXLCDM]+\b)"
_VALUE = rf"{_PART}(?:\s*[\-–—]+\s*{_PART})?"
_TERM_RE = re.compile(
    r"\s*(?P<term>"
    + "|".join(sorted(map(re.escape, _LOCATOR_TERMS), key=len, reverse=True))
    + rf")\.?\s*(?P<value>{_VALUE}(?:\s*(?:,|&|and)\s*{_VALUE})*)",
    re.IGNORECASE,
)
_AFTER_RE = re.compile(r" ?\[([^\[\]@\n]*)\]")  # `@key [p. 3]`: its locator
# What decides where a bracket closes: an escape (a backslash and what it escapes), a
# bracket, or a newline that starts a blank line. Scanning from any `[` not after a
# backslash, as citations start, meets the same tokens as scanning from the text's start.
_BRACKET_TOKEN_RE = re.compile(r"\\.?|[\[\]]|\n(?=\n)", re.DOTALL)
_BRACKET_REACH = 2000  # a citation closes within this many characters
_NUMBER_LOCATOR_RE = re.compile(rf"\s*(?P<value>\d[\w.:]*(?:\s*[\-–—,]\s*{_PART})*)(?=\s*(?:,|$))")


@dataclass(frozen=True)
class _Lines:
    starts: list[int]

    @classmethod
    def of(cls, text: str) -> _Lines:
        return cls([0] + [m.end() for m in re.finditer("\n", text)])

    def span(self, path: str, offset: int) -> Span:
        index = bisect.bisect_right(self.starts, offset) - 1
        return Span(path, index + 1, offset - self.starts[index] + 1)


def find_markers(text: str, path: str, masked: list[tuple[int, int]]) -> list[Marker]:
    """Every citation in `text` outside the `masked` [start, end) ranges, in reading order."""
    lines = _Lines.of(text)
    markers: list[Marker] = []
    taken: list[tuple[int, int]] = []
    free = OutsideRanges(masked)
    matching = _matching_brackets(text)
    for start in _bracket_starts(text):
        if not free(start):
            continue
        end = matching.get(start)
        if end is None or not free(end) or text[end + 1 : end + 2] in ("(", "["):
            continue
        if start > 0 and text[start - 1] in "!]":
            continue  # an image or a reference-style link, not a citation
        if not _ITEM_RE.search(text, start + 1, end):
            continue  # no key at all: skip splitting it (nested brackets nest this cost)
        items = _parse_group(text, start + 1, end, path, lines)
        if items:
            markers.append(Marker(tuple(items), start, end + 1, lines.span(path, start)))
            taken.append((start, end + 1))
    inside = OutsideRanges(taken)
    for m in _BARE_RE.finditer(text):
        at = m.start()
        if not free(at) or not inside(at):
            continue
        key, end = _unbrace(m.group(2)), m.end()
        cut = free.next_start(m.start(2), end)
        if cut is not None:  # the key ran into markup (`@o</a>`): keep what precedes it
            k = KEY_RE.match(text, m.start(2), cut)
            if k is None:
                continue
            key, end = k.group(0), k.end()
        locator = label = suffix = ""
        after = _AFTER_RE.match(text, end)  # not text[end:]: a copy of the rest per marker
        if after and text[after.end() : after.end() + 1] not in ("(", "["):
            label, locator, suffix = _split_locator(after.group(1).strip(), leading_comma=False)
            end = after.end()
        item = CiteItem(
            key,
            lines.span(path, m.start(2) - 1),
            "",
            locator,
            label,
            suffix,
            suppress_author=bool(m.group(1)),
        )
        markers.append(Marker((item,), at, end, lines.span(path, at), in_text=True))
    markers.sort(key=lambda marker: marker.start)
    return markers


class OutsideRanges:
    """Whether an offset lies outside a sorted list of [start, end) ranges."""

    def __init__(self, ranges: list[tuple[int, int]]) -> None:
        self.ranges = sorted(ranges)
        self.starts = [r[0] for r in self.ranges]

    def next_start(self, start: int, end: int) -> int | None:
        """The first range start inside [start, end), if any."""
        i = bisect.bisect_left(self.starts, start)
        return self.starts[i] if i < len(self.starts) and self.starts[i] < end else None

    def __call__(self, offset: int) -> bool:
        i = bisect.bisect_right(self.starts, offset) - 1
        return i < 0 or offset >= self.ranges[i][1]


def _bracket_starts(text: str) -> list[int]:
    return [
        m.start()
        for m in re.finditer(r"(?<!\\)\[", text)
        if "@" in text[m.start() : m.start() + 400]
    ]


def _matching_brackets(text: str) -> dict[int, int]:
    """Each `[`'s matching `]`, if within 2,000 characters and the same paragraph; a backslash
    escapes the character after it. One pass over the text, not one from each `[`: that
    was 2,000 steps a bracket, and `[@` repeated 100,000 times took half a minute."""
    pairs: dict[int, int] = {}
    opened: list[int] = []
    paragraph = -1  # where the last blank line starts: no pair spans it
    for m in _BRACKET_TOKEN_RE.finditer(text):
        token, at = m.group(), m.start()
        if token == "[":
            opened.append(at)
        elif token == "]":
            if opened:
                start = opened.pop()
                if at - start < _BRACKET_REACH and start > paragraph:
                    pairs[start] = at
        elif token == "\n":
            paragraph = at
    return pairs


def _parse_group(text: str, start: int, end: int, path: str, lines: _Lines) -> list[CiteItem]:
    """The items of `[...]` between start and end, or [] when it is not a citation."""
    items: list[CiteItem] = []
    offset = start
    for part in _split_items(text[start:end]):
        m = _ITEM_RE.search(part)
        if m is None:
            return []  # every item of a citation names a key
        prefix = part[: m.start()]
        rest = part[m.end() :]
        key = _unbrace(m.group(2))
        label, locator, suffix = "", "", rest
        braced = re.match(r"\{([^{}]*)\}", rest)
        if braced:  # pandoc's [@key{ii, A-D}, suffix]: all of the braces is the locator
            label, locator, extra = _split_locator(braced.group(1), leading_comma=False)
            if extra or not locator:
                locator = braced.group(1).strip()
                label = _label("page", False, locator)
            suffix = _clean_suffix(rest[braced.end() :])
        elif rest.lstrip().startswith(","):
            label, locator, suffix = _split_locator(rest, leading_comma=True)
        at = offset + m.start(2) - 1
        items.append(
            CiteItem(
                key,
                lines.span(path, at),
                " ".join(prefix.split()),
                locator,
                label,
                " ".join(suffix.split()),
                suppress_author=bool(m.group(1)),
            )
        )
        offset += len(part) + 1
    return items


def _split_items(inner: str) -> list[str]:
    """Split on `;` outside nested brackets and braces."""
    parts: list[str] = []
    depth = 0
    begin = 0
    for i, ch in enumerate(inner):
        if ch in "[{":
            depth += 1
        elif ch in "]}":
            depth -= 1
        elif ch == ";" and depth == 0:
            parts.append(inner[begin:i])
            begin = i + 1
    parts.append(inner[begin:])
    return parts


def _split_locator(text: str, *, leading_comma: bool) -> tuple[str, str, str]:
    """`, pp. 33-35, and more` → ("page", "33-35", "and more"); no locator → ("", "", text)."""
    body = text.lstrip()
    if leading_comma:
        body = body[1:]
    m = _TERM_RE.match(body)
    if m:
        term = m.group("term").lower().rstrip(".")
        label = _LOCATOR_TERMS.get(term, _LOCATOR_TERMS.get(term + ".", "page"))
        plural = term in ("pp", "pages", "chaps", "secs", "figs", "vols", "ll", "nn", "§§")
        value = m.group("value")
        rest = body[m.end() :]
        return _label(label, plural, value), value, _clean_suffix(rest)
    m = _NUMBER_LOCATOR_RE.match(body)
    if m:  # pandoc: a bare number is a page
        value = m.group("value")
        return _label("page", _is_range(value), value), value, _clean_suffix(body[m.end() :])
    return "", "", " ".join(_clean_suffix(text).split())


def _label(label: str, plural: bool, value: str) -> str:
    if label == "page" and (plural or _is_range(value)):
        return "pages"
    return label


def _is_range(value: str) -> bool:
    return any(sep in value for sep in "-–—,&")


def _clean_suffix(rest: str) -> str:
    rest = rest.strip()
    return rest[1:].strip() if rest.startswith(",") else rest


def _unbrace(key: str) -> str:
    return key[1:-1].strip() if key.startswith("{") else key
