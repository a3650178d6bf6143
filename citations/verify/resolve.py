"""Finding an entry's authoritative record: by its DOI, PMID, PMCID or arXiv id, else a search."""

from __future__ import annotations

import re
from collections.abc import Iterable, Mapping, Sequence
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
from .compare import TITLE_FAR, TITLE_SAME, same_person, title_similarity

if TYPE_CHECKING:
    from ..registries.client import Registries

# Books, whose ISBN Open Library may know (an edition; a chapter's ISBN is its book's).
BOOKS = frozenset({"book", "mvbook", "collection", "mvcollection", "reference", "mvreference"})
# Entry types a registry indexes, so a title search is worth making when there is no id.
SEARCHABLE = frozenset({"article", "inproceedings", "conference", "incollection", "inbook"})
# Of those, the types whose absence from every registry is telling: a journal article or a
# conference paper nobody has heard of may be fabricated; a book chapter may just be unindexed.
FABRICABLE = frozenset({"article", "inproceedings", "conference"})

_SEARCH_WORD = re.compile(r"[^\W_]+")
SEARCH_LEAD = 1.5  # a search's top hit must score this many times the runner-up's


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


@dataclass(frozen=True)
class SearchMatch:
    """How a title search went: one accepted hit, hits none of which is clearly ours, or none."""

    status: Literal["accepted", "ambiguous", "none"]
    record: Record | None = None
    detail: str = ""
    best_similarity: float = 0.0


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

    def prefetch(self, refs: Iterable[Reference]) -> None:
        """PMCIDs mapped to PMIDs, then one batched PubMed request for every PMID, before the
        entries are resolved (NCBI asks for batches, and allows few requests a second)."""
        found = [identifiers(ref) for ref in refs]
        pmcids = [i.pmcid for i in found if i.pmcid and not i.pmid and i.pmcid not in self._pmc]
        if pmcids:
            self._pmc.update(self.registries.pmc_to_pmids(list(dict.fromkeys(pmcids))))
        pmids = [i.pmid for i in found if i.pmid] + [p for p in self._pmc.values() if p]
        todo = [pmid for pmid in dict.fromkeys(pmids) if pmid not in self._pubmed]
        if todo:
            self._pubmed.update(self.registries.pubmed(todo))

    def pubmed(self, pmid: str) -> Lookup:
        found = self._pubmed.get(pmid)
        if found is None:
            found = self.registries.pubmed([pmid]).get(pmid) or Lookup(
                "unavailable", detail="PubMed gave no answer for this PMID"
            )
        return found

    def resolve(self, ref: Reference) -> Resolution:
        ids = identifiers(ref)
        tried: list[Resolution] = []
        if ids.doi and not parse_arxiv(ids.doi):  # arXiv's DOI: asked of arXiv, below
            found = self._by_doi(ids.doi)
            if found.status == "found":
                return self._with_pubmed_notices(found, ids.pmid)
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
        return self._search(ref)

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

    def _with_pubmed_notices(self, found: Resolution, pmid: str) -> Resolution:
        """PubMed's publication types carry retractions Crossref may not know of."""
        if not pmid:
            return found
        lookup = self.pubmed(pmid)
        if lookup.record is None or not lookup.record.updates:
            return found
        return replace(found, updates=lookup.record.updates)

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
        title = ref.get("title")
        if ref.type not in SEARCHABLE:
            why = f"@{ref.type} entries without a DOI, PMID or arXiv id are not indexed"
            return Resolution("unindexed", how="search", detail=why)
        if not title:
            return Resolution("unindexed", how="search", detail="no identifier and no title")
        names = ref.authors.names
        family = f"{names[0].von} {names[0].last}".strip() if names else ""
        container = ref.get("journal") or ref.get("journaltitle") or ref.get("booktitle")
        year = ref.get("year") or ref.get("date")[:4]
        query = " ".join(part for part in (title, family, year, container) if part)
        lookup = self.registries.crossref_search(query, author=family, rows=5)
        if lookup.status == "unavailable":
            return Resolution(
                "unavailable",
                how="search",
                detail=f"Crossref search failed: {lookup.detail or 'no answer'}",
            )
        match = match_search(ref, lookup.candidates)
        if match.status == "none" and ref.type == "article" and family:
            match = self._search_pubmed(ref, title, family) or match
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

    def _search_pubmed(self, ref: Reference, title: str, family: str) -> SearchMatch | None:
        """PubMed indexes journals without DOIs (older and regional ones) that Crossref lacks."""
        words = _SEARCH_WORD.findall(title)[:12]
        if not words:
            return None
        term = " AND ".join([*(f"{w}[ti]" for w in words), f"{family}[au]"])
        pmids = self.registries.pubmed_search(term)[:3]
        if not pmids:
            return None
        answers = self.registries.pubmed(pmids)
        records = [a.record for p in pmids if (a := answers.get(p)) and a.record is not None]
        match = match_search(ref, records)
        return match if match.status != "none" else None


def match_search(ref: Reference, candidates: Sequence[Record]) -> SearchMatch:
    """Accept the top hit only if it clearly leads and its title and first author agree."""
    title = ref.get("title")
    if not candidates or not title:
        return SearchMatch("none", detail="the search found nothing")
    sims = [title_similarity(title, c.title) if c.title else 0.0 for c in candidates]
    best = max(sims)
    top = candidates[0]
    runner = candidates[1] if len(candidates) > 1 else None
    leads = runner is None or (
        top.score is not None
        and runner.score is not None
        and top.score >= SEARCH_LEAD * runner.score
    )
    names = ref.authors.names
    author_ok = bool(names and top.authors and same_person(names[0], top.authors[0]))
    if leads and sims[0] >= TITLE_SAME and author_ok:
        return SearchMatch("accepted", top, "matched by a title search", sims[0])
    if best < TITLE_FAR:
        detail = f"the closest title found is {best:.0f}% similar"
        return SearchMatch("none", detail=detail, best_similarity=best)
    why = (
        "the top hit does not clearly lead"
        if not leads
        else ("its title differs" if sims[0] < TITLE_SAME else "its first author differs")
    )
    return SearchMatch("ambiguous", detail=f"ambiguous search: {why}", best_similarity=best)
