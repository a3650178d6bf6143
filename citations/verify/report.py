"""Verify results → findings (for the shared reporters), the JSON report, and the exit decision."""

from __future__ import annotations

import json
from collections import Counter
from collections.abc import Sequence
from typing import Any

from ..findings import Finding, Fix, Rule
from ..model import Reference
from ..reporters import ReportMeta, get_reporter
from ..snapshot import Snapshot
from ..wording import plural
from .judge import REGISTRY_NAMES, Result
from .verdict import VERDICTS, Verdict

SCHEMA_VERSION = 1
FORMATS = ("text", "json", "junit", "sarif", "github")
# Verdicts that fail a run, and those that fail it only under --strict. `unverifiable` never
# does: a registry that is down, or a book no registry indexes, is not the entry's fault.
FAILING: frozenset[Verdict] = frozenset({"not-found", "different-work", "retracted"})
STRICT_FAILING: frozenset[Verdict] = FAILING | {"mismatch", "corrected", "concern"}

MISMATCH = Rule(
    "verify-mismatch",
    "warning",
    "a field differs from the registry's record "
    "(title, authors, year, journal, volume, issue, pages)",
    fixable=True,
)
DIFFERENT_WORK = Rule(
    "verify-different-work", "error", "the entry's DOI, PMID or arXiv id belongs to another work"
)
NOT_FOUND = Rule(
    "verify-not-found",
    "error",
    "no registry knows the work (an identifier that "
    "is not registered, or an article nobody indexed): it may be fabricated",
)
UNVERIFIABLE = Rule(
    "verify-unverifiable",
    "info",
    "the entry could not be checked: not "
    "indexed (books, web pages...), an ambiguous search, or a registry down",
)
RETRACTED = Rule("verify-retracted", "error", "the work has been retracted or withdrawn")
CORRECTED = Rule("verify-corrected", "warning", "the work has a correction (erratum)")
CONCERN = Rule("verify-concern", "warning", "the work has an expression of concern")
RULES: tuple[Rule, ...] = (
    MISMATCH,
    DIFFERENT_WORK,
    NOT_FOUND,
    UNVERIFIABLE,
    RETRACTED,
    CORRECTED,
    CONCERN,
)
_VERDICT_RULES: dict[str, Rule] = {
    "different-work": DIFFERENT_WORK,
    "not-found": NOT_FOUND,
    "unverifiable": UNVERIFIABLE,
    "retracted": RETRACTED,
    "corrected": CORRECTED,
    "concern": CONCERN,
}


def failed(results: Sequence[Result], *, strict: bool = False) -> bool:
    failing = STRICT_FAILING if strict else FAILING
    return any(r.verdict in failing for r in results)


def verify_findings(results: Sequence[Result], snapshot: Snapshot) -> list[Finding]:
    """A finding per verdict other than verified (at the entry, or at the identifier that led
    astray), and one per differing field of the same work (at that field, with its fix)."""
    findings: list[Finding] = []
    library = snapshot.library
    for result in results:
        ref = library.get(result.key)
        span = result.span
        hint = f"see {result.source}" if result.source else ""
        rule = _VERDICT_RULES.get(result.verdict)
        if rule is not None:
            if ref is not None and result.verdict in ("different-work", "not-found"):
                span = snapshot.field_span(ref, _identifier_field(result, ref))
            message = f"'{result.key}': {result.detail}" if result.detail else f"'{result.key}'"
            extra = _NOT_FOUND_HINT if result.verdict == "not-found" else ""
            findings.append(
                Finding(
                    rule.code,
                    rule.severity,
                    message,
                    span,
                    hint="; ".join(h for h in (hint, extra) if h),
                    key=result.key,
                )
            )
        if result.verdict in ("different-work", "not-found", "unverifiable"):
            continue
        registry = REGISTRY_NAMES.get(result.registry or "", result.registry or "the registry")
        for diff in result.fields:
            where = snapshot.field_span(ref, diff.field) if ref is not None else span
            note = f" ({diff.note})" if diff.note else ""
            fix = None
            if diff.fix is not None and ref is not None and diff.field in ref.field_lines:
                fix = Fix(ref.span.path, ref.key, diff.field, diff.fix)
            fix_hint = f"`citations verify --fix --fields {diff.field}` takes {registry}'s value"
            findings.append(
                Finding(
                    MISMATCH.code,
                    MISMATCH.severity,
                    f"'{result.key}': {diff.field} is “{diff.ours}”, {registry} has "
                    f"“{diff.theirs}”{note}",
                    where,
                    hint="; ".join(h for h in (hint, fix_hint if fix else "") if h),
                    key=result.key,
                    fix=fix,
                )
            )
    return findings


_NOT_FOUND_HINT = "check the entry against the source you read"


def _identifier_field(result: Result, ref: Reference) -> str | None:
    """The field holding the identifier that was looked up (the entry itself after a search)."""
    if result.how == "arxiv":
        return "arxiv" if "arxiv" in ref.field_lines else "eprint"
    if result.how in ("pmid", "pmcid") and result.how not in ref.field_lines:
        return "eprint"
    return result.how if result.how in ("doi", "pmid", "pmcid") else None


def result_to_dict(result: Result) -> dict[str, Any]:
    """The stable shape of one result: never remove or rename a key within a version."""
    return {
        "key": result.key,
        "verdict": result.verdict,
        "fields": {
            d.field: {"ours": d.ours, "theirs": d.theirs, "note": d.note} for d in result.fields
        },
        "missing": {d.field: d.theirs for d in result.missing},
        "source": result.source,
        "registry": result.registry,
        "found_by": result.how or None,
        "confidence": result.confidence,
        "detail": result.detail,
        "identifier": dict(result.identifier),
        "path": result.span.path,
        "line": result.span.line,
        "updates": [
            {"kind": u.kind, "doi": u.doi, "date": u.date, "source": u.source}
            for u in result.updates
        ],
        "notes": list(result.notes),
        "suggested": dict(result.suggested),
        "evidence": dict(result.evidence),
    }


def summary(results: Sequence[Result]) -> dict[str, int]:
    counts = Counter(r.verdict for r in results)
    return {verdict: counts[verdict] for verdict in VERDICTS}


def json_report(results: Sequence[Result], meta: ReportMeta) -> str:
    document = {
        "schema": "citations-verify",
        "version": SCHEMA_VERSION,
        "tool": {"name": "citations", "version": meta.version},
        "results": [result_to_dict(r) for r in results],
        "summary": summary(results),
    }
    return json.dumps(document, indent=2, ensure_ascii=False) + "\n"


def render(
    results: Sequence[Result], findings: Sequence[Finding], report_format: str, meta: ReportMeta
) -> str:
    """JSON is verify's own report (citations-verify); the other formats are the findings'."""
    if report_format == "json":
        return json_report(results, meta)
    text = get_reporter(report_format)(findings, meta)
    if report_format == "text":
        counts = summary(results)
        parts = [f"{n} {verdict}" for verdict, n in counts.items() if n]
        text += f"{plural(len(results), 'entry')}: {', '.join(parts) or 'none'}\n"
    return text
