"""Entry keys from a pattern (default `{author}{year}{title}`: park2023acupuncture), made unique."""

from __future__ import annotations

import html
import re
from collections.abc import Collection
from dataclasses import dataclass

from ..folding import ascii_fold
from ..registries.model import Person, Record
from ..render.numbering import letter_label
from .webpage import WebPage

DEFAULT_KEY_PATTERN = "{author}{year}{title}"
STOP_WORDS = frozenset(
    {
        "a",
        "an",
        "the",
        "of",
        "on",
        "in",
        "for",
        "and",
        "to",
        "with",
        "at",
        "by",
        "from",
        "as",
        "is",
        "are",
        "or",
        "its",
        "into",
        "via",
        "about",
        "after",
        "before",
        "between",
        "over",
        "under",
        "what",
        "how",
        "why",
        "when",
        "does",
        "do",
        "can",
        "not",
        "no",
    }
)
_WORD = re.compile(r"[^\W\d_]+")
_PLACEHOLDER = re.compile(r"\{(\w+)\}")
_KEY_CHARS = re.compile(r"[A-Za-z0-9_:.+/-]+")


@dataclass(frozen=True)
class KeyParts:
    author: str
    year: str
    title: str  # the whole title; the pattern picks its words


def record_key_parts(record: Record) -> KeyParts:
    people = record.authors or record.editors
    author = _person_key(people[0]) if people else ""
    author = author or ascii_fold(record.short_container or record.container or record.publisher)
    return KeyParts(author or "anon", str(record.year or ""), record.title)


def page_key_parts(page: WebPage) -> KeyParts:
    """A page's key names its site when an organisation wrote it: mayoclinic2023osteoarthritis."""
    first = page.authors[0] if page.authors else None
    author = _person_key(first) if first and not first.literal else ascii_fold(page.site)
    author = author or (_person_key(first) if first else "")
    year = (page.published or page.updated or page.reviewed)[:4]
    return KeyParts(author or "anon", year, page.title)


def pattern_problem(pattern: str) -> str:
    """Why `pattern` cannot make keys, or "": {author}, {year}, {title}, {titleN} and
    letters, digits and `_:.+/-` between them."""
    names = _PLACEHOLDER.findall(pattern)
    unknown = [n for n in names if n not in ("author", "year", "title") and not _title_n(n)]
    if unknown:
        return f"unknown placeholder {{{unknown[0]}}} (known: {{author}} {{year}} {{title}})"
    rest = _PLACEHOLDER.sub("", pattern)
    if not names or (rest and not _KEY_CHARS.fullmatch(rest)):
        return "a key pattern is placeholders and letters, digits or _:.+/- between them"
    return ""


def make_key(pattern: str, parts: KeyParts, taken: Collection[str], *, folded: bool = False) -> str:
    """The key from `pattern`, with a, b, ... z, aa, ... appended until it is not in `taken`
    (compared without case: BibTeX and biber treat keys that differ in case as one).
    `folded`: `taken` is already casefolded (an import of thousands reuses one set)."""

    def fill(match: re.Match[str]) -> str:
        name = match[1]
        if name == "author":
            return parts.author
        if name == "year":
            return parts.year
        return title_words(parts.title, _title_n(name) or 1)

    base = _PLACEHOLDER.sub(fill, pattern) or "ref"
    used = taken if folded else {k.casefold() for k in taken}
    key, n = base, 0
    while key.casefold() in used:
        key, n = base + letter_label(n), n + 1
    return key


def title_words(title: str, count: int = 1) -> str:
    """The first `count` words of a title that are not stop words, folded to a-z0-9."""
    plain = html.unescape(re.sub(r"<[^>]+>", "", title))  # Crossref's markup: <i>, <sub>
    words = [ascii_fold(w) for w in re.split(r"[^\w]+", plain)]
    kept = [w for w in words if w and w not in STOP_WORDS]
    return "".join(kept[:count])


def _title_n(name: str) -> int:
    m = re.fullmatch(r"title([1-9])", name)
    return int(m[1]) if m else 0


def _person_key(p: Person) -> str:
    if p.literal and not p.family:
        words = [w for w in _WORD.findall(p.literal) if w.lower() not in STOP_WORDS]
        return ascii_fold("".join(words[:3]))
    return ascii_fold(p.family)  # particles kept: van der Berg → vanderberg
