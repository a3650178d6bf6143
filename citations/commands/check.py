"""`citations check` as a function: settings → snapshot → checks → (fixes) → report."""

from __future__ import annotations

from collections.abc import Sequence
from dataclasses import dataclass, field
from pathlib import Path

from .. import __version__
from ..checks import RULES, CheckSettings, Snapshot, build_snapshot, find_articles, run_checks
from ..checks.base import Rule
from ..config import Config
from ..findings import Finding
from ..library import load_library
from ..reporters import ReportMeta, get_reporter
from ..wording import plural


@dataclass
class CheckOutcome:
    findings: list[Finding]
    report: str
    diff: str = ""
    notes: list[str] = field(default_factory=list)  # what --fix did, for standard error


def all_rules() -> dict[str, Rule]:
    """Every code check may report: its own checks' and, with --claims, the claim flags."""
    from ..claims.flags import CLAIM_RULES

    return {**RULES, **CLAIM_RULES}


def check_settings(config: Config) -> CheckSettings:
    root = config.path.parent if config.path else Path.cwd()
    where = config.span_of("check") if config.path else None
    return CheckSettings.from_table(config.sections.get("check", {}), all_rules(), root, where)


def article_paths(
    config: Config, settings: CheckSettings, paths: Sequence[Path]
) -> list[Path] | None:
    """The articles to check: those given, else `[check] articles`, else articles/ if present."""
    if paths:
        return find_articles(paths)
    if settings.articles:
        return find_articles(settings.articles)
    default = (config.path.parent if config.path else Path.cwd()) / "articles"
    if default.is_dir():
        return find_articles([_shown(default)])
    return None


def run_check_command(
    config: Config,
    *,
    paths: Sequence[Path] = (),
    refs: Sequence[Path] = (),
    report_format: str = "text",
    cache_dir: Path | None = None,
    fix: bool = False,
    diff: bool = False,
    claims: bool = False,
) -> CheckOutcome:
    settings = check_settings(config)
    reporter = get_reporter(report_format)
    library = load_library(refs or config.refs, cache_dir)
    articles = article_paths(config, settings, paths)
    snapshot = build_snapshot(library, articles)
    findings = _with_claims(run_checks(snapshot, settings), snapshot, settings, claims, config)
    outcome = CheckOutcome(findings, "")
    fixes = [f.fix for f in findings if f.fix is not None]
    if (fix or diff) and fixes:
        from ..library.edit import plan_fixes, unified_diff, write_edits

        edits = plan_fixes(fixes)
        if diff:
            outcome.diff = unified_diff(edits)
        if fix and not diff:
            write_edits(edits)
            fixed = sum(len(e.applied) for e in edits if e.changed)
            files = sum(1 for e in edits if e.changed)
            outcome.notes += [f"fixed {plural(fixed, 'field')} in {plural(files, 'file')}"]
            outcome.notes += [f"not fixed: {reason}" for e in edits for _, reason in e.skipped]
            # What remains is what a fresh check of the written files reports.
            library = load_library(refs or config.refs, cache_dir)
            snapshot = build_snapshot(library, articles)
            findings = _with_claims(
                run_checks(snapshot, settings), snapshot, settings, claims, config
            )
            outcome.findings = findings
    meta = ReportMeta("check", __version__, all_rules() if claims else RULES, settings.root)
    outcome.report = reporter(findings, meta)
    return outcome


def _with_claims(
    findings: list[Finding],
    snapshot: Snapshot,
    settings: CheckSettings,
    claims: bool,
    config: Config,
) -> list[Finding]:
    """With --claims, the claim flags of the checked articles join the findings (read-only:
    the cache of links results and verify's verdicts is read when it exists, never written;
    nothing is fetched)."""
    if not claims or not snapshot.articles:
        return findings
    from ..checks.settings import apply_settings
    from ..claims.flags import claim_findings
    from ..verify.store import recorded_verdicts
    from .claims import read_caches

    cited = [item.key for a in snapshot.articles for m in a.markers for item in m.items]
    with read_caches(config, {}, []) as (links, verify):
        verified = recorded_verdicts(verify, snapshot.library, cited)
        extra = claim_findings(snapshot.articles, snapshot.library, links, verified)
    return sorted(findings + apply_settings(extra, settings, snapshot), key=_order)


def _order(f: Finding) -> tuple[str, int, int, str]:
    span = f.span
    return (span.path if span else "", span.line if span else 0, span.column if span else 0, f.code)


def _shown(path: Path) -> Path:
    try:
        return path.relative_to(Path.cwd())
    except ValueError:
        return path
