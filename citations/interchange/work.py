"""What an imported record says, in one shape whatever format said it, and where it was."""

from __future__ import annotations

import re
from dataclasses import dataclass, field, replace

from ..identifiers import bare_doi, is_http_url, normalise_pmcid, normalise_pmid, valid_doi
from ..library.values import MONTH_MACROS
from ..registries.model import Person, Record

MONTH_NAMES = tuple(MONTH_MACROS)  # BibTeX's month macros, jan … dec
_SEASONS = {"spring": 3, "summer": 6, "fall": 9, "autumn": 9, "winter": 12}
_ISSN = re.compile(r"\d{4}-?\d{3}[\dXx]")
_ISBN = re.compile(r"[\dXx][\dXx -]{8,16}[\dXx]")
_DATE = re.compile(r"(\d{4})(?:[-/ ]+([A-Za-z]+|\d{1,2})(?:[-/ ]+(\d{1,2}))?)?")


@dataclass(frozen=True)
class Work:
    """One record read from a file: a registry-shaped `Record` (CSL type names), and, for a
    web page, what only pages carry. Dates are ISO 8601, as precise as given."""

    record: Record
    line: int  # where the record starts in its file (1-based)
    web: bool = False  # a web page: becomes an @online entry
    site: str = ""  # the page's site or organisation
    published: str = ""
    updated: str = ""
    reviewed: str = ""
    accessed: str = ""


@dataclass(frozen=True)
class Failure:
    """A record that could not be read, and why."""

    line: int
    message: str


@dataclass
class Read:
    """What one file gave: the works in file order and the records that failed."""

    works: list[Work] = field(default_factory=list)
    failures: list[Failure] = field(default_factory=list)


def iso_date(year: int | None, month: int | None = None, day: int | None = None) -> str:
    """`2016`, `2016-03`, `2016-03-09`: as precise as known, "" without a year."""
    if not year:
        return ""
    text = f"{year:04d}"
    if month:
        text += f"-{month:02d}"
        if day:
            text += f"-{day:02d}"
    return text


def parse_date(text: str) -> tuple[int | None, int | None, int | None]:
    """Year, month, day of `2016 Mar 9`, `2016/03/09/`, `2010 Nov-Dec`, `2015 Winter`,
    `2023-05-17`: what a date field holds in MEDLINE, RIS, BibTeX and CSL's `raw`."""
    m = _DATE.search(text)
    if m is None:
        return None, None, None
    year, month_text, day_text = m.groups()
    month = month_number(month_text or "")
    day = int(day_text) if day_text and month else None
    return int(year), month, day if day and 1 <= day <= 31 else None


def month_number(text: str) -> int | None:
    """`3`, `03`, `Mar`, `march`, `Winter` → a month 1–12, else None."""
    text = text.strip().lower()
    if text.isdigit():
        return int(text) if 1 <= int(text) <= 12 else None
    if text[:3] in MONTH_NAMES:
        return MONTH_NAMES.index(text[:3]) + 1
    return _SEASONS.get(text)


def split_name(text: str) -> Person:
    """`Family, Given` as RIS and MEDLINE's FAU write a person; a name with no comma and
    several words is an organisation (`Mayo Clinic Staff`, EndNote's corporate authors)."""
    text = " ".join(text.split()).strip()
    family, comma, given = text.partition(",")
    family, given = family.strip(), given.strip().strip(",").strip()
    if comma and family and given:
        return Person(family, given)
    if " " in family:
        return Person("", literal=family)
    return Person(family)


def cleaned(record: Record) -> Record:
    """The record with only well-formed identifiers: a file may hold anything in a DOI,
    PMID, PMCID, ISSN, ISBN or URL field, and these are written into the entry unescaped."""
    doi = bare_doi(record.doi)
    url = record.url.strip()
    return replace(
        record,
        doi=doi if valid_doi(doi) else "",
        pmid=normalise_pmid(record.pmid),
        pmcid=normalise_pmcid(record.pmcid),
        issn=tuple(i.upper() for i in record.issn if _ISSN.fullmatch(i.strip())),
        isbn=tuple(i for i in record.isbn if _ISBN.fullmatch(i.strip())),
        url=url if is_http_url(url) and not re.search(r"[\s{}\\]", url) else "",
    )
