"""The text report: `path:line:col: severity[code] message (hint)`, then a summary line."""

from __future__ import annotations

from collections import Counter
from collections.abc import Sequence

from ..findings import SEVERITIES, Finding
from ..wording import plural
from .escape import inert
from .meta import ReportMeta


def report(findings: Sequence[Finding], meta: ReportMeta) -> str:
    lines = []
    for finding in findings:
        lines.append(inert(str(finding)))
        lines += [inert(f"    see {span}") for span in finding.related]
    lines.append(summary(findings))
    return "\n".join(lines) + "\n"


def summary(findings: Sequence[Finding]) -> str:
    """`3 findings: 1 error, 2 warnings`, or `no findings`."""
    if not findings:
        return "no findings"
    counts = Counter(f.severity for f in findings)
    parts = [
        f"{counts[s]} {s}{'s' if counts[s] != 1 and s != 'info' else ''}"
        for s in SEVERITIES
        if counts[s]
    ]
    total = len(findings)
    return f"{plural(total, 'finding')}: {', '.join(parts)}"
