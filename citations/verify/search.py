"""Finding a work by its bibliographic fields: Crossref's citation matcher, then PubMed's."""

from __future__ import annotations

import re
from collections.abc import Sequence
from dataclasses import dataclass
from typing import TYPE_CHECKING, Literal

from ..model import Reference
from ..registries.model import Record
from .compare import TITLE_SAME, compare, same_person, title_similarity

if TYPE_CHECKING:
    from ..registries.client import Registries

_SEARCH_WORD = re.compile(r"[^\W_]+")
SEARCH_LEAD = 1.5  # a search's top hit must score this many times the runner-up's
# Titles this alike (0-100), by the same first author in the same year and journal, may be one
# work cited with a garbled title; below it they share a pattern ("...: a randomized trial").
NEAR_TITLE = 75.0


@dataclass(frozen=True)
class SearchMatch:
    """How a title search went: one accepted hit, hits none of which is clearly ours, none,
    or a registry that could not answer."""

    status: Literal["accepted", "ambiguous", "none", "unavailable"]
    record: Record | None = None
    detail: str = ""
    best_similarity: float = 0.0


def search_work(registries: Registries, ref: Reference, *, pubmed: bool = True) -> SearchMatch:
    """Crossref's `query.bibliographic` with the first author, then (when that finds nothing
    and `pubmed`) PubMed's ESearch by title words and author, held to `match_search`."""
    title = ref.get("title")
    if not title:
        return SearchMatch("none", detail="no title to search for")
    names = ref.authors.names or ref.editors.names
    family = f"{names[0].von} {names[0].last}".strip() if names else ""
    container = ref.get("journal") or ref.get("journaltitle") or ref.get("booktitle")
    year = ref.get("year") or ref.get("date")[:4]
    query = " ".join(part for part in (title, family, year, container) if part)
    lookup = registries.crossref_search(query, author=family, rows=5)
    if lookup.status == "unavailable":
        why = f"Crossref search failed: {lookup.detail or 'no answer'}"
        return SearchMatch("unavailable", detail=why)
    match = match_search(ref, lookup.candidates)
    if match.status != "accepted" and pubmed and family:
        found = search_pubmed(registries, ref, title, family)
        if found is not None and (found.status == "accepted" or match.status == "none"):
            return found
    return match


def search_pubmed(
    registries: Registries, ref: Reference, title: str, family: str
) -> SearchMatch | None:
    """PubMed indexes journals without DOIs (older and regional ones) that Crossref lacks."""
    words = _SEARCH_WORD.findall(title)[:12]
    if not words:
        return None
    term = " AND ".join([*(f"{w}[ti]" for w in words), f"{family}[au]"])
    pmids = registries.pubmed_search(term)[:3]
    if not pmids:
        return None
    answers = registries.pubmed(pmids)
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
    names = ref.authors.names or ref.editors.names
    theirs = top.authors or top.editors
    author_ok = bool(names and theirs and same_person(names[0], theirs[0]))
    if leads and sims[0] >= TITLE_SAME and author_ok:
        return SearchMatch("accepted", top, "matched by a title search", sims[0])
    if not any(_near(ref, c, sim) for sim, c in zip(sims, candidates, strict=True)):
        detail = f"the closest title found is {best:.0f}% similar, by other authors"
        return SearchMatch("none", detail=detail, best_similarity=best)
    why = (
        "the top hit does not clearly lead"
        if not leads
        else ("its title differs" if sims[0] < TITLE_SAME else "its first author differs")
    )
    return SearchMatch("ambiguous", detail=f"ambiguous search: {why}", best_similarity=best)


def _near(ref: Reference, candidate: Record, similarity: float) -> bool:
    """Whether a hit that is not accepted may still be the entry's work: nearly its title, or
    a like title by its first author in its year and its journal. A title alike in wording
    ("... for ... : a randomized controlled trial"), even by an author of the field, is not:
    invented references are made to look like real ones."""
    if similarity >= TITLE_SAME:
        return True
    names = ref.authors.names
    if similarity < NEAR_TITLE or not (names and candidate.authors):
        return False
    if not same_person(names[0], candidate.authors[0]):
        return False
    comparison = compare(ref, candidate)
    close_year = comparison.year_gap is not None and comparison.year_gap <= 1
    return close_year and "container" in comparison.agreed
