"""`citations check`: read-only passes over the library and the articles, yielding findings."""

from __future__ import annotations

from ..findings import Finding, Rule
from ..snapshot import Snapshot
from . import articles, authors, duplicates, fields, identifiers, loading, rendered, sanity
from .base import Check
from .settings import CheckSettings, apply_settings

CHECKS: tuple[Check, ...] = (
    loading.CHECK,
    fields.CHECK,
    rendered.CHECK,
    sanity.CHECK,
    identifiers.CHECK,
    authors.CHECK,
    duplicates.CHECK,
    articles.CHECK,
)
RULES: dict[str, Rule] = {rule.code: rule for check in CHECKS for rule in check.rules}


def run_checks(snapshot: Snapshot, settings: CheckSettings | None = None) -> list[Finding]:
    """Every check's findings, settings applied, sorted by place then code."""
    settings = settings or CheckSettings()
    findings: list[Finding] = []
    for check in CHECKS:
        findings.extend(check.run(snapshot))
    kept = apply_settings(findings, settings, snapshot)
    kept.sort(key=_order)
    return kept


def _order(f: Finding) -> tuple[str, int, int, str, str]:
    span = f.span
    return (
        span.path if span else "",
        span.line if span else 0,
        span.column if span else 0,
        f.code,
        f.message,
    )
