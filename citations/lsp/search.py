"""Finding keys as a writer types: every entry's words folded once per library load, then a
query is a few substring tests per entry (no formatting, no decoding per keystroke)."""

from __future__ import annotations

import re
from dataclasses import dataclass

from ..folding import fold
from ..library import Library
from ..model import Reference
from ..render.styles.base import family, issued, name_initials, years

_WORD = re.compile(r"\w+")


@dataclass(frozen=True, slots=True)
class Entry:
    """One entry as completion sees it: its key, its words, and its short reference."""

    key: str
    folded_key: str  # casefolded
    words: str  # " key family… year title words… " folded, one space between words
    detail: str  # "Park HS · 2023 · Healthcare"


def short_reference(ref: Reference) -> str:
    """First author, year, journal (or what stands for them): an item's one-line detail."""
    names = ref.authors.names or ref.editors.names
    first = name_initials(names[0]) if names else ""
    if first and (len(names) > 1 or ref.authors.others):
        first += " et al"
    date = issued(ref)
    where = ref.get("journal") or ref.get("journaltitle") or ref.get("booktitle")
    where = where or ref.get("publisher") or ref.get("organization") or ref.type
    return " · ".join(part for part in (first, years(date) if date else "", where) if part)


def entry_of(ref: Reference) -> Entry:
    names = (*ref.authors.names, *ref.editors.names)
    families = " ".join(family(n) for n in names)
    text = f"{ref.key} {families} {ref.get('year') or ref.get('date')} {ref.get('title')}"
    words = " ".join(fold(w) for w in _WORD.findall(text))
    return Entry(ref.key, ref.key.casefold(), f" {words} ", short_reference(ref))


class KeyIndex:
    """The library's entries, searchable by key, family names, year and title words."""

    def __init__(self, entries: list[Entry]) -> None:
        self.entries = entries
        self.by_key = {e.key: e for e in entries}

    @classmethod
    def of(cls, library: Library) -> KeyIndex:
        return cls([entry_of(ref) for ref in library])

    def search(self, query: str, limit: int = 50) -> tuple[list[Entry], bool]:
        """Entries every word of `query` matches (a part of the key, or the start of a word
        of the entry), exact key-prefix matches first; and whether more were left off."""
        raw = query.casefold().split()
        if not raw:
            return self.entries[:limit], len(self.entries) > limit
        words = [(r, f" {fold(r)}") for r in raw]
        words = [(r, f if f.strip() else " ") for r, f in words]
        whole = raw[0] if len(raw) == 1 else None
        first: list[Entry] = []
        rest: list[Entry] = []
        for entry in self.entries:
            if all(r in entry.folded_key or f in entry.words for r, f in words):
                if whole is not None and entry.folded_key.startswith(whole):
                    first.append(entry)
                elif len(first) < limit:
                    rest.append(entry)
        found = first + rest
        return found[:limit], len(found) > limit
