"""`citations check`: read-only passes over the library and the articles, yielding findings."""

from __future__ import annotations

from collections.abc import Iterable, Sequence
from pathlib import Path

from ..errors import ArticleError
from ..findings import Finding
from ..library import Library
from ..render.article import HTML_SUFFIXES, read_article
from . import articles, authors, duplicates, fields, identifiers, loading, sanity
from .base import Check, Rule, Snapshot
from .settings import CheckSettings, apply_settings

CHECKS: tuple[Check, ...] = (
    loading.CHECK,
    fields.CHECK,
    sanity.CHECK,
    identifiers.CHECK,
    authors.CHECK,
    duplicates.CHECK,
    articles.CHECK,
)
RULES: dict[str, Rule] = {rule.code: rule for check in CHECKS for rule in check.rules}
ARTICLE_SUFFIXES = (".md", ".markdown", ".mdown", *HTML_SUFFIXES)


def find_articles(paths: Iterable[Path]) -> list[Path]:
    """Each path if a file, or every Markdown/HTML file below it (sorted) if a folder."""
    found: list[Path] = []
    for path in paths:
        if path.is_dir():
            found += sorted(
                p for p in path.rglob("*") if p.suffix.lower() in ARTICLE_SUFFIXES and p.is_file()
            )
        elif path.is_file():
            found.append(path)
        else:
            raise ArticleError(f"no such article or folder: {path}")
    return list(dict.fromkeys(found))


def build_snapshot(library: Library, article_paths: Sequence[Path] | None) -> Snapshot:
    """The snapshot for `library` and the given articles (None: no articles checked)."""
    snapshot = Snapshot(library, articles_given=article_paths is not None)
    for path in article_paths or ():
        snapshot.articles.append(read_article(path))
    return snapshot


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
    return (span.path if span else "", span.line if span else 0, span.column if span else 0,
            f.code, f.message)  # fmt: skip
