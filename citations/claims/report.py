"""The claims report: claims with their sources, the reverse index, and flags, in four formats."""

from __future__ import annotations

import json
import re
from collections import Counter
from collections.abc import Mapping, Sequence
from dataclasses import dataclass, field
from typing import Any

from ..errors import CitationsError
from ..findings import SEVERITIES, Finding
from ..library import Library
from ..model import Span
from ..render.styles import Style
from ..reporters.json import finding_to_dict
from ..reporters.text import summary
from ..wording import did_you_mean, plural
from .evidence import EVIDENCE_TYPES, Evidence, classify
from .index import ArticleClaims, Claim, ClaimIndex

FORMATS = ("text", "json", "markdown", "html")
SCHEMA_VERSION = 1
_YEAR = re.compile(r"\d{4}")
_MD_SPECIAL = re.compile(r"([\\`*_\[\]<>#|])")


@dataclass(frozen=True, slots=True)
class Source:
    """A cited key as the report shows it; `short` and `evidence` are None for unknown keys."""

    key: str
    short: str | None
    evidence: Evidence | None


@dataclass
class ClaimsReport:
    """Everything a format shows, computed once."""

    index: ClaimIndex
    sources: dict[str, Source]  # in order of first citation across the articles
    flags: list[Finding] = field(default_factory=list)
    version: str = ""

    def numbers(self, key: str) -> str:
        """`3`, or `3 in a.md, 1 in b.md` when the articles number the key differently."""
        found = self.index.numbers_of(key)
        if len(set(found.values())) == 1:
            return str(next(iter(found.values())))
        return ", ".join(f"{n} in {path}" for path, n in found.items()) or "–"

    def flag_claims(self) -> dict[Finding, int]:
        """Each flag that is about a claim → that claim's index (matched by place)."""
        places: dict[Span, int] = {}
        for i, claim in enumerate(self.index.claims):
            places.setdefault(claim.span, i)
            for item in claim.items:
                places.setdefault(item.span, i)
        return {f: places[f.span] for f in self.flags if f.span in places}


def build_report(
    index: ClaimIndex,
    library: Library,
    style: Style,
    flags: Sequence[Finding],
    version: str = "",
    records: Mapping[str, Mapping[str, Any]] | None = None,
) -> ClaimsReport:
    """`records`: key → what `citations verify` stored of its registry records."""
    sources: dict[str, Source] = {}
    for key in index.citing:
        ref = library.get(key)
        if ref is None:
            sources[key] = Source(key, None, None)
            continue
        year = _YEAR.search(ref.raw.get("year") or ref.raw.get("date") or "")
        short = f"{style.short(ref)} {year.group()}" if year else style.short(ref)
        sources[key] = Source(key, short, classify(ref, (records or {}).get(key)))
    return ClaimsReport(index, sources, list(flags), version)


def render_report(report: ClaimsReport, fmt: str) -> str:
    if fmt == "text":
        return text_report(report)
    if fmt == "json":
        return json_report(report)
    if fmt == "markdown":
        return markdown_report(report)
    if fmt == "html":
        return html_report(report)
    hint = did_you_mean(fmt, FORMATS)
    raise CitationsError(f"unknown report format '{fmt}'", hint=hint)


def describe(source: Source, number: str | int | None = None) -> str:
    """`[3] park2023 — Park et al. 2023 — systematic review / meta-analysis (rule: …)`."""
    head = f"[{number if number is not None else '–'}] {source.key}"
    if source.evidence is None or source.short is None:
        return f"{head} — not in the library"
    ev = source.evidence
    why = f"{ev.rule}: {ev.detail}" if ev.detail else ev.rule
    return f"{head} — {source.short} — {ev.label} (rule {why})"


def text_report(report: ClaimsReport) -> str:
    lines: list[str] = []
    for part in report.index.articles:
        count = len(part.numbering.numbers)
        lines += [
            f"{part.article.path}: {plural(len(part.claims), 'claim')} citing "
            f"{plural(count, 'reference')}",
            "",
        ]
        for claim in part.claims:
            lines.append(f"{claim.number:>2}. {claim.text}")
            section = f" — section: {claim.section}" if claim.section else ""
            lines.append(f"    line {claim.span.line}, column {claim.span.column}{section}")
            lines += [f"    {describe(report.sources[k], n)}" for k, n in _cited(claim)]
            lines.append("")
    lines += ["Reverse index: the claims citing each reference", ""]
    for key, indexes in report.index.citing.items():
        lines.append(describe(report.sources[key], report.numbers(key)))
        for i in indexes:
            claim = report.index.claims[i]
            lines.append(f"    {claim.span} claim {claim.number}")
        lines.append("")
    lines.append("Flags")
    lines += [str(f) for f in report.flags]
    lines.append(summary(report.flags))
    return "\n".join(lines) + "\n"


def json_report(report: ClaimsReport) -> str:
    """Schema `citations-claims` version 1: citations/schemas/claims-1.json."""
    index = report.index
    position = {id(c): i for i, c in enumerate(index.claims)}
    counts = Counter(f.severity for f in report.flags)
    document = {
        "schema": "citations-claims",
        "version": SCHEMA_VERSION,
        "tool": {"name": "citations", "version": report.version},
        "evidence_types": dict(EVIDENCE_TYPES),
        "articles": [_article_dict(a, position) for a in index.articles],
        "claims": [_claim_dict(c) for c in index.claims],
        "references": [_reference_dict(report, k, claims) for k, claims in index.citing.items()],
        "flags": [finding_to_dict(f) for f in report.flags],
        "summary": {"claims": len(index.claims), "references": len(index.citing)}
        | {severity: counts[severity] for severity in SEVERITIES},
    }
    return json.dumps(document, indent=2, ensure_ascii=False) + "\n"


def _article_dict(part: ArticleClaims, position: dict[int, int]) -> dict[str, Any]:
    claims = [position[id(c)] for c in part.claims]
    return {"path": part.article.path, "sentences": len(part.sentences), "claims": claims}


def _claim_dict(claim: Claim) -> dict[str, Any]:
    return {
        "article": claim.article,
        "number": claim.number,
        "line": claim.span.line,
        "column": claim.span.column,
        "text": claim.text,
        "keys": list(claim.keys),
        "numbers": list(claim.numbers),
        "section": claim.section,
    }


def _reference_dict(report: ClaimsReport, key: str, claims: list[int]) -> dict[str, Any]:
    source = report.sources[key]
    numbers = report.index.numbers_of(key)
    entry: dict[str, Any] = {"key": key}
    if len(set(numbers.values())) == 1:
        entry["number"] = next(iter(numbers.values()))
    ev = source.evidence
    return entry | {
        "numbers": numbers,
        "in_library": ev is not None,
        "short": source.short,
        "evidence": None
        if ev is None
        else {"type": ev.type, "label": ev.label, "rule": ev.rule, "detail": ev.detail},
        "claims": claims,
    }


def markdown_report(report: ClaimsReport) -> str:
    out: list[str] = []
    for part in report.index.articles:
        out += [f"## Claims of {_md(part.article.path)}", ""]
        if not part.claims:
            out += ["No sentence of this article cites anything.", ""]
            continue
        out += ["| # | Claim | Section | Line | Sources |", "|---:|---|---|---:|---|"]
        for claim in part.claims:
            cited = "<br>".join(_md(describe(report.sources[k], n)) for k, n in _cited(claim))
            out.append(
                f"| {claim.number} | {_md(claim.text)} | {_md(claim.section)} | "
                f"{claim.span.line} | {cited} |"
            )
        out.append("")
    out += ["## Reverse index", "", "| Reference | Evidence | Cited by |", "|---|---|---|"]
    for key, indexes in report.index.citing.items():
        source = report.sources[key]
        ref = f"[{report.numbers(key)}] {key} — {source.short or 'not in the library'}"
        ev = source.evidence
        evidence = f"{ev.label} (rule {ev.rule})" if ev else ""
        claims = [report.index.claims[i] for i in indexes]
        cited_by = "<br>".join(_md(f"{c.span} claim {c.number}") for c in claims)
        out.append(f"| {_md(ref)} | {_md(evidence)} | {cited_by} |")
    out += ["", "## Flags", ""]
    out += [f"- {_md(str(f))}" for f in report.flags] or ["No flags."]
    return "\n".join(out) + "\n"


def html_report(report: ClaimsReport) -> str:
    """One self-contained page (templates/claims.html): claims beside their sources, and each
    source with links to the claims citing it. The template autoescapes every value."""
    from ..render.templating import Templates

    index = report.index
    flagged = report.flag_claims()
    source_ids = {key: f"source-{i}" for i, key in enumerate(index.citing, 1)}
    position = {id(c): i for i, c in enumerate(index.claims)}

    def claim_view(claim: Claim) -> dict[str, Any]:
        i = position[id(claim)]
        return {
            "id": f"claim-{i + 1}",
            "claim": claim,
            "sources": [(report.sources[k], n, source_ids[k]) for k, n in _cited(claim)],
            "flags": [f for f, c in flagged.items() if c == i],
        }

    articles = [(a.article.path, [claim_view(c) for c in a.claims]) for a in index.articles]
    references = [
        {
            "id": source_ids[key],
            "source": report.sources[key],
            "number": report.numbers(key),
            "claims": [(f"claim-{i + 1}", index.claims[i]) for i in claims],
        }
        for key, claims in index.citing.items()
    ]
    flags = [(f, f"claim-{flagged[f] + 1}" if f in flagged else "") for f in report.flags]
    context = {
        "version": report.version,
        "summary": summary(report.flags),
        "articles": articles,
        "references": references,
        "flags": flags,
        "claims": len(index.claims),
    }
    return Templates().render("claims.html", context)


def _cited(claim: Claim) -> list[tuple[str, int | None]]:
    return list(zip(claim.keys, claim.numbers, strict=True))


def _md(text: str) -> str:
    return _MD_SPECIAL.sub(r"\\\1", text).replace("\n", " ")
