"""Counts in words people read: "1 article", "2 articles", "1 entry", "3 entries"."""

from __future__ import annotations

import difflib
from collections.abc import Iterable

_IRREGULAR = {"is": "are", "was": "were", "has": "have", "this": "these", "it": "they"}


def plural(count: int, noun: str, many: str | None = None) -> str:
    """`count` and `noun`, the noun in the plural unless count is 1 (`many` if it is irregular)."""
    return f"{count} {noun if count == 1 else many or plural_of(noun)}"


def plural_of(noun: str) -> str:
    """The plural of one of our nouns: entry → entries, link → links, match → matches."""
    if noun in _IRREGULAR:
        return _IRREGULAR[noun]
    if noun.endswith(("s", "x", "ch", "sh")):
        return noun + "es"
    if noun.endswith("y") and noun[-2:-1] not in "aeiou":
        return noun[:-1] + "ies"
    return noun + "s"


def did_you_mean(
    word: str, choices: Iterable[str], *, cutoff: float = 0.6, listing: bool = True
) -> str:
    """A hint for an unknown name: `did you mean 'x'?` for the closest of `choices`, else
    `known: a, b, c` (or nothing, without `listing`, where the choices are too many)."""
    known = sorted(choices) if isinstance(choices, set | frozenset) else list(choices)
    close = difflib.get_close_matches(word, known, n=1, cutoff=cutoff)
    if close:
        return f"did you mean '{close[0]}'?"
    return f"known: {', '.join(known)}" if listing else ""
