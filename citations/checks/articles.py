"""Articles against the library: keys that do not exist, entries nothing cites, bare articles."""

from __future__ import annotations

from collections.abc import Iterator

from ..findings import Finding, Rule
from ..model import Span
from ..render.coverage import UNCITED, UNKNOWN_KEY, uncited, unknown_keys
from ..snapshot import Snapshot
from .base import Check

NO_CITATIONS = Rule("no-citations", "info", "an article that cites nothing")
RULES = (UNKNOWN_KEY, UNCITED, NO_CITATIONS)


def run(snapshot: Snapshot) -> Iterator[Finding]:
    cited: set[str] = set()
    for article in snapshot.articles:
        yield from unknown_keys(article.markers, snapshot.library)
        keys = {item.key for marker in article.markers for item in marker.items}
        cited |= keys
        if not keys:
            yield Finding(
                NO_CITATIONS.code,
                NO_CITATIONS.severity,
                "this article cites nothing",
                Span(article.path, 1),
            )
    if snapshot.articles_given:
        where = "any checked article" if len(snapshot.articles) != 1 else snapshot.articles[0].path
        yield from uncited(snapshot.library, cited, where)


CHECK = Check("articles", run, RULES)
