"""Our values as the protocol's: findings as diagnostics, places as locations and edits."""

from __future__ import annotations

from pathlib import Path
from typing import Any

from lsprotocol import types

from ..findings import Finding
from .features import Place
from .text import Lines, Range

SEVERITY = {
    "error": types.DiagnosticSeverity.Error,
    "warning": types.DiagnosticSeverity.Warning,
    "info": types.DiagnosticSeverity.Information,
}


def lsp_range(pair: Range) -> types.Range:
    (start_line, start_col), (end_line, end_col) = pair
    return types.Range(types.Position(start_line, start_col), types.Position(end_line, end_col))


def uri_of(path: Path) -> str:
    return path.resolve().as_uri()


def diagnostic(finding: Finding, lines: Lines) -> types.Diagnostic:
    """A finding as a diagnostic, with the CLI's code and message (and hint). An unknown key
    covers `@key`; other findings run from their column to the end of their line."""
    assert finding.span is not None
    length = len(finding.key) + 1 if finding.code == "unknown-key" and finding.key else 0
    message = f"{finding.message} ({finding.hint})" if finding.hint else finding.message
    data: Any = {"key": finding.key} if finding.key else None
    return types.Diagnostic(
        range=lsp_range(lines.span_range(finding.span, length)),
        message=message,
        severity=SEVERITY[finding.severity],
        code=finding.code,
        source="citations",
        data=data,
    )


def key_range(place: Place) -> types.Range:
    lines = place.lines
    return lsp_range((lines.position(place.key.start), lines.position(place.key.end)))


def location(place: Place) -> types.Location:
    return types.Location(uri_of(place.path), key_range(place))


def rename_edit(places: list[Place], new: str) -> types.WorkspaceEdit:
    """One edit for every place, grouped by file."""
    changes: dict[str, list[types.TextEdit]] = {}
    for place in places:
        changes.setdefault(uri_of(place.path), []).append(types.TextEdit(key_range(place), new))
    return types.WorkspaceEdit(changes=changes)
