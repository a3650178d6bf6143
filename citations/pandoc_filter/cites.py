"""Pandoc's Cite elements as our markers, with the keys, locators and places that
`citations render` reads from the same article."""

from __future__ import annotations

from collections.abc import Iterable, Sequence
from dataclasses import replace
from typing import Any

from ..model import CiteItem, Marker, Span
from ..render.article import Article
from ..render.markers import find_markers

# A marker whose place in the source is unknown (no source file, or pandoc read a citation
# our scanner did not): line 0, which messages leave out.
UNPLACED_LINE = 0
# How many of the source's markers to pass over looking for a Cite's: pandoc and our scanner
# agree on nearly every citation, and a long search for each of many would be quadratic.
_LOOKAHEAD = 1000


def cite_keys(cite: Any) -> tuple[str, ...]:
    return tuple(str(c.id) for c in cite.citations)


def cite_markers(cites: Sequence[Any], sources: Sequence[Article], where: str) -> list[Marker]:
    """One marker per Cite, in order: the source's own marker where it is next in the source
    (its spans exactly as `render` reads them), else the one read from the Cite, with no line."""
    source = _SourceMarkers(m for article in sources for m in article.markers)
    markers = []
    for cite in cites:
        marker, read = _from_cite(cite, where)
        markers.append(source.take(_signature(marker, read)) or marker)
    return markers


Signature = tuple[object, ...]


def _signature(marker: Marker, read: bool) -> Signature:
    """What a source's marker must match: all our scanner reads, where it read the Cite's text
    (pandoc keeps it as written); else the keys only."""
    if not read:
        return tuple(item.key for item in marker.items)
    items = (
        (i.key, i.prefix, i.locator, i.label, i.suffix, i.suppress_author) for i in marker.items
    )
    return (marker.in_text, *items)


class _SourceMarkers:
    """The source's markers, taken in order."""

    def __init__(self, markers: Iterable[Marker]) -> None:
        self.markers = list(markers)
        self.signatures: dict[int, tuple[Signature, Signature]] = {}
        self.next = 0

    def take(self, wanted: Signature) -> Marker | None:
        end = min(len(self.markers), self.next + _LOOKAHEAD)
        for i in range(self.next, end):
            if wanted in self._signatures(i):
                self.next = i + 1
                return self.markers[i]
        return None

    def _signatures(self, i: int) -> tuple[Signature, Signature]:
        if i not in self.signatures:
            marker = self.markers[i]
            self.signatures[i] = (_signature(marker, True), _signature(marker, False))
        return self.signatures[i]


def _from_cite(cite: Any, where: str) -> tuple[Marker, bool]:
    """The marker our scanner reads from the Cite's own text (pandoc keeps what was written:
    `[@a, p. 3; -@b]`), True; else one built from pandoc's reading of it, False."""
    unplaced = Span(where, UNPLACED_LINE)
    found = find_markers(inline_text(cite.content), where, [])
    if len(found) == 1 and tuple(i.key for i in found[0].items) == cite_keys(cite):
        marker = found[0]
        items = tuple(replace(item, span=unplaced) for item in marker.items)
        return Marker(items, 0, 0, unplaced, in_text=marker.in_text), True
    items = tuple(
        CiteItem(
            str(c.id),
            unplaced,
            prefix=inline_text(c.prefix),
            suffix=inline_text(c.suffix),
            suppress_author=c.mode == "SuppressAuthor",
        )
        for c in cite.citations
    )
    in_text = len(items) == 1 and cite.citations[0].mode == "AuthorInText"
    return Marker(items, 0, 0, unplaced, in_text=in_text), False


def inline_text(inlines: Iterable[Any]) -> str:
    """The text of pandoc inlines, spaces and line breaks as single spaces."""
    import panflute as pf

    return "".join(
        " " if isinstance(x, (pf.Space, pf.SoftBreak, pf.LineBreak)) else pf.stringify(x)
        for x in inlines
    )
