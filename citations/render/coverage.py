"""An article against the library: cited keys the library lacks, entries the article leaves
uncited. Rendering reports these, and so does `citations check`."""

from __future__ import annotations

from collections.abc import Iterable, Iterator

from ..findings import Finding, Rule
from ..library import Library
from ..model import Marker
from ..wording import plural

UNKNOWN_KEY = Rule("unknown-key", "error", "an article cites a key the library does not have")
UNCITED = Rule("uncited-entry", "warning", "an entry that no checked article cites")


# Distinct unknown keys given a "did you mean" hint: each is compared with every key of the
# library, so an article of 50,000 made-up keys against a large library would take hours.
SUGGESTED_KEYS = 100


def unknown_keys(markers: Iterable[Marker], library: Library) -> Iterator[Finding]:
    """One error per cited key the library lacks, with the closest keys as a hint (for the
    first SUGGESTED_KEYS distinct ones; a key cited again reuses its hint)."""
    hints: dict[str, str] = {}
    for marker in markers:
        for item in marker.items:
            if item.key in library:
                continue
            hint = hints.get(item.key)
            if hint is None:
                close = library.suggest(item.key) if len(hints) < SUGGESTED_KEYS else []
                hint = f"did you mean {', '.join(repr(k) for k in close)}?" if close else ""
                hints[item.key] = hint
            yield Finding(
                UNKNOWN_KEY.code,
                UNKNOWN_KEY.severity,
                f"citation key '{item.key}' is not in the library",
                item.span,
                hint=hint,
                key=item.key,
            )


def uncited(library: Library, cited: set[str], where: str) -> Iterator[Finding]:
    """Entries not cited: an entry a cited one takes fields from (xdata, crossref) is used."""
    used = set(cited).union(*(library.sources.get(key, ()) for key in cited))
    for ref in library:
        if ref.key not in used:
            yield Finding(
                UNCITED.code,
                UNCITED.severity,
                f"'{ref.key}' is not cited by {where}",
                ref.span,
                key=ref.key,
                hint="cite it, or remove it from the library",
            )


def uncited_summary(library: Library, cited: set[str], where: str) -> list[Finding]:
    """For one article against a library that may be far larger: the entry it does not cite,
    or one line counting them (`check` lists each)."""
    missing = list(uncited(library, cited, where))
    if len(missing) <= 1:
        return missing
    first = missing[0]
    return [
        Finding(
            UNCITED.code,
            UNCITED.severity,
            f"{plural(len(missing), 'library entry')} are not cited by {where}",
            first.span,
            hint=f"`citations check {where}` lists them",
        )
    ]
