"""Markers → numbered citations: first appearance, repeats reuse, consecutive runs collapse."""

from __future__ import annotations

from collections.abc import Container, Iterable
from dataclasses import dataclass, field

from ..findings import Finding
from ..model import CiteItem, Marker


@dataclass(frozen=True, slots=True)
class Label:
    """One printed part of a citation: a number (maybe with a locator) or a range of numbers.

    `numbers` holds every member (3, 4, 5 for `3–5`); `keys` their keys in the same order.
    """

    numbers: tuple[int, ...]
    keys: tuple[str, ...]
    locator: str = ""
    locator_label: str = ""

    @property
    def is_range(self) -> bool:
        return len(self.numbers) > 1


@dataclass(frozen=True, slots=True)
class Citation:
    """A marker with its labels; `index` is its 1-based place among the article's citations."""

    marker: Marker
    index: int
    labels: tuple[Label, ...]
    missing: tuple[CiteItem, ...] = ()

    @property
    def keys(self) -> tuple[str, ...]:
        return tuple(item.key for item in self.marker.items)


@dataclass
class Numbering:
    """The numbered citations of one article (or a collection) and the order of references."""

    citations: list[Citation] = field(default_factory=list)
    numbers: dict[str, int] = field(default_factory=dict)  # key → number, first appearance
    cited_at: dict[str, list[int]] = field(default_factory=dict)  # key → citation indexes
    findings: list[Finding] = field(default_factory=list)

    @property
    def order(self) -> list[str]:
        """The cited keys by number (the reference list's order)."""
        return sorted(self.numbers, key=self.numbers.__getitem__)


def number_citations(
    markers: Iterable[Marker],
    known: Container[str],
    *,
    collapse: bool = True,
    range_min: int = 3,
    numbering: Numbering | None = None,
    counter: dict[str, int] | None = None,
) -> Numbering:
    """Number `markers` by first appearance among the keys in `known`.

    Unknown keys get no number and are listed in the citation's `missing`. Pass an existing
    `numbering` to continue it. For continuous numbering across the pages of a collection,
    pass one shared `counter` (key → number) to every page in order: each page's numbering
    then holds only its own keys, with the collection's numbers.
    """
    result = numbering if numbering is not None else Numbering()
    numbers = counter if counter is not None else result.numbers
    for marker in markers:
        numbered: list[tuple[int, CiteItem]] = []
        missing: list[CiteItem] = []
        seen: set[str] = set()
        index = len(result.citations) + 1
        for item in marker.items:
            if item.key not in known:
                missing.append(item)
                continue
            if item.key in seen:
                continue  # [@a; @a] cites a once
            seen.add(item.key)
            number = numbers.setdefault(item.key, len(numbers) + 1)
            result.numbers.setdefault(item.key, number)
            result.cited_at.setdefault(item.key, []).append(index)
            numbered.append((number, item))
        labels = group_labels(numbered, collapse=collapse, range_min=range_min)
        result.citations.append(Citation(marker, index, labels, tuple(missing)))
    return result


def group_labels(
    numbered: list[tuple[int, CiteItem]], *, collapse: bool = True, range_min: int = 3
) -> tuple[Label, ...]:
    """Sort a group's numbers and fold runs of `range_min` or more into ranges (AMA: 3–5).

    An item with a locator always stands alone: `7(p12)` is never part of a range.
    """
    ordered = sorted(numbered, key=lambda pair: pair[0])
    labels: list[Label] = []
    run: list[tuple[int, CiteItem]] = []

    def flush() -> None:
        if collapse and len(run) >= range_min:
            labels.append(Label(tuple(n for n, _ in run), tuple(i.key for _, i in run)))
        else:
            labels.extend(Label((n,), (i.key,)) for n, i in run)
        run.clear()

    for number, item in ordered:
        if item.locator:
            flush()
            labels.append(Label((number,), (item.key,), item.locator, item.label))
            continue
        if run and number != run[-1][0] + 1:
            flush()
        run.append((number, item))
    flush()
    return tuple(labels)


def letter_label(i: int) -> str:
    """0 → a, 25 → z, 26 → aa, ...: back-link labels, and suffixes that tell keys apart."""
    out = ""
    i += 1
    while i:
        i, rest = divmod(i - 1, 26)
        out = chr(ord("a") + rest) + out
    return out
