"""One identifier → the registry record or web page it names, or why there is none."""

from __future__ import annotations

import re
import time
from collections.abc import Callable
from dataclasses import astuple, dataclass, field, replace
from pathlib import Path
from typing import TYPE_CHECKING

from ..config import web_map
from ..folding import fold
from ..identifiers import (
    find_doi,
    normalise_doi,
    normalise_pmid,
    parse_arxiv,
    split_arxiv_version,
)
from ..registries.model import Lookup, Record
from .citation import choose, fit, vancouver_fields
from .identify import Identifier, Kind, identify
from .reflist import accessed_date
from .webpage import WebPage, fetch_page

if TYPE_CHECKING:
    from ..net.cache import Cache
    from ..net.http import Client
    from ..registries.client import Registries
    from ..registries.settings import RegistrySettings

_PMID_IN_TEXT = re.compile(r"\bPMID:?\s*(\d{1,8})\b")
_URL_IN_TEXT = re.compile(r"https?://[^\s<>\"]+", re.IGNORECASE)
Find = Callable[[str, str], str]  # (kind, value) → the key of the library's entry, or ""
_WARNED = {
    "retraction": "retracted",
    "withdrawal": "withdrawn",
    "expression-of-concern": "under an expression of concern",
}


@dataclass
class Resolved:
    """What one identifier came to: a work to add, the key of one already there, or a failure."""

    found: Record | WebPage | None = None
    existing: str = ""
    failure: str = ""
    notes: list[str] = field(default_factory=list)  # warnings and hints, for people
    accessed: str = ""  # a web page's access date as the reference printed it (ISO)


PAST_DEADLINE = "not looked up: the run's deadline passed"


class Lookups:
    """The registries and a page fetcher, opened on first use: a run of duplicates asks
    nobody, and a run of web pages no registry. The run's deadline (`settings.deadline`
    seconds from now) bounds both."""

    def __init__(
        self,
        settings: RegistrySettings,
        cache: Path | None = None,
        registries: Registries | None = None,
    ) -> None:
        self._settings = settings
        self._cache_path = cache
        self._given = registries
        self.deadline = registries.deadline if registries is not None else None
        if registries is None and settings.deadline is not None:
            self.deadline = time.monotonic() + settings.deadline
        self._registries: Registries | None = None
        self._cache: Cache | None = None
        self._web: Client | None = None

    def __enter__(self) -> Lookups:
        return self

    def __exit__(self, *exc: object) -> None:
        for thing in (self._registries, self._web, self._cache):
            if thing is not None:
                thing.close()

    @property
    def registries(self) -> Registries:
        if self._given is not None:
            return self._given
        if self._registries is None:
            from ..net.cache import Cache
            from ..registries.client import Registries

            path = self._cache_path
            self._cache = Cache.open(path) if path is not None else None
            self._registries = Registries(self._settings, self._cache, until=self.deadline)
        return self._registries

    def page(self, url: str) -> WebPage | str:
        if self._web is None:
            from ..net.http import Client
            from ..net.settings import HttpConfig
            from ..registries.settings import RegistrySettings

            agent = RegistrySettings.user_agent
            config = HttpConfig(
                agent, connect_timeout=5.0, read_timeout=10.0, retries=1, backoff=0.5
            )
            self._web = Client(config, self.deadline)
        return fetch_page(self._web, url, mapped_url(url))

    def expired(self) -> bool:
        """Whether the run's deadline has passed."""
        return self.deadline is not None and time.monotonic() >= self.deadline


def resolve(given: str, find: Find, lookups: Lookups) -> Resolved:
    """Read `given`, refuse it if `find` knows it, else look it up (unless the run's deadline
    has passed)."""
    ident = identify(given)
    if not isinstance(ident, Identifier):
        return Resolved(failure=ident.reason)
    key = find(ident.kind, ident.value)
    if key:
        return Resolved(existing=key)
    if lookups.expired():
        return Resolved(failure=PAST_DEADLINE)
    if ident.kind == "url":
        return _page(ident, find, lookups)
    if ident.kind == "citation":
        return _citation(ident, find, lookups)
    record = _record(ident, lookups.registries)
    if isinstance(record, str):
        return Resolved(failure=record)
    notes = []
    if record.registry == "arxiv" and record.doi and not parse_arxiv(record.doi):
        notes.append(
            f"arXiv says it was published as doi:{record.doi}; "
            f"add that DOI for the published version"
        )
        record = replace(record, doi="")  # the preprint's entry is the preprint's
    return Resolved(record, notes=notes + _warnings(record))


def _page(ident: Identifier, find: Find, lookups: Lookups) -> Resolved:
    """A web page; one whose Highwire tags give a DOI is that DOI's work."""
    page = lookups.page(ident.value)
    if isinstance(page, str):
        return Resolved(failure=page)
    if not page.doi:
        return Resolved(page)
    key = find("doi", page.doi)
    if key:
        return Resolved(existing=key)
    record = _record(Identifier("doi", page.doi, ident.given), lookups.registries)
    if isinstance(record, Record):
        return Resolved(record, notes=_warnings(record))
    note = f"its DOI {page.doi} was not found ({record}); adding the page as it describes itself"
    return Resolved(page, notes=[note])


def _citation(ident: Identifier, find: Find, lookups: Lookups) -> Resolved:
    """A reference as printed: the DOI or PMID in it, else Crossref's match, else PubMed's,
    each accepted only if its title, first author and year are in the text; else the web page
    whose URL it prints (with the access date it prints)."""
    text, registries = ident.value, lookups.registries
    named_pmid = _PMID_IN_TEXT.search(text)
    named_ids: tuple[tuple[Kind, str], ...] = (
        ("doi", find_doi(text, named=True)),
        ("pmid", normalise_pmid(named_pmid[1]) if named_pmid else ""),
    )
    for kind, value in named_ids:
        if value:
            record = _record(Identifier(kind, value, ident.given), registries)
            label = "DOI" if kind == "doi" else "PMID"
            if isinstance(record, str):
                return Resolved(failure=f"the {label} in it: {record}")
            if fit(text, record) is None:
                return Resolved(failure=f"its {label} {value} names another work: {record.title!r}")
            return Resolved(_as_printed(text, record), notes=_warnings(record))
    lookup = registries.crossref_search(text, rows=5)
    chosen = choose(text, lookup.candidates) if lookup.status == "found" else ""
    if isinstance(chosen, Record) and chosen.doi:
        record = _with_pubmed_ids(chosen, registries)  # a search hit is the whole work record
        note = f"matched to doi:{record.doi} by a Crossref search: {record.title!r}"
        return Resolved(_as_printed(text, record), notes=[note, *_warnings(record)])
    why = chosen or f"Crossref: {lookup.detail or 'no answer'}"
    fields = vancouver_fields(text)
    pmid = registries.pubmed_citation(astuple(fields)) if fields else ""
    if pmid:
        record = _record(Identifier("pmid", pmid, ident.given), registries)
        if isinstance(record, Record) and fit(text, record) is not None:
            note = f"matched to PMID {pmid} by PubMed's citation matcher: {record.title!r}"
            return Resolved(_as_printed(text, record), notes=[note, *_warnings(record)])
    url, accessed = _URL_IN_TEXT.search(text), accessed_date(text)
    down = lookup.status == "unavailable" and not pmid
    if url and (accessed or not down):  # a web page's reference (or no registry knows it)
        page = resolve(url[0].rstrip(".,;)]>"), find, lookups)
        page.accessed = accessed
        return page
    if down:
        return Resolved(failure=f"could not be looked up: {lookup.detail or 'no answer'}")
    return Resolved(
        failure=f"no registry record matches this reference ({why}); add it by its DOI or PMID"
    )


def _as_printed(text: str, record: Record) -> Record:
    """The journal's name as the reference prints it, when that is the registry's name or
    abbreviation in another case (`PLoS One` for Crossref's `PLoS ONE`): the last place it
    stands, after the title (which may hold the same word: `... for pain relief. Pain.`)."""
    for name in (record.short_container, record.container):
        if not name:
            continue
        found = list(re.finditer(rf"(?<!\w){re.escape(name)}(?!\w)", text, re.IGNORECASE))
        if found:
            return replace(record, short_container=found[-1][0])
    return record


def _record(ident: Identifier, registries: Registries) -> Record | str:
    """One identifier's record, completed from a second registry where that adds something."""
    if ident.kind == "doi":
        lookup = registries.crossref_work(ident.value)
        if lookup.status == "not-found":  # not a Crossref DOI: DataCite, mEDRA, ... answer here
            lookup = registries.doi_csl(ident.value)
        if lookup.record is None:
            return _why(lookup, f"no DOI {ident.value}")
        return _with_pubmed_ids(lookup.record, registries)
    if ident.kind == "isbn":
        lookup = registries.book(ident.value)
        if lookup.record is None:
            return _why(lookup, f"Open Library has no book with ISBN {ident.value}")
        return lookup.record
    if ident.kind == "arxiv":
        lookup = registries.arxiv(ident.value)
        if lookup.record is None:
            return _why(lookup, f"arXiv has no {ident.value}")
        arxiv_id, version = split_arxiv_version(ident.value)  # the version cited, if one was
        return replace(lookup.record, arxiv=(lookup.record.arxiv or arxiv_id) + version)
    pmid = ident.value
    if ident.kind == "pmcid":
        pmid = registries.pmc_to_pmid(ident.value)
        if not pmid:
            return f"PubMed Central knows no {ident.value} (or could not be asked)"
    lookup = registries.pubmed([pmid])[pmid]
    if lookup.record is None:
        return _why(lookup, f"PubMed has no PMID {pmid}")
    record = lookup.record
    if not record.type and record.container:
        record = replace(record, type="journal-article")  # PubMed lists journal articles
    return _with_full_names(record, registries)


def _with_pubmed_ids(record: Record, registries: Registries) -> Record:
    """A DOI's PMID and PMCID, when PubMed indexes it: the ids only (the journal's name
    stays the registry's)."""
    if not record.doi:
        return record
    pmids = registries.pubmed_search(f"{record.doi}[doi]")
    if len(pmids) != 1:
        return record
    found = registries.pubmed(pmids)[pmids[0]].record
    if found is None or normalise_doi(found.doi) != normalise_doi(record.doi):
        return record
    return replace(record, pmid=found.pmid, pmcid=record.pmcid or found.pmcid)


def _with_full_names(record: Record, registries: Registries) -> Record:
    """PubMed gives initials only: take Crossref's given names when its authors are the same
    people (as many, with the same family names in the same order)."""
    if not record.doi or not record.authors:
        return record
    other = registries.crossref_work(record.doi).record
    if other is None or len(other.authors) != len(record.authors):
        return record
    same = all(
        fold(a.family or a.literal) == fold(b.family or b.literal)
        for a, b in zip(record.authors, other.authors, strict=True)
    )
    return replace(record, authors=other.authors) if same else record


def _warnings(record: Record) -> list[str]:
    """A retracted work is still added (it may be cited as such), but never silently."""
    notes: dict[str, str] = {}
    for update in record.updates:
        if update.kind in _WARNED and update.kind not in notes:
            notice = f" (notice {update.doi})" if update.doi else ""
            notes[update.kind] = f"warning: the work is {_WARNED[update.kind]}{notice}"
    return list(notes.values())


def _why(lookup: Lookup, not_found: str) -> str:
    if lookup.status == "not-found":
        return not_found
    return f"could not be looked up: {lookup.detail or 'no answer'}"


def mapped_url(url: str) -> str:
    """Where to fetch `url` from: CITATIONS_WEB_MAP maps URL prefixes to other servers (tests,
    mirrors); "" when none applies. The entry keeps the URL as given."""
    for prefix, replacement in web_map():
        if url.startswith(prefix):
            return replacement + url[len(prefix) :]
    return ""
