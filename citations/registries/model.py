"""What the registries say about a work, in one shape whatever registry said it."""

from __future__ import annotations

from dataclasses import dataclass, field
from typing import Literal

RegistryName = Literal["crossref", "datacite", "doi", "ncbi", "arxiv", "openlibrary"]


@dataclass(frozen=True)
class Person:
    family: str
    given: str = ""
    literal: str = ""  # an organisation, or a name the registry did not split


@dataclass(frozen=True)
class Update:
    """A notice about the work: Crossref `updated-by`, PubMed publication types."""

    kind: Literal["retraction", "correction", "expression-of-concern", "withdrawal", "other"]
    doi: str = ""  # the notice's DOI, when known
    date: str = ""  # ISO 8601, as precise as known
    source: str = ""  # e.g. "retraction-watch", "publisher", "pubmed"


@dataclass(frozen=True)
class Record:
    """A work as a registry describes it; empty strings where the registry says nothing.

    `type` uses CSL/Crossref names (journal-article, book, book-chapter, proceedings-article,
    posted-content, report, dissertation, dataset, ...). `source_url` is the API URL the
    record came from, for people to look at.
    """

    registry: RegistryName
    source_url: str
    title: str = ""
    authors: tuple[Person, ...] = ()
    editors: tuple[Person, ...] = ()
    year: int | None = None
    month: int | None = None
    day: int | None = None
    container: str = ""  # journal or book title
    short_container: str = ""  # ISO/NLM abbreviation
    # Every title Crossref lists in `container-title`: a chapter's may be [series, book].
    containers: tuple[str, ...] = ()
    volume: str = ""
    issue: str = ""
    pages: str = ""  # "320-327" or an article number "e0150367"
    publisher: str = ""
    type: str = ""
    doi: str = ""
    pmid: str = ""
    pmcid: str = ""
    arxiv: str = ""
    isbn: tuple[str, ...] = ()
    issn: tuple[str, ...] = ()
    url: str = ""
    language: str = ""
    updates: tuple[Update, ...] = ()
    score: float | None = None  # a search hit's relevance, as the registry gives it
    # Every date the registry records, (its name, year), the one `year` came from first:
    # Crossref's issued, published-print, published-online, created; PubMed's PubDate and
    # ArticleDate. An online-first paper's print year is as much its year as the online one.
    dates: tuple[tuple[str, int], ...] = ()
    pubtypes: tuple[str, ...] = ()  # PubMed's publication types, as PubMed spells them
    mesh: tuple[str, ...] = ()  # PubMed's MeSH headings (descriptor names)


@dataclass(frozen=True)
class Lookup:
    """The answer to one question to a registry: a record, not found, or could not tell.

    `status` is "found", "not-found" (the registry answered that it has no such work), or
    "unavailable" (it could not be asked or answered nonsense: never read as "not found").
    """

    status: Literal["found", "not-found", "unavailable"]
    record: Record | None = None
    detail: str = ""
    candidates: tuple[Record, ...] = field(default=())  # for searches: the hits, best first
