"""Claim flags as findings: uncited evidence language, web-only support, broken or bad sources."""

from __future__ import annotations

import re
from collections.abc import Iterable, Iterator, Mapping, Sequence
from typing import TYPE_CHECKING

from ..findings import Finding, Rule
from ..identifiers import bare_doi
from ..library import Library
from ..render.article import Article
from ..snapshot import Snapshot
from .evidence import EVIDENCE_TYPES, WEAK_TYPES, Evidence, classify
from .index import Claim, ClaimIndex, find_claims
from .sentences import Sentence

if TYPE_CHECKING:
    from ..net.cache import Cache
    from ..verify.store import StoredVerdict

UNCITED_EVIDENCE = Rule(
    "uncited-evidence-claim",
    "warning",
    "a sentence that appeals to research, proof or authority but cites nothing",
)
WEB_ONLY = Rule("web-only-support", "info", "a claim whose every source is a web page")
BROKEN = Rule(
    "cites-broken-reference",
    "warning",
    "a claim citing a reference whose url or doi `citations links` recorded as broken",
)
UNVERIFIED = Rule(
    "cites-unverified-reference",
    "error",
    "a claim citing a reference that verification found retracted or not found",
)
UNKNOWN_EVIDENCE = Rule(
    "unknown-evidence-type", "warning", "an `evidence` field that names no known evidence type"
)
CLAIM_RULES: dict[str, Rule] = {
    rule.code: rule for rule in (UNCITED_EVIDENCE, WEB_ONLY, BROKEN, UNVERIFIED, UNKNOWN_EVIDENCE)
}

# Evidence language: research, studies, proof or authority invoked as the ground of a statement.
_SUBJECT = (
    r"(?:clinical |scientific |medical |recent |new |current )?"
    r"(?:research|studies|study|trials?|evidence|data|science|scientists|researchers)"
)
_ADVERBS = r"(?:\s+(?:has|have|had|also|consistently|repeatedly|now|increasingly|clearly))*"
_VERBS = (
    r"(?:shown|shows?|showed|suggests?|suggested|supports?|supported|indicates?|"
    r"indicated|demonstrates?|demonstrated|finds|found|confirms?|confirmed|proves?|proved|proven)"
)
# Appeals to authority stand in for evidence too; the adverb slot takes only -ly words, so
# "physicians may recommend" (what care involves) is not one.
_AUTHORITY = (
    r"(?:experts?|doctors|physicians|clinicians|(?:major |leading )?(?:medical |health )?"
    r"(?:institutions|organi[sz]ations|authorities|societies))"
)
_ENDORSES = r"(?:agree|recogni[sz]e|recommend|endorse|acknowledge|accept)s?"
EVIDENCE_LANGUAGE = re.compile(
    rf"\b{_SUBJECT}{_ADVERBS}\s+{_VERBS}\b"
    r"|\b(?:has|have) been (?:clinically |scientifically )?(?:shown|proven|demonstrated)\b"
    r"|\b(?:is|are) (?:clinically |scientifically )?proven\b"
    r"|\b(?:scientifically|clinically) proven\b|\bproven to\b"
    r"|\baccording to (?:(?:recent|clinical|scientific|the) )?(?:research|studies|science)\b"
    rf"|\b{_AUTHORITY}\s+(?:\w+ly\s+)?{_ENDORSES}\b",
    re.IGNORECASE,
)
# Verdicts of `citations verify` (verify.Result.verdict) that make a cited work unusable.
UNVERIFIED_STATUSES = {"retracted": "was retracted", "not-found": "was not found in any registry"}


def claim_findings(
    articles: Sequence[Article],
    library: Library,
    cache: Cache | None = None,
    verified: Mapping[str, StoredVerdict] | None = None,
) -> list[Finding]:
    """The claim flags of `articles`, for `citations check`; give the links cache (or None)
    to flag sources recorded broken, and verify's stored verdicts by key to flag unusable ones."""
    return flag_claims(find_claims(articles, library), library, cache, verified)


def flag_claims(
    index: ClaimIndex,
    library: Library,
    cache: Cache | None = None,
    verified: Mapping[str, StoredVerdict] | None = None,
) -> list[Finding]:
    """Every flag, sorted by place then code.

    `cache` is read, never written, and nothing is fetched: link results stored by
    `citations links` (stale ones too) decide `cites-broken-reference`. `verified` maps a key
    to the verdict `citations verify` stored for the entry as it is now
    (`verify.store.recorded_verdicts`); "retracted" and "not-found" decide
    `cites-unverified-reference`.
    """
    records = {k: v.evidence for k, v in (verified or {}).items()}
    evidence = {
        key: classify(library[key], records.get(key)) for key in index.citing if key in library
    }
    broken = _broken_links(library, evidence, cache) if cache is not None else {}
    findings: list[Finding] = []
    for part in index.articles:
        findings += _uncited(s for s in part.sentences if not s.markers)
    for claim in index.claims:
        findings += _claim_flags(claim, evidence, broken, verified or {})
    findings += _unknown_evidence(library, evidence)
    findings.sort(key=_order)
    return findings


def _uncited(sentences: Iterable[Sentence]) -> Iterator[Finding]:
    for sentence in sentences:
        m = EVIDENCE_LANGUAGE.search(sentence.text)
        if m:
            yield Finding(
                UNCITED_EVIDENCE.code,
                UNCITED_EVIDENCE.severity,
                f"'{m.group()}' with no citation: {_quote(sentence.text)}",
                sentence.span,
                hint="cite the research this sentence rests on, or reword it",
            )


def _claim_flags(
    claim: Claim,
    evidence: Mapping[str, Evidence],
    broken: Mapping[str, str],
    verified: Mapping[str, StoredVerdict],
) -> Iterator[Finding]:
    known = [key for key in claim.keys if key in evidence]
    if known and all(evidence[key].type in WEAK_TYPES for key in known):
        yield Finding(
            WEB_ONLY.code,
            WEB_ONLY.severity,
            f"supported only by web pages ({', '.join(known)}): {_quote(claim.text)}",
            claim.span,
            hint="add a published study or a guideline, if one supports it",
            key=known[0],
        )
    for item in claim.items:
        if item.key in broken:
            yield Finding(
                BROKEN.code,
                BROKEN.severity,
                f"cites '{item.key}', whose {broken[item.key]}",
                item.span,
                hint="fix the entry's url or doi, or run `citations links` again",
                key=item.key,
            )
        stored = verified.get(item.key)
        if stored is not None and stored.verdict in UNVERIFIED_STATUSES:
            yield Finding(
                UNVERIFIED.code,
                UNVERIFIED.severity,
                f"cites '{item.key}', which {UNVERIFIED_STATUSES[stored.verdict]} (recorded by "
                f"citations verify on {stored.recorded_on})",
                item.span,
                hint="cite another source, or correct the entry and run `citations verify` again",
                key=item.key,
            )


def _broken_links(
    library: Library, evidence: Mapping[str, Evidence], cache: Cache
) -> dict[str, str]:
    """Cited key → what `citations links` last recorded as broken about its doi or url."""
    broken: dict[str, str] = {}
    for key in evidence:
        ref = library[key]
        for kind, value in (
            ("doi", bare_doi(ref.raw.get("doi", ""))),
            ("url", ref.raw.get("url", "").strip()),
        ):
            if not value:
                continue
            result = cache.get_result(kind, value, allow_stale=True)
            if result is not None and result.get("outcome") == "broken":
                detail = str(result.get("detail") or "").strip()
                broken[key] = f"{kind} {value} was recorded broken" + (
                    f" ({detail})" if detail else ""
                )
                break
    return broken


def _unknown_evidence(library: Library, evidence: Mapping[str, Evidence]) -> Iterator[Finding]:
    snapshot = Snapshot(library)  # finds the field's column in the .bib file
    for key, found in evidence.items():
        if found.ignored:
            ref = library[key]
            yield Finding(
                UNKNOWN_EVIDENCE.code,
                UNKNOWN_EVIDENCE.severity,
                f"evidence type '{found.ignored}' is not known; inferred {found.type} instead",
                snapshot.field_span(ref, "evidence"),
                key=key,
                hint=f"use one of {', '.join(EVIDENCE_TYPES)}",
            )


def _quote(text: str, limit: int = 80) -> str:
    return f'"{text}"' if len(text) <= limit else f'"{text[: limit - 1].rstrip()}…"'


def _order(f: Finding) -> tuple[str, int, int, str, str]:
    span = f.span
    return (
        span.path if span else "",
        span.line if span else 0,
        span.column if span else 0,
        f.code,
        f.message,
    )
