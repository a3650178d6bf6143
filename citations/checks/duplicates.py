"""Duplicate entries: keys equal but for case, shared DOI/PMID/arXiv ids, near-identical titles."""

from __future__ import annotations

import re
from collections import defaultdict
from collections.abc import Iterator
from dataclasses import dataclass, field

from rapidfuzz import fuzz, process

from ..findings import Finding, Rule
from ..identifiers import find_arxiv, normalise_arxiv, normalise_doi, normalise_pmid
from ..model import Reference
from ..snapshot import Snapshot
from .authors import first_author
from .base import Check, entry_finding
from .titles import SIMILARITY, TitleIndex, similar

KEY_CASE = Rule(
    "duplicate-key-case", "warning", "two keys that differ only in case (BibTeX sees one key)"
)
DOI = Rule("duplicate-doi", "error", "two entries with the same DOI")
PMID = Rule("duplicate-pmid", "error", "two entries with the same PubMed id")
ARXIV = Rule("duplicate-arxiv", "error", "two entries with the same arXiv id (any version)")
TITLE = Rule(
    "similar-title",
    "warning",
    "two entries with the same or a near-identical title, first author and year",
)
PREPRINT = Rule(
    "related-preprint", "info", "a preprint and its published version: related, not duplicates"
)
RULES = (KEY_CASE, DOI, PMID, ARXIV, TITLE, PREPRINT)

# When one pair matches for several reasons, the finding takes the first of these codes.
_PRIORITY = (DOI, PMID, ARXIV, TITLE, PREPRINT)
_PREPRINT_VENUE = re.compile(
    r"(?i)\b(?:arxiv|biorxiv|medrxiv|chemrxiv|psyarxiv|ssrn|research\s*square|preprints)\b"
)
_PREPRINT_DOI = re.compile(r"^10\.(?:48550/|21203/|2139/ssrn|1101/(?:\d{4}\.\d\d\.\d\d\.)?\d{6})")
_PREPRINT_HOST = re.compile(
    r"(?i)//(?:[\w-]+\.)*(?:arxiv\.org|biorxiv\.org|medrxiv\.org|ssrn\.com|researchsquare\.com)\b"
)
_PREPRINT_SERVERS = frozenset({"arxiv", "biorxiv", "medrxiv", "ssrn", "chemrxiv"})
_VENUE_FIELDS = ("journal", "journaltitle", "publisher", "howpublished", "organization")
# Types whose preprint status comes from where they point (an eprint, a URL) when no journal.
_LOOSE_TYPES = frozenset(
    {
        "misc",
        "unpublished",
        "online",
        "electronic",
        "www",
        "preprint",
        "article",
        "report",
        "techreport",
    }
)
_YEAR = re.compile(r"\d{4}")


@dataclass
class _Candidate:
    """The reasons one later entry matches one earlier entry."""

    reasons: dict[str, str] = field(default_factory=dict)  # code → why, in words
    where: str | None = None  # the field of the later entry that holds the strongest reason


Pairs = dict[int, dict[int, _Candidate]]  # later index → earlier index → reasons


class Ids(dict[str, tuple[str, str]]):
    """An entry's identifiers: code → (normalised id, the field it is written in)."""

    preprint: bool = False

    def registered_apart(self, other: Ids) -> bool:
        """Both have a DOI (or a PMID) and they differ: two works, whatever their titles say."""
        return any(
            code in self and code in other and self[code][0] != other[code][0]
            for code in (DOI.code, PMID.code)
        )


def run(snapshot: Snapshot) -> Iterator[Finding]:
    refs = list(snapshot.library)
    yield from _key_case(snapshot, refs)
    pairs: Pairs = defaultdict(dict)
    ids = _match_ids(refs, pairs)
    _match_titles(refs, ids, pairs)
    for later in sorted(pairs):
        related = False
        for earlier, cand in sorted(pairs[later].items()):
            if PREPRINT.code in cand.reasons and len(cand.reasons) > 1:
                del cand.reasons[PREPRINT.code]  # a stronger match says more
            elif PREPRINT.code in cand.reasons:
                if related:
                    continue  # one version named is enough: the earliest
                related = True
            yield _finding(snapshot, refs[later], refs[earlier], cand)


def _key_case(snapshot: Snapshot, refs: list[Reference]) -> Iterator[Finding]:
    first: dict[str, Reference] = {}
    for ref in refs:
        earlier = first.setdefault(ref.key.casefold(), ref)
        if earlier is not ref:
            yield entry_finding(
                snapshot,
                KEY_CASE,
                ref,
                f"key '{ref.key}' differs only in case from "
                f"'{earlier.key}' ({earlier.span}); BibTeX treats them as the same key",
                hint="rename one of them, or remove the duplicate",
                related=(earlier.span,),
            )


def _finding(snapshot: Snapshot, ref: Reference, earlier: Reference, cand: _Candidate) -> Finding:
    rule = next(r for r in _PRIORITY if r.code in cand.reasons)
    why = "; ".join(cand.reasons[r.code] for r in _PRIORITY if r.code in cand.reasons)
    where = f"'{ref.key}' and '{earlier.key}' ({earlier.span})"
    if rule is PREPRINT:
        message = f"{where} look like a preprint and its published version: {why}"
        hint = "cite the published version, unless you mean the preprint"
    else:
        message = f"{where} look like the same work: {why}"
        hint = "remove one, or merge them and keep one key"
    return entry_finding(
        snapshot, rule, ref, message, field=cand.where, hint=hint, related=(earlier.span,)
    )


def _add(pairs: Pairs, later: int, earlier: int, rule: Rule, why: str, where: str) -> None:
    cand = pairs[later].setdefault(earlier, _Candidate())
    if rule.code in cand.reasons:
        return
    cand.reasons[rule.code] = why
    strongest = next(r for r in _PRIORITY if r.code in cand.reasons)
    if strongest is rule:
        cand.where = where


# ---------------------------------------------------------------------------------------------
# Identifiers


def _match_ids(refs: list[Reference], pairs: Pairs) -> list[Ids]:
    """Pairs that share a DOI, PMID or arXiv id; returns each entry's ids."""
    every: list[Ids] = []
    seen: dict[tuple[str, str], int] = {}
    for i, ref in enumerate(refs):
        ids = _identifiers(ref)
        every.append(ids)
        for kind, (value, where) in ids.items():
            j = seen.setdefault((kind, value), i)
            if j == i:
                continue
            if kind == ARXIV.code and ids.preprint != every[j].preprint:
                _add(pairs, i, j, PREPRINT, f"same arXiv id {value}", where)
            else:
                name = {DOI.code: "DOI", PMID.code: "PMID", ARXIV.code: "arXiv id"}[kind]
                _add(pairs, i, j, _rule(kind), f"same {name} {value}", where)
    return every


def _rule(code: str) -> Rule:
    return next(r for r in RULES if r.code == code)


def _own(ref: Reference, name: str) -> str:
    """A field the entry writes itself: a crossref parent's DOI is not the child's."""
    return ref.raw[name].strip() if name in ref.raw and name in ref.field_lines else ""


def _identifiers(ref: Reference) -> Ids:
    out = Ids()
    doi = normalise_doi(_own(ref, "doi"))
    if doi:
        out[DOI.code] = (doi, "doi")
    pmid = _own(ref, "pmid")
    eprint = _own(ref, "eprint")
    kind = (ref.raw.get("eprinttype") or ref.raw.get("archiveprefix") or "").strip().lower()
    where = "pmid"
    if not pmid and kind == "pubmed":
        pmid, where = eprint, "eprint"
    pmid = normalise_pmid(pmid)
    if pmid:
        out[PMID.code] = (pmid, where)
    arxiv = ""
    if eprint and (kind == "arxiv" or eprint[:6].lower() == "arxiv:"):
        arxiv, where = normalise_arxiv(eprint), "eprint"
    if not arxiv and "arxiv" in ref.raw:
        arxiv, where = normalise_arxiv(_own(ref, "arxiv")), "arxiv"
    if not arxiv and doi.startswith("10.48550/"):  # arXiv's own DOI: 10.48550/arXiv.2101.00001
        arxiv, where = normalise_arxiv(doi), "doi"
    url = _own(ref, "url")
    if not arxiv and "arxiv" in url.lower():
        arxiv, where = normalise_arxiv(find_arxiv(url)), "url"
    if arxiv:
        out[ARXIV.code] = (arxiv, where)
    out.preprint = _is_preprint(ref, out)
    return out


def _is_preprint(ref: Reference, ids: Ids) -> bool:
    raw = ref.raw
    if any(_PREPRINT_VENUE.search(raw[f]) for f in _VENUE_FIELDS if f in raw):
        return True
    if DOI.code in ids and _PREPRINT_DOI.match(ids[DOI.code][0]):
        return True
    if ref.type not in _LOOSE_TYPES or "journal" in raw or "journaltitle" in raw:
        return False  # a journal article or a book that also links its arXiv copy
    kind = (raw.get("eprinttype") or raw.get("archiveprefix") or "").strip().lower()
    return (
        ARXIV.code in ids
        or kind in _PREPRINT_SERVERS
        or _PREPRINT_HOST.search(raw.get("url", "")) is not None
    )


# ---------------------------------------------------------------------------------------------
# Titles


def _match_titles(refs: list[Reference], ids: list[Ids], pairs: Pairs) -> None:
    """Same or similar titles with the same first author: same year, or preprint/published."""

    def apart(i: int, j: int) -> bool:
        return ids[i].preprint == ids[j].preprint and ids[i].registered_apart(ids[j])

    titles = TitleIndex(refs, apart)
    by_author: dict[str, list[int]] = defaultdict(list)
    by_author_year: dict[tuple[str, str, bool], list[int]] = defaultdict(list)
    authors: dict[int, str] = {}
    for i, ref in enumerate(refs):
        if not _own(ref, "title"):
            continue
        authors[i] = author = first_author(ref)
        by_author[author].append(i)
        # Preprints apart: a preprint against a published version is related, whatever the years.
        by_author_year[author, _year(ref), ids[i].preprint].append(i)
    for block in by_author_year.values():
        for later, earlier, score in similar(block, titles):
            why = _title_reason(score, refs[later], same_year=True)
            _add(pairs, later, earlier, TITLE, why, "title")
    for i, author in authors.items():
        if not ids[i].preprint or not titles(i):
            continue
        published = [j for j in by_author[author] if not ids[j].preprint and titles(j)]
        matches = process.extract(
            titles(i),
            [titles(j) for j in published],
            scorer=fuzz.ratio,
            score_cutoff=SIMILARITY,
            limit=None,
        )
        for _, score, k in matches:
            if titles.agree(i, published[k]):
                later, earlier = max(i, published[k]), min(i, published[k])
                why = _title_reason(score, refs[later], same_year=False)
                _add(pairs, later, earlier, PREPRINT, why, "title")


def _title_reason(score: float, ref: Reference, *, same_year: bool) -> str:
    title = "same title" if score >= 100 else f"similar title (score {score:.0f})"
    names = ref.authors.names or ref.editors.names
    who = f"same first author ({names[0].last})" if names else "no author"
    year = _year(ref)
    when = f", same year ({year})" if same_year and year else ""
    return f"{title}, {who}{when}"


def _year(ref: Reference) -> str:
    m = _YEAR.search(ref.raw.get("year") or ref.raw.get("date") or "")
    return m.group() if m else ""


CHECK = Check("duplicates", run, RULES)
