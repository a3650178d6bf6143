"""Finding an entry's authoritative record: by its DOI, PMID, PMCID or arXiv id, else a search."""

from __future__ import annotations

import re
from collections.abc import Iterable, Mapping
from dataclasses import dataclass, replace
from typing import TYPE_CHECKING, Literal

from ..identifiers import (
    bare_doi,
    find_arxiv,
    normalise_pmcid,
    normalise_pmid,
    parse_arxiv,
    parse_isbn,
    split_arxiv_version,
    valid_doi,
)
from ..model import Reference
from ..registries.model import Lookup, Record, Update
from .compare import compare
from .search import SearchMatch, match_search, search_work

__all__ = ["SearchMatch", "match_search"]  # where they were first

if TYPE_CHECKING:
    from ..registries.client import Registries

# Books, whose ISBN Open Library may know (an edition; a chapter's ISBN is its book's).
BOOKS = frozenset({"book", "mvbook", "collection", "mvcollection", "reference", "mvreference"})
# Entry types a registry indexes, so a title search is worth making when there is no id.
SEARCHABLE = frozenset({"article", "inproceedings", "conference", "incollection", "inbook"})
# Of those, the types whose absence from every registry is telling: a journal article or a
# conference paper nobody has heard of may be fabricated; a book chapter may just be unindexed.
FABRICABLE = frozenset({"article", "inproceedings", "conference"})

_ID_LABELS = {"doi": "DOI", "pmid": "PMID", "pmcid": "PMCID", "arxiv": "arXiv id"}


@dataclass(frozen=True)
class Identifiers:
    doi: str = ""
    pmid: str = ""
    pmcid: str = ""
    arxiv: str = ""
    isbn: str = ""  # a book's (a chapter's ISBN is its book's: not the entry's identity)

    def as_dict(self) -> dict[str, str]:
        pairs = (
            ("doi", self.doi),
            ("pmid", self.pmid),
            ("pmcid", self.pmcid),
            ("arxiv", self.arxiv),
            ("isbn", self.isbn),
        )
        return {name: value for name, value in pairs if value}


@dataclass(frozen=True)
class Resolution:
    """Where looking for the entry's record ended.

    found: `record` is the work. not-found: a registry that would know says there is no such
    work. unavailable: a registry could not answer (offline, down, an agency without
    metadata). unindexed: no registry is expected to know it. ambiguous: a search found
    candidates, none clearly ours.
    """

    status: Literal["found", "not-found", "unavailable", "unindexed", "ambiguous"]
    record: Record | None = None
    how: str = ""  # doi, pmid, pmcid, arxiv, search
    detail: str = ""
    source: str | None = None
    updates: tuple[Update, ...] = ()  # notices from a second registry (PubMed beside Crossref)
    bad_doi: str = ""  # the entry's DOI, when no agency has it but another id found the work
    # The entry's identifiers no registry has, (name, value), when a search found the work.
    unregistered: tuple[tuple[str, str], ...] = ()
    alternative: Record | None = None  # the entry's own work, when its id names another
    pubmed: Record | None = None  # the work's PubMed record beside another registry's


def identifiers(ref: Reference) -> Identifiers:
    """The entry's identifiers, normalised; malformed ones are left out (`check` reports them)."""
    raw = {name: value.strip() for name, value in ref.raw.items()}
    kind = (raw.get("eprinttype") or raw.get("archiveprefix") or "").lower()
    eprint = raw.get("eprint", "")
    doi = bare_doi(raw.get("doi", ""))
    doi = doi if valid_doi(doi) else ""
    pmid = raw.get("pmid", "") or (eprint if kind in ("pubmed", "pmid") else "")
    pmcid = raw.get("pmcid", "") or (eprint if kind in ("pmc", "pmcid") else "")
    arxiv = raw.get("arxiv", "") or (eprint if kind == "arxiv" else "")
    # Without its version: the registry answers with the latest, and that is the work.
    arxiv_id = split_arxiv_version(parse_arxiv(arxiv) or parse_arxiv(doi))[0]
    if not arxiv_id and not doi:  # `journal = {arXiv preprint arXiv:1706.03762}` and the like
        for name in ("journal", "journaltitle", "note", "howpublished", "url"):
            if found := find_arxiv(raw.get(name, "")):
                arxiv_id = split_arxiv_version(found)[0]
                break
    isbn = ""
    if ref.type in BOOKS:
        isbn = parse_isbn(re.split(r"[,;]\s*|\s{2,}", raw.get("isbn", ""))[0])
    return Identifiers(
        doi=doi,
        pmid=normalise_pmid(pmid),
        pmcid=normalise_pmcid(pmcid),
        arxiv=arxiv_id,
        isbn=isbn,
    )


class Resolver:
    """Looks entries up through one Registries. `prefetch` first: it batches the PubMed ids."""

    def __init__(self, registries: Registries, urls: Mapping[str, str]) -> None:
        self.registries = registries
        self.urls = urls
        self._pubmed: dict[str, Lookup] = {}  # filled before the threads start, then read
        self._pmc: dict[str, str] = {}
        self._doi_pmids: dict[str, str] = {}  # DOI (lower case) → PMID, "" when NCBI has none

    def prefetch(self, refs: Iterable[Reference]) -> None:
        """PMCIDs mapped to PMIDs, DOIs to PMIDs (NCBI's ID converter), then one batched PubMed
        request for every PMID, before the entries are resolved (NCBI asks for batches, and
        allows few requests a second)."""
        found = [identifiers(ref) for ref in refs]
        pmcids = [i.pmcid for i in found if i.pmcid and not i.pmid and i.pmcid not in self._pmc]
        if pmcids:
            self._pmc.update(self.registries.pmc_to_pmids(list(dict.fromkeys(pmcids))))
        dois = [i.doi.lower() for i in found if i.doi and not i.pmid and not parse_arxiv(i.doi)]
        dois = [d for d in dict.fromkeys(dois) if d not in self._doi_pmids]
        if dois:
            self._doi_pmids.update(self.registries.doi_to_pmids(dois))
        pmids = [i.pmid for i in found if i.pmid] + [p for p in self._pmc.values() if p]
        pmids += [p for p in self._doi_pmids.values() if p]
        todo = [pmid for pmid in dict.fromkeys(pmids) if pmid not in self._pubmed]
        if todo:
            self._pubmed.update(self.registries.pubmed(todo))
            self._with_mesh([p for p in todo if self._pubmed[p].record is not None])

    def _with_mesh(self, pmids: list[str]) -> None:
        """PubMed's MeSH headings put into its records (efetch: esummary has none), for the
        kind of evidence `claims` reads; an unanswered request leaves the records as they are."""
        headings = self.registries.pubmed_mesh(pmids) if pmids else {}
        for pmid, names in headings.items():
            found = self._pubmed[pmid]
            if found.record is not None and names:
                self._pubmed[pmid] = replace(found, record=replace(found.record, mesh=names))

    def pubmed(self, pmid: str) -> Lookup:
        found = self._pubmed.get(pmid)
        if found is None:
            found = self.registries.pubmed([pmid]).get(pmid) or Lookup(
                "unavailable", detail="PubMed gave no answer for this PMID"
            )
        return found

    def resolve(self, ref: Reference) -> Resolution:
        """By the entry's identifiers; an identifier nobody has registered, or one naming
        another work, is followed by a search for the entry's own work; else a search alone."""
        ids = identifiers(ref)
        found = self._by_identifiers(ids)
        if found is None:
            found = self._search(ref)
        elif found.status == "not-found" and found.how in _ID_LABELS:
            found = self._unregistered(ref, ids, found)
        elif found.record is not None and compare(ref, found.record).different_work:
            match = search_work(self.registries, ref)
            if match.status == "accepted" and match.record is not None:
                return replace(found, alternative=match.record)
            return found
        return self._with_pubmed(found, ids.pmid)

    def _by_identifiers(self, ids: Identifiers) -> Resolution | None:
        """Where the entry's identifiers led; None when it has none."""
        tried: list[Resolution] = []
        if ids.doi and not parse_arxiv(ids.doi):  # arXiv's DOI: asked of arXiv, below
            found = self._by_doi(ids.doi)
            if found.status == "found":
                return found
            tried.append(found)
        if ids.pmid:
            tried.append(self._from_lookup(self.pubmed(ids.pmid), "pmid", f"PMID {ids.pmid}"))
        if ids.pmcid and not ids.pmid:
            pmid = self._pmc.get(ids.pmcid)
            if pmid is None:
                pmid = self.registries.pmc_to_pmid(ids.pmcid)
            if pmid:
                tried.append(self._from_lookup(self.pubmed(pmid), "pmcid", f"PMID {pmid}"))
            else:
                why = f"{ids.pmcid} could not be mapped to a PMID"
                tried.append(Resolution("unavailable", how="pmcid", detail=why))
        if ids.arxiv:
            tried.append(
                self._from_lookup(self.registries.arxiv(ids.arxiv), "arxiv", f"arXiv {ids.arxiv}")
            )
        if ids.isbn and not any(r.status == "found" for r in tried):
            book = self._by_isbn(ids.isbn)
            if book.status == "found" or not tried:
                return book
        for status in ("found", "not-found", "unavailable"):
            chosen = [r for r in tried if r.status == status]
            if chosen:
                others = "; ".join(r.detail for r in tried if r is not chosen[0] and r.detail)
                first = chosen[0]
                if status == "found":
                    dead = any(r.how == "doi" and r.status == "not-found" for r in tried)
                    return replace(first, bad_doi=ids.doi) if dead else first
                return replace(first, detail=f"{first.detail} ({others})") if others else first
        return None

    def _unregistered(self, ref: Reference, ids: Identifiers, lost: Resolution) -> Resolution:
        """An identifier no registry has is a typo as often as a fabrication: the entry's own
        fields are searched for, and a work whose title, first author and year agree is it."""
        match = search_work(self.registries, ref)
        record = match.record
        if match.status == "accepted" and record is not None:
            gap = compare(ref, record).year_gap
            if gap is None or gap <= 1:
                names = ("doi", "pmid", "pmcid", "arxiv")
                bad = tuple((n, v) for n in names if (v := getattr(ids, n)))
                why = f"{lost.detail}; a search by its title and authors found the work"
                return Resolution(
                    "found", record, "search", why, record.source_url, unregistered=bad
                )
        if match.status == "unavailable":
            return replace(lost, detail=f"{lost.detail}; {match.detail}")
        if match.status == "ambiguous":
            why = f"a search found candidates, none clearly this work ({match.detail})"
            return replace(lost, detail=f"{lost.detail}; {why}")
        return replace(lost, detail=f"{lost.detail}; a search by its title found nothing")

    def _by_doi(self, doi: str) -> Resolution:
        lookup = self.registries.crossref_work(doi)
        if lookup.status != "not-found":
            return self._from_lookup(lookup, "doi", f"DOI {doi}")
        # Not a Crossref DOI: it may still be DataCite's, mEDRA's... or nobody's.
        exists = self.registries.doi_exists(doi)
        where = f"{self.urls.get('doi', 'https://doi.org')}/{doi}"
        if exists.status == "not-found":
            why = f"DOI {doi} is not registered with any agency"
            return Resolution("not-found", how="doi", detail=why, source=where)
        if exists.status == "unavailable":
            return Resolution(
                "unavailable",
                how="doi",
                source=where,
                detail=f"doi.org could not say whether DOI {doi} exists"
                + (f": {exists.detail}" if exists.detail else ""),
            )
        csl = self.registries.doi_csl(doi)
        if csl.status == "found" and csl.record is not None:
            return Resolution("found", csl.record, "doi", csl.detail, csl.record.source_url)
        agency = self.registries.doi_agency(doi) or "an agency that could not be determined"
        return Resolution(
            "unavailable",
            how="doi",
            source=where,
            detail=f"DOI {doi} is registered (with {agency}) but no metadata could be had for it",
        )

    def _by_isbn(self, isbn: str) -> Resolution:
        """A book by its ISBN in Open Library. A book Open Library lacks is unindexed, never
        not-found: its catalogue is far from complete, and no book is called fabricated."""
        lookup = self.registries.book(isbn)
        if lookup.status == "not-found":
            why = f"Open Library has no book with ISBN {isbn}; books are often not indexed"
            return Resolution("unindexed", how="isbn", detail=why)
        return self._from_lookup(lookup, "isbn", f"ISBN {isbn}")

    def _with_pubmed(self, found: Resolution, pmid: str) -> Resolution:
        """The work's PubMed record beside another registry's: its publication types say what
        kind of work it is (for `claims`), and carry retractions Crossref may not know of. By
        the entry's PMID, else the DOI's in NCBI's ID converter."""
        record = found.record
        if found.status != "found" or record is None:
            return found
        if record.registry == "ncbi":
            return replace(found, pubmed=record)
        pmid = pmid or record.pmid or (self.doi_pmid(record.doi) if record.doi else "")
        lookup = self.pubmed(pmid) if pmid else None
        if lookup is None or lookup.record is None:
            return found
        updates = lookup.record.updates if pmid else ()
        return replace(found, pubmed=lookup.record, updates=updates)

    def doi_pmid(self, doi: str) -> str:
        """The PMID NCBI's ID converter gives a DOI ("" when none), from the prefetch if there."""
        key = doi.lower()
        if key not in self._doi_pmids:
            self._doi_pmids.update(self.registries.doi_to_pmids([doi]))
        return self._doi_pmids.get(key, "")

    def _from_lookup(self, lookup: Lookup, how: str, what: str) -> Resolution:
        record = lookup.record
        if lookup.status == "found" and record is not None:
            return Resolution("found", record, how, lookup.detail, record.source_url)
        if lookup.status == "not-found":
            said = f" ({lookup.detail})" if lookup.detail else ""
            return Resolution(
                "not-found", how=how, detail=f"{what} is unknown to the registry{said}"
            )
        return Resolution(
            "unavailable",
            how=how,
            detail=f"{what} could not be looked up: {lookup.detail or 'no answer'}",
        )

    def _search(self, ref: Reference) -> Resolution:
        """An entry without identifiers: a search, and what finding nothing means for its type."""
        if ref.type not in SEARCHABLE:
            why = f"@{ref.type} entries without a DOI, PMID or arXiv id are not indexed"
            return Resolution("unindexed", how="search", detail=why)
        if not ref.get("title"):
            return Resolution("unindexed", how="search", detail="no identifier and no title")
        match = search_work(self.registries, ref, pubmed=ref.type == "article")
        if match.status == "unavailable":
            return Resolution("unavailable", how="search", detail=match.detail)
        if match.status == "accepted" and match.record is not None:
            record = match.record
            return Resolution("found", record, "search", match.detail, record.source_url)
        if match.status == "ambiguous":
            return Resolution("ambiguous", how="search", detail=match.detail)
        if ref.type in FABRICABLE:
            why = f"no registry searched knows a work of this title ({match.detail})"
            return Resolution("not-found", how="search", detail=f"{why}: it may be fabricated")
        why = f"a title search found nothing ({match.detail}); @{ref.type} works are often "
        return Resolution("unindexed", how="search", detail=why + "not indexed")
