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
    """One marker per Cite, in order: the source's own marker where its keys are next in the
    source (its spans and locators exactly as `render` reads them), else one read from the
    Cite's text with no line."""
    source = _SourceMarkers(m for article in sources for m in article.markers)
    return [source.take(cite_keys(cite)) or _from_cite(cite, where) for cite in cites]


class _SourceMarkers:
    """The source's markers, taken in order."""

    def __init__(self, markers: Iterable[Marker]) -> None:
        self.markers = list(markers)
        self.next = 0

    def take(self, keys: tuple[str, ...]) -> Marker | None:
        end = min(len(self.markers), self.next + _LOOKAHEAD)
        for i in range(self.next, end):
            marker = self.markers[i]
            if tuple(item.key for item in marker.items) == keys:
                self.next = i + 1
                return marker
        return None


def _from_cite(cite: Any, where: str) -> Marker:
    """The marker our scanner reads from the Cite's own text (pandoc keeps what was written:
    `[@a, p. 3; -@b]`), else one built from pandoc's reading of it."""
    unplaced = Span(where, UNPLACED_LINE)
    found = find_markers(inline_text(cite.content), where, [])
    if len(found) == 1 and tuple(i.key for i in found[0].items) == cite_keys(cite):
        marker = found[0]
        items = tuple(replace(item, span=unplaced) for item in marker.items)
        return Marker(items, 0, 0, unplaced, in_text=marker.in_text)
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
    return Marker(items, 0, 0, unplaced, in_text=in_text)


def inline_text(inlines: Iterable[Any]) -> str:
    """The text of pandoc inlines, spaces and line breaks as single spaces."""
    import panflute as pf

    return "".join(
        " " if isinstance(x, (pf.Space, pf.SoftBreak, pf.LineBreak)) else pf.stringify(x)
        for x in inlines
    )
