"""The JSON report, schema `citations-findings` version 1 (citations/schemas/findings-1.json)."""

from __future__ import annotations

from collections import Counter
from collections.abc import Sequence
from typing import Any

from ..findings import SEVERITIES, Finding
from .escape import json_text
from .meta import ReportMeta

SCHEMA_VERSION = 1


def finding_to_dict(f: Finding) -> dict[str, Any]:
    """The stable shape other tools rely on: never remove or rename a key, only add."""
    span = f.span
    return {
        "code": f.code,
        "severity": f.severity,
        "message": f.message,
        "path": span.path if span else None,
        "line": span.line if span else None,
        "column": span.column if span else None,
        "key": f.key,
        "hint": f.hint,
        "related": [{"path": s.path, "line": s.line, "column": s.column} for s in f.related],
        "fixable": f.fix is not None,
    }


def report(findings: Sequence[Finding], meta: ReportMeta) -> str:
    counts = Counter(f.severity for f in findings)
    document = {
        "schema": "citations-findings",
        "version": SCHEMA_VERSION,
        "tool": {"name": "citations", "version": meta.version},
        "command": meta.command,
        "findings": [finding_to_dict(f) for f in findings],
        "summary": {severity: counts[severity] for severity in SEVERITIES},
    }
    return json_text(document)
