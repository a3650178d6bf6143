"""`citations check` as a function: settings → snapshot → checks → (fixes) → report."""

from __future__ import annotations

from collections.abc import Sequence
from dataclasses import dataclass, field
from pathlib import Path

from . import __version__
from .checks import RULES, CheckSettings, build_snapshot, find_articles, run_checks
from .config import Config
from .findings import Finding
from .library import load_library
from .reporters import ReportMeta, get_reporter


@dataclass
class CheckOutcome:
    findings: list[Finding]
    report: str
    diff: str = ""
    notes: list[str] = field(default_factory=list)  # what --fix did, for standard error


def check_settings(config: Config) -> CheckSettings:
    root = config.path.parent if config.path else Path.cwd()
    where = config.span_of("check") if config.path else None
    return CheckSettings.from_table(config.sections.get("check", {}), RULES, root, where)


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
) -> CheckOutcome:
    settings = check_settings(config)
    reporter = get_reporter(report_format)
    library = load_library(refs or config.refs, cache_dir)
    articles = article_paths(config, settings, paths)
    snapshot = build_snapshot(library, articles)
    findings = run_checks(snapshot, settings)
    outcome = CheckOutcome(findings, "")
    fixes = [f.fix for f in findings if f.fix is not None]
    if (fix or diff) and fixes:
        from .library.edit import plan_fixes, unified_diff, write_edits

        edits = plan_fixes(fixes)
        if diff:
            outcome.diff = unified_diff(edits)
        if fix and not diff:
            write_edits(edits)
            fixed = sum(len(e.applied) for e in edits if e.changed)
            files = sum(1 for e in edits if e.changed)
            outcome.notes += [f"fixed {fixed} field(s) in {files} file(s)"]
            outcome.notes += [f"not fixed: {reason}" for e in edits for _, reason in e.skipped]
            # What remains is what a fresh check of the written files reports.
            library = load_library(refs or config.refs, cache_dir)
            snapshot = build_snapshot(library, articles)
            outcome.findings = findings = run_checks(snapshot, settings)
    meta = ReportMeta("check", __version__, RULES, settings.root)
    outcome.report = reporter(findings, meta)
    return outcome


def _shown(path: Path) -> Path:
    try:
        return path.relative_to(Path.cwd())
    except ValueError:
        return path
