"""The SARIF 2.1.0 report: one run, a rule per finding code, for GitHub code scanning and others."""

from __future__ import annotations

import hashlib
from collections.abc import Sequence
from pathlib import Path
from typing import Any
from urllib.parse import quote

from ..findings import Finding, Severity
from ..model import Span
from .escape import json_text
from .meta import ReportMeta

SARIF_VERSION = "2.1.0"
SARIF_SCHEMA = (
    "https://docs.oasis-open.org/sarif/sarif/v2.1.0/errata01/os/schemas/sarif-schema-2.1.0.json"
)
SRCROOT = "%SRCROOT%"
FINGERPRINT = "citations/v1"  # bump the suffix if what the hash covers ever changes
LEVELS: dict[str, str] = {"error": "error", "warning": "warning", "info": "note"}


def report(findings: Sequence[Finding], meta: ReportMeta) -> str:
    root = Path(meta.root).resolve()
    rules = _rules(findings, meta)
    index = {rule["id"]: i for i, rule in enumerate(rules)}
    driver: dict[str, Any] = {"name": "citations"}
    if meta.version:
        driver |= {"version": meta.version, "semanticVersion": meta.version}
    driver["rules"] = rules
    run = {
        "tool": {"driver": driver},
        "originalUriBaseIds": {SRCROOT: {"uri": root.as_uri().rstrip("/") + "/"}},
        "columnKind": "unicodeCodePoints",  # columns count characters, as Span does
        "results": _numbered([_result(f, index[f.code], root) for f in findings]),
    }
    document = {"$schema": SARIF_SCHEMA, "version": SARIF_VERSION, "runs": [run]}
    return json_text(document)


def _numbered(results: list[dict[str, Any]]) -> list[dict[str, Any]]:
    """Tell apart results that hash alike (a missing key cited twice) by order: `HASH:1`, `:2`."""
    seen: dict[str, int] = {}
    for result in results:
        prints = result["partialFingerprints"]
        value = prints[FINGERPRINT]
        seen[value] = seen.get(value, 0) + 1
        prints[FINGERPRINT] = f"{value}:{seen[value]}"
    return results


def _rules(findings: Sequence[Finding], meta: ReportMeta) -> list[dict[str, Any]]:
    """A reportingDescriptor per catalog code, then one per code a finding has beyond it."""
    rules = [
        _descriptor(
            code,
            getattr(rule, "severity", "warning"),
            getattr(rule, "summary", code),
            fixable=bool(getattr(rule, "fixable", False)),
        )
        for code, rule in meta.rules.items()
    ]
    known = set(meta.rules)
    for finding in findings:
        if finding.code not in known:
            known.add(finding.code)
            rules.append(_descriptor(finding.code, finding.severity, finding.code, fixable=False))
    return rules


def _descriptor(code: str, severity: Severity, summary: str, *, fixable: bool) -> dict[str, Any]:
    return {
        "id": code,
        "shortDescription": {"text": summary},
        "defaultConfiguration": {"level": LEVELS.get(severity, "warning")},
        "properties": {"fixable": fixable},
    }


def _result(finding: Finding, rule_index: int, root: Path) -> dict[str, Any]:
    hint = f" ({finding.hint})" if finding.hint else ""
    result: dict[str, Any] = {
        "ruleId": finding.code,
        "ruleIndex": rule_index,
        "level": LEVELS[finding.severity],
        "message": {"text": f"{finding.message}{hint}"},
    }
    if finding.span is not None:
        result["locations"] = [_location(finding.span, root)]
    if finding.related:
        result["relatedLocations"] = [
            {"id": i, **_location(span, root)} for i, span in enumerate(finding.related)
        ]
    result["partialFingerprints"] = {FINGERPRINT: fingerprint(finding, root)}
    if finding.key is not None:
        result["properties"] = {"key": finding.key}
    return result


def _location(span: Span, root: Path) -> dict[str, Any]:
    region = {"startLine": span.line, "startColumn": span.column}
    return {"physicalLocation": {"artifactLocation": artifact(span.path, root), "region": region}}


def artifact(path: str, root: Path) -> dict[str, str]:
    """An artifactLocation: relative to %SRCROOT% (the project folder) when inside it.

    Code scanning matches results to files by this relative URI, so it must not depend on
    where the project was checked out; a file outside the project keeps an absolute URI.
    """
    absolute = Path(path) if Path(path).is_absolute() else Path.cwd() / path
    absolute = absolute.resolve()
    try:
        relative = absolute.relative_to(root)
    except ValueError:
        return {"uri": absolute.as_uri()}
    return {"uri": quote(relative.as_posix(), safe="/"), "uriBaseId": SRCROOT}


def fingerprint(finding: Finding, root: Path) -> str:
    """A hash that stays the same across runs while the problem does, so alerts are tracked.

    Code, key and file identify a finding about an entry whatever lines move around it; a
    finding with no key (a syntax error, say) has nothing steadier than its line.
    """
    span = finding.span
    where = artifact(span.path, root)["uri"] if span else ""
    who = finding.key if finding.key is not None else f"line {span.line if span else 0}"
    text = "\0".join([finding.code, who, where])
    return hashlib.sha256(text.encode("utf-8")).hexdigest()[:32]
