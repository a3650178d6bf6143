"""Diagnostics as findings, from the CLI's own passes: unknown keys (render's coverage, as
`check` reports them), claim flags (as `check --claims`), `check`'s library findings, and
citations that do not parse."""

from __future__ import annotations

import re
from collections.abc import Iterator, Sequence
from dataclasses import replace
from pathlib import Path
from typing import TYPE_CHECKING

from ..errors import CitationsError
from ..findings import Finding, Rule
from ..library import Library
from ..model import Span
from ..render.article import Article
from ..render.coverage import unknown_keys
from ..render.markers import OutsideRanges
from ..snapshot import Snapshot
from .project import Project

if TYPE_CHECKING:
    from ..checks import CheckSettings

MALFORMED = Rule("malformed-citation", "warning", "a `[@` that pandoc does not read as a citation")
UNREADABLE = Rule("unreadable-article", "error", "an article the scanner cannot read")
UNLOADED = Rule("project-not-loaded", "error", "settings or a library that cannot be loaded")
_OPENING = re.compile(r"(?<!\\)\[-?@")
_KEY_START = re.compile(r"-?@(?:[^\W]|\{)")
_PARAGRAPH_END = re.compile(r"\n[ \t]*\n")


def article_findings(project: Project, article: Article) -> list[Finding]:
    """What the CLI reports about one article: unknown keys, claim flags (as information),
    and citations that do not parse; [check] settings applied as `check` applies them."""
    from ..claims.flags import claim_findings
    from ..verify.store import recorded_verdicts

    library = project.library
    findings = list(unknown_keys(article.markers, library))
    findings += malformed_citations(article)
    cited = [item.key for marker in article.markers for item in marker.items]
    with project.caches() as (links, verify):
        verified = recorded_verdicts(verify, library, cited)
        flags = claim_findings([article], library, links, verified)
    findings += [replace(f, severity="info") for f in flags]
    settings = project.check_settings()
    if settings is not None:
        from ..checks.settings import apply_settings

        findings = apply_settings(findings, settings, Snapshot(library, [article], True))
    return [f for f in findings if f.span is not None and f.span.path == article.path]


def malformed_citations(article: Article) -> Iterator[Finding]:
    """`[@` outside code and outside every citation read: never closed in its paragraph, or
    with no key after the `@`."""
    text = article.text
    free = OutsideRanges(article.masked)
    read = OutsideRanges([(m.start, m.end) for m in article.markers])
    line, line_at = 1, 0
    for m in _OPENING.finditer(text, article.body_start):
        at = m.start()
        if not free(at) or not read(at):
            continue
        line += text.count("\n", line_at, at)
        line_at = at
        column = at - text.rfind("\n", 0, at)
        paragraph = _PARAGRAPH_END.search(text, at)
        closing = text.find("]", at, paragraph.start() if paragraph else len(text))
        if closing < 0:
            message = "citation `[@` is never closed in its paragraph"
        elif not _KEY_START.match(text, at + 1):
            message = "citation `[@` names no key"
        else:
            continue
        yield Finding(MALFORMED.code, MALFORMED.severity, message, Span(article.path, line, column))


def library_findings(
    library: Library, settings: CheckSettings | None, problems: Sequence[CitationsError]
) -> dict[Path, list[Finding]]:
    """`check`'s findings on the library (no articles, so nothing is "uncited"), by file;
    what stopped the settings from loading goes to the settings file. Reads only what it is
    given, so it may run in a thread while the server answers requests."""
    from ..checks import run_checks

    by_file: dict[Path, list[Finding]] = {p.resolve(): [] for p in library.files}
    findings = run_checks(Snapshot(library), settings)
    findings += [unreadable(exc, "", UNLOADED) for exc in problems]
    for finding in findings:
        if finding.span is not None and finding.span.path:
            by_file.setdefault(Path(finding.span.path).resolve(), []).append(finding)
    return by_file


def unreadable(exc: CitationsError, path: str, rule: Rule = UNREADABLE) -> Finding:
    """A CitationsError as a finding at its place (or the start of `path`)."""
    span = exc.span or (Span(path, 1) if path else None)
    return Finding(rule.code, rule.severity, exc.message, span, hint=exc.hint)
