"""Articles against the library: keys that do not exist, entries nothing cites, bare articles."""

from __future__ import annotations

from collections.abc import Iterable, Iterator

from ..findings import Finding, Rule
from ..library import Library
from ..model import Marker, Span
from ..snapshot import Snapshot
from ..wording import plural
from .base import Check

UNKNOWN_KEY = Rule("unknown-key", "error", "an article cites a key the library does not have")
UNCITED = Rule("uncited-entry", "warning", "an entry that no checked article cites")
NO_CITATIONS = Rule("no-citations", "info", "an article that cites nothing")
RULES = (UNKNOWN_KEY, UNCITED, NO_CITATIONS)


def unknown_keys(markers: Iterable[Marker], library: Library) -> Iterator[Finding]:
    """One error per cited key the library lacks, with the closest keys as a hint."""
    for marker in markers:
        for item in marker.items:
            if item.key in library:
                continue
            close = library.suggest(item.key)
            hint = f"did you mean {', '.join(repr(k) for k in close)}?" if close else ""
            yield Finding(
                UNKNOWN_KEY.code, UNKNOWN_KEY.severity,
                f"citation key '{item.key}' is not in the library", item.span, hint=hint,
                key=item.key,
            )  # fmt: skip


def uncited(library: Library, cited: set[str], where: str) -> Iterator[Finding]:
    for ref in library:
        if ref.key not in cited:
            yield Finding(
                UNCITED.code, UNCITED.severity, f"'{ref.key}' is not cited by {where}",
                ref.span, key=ref.key, hint="cite it, or remove it from the library",
            )  # fmt: skip


def uncited_summary(library: Library, cited: set[str], where: str) -> list[Finding]:
    """For one article against a library that may be far larger: the entry it does not cite,
    or one line counting them (`check` lists each)."""
    missing = list(uncited(library, cited, where))
    if len(missing) <= 1:
        return missing
    first = missing[0]
    return [
        Finding(
            UNCITED.code, UNCITED.severity,
            f"{plural(len(missing), 'library entry')} are not cited by {where}", first.span,
            hint=f"`citations check {where}` lists them",
        )
    ]  # fmt: skip


def run(snapshot: Snapshot) -> Iterator[Finding]:
    cited: set[str] = set()
    for article in snapshot.articles:
        yield from unknown_keys(article.markers, snapshot.library)
        keys = {item.key for marker in article.markers for item in marker.items}
        cited |= keys
        if not keys:
            yield Finding(
                NO_CITATIONS.code, NO_CITATIONS.severity, "this article cites nothing",
                Span(article.path, 1),
            )  # fmt: skip
    if snapshot.articles_given:
        where = "any checked article" if len(snapshot.articles) != 1 else snapshot.articles[0].path
        yield from uncited(snapshot.library, cited, where)


CHECK = Check("articles", run, RULES)
