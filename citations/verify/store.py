"""Verify's verdicts kept in the shared cache, so `claims` can flag claims citing a bad work."""

from __future__ import annotations

import hashlib
import json
import time
from collections.abc import Iterable, Sequence
from dataclasses import dataclass, field
from typing import TYPE_CHECKING, Any

from ..model import Reference
from .judge import Result

if TYPE_CHECKING:
    from ..library import Library
    from ..net.cache import Cache

KIND = "verify"  # the cache's `results` kind; its `url` is "<key>#<fingerprint>"
TTL = 30 * 86400.0  # fresh for as long as registry answers; readers that only flag take stale ones
# The fields a verdict rests on: what identifies the work and what verify compares. Editing
# any of them (or the entry type, which decides whether "nobody indexes it" means fabricated)
# gives the entry a new fingerprint, and the verdict stored for the old one no longer applies.
IDENTIFYING = (
    "doi",
    "pmid",
    "pmcid",
    "eprint",
    "eprinttype",
    "archiveprefix",
    "arxiv",
    "title",
    "author",
    "year",
    "date",
    "journal",
    "journaltitle",
    "booktitle",
    "volume",
    "number",
    "issue",
    "pages",
    "isbn",
)
# "unverifiable" says nothing about the work (a registry down, an offline run missing an answer,
# a book nobody indexes): storing it would replace a real verdict with a worse-informed one.
UNSTORED = frozenset({"unverifiable"})


@dataclass(frozen=True)
class StoredVerdict:
    """What `citations verify` recorded about an entry, as it was when verified."""

    key: str
    verdict: str
    checked_at: float  # time.time() of the run that stored it
    source: str = ""
    # What the registries' records say the work is: `pubmed_types`, `mesh`, `pmid`,
    # `crossref_type` (see verify.judge.evidence_of); read by `claims`.
    evidence: dict[str, Any] = field(default_factory=dict, compare=False)

    @property
    def recorded_on(self) -> str:
        """The day it was recorded (UTC), for messages: "2026-11-27"."""
        return time.strftime("%Y-%m-%d", time.gmtime(self.checked_at))


def fingerprint(ref: Reference) -> str:
    """A short digest of the entry's type and identifying fields, whitespace normalised, so
    reflowing a title changes nothing and changing a word changes everything."""
    fields = {name: " ".join(ref.raw[name].split()) for name in IDENTIFYING if name in ref.raw}
    text = json.dumps([ref.type.lower(), sorted(fields.items())], ensure_ascii=False)
    return hashlib.sha256(text.encode("utf-8")).hexdigest()[:16]


def verdict_url(ref: Reference) -> str:
    """The cache row of the entry's verdict: its key plus the fingerprint of its fields."""
    return f"{ref.key}#{fingerprint(ref)}"


def store_verdicts(
    cache: Cache,
    results: Sequence[Result],
    library: Library,
    *,
    offline: bool = False,
    now: float | None = None,
) -> int:
    """Store each result against the entry as it is in `library` (after any --fix); the number
    stored. Offline runs only judge answers an earlier run fetched, so they fill gaps (an entry
    edited since) but never replace a verdict already stored."""
    from .report import result_to_dict

    at = time.time() if now is None else now
    payloads = []
    for result in results:
        ref = library.get(result.key)
        if ref is None or result.verdict in UNSTORED:
            continue
        url = verdict_url(ref)
        if offline and cache.get_result(KIND, url, allow_stale=True) is not None:
            continue
        extra = {
            "kind": KIND,
            "url": url,
            "outcome": result.verdict,
            "checked_at": at,
            "offline": offline,
        }
        payloads.append({**result_to_dict(result), **extra})
    cache.put_results(payloads, TTL, at)  # one transaction for the run
    return len(payloads)


def recorded_verdicts(
    cache: Cache | None, library: Library, keys: Iterable[str]
) -> dict[str, StoredVerdict]:
    """Key → the verdict stored for the entry as it is now. Read-only; stale verdicts count (a
    retraction does not expire), a verdict on an earlier version of the entry does not."""
    found: dict[str, StoredVerdict] = {}
    if cache is None:
        return found
    for key in dict.fromkeys(keys):
        ref = library.get(key)
        payload = cache.get_result(KIND, verdict_url(ref), allow_stale=True) if ref else None
        if payload is None:
            continue
        verdict, at = payload.get("verdict"), payload.get("checked_at")
        evidence = payload.get("evidence")
        evidence = evidence if isinstance(evidence, dict) else {}
        if isinstance(verdict, str) and isinstance(at, int | float):
            source = str(payload.get("source") or "")
            found[key] = StoredVerdict(key, verdict, float(at), source, evidence)
    return found
