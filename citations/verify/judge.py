"""`citations verify`: each entry's registry record found, compared field by field, judged."""

from __future__ import annotations

import time
from collections.abc import Callable, Sequence
from concurrent.futures import ThreadPoolExecutor, as_completed
from dataclasses import dataclass, field, replace
from typing import Any

from ..model import Reference, Span
from ..registries.model import Record, Update
from .compare import Comparison, FieldDiff, compare
from .resolve import Resolution, Resolver, identifiers
from .verdict import Verdict, decide, notices

REGISTRY_NAMES = {
    "crossref": "Crossref",
    "datacite": "DataCite",
    "doi": "doi.org",
    "ncbi": "PubMed",
    "arxiv": "arXiv",
    "openlibrary": "Open Library",
}
_UNVERIFIABLE = {"unavailable", "unindexed", "ambiguous"}
PAST_DEADLINE = "not verified: the run's deadline passed"
_ID_NAMES = {
    "doi": "DOI",
    "pmid": "PMID",
    "pmcid": "PMCID",
    "arxiv": "arXiv id",
    "isbn": "ISBN",
    "search": "title",
}


@dataclass(frozen=True)
class Result:
    """One entry's verdict, with what differs (ours vs theirs) and where the record came from."""

    key: str
    verdict: Verdict
    span: Span
    fields: tuple[FieldDiff, ...] = ()
    missing: tuple[FieldDiff, ...] = ()  # the registry has these; the entry does not
    source: str | None = None
    registry: str | None = None
    confidence: float | None = None
    detail: str = ""
    identifier: dict[str, str] = field(default_factory=dict)
    updates: tuple[Update, ...] = ()
    how: str = ""  # doi, pmid, pmcid, arxiv, search
    resolution: Resolution | None = field(default=None, compare=False, repr=False)
    notes: tuple[str, ...] = ()  # what agreed only in a way worth saying (a print year)
    suggested: dict[str, str] = field(default_factory=dict)  # the entry's own work's ids
    evidence: dict[str, Any] = field(default_factory=dict)  # what the records say it is


def judge(ref: Reference, resolution: Resolution) -> Result:
    """The verdict on `ref` given where looking for its record ended (pure: no network)."""
    base = Result(
        ref.key,
        "unverifiable",
        ref.span,
        source=resolution.source,
        detail=resolution.detail,
        identifier=identifiers(ref).as_dict(),
        how=resolution.how,
        resolution=resolution,
    )
    record = resolution.record
    if resolution.status in _UNVERIFIABLE or (resolution.status == "found" and record is None):
        return base
    if resolution.status == "not-found" or record is None:
        return replace(base, verdict="not-found")
    comparison = compare(ref, record)
    if resolution.bad_doi and not any(d.field == "doi" for d in comparison.diffs):
        dead = FieldDiff(
            "doi", ref.get("doi"), record.doi, "not registered with any agency", record.doi or None
        )
        comparison = replace(comparison, diffs=(*comparison.diffs, dead))
    if resolution.unregistered:
        comparison = replace(comparison, diffs=_unregistered(ref, record, resolution, comparison))
    own = notices(record)
    # A second registry's notice of a kind already known adds nothing but noise.
    updates = own + tuple(u for u in resolution.updates if u.kind not in {o.kind for o in own})
    verdict = decide(comparison, updates)
    return replace(
        base,
        verdict=verdict,
        fields=comparison.diffs,
        missing=comparison.missing,
        registry=record.registry,
        confidence=comparison.confidence,
        detail=_detail(verdict, comparison, resolution, updates),
        updates=updates if verdict != "different-work" else (),
        notes=comparison.notes,
        suggested=_ids_of(resolution.alternative) if verdict == "different-work" else {},
        evidence=evidence_of(record, resolution.pubmed) if verdict != "different-work" else {},
    )


# Where an entry keeps each identifier, the first field present (else the first named).
_ID_FIELDS = {"doi": ("doi",), "pmid": ("pmid", "eprint"), "pmcid": ("pmcid", "eprint"),
              "arxiv": ("arxiv", "eprint")}  # fmt: skip


def _unregistered(
    ref: Reference, record: Record, resolution: Resolution, comparison: Comparison
) -> tuple[FieldDiff, ...]:
    """The comparison's diffs with each identifier nobody registered among them, saying so,
    and the registered one as its fix."""
    diffs = list(comparison.diffs)
    for name, value in resolution.unregistered:
        fields = _ID_FIELDS[name]
        where = next((f for f in fields if f in ref.fields), fields[0])
        theirs = str(getattr(record, name) or "")
        note = f"the {_ID_NAMES[name]} as written is not registered"
        diff = FieldDiff(where, ref.get(where) or value, theirs, note, theirs or None)
        diffs = [d for d in diffs if d.field != where]
        diffs.append(diff)
    return tuple(diffs)


def _ids_of(record: Record | None) -> dict[str, str]:
    if record is None:
        return {}
    pairs = (("doi", record.doi), ("pmid", record.pmid), ("arxiv", record.arxiv))
    return {name: value for name, value in pairs if value}


def evidence_of(record: Record, pubmed: Record | None) -> dict[str, Any]:
    """What the registries say the work is, for `claims`: PubMed's publication types and MeSH
    headings, Crossref's (or the DOI agency's) type."""
    found: dict[str, Any] = {}
    if pubmed is not None and (pubmed.pubtypes or pubmed.mesh):
        found |= {"pmid": pubmed.pmid, "pubmed_types": list(pubmed.pubtypes)}
        found |= {"mesh": list(pubmed.mesh)} if pubmed.mesh else {}
    if record.registry in ("crossref", "datacite", "doi") and record.type:
        found["crossref_type"] = record.type
    return found


def _detail(
    verdict: Verdict, comparison: Comparison, resolution: Resolution, updates: tuple[Update, ...]
) -> str:
    record = resolution.record
    assert record is not None
    registry = REGISTRY_NAMES.get(record.registry, record.registry)
    how = (
        "by a title search" if resolution.how == "search" else f"by its {_ID_NAMES[resolution.how]}"
    )
    extra = f"; {resolution.detail}" if resolution.detail and resolution.how != "search" else ""
    if verdict == "different-work":
        who = record.authors[0].family or record.authors[0].literal if record.authors else "?"
        own = _ids_of(resolution.alternative)
        offer = "; a search finds the entry's own work: " + ", ".join(
            f"{_ID_NAMES[k]} {v}" for k, v in own.items()
        )
        return (
            f"{registry} has another work under this {_ID_NAMES[resolution.how]}: "
            f"“{record.title}” ({who}, {record.year or 'no year'}){extra}{offer if own else ''}"
        )
    if verdict in ("retracted", "concern", "corrected"):
        return "; ".join(_notice(u) for u in updates) + extra
    notes = "".join(f"; {n}" for n in comparison.notes)
    if resolution.unregistered:
        how = "by a search for its title and authors"
        extra = "; " + "; ".join(
            f"the {_ID_NAMES[n]} as written is not registered" for n, _ in resolution.unregistered
        )
    if verdict == "mismatch":
        names = ", ".join(d.field for d in comparison.diffs)
        return f"differs from {registry} in {names} (found {how}){extra}{notes}"
    return f"agrees with {registry} (found {how}){extra}{notes}"


def _notice(update: Update) -> str:
    words = {
        "retraction": "retracted",
        "withdrawal": "withdrawn",
        "correction": "corrected",
        "expression-of-concern": "an expression of concern",
        "other": "updated",
    }
    text = words[update.kind]
    facts = [
        f
        for f in (
            update.doi and f"notice {update.doi}",
            update.date,
            update.source and f"source: {update.source}",
        )
        if f
    ]
    return f"{text} ({', '.join(facts)})" if facts else text


def verify_references(
    refs: Sequence[Reference],
    resolver: Resolver,
    concurrency: int = 4,
    progress: Callable[[int, int], None] | None = None,
) -> list[Result]:
    """Every entry resolved and judged, in the order given. The registries set the pace: the
    pool only keeps that many entries in flight while some wait on a rate limiter. Entries
    the registries' deadline left unresolved are unverifiable, and say so."""
    resolver.prefetch(refs)
    resolutions: list[Resolution | None] = [None] * len(refs)
    deadline = resolver.registries.deadline

    def resolve(ref: Reference) -> Resolution:
        if deadline is not None and time.monotonic() >= deadline:
            return Resolution("unavailable", detail=PAST_DEADLINE)
        found = resolver.resolve(ref)
        if found.status != "unavailable" or deadline is None or time.monotonic() < deadline:
            return found
        said = found.detail if "deadline" not in found.detail else ""
        return replace(found, detail="; ".join(filter(None, [PAST_DEADLINE, said])))

    with ThreadPoolExecutor(max(1, concurrency), thread_name_prefix="verify") as pool:
        futures = {pool.submit(resolve, ref): i for i, ref in enumerate(refs)}
        for done, future in enumerate(as_completed(futures), 1):
            resolutions[futures[future]] = future.result()
            if progress is not None:
                progress(done, len(refs))
    return [judge(ref, r) for ref, r in zip(refs, resolutions, strict=True) if r is not None]
