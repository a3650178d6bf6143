"""`citations check` as a function: settings → snapshot → checks → (fixes) → report."""

from __future__ import annotations

import functools
from collections.abc import Sequence
from dataclasses import dataclass, field
from pathlib import Path
from typing import TYPE_CHECKING, Any

from ..checks import RULES, CheckSettings, run_checks
from ..checks.settings import KEYS as CHECK_KEYS
from ..config import Config
from ..files import shown
from ..findings import Finding, Rule, fails_run
from ..library import Library, load_library
from ..library.encoding import Encodings
from ..library.load import patch_library
from ..reporters import ReportMeta, get_reporter
from ..snapshot import Snapshot, build_snapshot, find_articles
from ..version import __version__
from ..wording import plural
from .claims import read_cache_paths

if TYPE_CHECKING:
    from ..library.edit import FileEdit


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


def settable_rules() -> dict[str, Rule]:
    """The codes [check] settings may name: all_rules() and the hostile-input bounds'."""
    from ..checks.loading import LIMIT_RULES

    return {**all_rules(), **{rule.code: rule for rule in LIMIT_RULES}}


@dataclass(frozen=True)
class CheckRun:
    """`citations check`, settled once from the config and the command line."""

    settings: CheckSettings
    refs: tuple[Path, ...]
    articles: tuple[Path, ...] | None  # None: no articles checked, so nothing is "uncited"
    report_format: str = "text"
    parse_cache: Path | None = None
    encodings: Encodings | None = None  # [library] encoding
    fix: bool = False
    diff: bool = False
    claims: bool = False  # with the claim flags, read from these caches (links', verify's)
    claim_caches: tuple[Path | None, Path | None] = (None, None)
    strict: bool = False  # warnings fail the run too (and count as failures in JUnit)

    @classmethod
    def from_config(
        cls,
        config: Config,
        *,
        paths: Sequence[Path] = (),
        refs: Sequence[Path] = (),
        report_format: str = "text",
        cache_dir: Path | None = None,
        fix: bool = False,
        diff: bool = False,
        claims: bool = False,
        strict: bool = False,
    ) -> CheckRun:
        settings = check_settings(config)
        articles = article_paths(config, settings, paths)
        return cls(
            settings=settings,
            refs=tuple(refs or config.refs),
            articles=tuple(articles) if articles is not None else None,
            report_format=report_format,
            parse_cache=cache_dir,
            encodings=Encodings(*config.encodings()),
            fix=fix,
            diff=diff,
            claims=claims,
            claim_caches=read_cache_paths(config, None, False) if claims else (None, None),
            strict=strict,
        )


def check_settings(config: Config) -> CheckSettings:
    table = config.section("check", CHECK_KEYS)
    return CheckSettings.from_table(
        table, settable_rules(), config.base, config.span_of_table("check")
    )


def article_paths(
    config: Config, settings: CheckSettings, paths: Sequence[Path]
) -> list[Path] | None:
    """The articles to check: those given, else `[check] articles`, else articles/ if present."""
    if paths:
        return find_articles(paths)
    if settings.articles:
        return find_articles(settings.articles)
    default = config.base / "articles"
    if default.is_dir():
        return find_articles([shown(default)])
    return None


def run_check_command(config: Config, **options: Any) -> CheckOutcome:
    """The command from a config and keyword options (see `CheckRun.from_config`)."""
    return run_check(CheckRun.from_config(config, **options))


def run_check(run: CheckRun) -> CheckOutcome:
    """Check the library and the articles; with `fix`, write the safe fixes and check again."""
    reporter = get_reporter(run.report_format)
    snapshot = build_snapshot(load_library(run.refs, run.parse_cache, run.encodings), run.articles)
    findings = _findings(run, snapshot)
    outcome = CheckOutcome(findings, "")
    fixes = [f.fix for f in findings if f.fix is not None]
    if (run.fix or run.diff) and fixes:
        from ..library.diff import unified_diff  # only to fix
        from ..library.edit import plan_fixes, write_edits

        edits = plan_fixes(fixes, library=snapshot.library)
        if run.diff:
            outcome.diff = unified_diff(edits)
        if run.fix and not run.diff:
            write_edits(edits)
            fixed = sum(len(e.applied) for e in edits if e.changed)
            files = sum(1 for e in edits if e.changed)
            outcome.notes += [f"fixed {plural(fixed, 'field')} in {plural(files, 'file')}"]
            outcome.notes += [f"not fixed: {reason}" for e in edits for _, reason in e.skipped]
            # What remains is what a fresh check of the written files reports.
            library = _edited(snapshot.library, edits, run)
            snapshot = Snapshot(library, snapshot.articles, snapshot.articles_given)
            findings = outcome.findings = _findings(run, snapshot)
    rules = all_rules() if run.claims else RULES
    fails = functools.partial(fails_run, strict=run.strict)
    meta = ReportMeta("check", __version__, rules, run.settings.root, fails)
    outcome.report = reporter(findings, meta)
    return outcome


def _findings(run: CheckRun, snapshot: Snapshot) -> list[Finding]:
    return _with_claims(run_checks(snapshot, run.settings), snapshot, run)


def _edited(library: Library, edits: list[FileEdit], run: CheckRun) -> Library:
    """The library after the edits were written: patched where every edit only replaced
    values (see FileEdit.values), else loaded again."""
    patches = {}
    for edit in edits:
        if edit.changed:
            if edit.values is None:
                return load_library(run.refs, run.parse_cache, run.encodings)
            patches[edit.path.resolve()] = (edit.encoded(edit.new_text), edit.values)
    return patch_library(library, patches, run.parse_cache)


def _with_claims(findings: list[Finding], snapshot: Snapshot, run: CheckRun) -> list[Finding]:
    """With --claims, the claim flags of the checked articles join the findings (read-only:
    the cache of links results and verify's verdicts is read when it exists, never written;
    nothing is fetched)."""
    if not run.claims or not snapshot.articles:
        return findings
    from ..checks.settings import apply_settings
    from ..claims.flags import claim_findings
    from ..verify.store import recorded_verdicts
    from .claims import read_caches

    cited = [item.key for a in snapshot.articles for m in a.markers for item in m.items]
    with read_caches(run.claim_caches, []) as (links, verify):
        verified = recorded_verdicts(verify, snapshot.library, cited)
        extra = claim_findings(snapshot.articles, snapshot.library, links, verified)
    return sorted(findings + apply_settings(extra, run.settings, snapshot), key=_order)


def _order(f: Finding) -> tuple[str, int, int, str]:
    span = f.span
    return (span.path if span else "", span.line if span else 0, span.column if span else 0, f.code)
