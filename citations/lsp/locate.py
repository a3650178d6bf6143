"""Where things are in a document: the query typed after `@`, the cited key under the cursor,
an entry's key in its .bib file, and every citation of a key in an article."""

from __future__ import annotations

import re
from collections.abc import Iterator
from dataclasses import dataclass
from pathlib import Path

from ..library import Library
from ..model import CiteItem, Reference
from ..render.article import Article
from ..render.markers import KEY_RE, OutsideRanges
from .text import Lines

_ENTRY_HEAD = re.compile(r"@[ \t]*[A-Za-z]+[ \t]*[{(][ \t]*")
_STOPS = frozenset("[]@;\n")


@dataclass(frozen=True)
class KeyPlace:
    """A key written in a text: its [start, end) offsets."""

    key: str
    start: int
    end: int


def completion_query(article: Article, offset: int) -> tuple[int, str] | None:
    """Where the query typed after `@` starts, and its text, when the cursor is after `[@`,
    `; @` or a bare `@`; inside brackets the query may hold spaces (`[@hip acupuncture`)."""
    text = article.text
    line_start = text.rfind("\n", 0, offset) + 1
    at = text.rfind("@", line_start, offset)
    if at < 0 or not OutsideRanges(article.masked)(at):
        return None
    query = text[at + 1 : offset]
    if any(c in _STOPS for c in query) or query.startswith("{"):
        return None
    before = at - 1 if at > line_start and text[at - 1] == "-" else at
    if before > line_start and (text[before - 1].isalnum() or text[before - 1] in "_\\@"):
        return None  # an e-mail address, an escaped \@
    opened = text.rfind("[", line_start, at)
    bracketed = opened >= 0 and "]" not in text[opened:at]
    if not bracketed and any(c.isspace() for c in query):
        return None
    return at + 1, query


def item_key_place(item: CiteItem, lines: Lines) -> KeyPlace:
    """Where an item's key is written: after its `@` (and `{`, for `@{key}`)."""
    start = lines.span_offset(item.span) + 1
    text = lines.text
    if text.startswith("{", start):
        inner = text.find(item.key, start)
        start = inner if inner >= 0 else start + 1
    return KeyPlace(item.key, start, start + len(item.key))


def cited_places(article: Article, lines: Lines, key: str | None = None) -> Iterator[KeyPlace]:
    """Every cited key in the article (only `key`, if given), in reading order."""
    for marker in article.markers:
        for item in marker.items:
            if key is None or item.key == key:
                yield item_key_place(item, lines)


def cited_key_at(article: Article, lines: Lines, offset: int) -> KeyPlace | None:
    """The cited key the cursor is on (from its `@` to just after its last character)."""
    for marker in article.markers:
        if marker.start <= offset <= marker.end:
            for item in marker.items:
                place = item_key_place(item, lines)
                if place.start - 1 <= offset <= place.end:
                    return place
    return None


def entry_key_place(text: str, ref: Reference) -> KeyPlace | None:
    """Where an entry writes its key in its file's text (`@article{key,`)."""
    lines = Lines.of(text)
    start = lines.span_offset(ref.span)
    head = _ENTRY_HEAD.search(text, start)
    if head is None or not text.startswith(ref.key, head.end()):
        return None
    return KeyPlace(ref.key, head.end(), head.end() + len(ref.key))


def entry_at(library: Library, path: Path, line: int) -> Reference | None:
    """The entry of the .bib file at `path` whose text holds 1-based `line`: the last that
    starts at or before it."""
    found: Reference | None = None
    resolved: dict[str, Path] = {}  # each file's name resolved once, not once per entry
    for ref in library:
        name = ref.span.path
        if name not in resolved:
            resolved[name] = Path(name).resolve()
        later = found is None or ref.span.line > found.span.line
        if resolved[name] == path and ref.span.line <= line and later:
            found = ref
    return found


def valid_key(name: str) -> bool:
    """A key pandoc reads whole after `@`, so every citation of it still parses."""
    return KEY_RE.fullmatch(name) is not None
