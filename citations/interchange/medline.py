"""PubMed's MEDLINE format (the "Citation manager" export, `.nbib`) read into works."""

from __future__ import annotations

import re
from collections.abc import Iterator

from ..identifiers import bare_doi, normalise_pmcid, normalise_pmid, valid_doi
from ..registries.model import Person, Record
from .work import Failure, Read, Work, parse_date, split_name

# `TAG - value`: the tag is up to four capitals or digits, padded to four, then "- ".
_TAG_LINE = re.compile(r"([A-Z0-9]{2,4}) *- ?(.*)")
_CONTINUATION = "      "  # six spaces: the value goes on
_ISSN = re.compile(r"(\d{4}-\d{3}[\dXx])\s*(?:\((\w+)\))?")
_ISSN_ORDER = {"print": 0, "linking": 1, "electronic": 2}

Tags = list[tuple[str, str]]


def looks_like_medline(text: str) -> bool:
    """A record opens with `PMID- ` at the start of a line."""
    return re.search(r"^PMID- ?\d", text[:65536], re.M) is not None


def read_medline(text: str) -> Read:
    """Every record of a MEDLINE file (records are separated by blank lines; each starts
    with `PMID-`). A record with a line that is not `TAG - value`, or with no title, fails
    at that line; the others are read."""
    read = Read()
    for start, lines in _records(text.replace("\r\n", "\n").replace("\r", "\n")):
        tags = _tags(start, lines)
        if isinstance(tags, Failure):
            read.failures.append(tags)
            continue
        work = _work(tags, start)
        if isinstance(work, Failure):
            read.failures.append(work)
        else:
            read.works.append(work)
    return read


def _records(text: str) -> Iterator[tuple[int, list[str]]]:
    """(first line number, lines) of each blank-line separated block."""
    block: list[str] = []
    start = 0
    for number, line in enumerate(text.split("\n"), 1):
        if line.strip():
            if not block:
                start = number
            block.append(line)
        elif block:
            yield start, block
            block = []
    if block:
        yield start, block


def _tags(start: int, lines: list[str]) -> Tags | Failure:
    tags: Tags = []
    for offset, line in enumerate(lines):
        if line.startswith(_CONTINUATION) and tags:
            name, value = tags[-1]
            tags[-1] = (name, f"{value} {line.strip()}")
            continue
        m = _TAG_LINE.fullmatch(line.rstrip())
        if m is None:
            shown = line.strip()[:40]
            return Failure(start + offset, f"not a MEDLINE line ('TAG - value'): {shown!r}")
        tags.append((m[1], m[2].strip()))
    return tags


def _work(tags: Tags, line: int) -> Work | Failure:
    first: dict[str, str] = {}
    for name, value in tags:
        first.setdefault(name, value)
    title = first.get("TI") or first.get("BTI") or ""
    if not title:
        return Failure(line, "record has no title (TI)")
    year, month, day = parse_date(first.get("DP", ""))
    ids = _ids(tags)
    record = Record(
        registry="ncbi",
        source_url="",
        title=title,
        authors=_authors(tags),
        year=year,
        month=month,
        day=day,
        container=first.get("JT", ""),
        short_container=first.get("TA", ""),
        volume=first.get("VI", ""),
        issue=first.get("IP", ""),
        pages=first.get("PG", ""),
        publisher=first.get("PB", ""),
        type="book" if "BTI" in first and "TI" not in first else "journal-article",
        doi=ids.get("doi", ""),
        pmid=normalise_pmid(first.get("PMID", "")),
        pmcid=normalise_pmcid(first.get("PMC", "")),
        isbn=tuple(v for n, v in tags if n == "ISBN"),
        issn=_issns(tags),
        language=first.get("LA", ""),
        pubtypes=tuple(v for n, v in tags if n == "PT"),
    )
    return Work(record, line)


def _authors(tags: Tags) -> tuple[Person, ...]:
    """FAU (full names) where given, else AU (`Sheng XP`); CN (a collective name) in place.
    An AU line follows its FAU line: one person, counted once."""
    people: list[Person] = []
    last_full = False
    for name, value in tags:
        if name == "FAU":
            person = split_name(value)
            people.append(Person(person.family, initials(person.given), person.literal))
            last_full = True
        elif name == "AU":
            if not last_full:
                family, _, letters = value.rpartition(" ")
                people.append(Person(family, letters) if family else Person(letters))
            last_full = False
        elif name == "CN":
            people.append(Person("", literal=value))
            last_full = False
    return tuple(people)


def initials(given: str) -> str:
    """MEDLINE's bare initials with their periods: `Taras I` → `Taras I.`, `X P` → `X. P.`."""
    return " ".join(w + "." if len(w) == 1 and w.isupper() else w for w in given.split())


def _ids(tags: Tags) -> dict[str, str]:
    """The DOI from `LID - 10.x/y [doi]` or `AID - 10.x/y [doi]`."""
    for name, value in tags:
        m = re.fullmatch(r"(.+?)\s*\[doi\]", value)
        if name in ("LID", "AID") and m:
            doi = bare_doi(m[1])
            if valid_doi(doi):
                return {"doi": doi}
    return {}


def _issns(tags: Tags) -> tuple[str, ...]:
    """`IS - 0255-2930 (Print)`: print first, then the linking ISSN, then electronic."""
    found: list[tuple[int, str]] = []
    for name, value in tags:
        m = _ISSN.match(value) if name == "IS" else None
        if m:
            found.append((_ISSN_ORDER.get((m[2] or "").lower(), 3), m[1].upper()))
    return tuple(dict.fromkeys(issn for _, issn in sorted(found)))
