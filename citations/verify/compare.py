"""Comparing an entry with a registry's record, field by field (pure)."""

from __future__ import annotations

import html
import re
from collections.abc import Sequence
from dataclasses import dataclass, field

from rapidfuzz import fuzz

from ..folding import fold, strip_accents
from ..identifiers import normalise_doi
from ..model import Name, Reference
from ..registries.model import Person, Record
from .bibtex import bibtex_pages, bibtex_text, bibtex_title
from .texts import (
    TITLE_SAME,
    containers_agree,
    norm_container,
    norm_pages,
    pages_agree,
    publishers_agree,
)

__all__ = [  # where they were first
    "TITLE_SAME",
    "bibtex_pages",
    "bibtex_text",
    "bibtex_title",
    "containers_agree",
    "norm_container",
    "norm_pages",
    "pages_agree",
]

TITLE_FAR = 60.0  # below this, two titles name different works
# Weights of the fields in the confidence: the title and authors say most about the work.
WEIGHTS = {"title": 3.0, "author": 2.0, "year": 1.0, "container": 1.0, "volume": 1.0,
           "number": 0.5, "pages": 1.0, "doi": 1.0, "editor": 1.0, "publisher": 0.5}  # fmt: skip
# Crossref deposits under this prefix (NeurIPS, ICML) list authors alphabetically.
_ALPHABETICAL_PREFIXES = ("10.52202/",)

_TAG = re.compile(r"</?[A-Za-z][^<>]*>")
# A title marked as retracted: "RETRACTED: ...", "Withdrawn article. ..."
NOTICE_PREFIX = re.compile(r"(?i)^\s*(?:retracted|withdrawn)(?:\s+article)?\s*[:.]\s*")
_NON_WORD = re.compile(r"[\W_]+")
_SUBTITLE = re.compile(r"\s*[:.?!]\s+|\s+[-–—]\s+")
_YEAR = re.compile(r"\d{4}")


@dataclass(frozen=True)
class FieldDiff:
    """One field where we and the registry differ (or where only the registry has a value).

    `field` is the entry's own field name (`journal`, `journaltitle`, `date`...), or the
    name it would have (`pages`) when the entry lacks it. `fix` is the BibTeX value `--fix`
    writes, None when the field is not fixed automatically (authors, dates).
    """

    field: str
    ours: str
    theirs: str
    note: str = ""
    fix: str | None = None


@dataclass(frozen=True)
class Comparison:
    """What comparing one entry with one record found."""

    diffs: tuple[FieldDiff, ...] = ()
    missing: tuple[FieldDiff, ...] = ()  # the registry has a value, the entry none
    agreed: tuple[str, ...] = ()
    title_similarity: float | None = None  # 0-100
    first_author: bool | None = None  # None: one side has no authors
    year_gap: int | None = None
    confidence: float = 0.0  # 0-1: how much of what could be compared agrees
    no_shared_author: bool | None = None  # None: one side has no authors
    notes: tuple[str, ...] = ()  # what agreed only in a way worth saying (the print year)

    @property
    def different_work(self) -> bool:
        """The record describes another work: titles far apart, and author or year too; or
        titles that do not agree and not one author in common."""
        if self.title_similarity is None:
            return False
        if self.title_similarity < TITLE_SAME and self.no_shared_author:
            return True
        if self.title_similarity >= TITLE_FAR:
            return False
        if self.first_author is None and self.year_gap is None:
            return True
        return self.first_author is False or (self.year_gap is not None and self.year_gap > 1)


# --- normalising -------------------------------------------------------------------------


def norm_title(text: str) -> str:
    """Casefolded, accents and punctuation dropped, HTML tags and a PubMed `[...]` removed."""
    text = html.unescape(_TAG.sub("", text)).strip()
    text = NOTICE_PREFIX.sub("", text)
    bare = text.rstrip(".").strip()
    if bare.startswith("[") and bare.endswith("]"):  # PubMed: a title translated into English
        text = bare[1:-1]
    return " ".join(_NON_WORD.sub(" ", strip_accents(text)).split())


def title_similarity(ours: str, theirs: str) -> float:
    """0-100; a registry that leaves out our subtitle still agrees."""
    a, b = norm_title(ours), norm_title(theirs)
    if not a or not b:
        return 0.0
    score = fuzz.ratio(a, b)
    main = norm_title(_SUBTITLE.split(ours, maxsplit=1)[0])
    if score < TITLE_SAME and main and len(main) < len(a):
        score = max(score, fuzz.ratio(main, b))
    return float(score)


def _plain(text: str) -> str:
    return re.sub(r"[\s.]+", "", text.replace("–", "-").replace("/", "-")).casefold()


def _year_of(text: str) -> int | None:
    m = _YEAR.search(text)
    return int(m.group()) if m else None


# --- field rules ---------------------------------------------------------------------------


def same_person(ours: Name, theirs: Person) -> bool:
    """Family names agree (accents, case, hyphens and `von` parts aside)."""
    last = fold(ours.last)
    full = fold(f"{ours.von} {ours.last}")
    if theirs.family:
        family = fold(theirs.family)
        if family in (last, full) or (last and family.endswith(last)):
            return True
        # Given and family names swapped somewhere (common with East Asian names).
        return bool(ours.first) and fold(ours.first) == family and fold(theirs.given) == last
    literal = theirs.literal
    if ours.corporate:
        return fuzz.ratio(strip_accents(ours.last), strip_accents(literal)) >= TITLE_SAME
    return bool(last) and last in {fold(w) for w in literal.split()}


def _person_label(person: Person) -> str:
    return person.family or person.literal


def _names_label(names: Sequence[str], others: bool = False) -> str:
    shown = list(names[:10])
    if len(names) > 10:
        shown.append(f"… ({len(names)} in all)")
    if others:
        shown.append("others")
    return ", ".join(shown)


def compare_authors(
    ours: Sequence[Name], others: bool, theirs: Sequence[Person], doi: str = ""
) -> FieldDiff | None:
    """Family names, their order and their count; `and others` means "at least"."""
    count_ok = len(theirs) >= len(ours) if others else len(theirs) == len(ours)
    pairs = list(zip(ours, theirs, strict=False))
    order_ok = all(same_person(a, b) for a, b in pairs)
    note = ""
    if not order_ok:
        alphabetical = doi.lower().startswith(_ALPHABETICAL_PREFIXES)
        as_sets = all(any(same_person(a, b) for b in theirs) for a in ours)
        if alphabetical and as_sets:
            order_ok = True
        else:
            note = "in another order" if as_sets else "different names"
    if not count_ok:
        counted = f"{len(ours)}{'+' if others else ''} authors vs {len(theirs)}"
        note = f"{note}; {counted}" if note else counted
    if order_ok and count_ok:
        return None
    label = _names_label([f"{n.von} {n.last}".strip() for n in ours], others)
    return FieldDiff("author", label, _names_label([_person_label(p) for p in theirs]), note)


# --- the comparison ------------------------------------------------------------------------


def _container_field(ref: Reference) -> str:
    if ref.type in ("inproceedings", "incollection", "inbook", "conference"):
        return "booktitle" if "booktitle" in ref.fields else ""
    return next((f for f in ("journal", "journaltitle") if f in ref.fields), "")


def compare(ref: Reference, record: Record) -> Comparison:
    """Every field both sides have, compared; the registry's extra fields listed as missing."""
    tally = _Tally()
    similarity = _compare_title(ref, record, tally)
    first_author = disjoint = None
    authors = ref.authors
    if authors.names and record.authors:
        first_author = same_person(authors.names[0], record.authors[0])
        disjoint = not any(same_person(a, b) for a in authors.names for b in record.authors)
        tally.add(
            "author", compare_authors(authors.names, authors.others, record.authors, record.doi)
        )
    year_gap = _compare_year(ref, record, tally)
    _compare_container(ref, record, tally)
    _compare_numbers(ref, record, tally)
    _compare_book_fields(ref, record, tally)
    # An arXiv record's DOI is the published version's, not the preprint's.
    if record.doi and ref.get("doi") and record.registry != "arxiv":
        ours = ref.get("doi")
        same = normalise_doi(ours) == normalise_doi(record.doi)
        tally.add("doi", None if same else FieldDiff("doi", ours, record.doi, fix=record.doi))
    return Comparison(
        tuple(tally.diffs),
        tuple(tally.missing),
        tuple(tally.agreed),
        similarity,
        first_author,
        year_gap,
        round(tally.confidence(), 2),
        disjoint,
        tuple(tally.notes),
    )


@dataclass
class _Tally:
    """What the field comparisons found so far, and each field's score for the confidence."""

    diffs: list[FieldDiff] = field(default_factory=list)
    missing: list[FieldDiff] = field(default_factory=list)  # the registry has it, not the entry
    agreed: list[str] = field(default_factory=list)
    scores: dict[str, float] = field(default_factory=dict)
    notes: list[str] = field(default_factory=list)

    def add(self, kind: str, diff: FieldDiff | None, score: float | None = None) -> None:
        self.scores[kind] = (0.0 if diff else 1.0) if score is None else score
        if diff is None:
            self.agreed.append(kind)
        else:
            self.diffs.append(diff)

    def lacks(self, name: str, theirs: str, fix: str | None) -> None:
        self.missing.append(FieldDiff(name, "", theirs, fix=fix))

    def confidence(self) -> float:
        total = sum(WEIGHTS[k] for k in self.scores)
        return sum(WEIGHTS[k] * v for k, v in self.scores.items()) / total if total else 0.0


def _compare_title(ref: Reference, record: Record, tally: _Tally) -> float | None:
    """The titles' similarity (0-100), or None when one side has no title."""
    title = ref.get("title")
    if not (title and record.title):
        if record.title:
            tally.lacks("title", record.title, bibtex_title(record.title))
        return None
    similarity = title_similarity(title, record.title)
    ours_n, theirs_n = norm_title(title), norm_title(record.title)
    truncated = ours_n != theirs_n and theirs_n.startswith(ours_n)
    diff = None
    if truncated or similarity < TITLE_SAME:
        note = "truncated" if truncated else f"similarity {similarity:.0f}"
        diff = FieldDiff("title", title, record.title, note, bibtex_title(record.title))
    tally.add("title", diff, similarity / 100 if diff else 1.0)
    return similarity


def _compare_year(ref: Reference, record: Record, tally: _Tally) -> int | None:
    """How many years apart the entry and the record are (None: one side has no year). Any
    date the registry records will do (an online-first paper's print year is its year too);
    when the one that agrees is not the registry's main date, a note says which it was."""
    year_field = "year" if "year" in ref.fields else "date" if "date" in ref.fields else ""
    our_year = _year_of(ref.get(year_field)) if year_field else None
    if our_year is None or record.year is None:
        if record.year is not None and not year_field:
            tally.lacks("year", str(record.year), str(record.year))
        return None
    dates = record.dates or (("issued", record.year),)
    gap, name = min(((abs(our_year - year), name) for name, year in dates), key=lambda d: d[0])
    diff = None
    if gap:
        fix = str(record.year) if year_field == "year" else None
        note = "1 year apart: online and print years can differ" if gap == 1 else ""
        diff = FieldDiff(year_field, ref.get(year_field), str(record.year), note, fix)
    elif name != dates[0][0]:
        tally.notes.append(
            f"year {our_year} is the record's {name} year ({dates[0][0]}: {dates[0][1]})"
        )
    tally.add("year", diff)
    return gap


def _compare_container(ref: Reference, record: Record, tally: _Tally) -> None:
    """The journal (or book) the work appeared in, by any of the record's names for it."""
    container_field = _container_field(ref)
    names = (record.container, *record.containers, record.short_container)
    theirs_containers = [c for c in dict.fromkeys(names) if c]
    if container_field and theirs_containers:
        ours = ref.get(container_field)
        diff = None
        # A book's or proceedings' title is cited long or short: words left out agree.
        lenient = container_field == "booktitle" and any(
            fuzz.token_set_ratio(" ".join(norm_container(ours)), " ".join(norm_container(t)))
            >= TITLE_SAME
            for t in theirs_containers
        )
        if not lenient and not containers_agree(ours, theirs_containers):
            theirs = theirs_containers[0]
            diff = FieldDiff(container_field, ours, theirs, fix=bibtex_text(theirs))
        tally.add("container", diff)
    elif record.container and not container_field and ref.type == "article":
        tally.lacks("journal", record.container, bibtex_text(record.container))


def _compare_numbers(ref: Reference, record: Record, tally: _Tally) -> None:
    """Volume, an article's issue, and pages."""
    simple = [("volume", "volume", record.volume)]
    if ref.type == "article":  # elsewhere `number` is a report's or a series' number
        simple.append(("number", "number" if "number" in ref.fields else "issue", record.issue))
    for kind, name, theirs in simple:
        if theirs and name in ref.fields:
            ours = ref.get(name)
            same = _plain(ours) == _plain(theirs)
            tally.add(kind, None if same else FieldDiff(name, ours, theirs, fix=theirs))
        elif theirs:
            tally.lacks(kind, theirs, theirs)
    if record.pages and ref.get("pages"):
        ours, fix = ref.get("pages"), bibtex_pages(record.pages)
        same = pages_agree(ours, record.pages)
        tally.add("pages", None if same else FieldDiff("pages", ours, record.pages, fix=fix))
    elif record.pages:
        tally.lacks("pages", record.pages, bibtex_pages(record.pages))


# Entry types whose editors and publisher say which book it is.
_BOOKISH = frozenset({"incollection", "inbook", "book", "collection", "proceedings", "mvbook"})


def _compare_book_fields(ref: Reference, record: Record, tally: _Tally) -> None:
    """A chapter's or a book's editors (as a set: registries often list only some, in any
    order) and its publisher (loosely: `Wiley` is `John Wiley & Sons`)."""
    if ref.type not in _BOOKISH:
        return
    editors = ref.editors.names
    if editors and record.editors:
        absent = [n for n in editors if not any(same_person(n, p) for p in record.editors)]
        diff = None
        if absent:
            ours = _names_label([f"{n.von} {n.last}".strip() for n in editors])
            theirs = _names_label([_person_label(p) for p in record.editors])
            diff = FieldDiff("editor", ours, theirs, "different names")
        tally.add("editor", diff)
    publisher = ref.get("publisher")
    if publisher and record.publisher and not publishers_agree(publisher, record.publisher):
        fix = bibtex_text(record.publisher)
        tally.add("publisher", FieldDiff("publisher", publisher, record.publisher, fix=fix))
    elif publisher and record.publisher:
        tally.add("publisher", None)
