"""Whether two spellings of a journal, a book's publisher or a page range agree (pure)."""

from __future__ import annotations

import html
import re
from collections.abc import Sequence

from rapidfuzz import fuzz

from ..folding import strip_accents
from .bibtex import full_range

TITLE_SAME = 90.0  # rapidfuzz ratio (0-100) of normalised titles at or above which they agree
_TAG = re.compile(r"</?[A-Za-z][^<>]*>")
_NON_WORD = re.compile(r"[\W_]+")
_PARENTHESES = re.compile(r"\([^()]*\)")
_CONTAINER_STOP = frozenset(
    {"of", "the", "and", "for", "in", "on", "de", "der", "und", "la", "le", "des", "du", "et"}
)


def norm_pages(text: str) -> str:
    """`pp. 982--4` → `982-984`; `S12–5` → `s12-s15`; an article number as it is (casefolded)."""
    return full_range(text).casefold()


def norm_container(text: str) -> list[str]:
    text = _PARENTHESES.sub(" ", html.unescape(_TAG.sub("", text))).replace("&", " and ")
    words = _NON_WORD.sub(" ", strip_accents(text)).split()
    return words[1:] if words[:1] == ["the"] else words


def containers_agree(ours: str, theirs: Sequence[str]) -> bool:
    """Fuzzy, with ISO/NLM abbreviations (`J Clin Epidemiol`) read against full titles."""
    a = norm_container(ours)
    for other in theirs:
        b = norm_container(other)
        if not a or not b:
            continue
        if fuzz.token_sort_ratio(" ".join(a), " ".join(b)) >= TITLE_SAME:
            return True
        if _abbreviates(a, b) or _abbreviates(b, a):
            return True
    return False


def _abbreviates(short: list[str], long: list[str]) -> bool:
    """Each word of `short` is its counterpart in `long` with letters left out (`Natl`)."""
    s = [w for w in short if w not in _CONTAINER_STOP]
    t = [w for w in long if w not in _CONTAINER_STOP]
    return len(s) == len(t) and all(_subsequence(x, y) for x, y in zip(s, t, strict=True))


def _subsequence(short: str, long: str) -> bool:
    if short[:1] != long[:1]:
        return False
    letters = iter(long)
    return all(ch in letters for ch in short)


def pages_agree(ours: str, theirs: str) -> bool:
    a, b = norm_pages(ours), norm_pages(theirs)
    if a == b:
        return True
    # A first page alone stands for the range (and some registries give only the first page).
    return a.split("-")[0] == b.split("-")[0] and ("-" not in a or "-" not in b)


def publishers_agree(ours: str, theirs: str) -> bool:
    """One name within the other (`Springer` in `Springer Nature`), or an acronym of it."""
    a, b = norm_container(ours), norm_container(theirs)
    if not a or not b:
        return True
    if fuzz.token_set_ratio(" ".join(a), " ".join(b)) >= TITLE_SAME:
        return True
    initials = ("".join(w[0] for w in b if w not in _CONTAINER_STOP), "".join(w[0] for w in b))
    initials_a = ("".join(w[0] for w in a if w not in _CONTAINER_STOP), "".join(w[0] for w in a))
    return "".join(a) in initials or "".join(b) in initials_a
