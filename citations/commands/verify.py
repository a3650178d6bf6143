"""`citations verify` as a function: options → entries → registries → verdicts → fixes → report.

Exit codes (the command line's): 1 (`failed`) when an entry is not-found, different-work or
retracted, and under --strict (or `[verify] strict = true`) also mismatch, corrected or
concern; unverifiable never fails. 2 for a bad command line (UsageError: an unknown key or
field, --fields without --fix/--diff, --offline with --no-cache); 3 for unusable input (a
missing .bib file, an unknown `[verify]` setting). Otherwise 0.
"""

from __future__ import annotations

import functools
from collections.abc import Callable, Mapping, Sequence
from dataclasses import dataclass, field, replace
from pathlib import Path
from typing import TYPE_CHECKING, Any

from ..config import Config
from ..errors import UsageError
from ..findings import Finding, Fix, fails_run
from ..library.encoding import Encodings
from ..model import Reference
from ..version import __version__
from ..wording import plural

if TYPE_CHECKING:
    from ..library import Library
    from ..net.cache import Cache
    from ..registries.settings import RegistrySettings
    from ..verify import Result

_KEYS = {"cache", "concurrency", "strict"}
DEFAULT_CONCURRENCY = 4
DEFAULT_DEADLINE = 300.0  # seconds for the whole run: a registry that hangs cannot hold CI
# --fields names: the entry's own field names, and a few words for them.
FIELD_NAMES = frozenset(
    {
        "title",
        "author",
        "year",
        "date",
        "journal",
        "journaltitle",
        "booktitle",
        "volume",
        "number",
        "issue",
        "pages",
        "doi",
    }
)
FIELD_ALIASES = {
    "authors": {"author"},
    "container": {"journal", "journaltitle", "booktitle"},
    "issue": {"number", "issue"},
    "number": {"number", "issue"},
}
# Fixes take the registry's value only for the same work, never for another or for none.
FIXABLE_VERDICTS = frozenset({"verified", "mismatch", "retracted", "corrected", "concern"})


@dataclass
class VerifyOutcome:
    report: str
    results: list[Result] = field(default_factory=list)
    findings: list[Finding] = field(default_factory=list)
    diff: str = ""
    notes: list[str] = field(default_factory=list)  # for standard error: fixes, cache trouble
    failed: bool = False
    unchecked: str = ""  # why the run could not verify (no registry reached), for one line
    unread: list[Finding] = field(default_factory=list)  # Library.unread(), for stderr


def parse_fields(text: str | Sequence[str] | None) -> frozenset[str]:
    """`year,pages` (or several --fields) → the entry field names they mean."""
    if not text:
        return frozenset()
    items = text.split(",") if isinstance(text, str) else [p for t in text for p in t.split(",")]
    chosen: set[str] = set()
    for item in (i.strip().lower() for i in items):
        if not item:
            continue
        if item not in FIELD_NAMES and item not in FIELD_ALIASES:
            known = ", ".join(sorted(FIELD_NAMES | set(FIELD_ALIASES)))
            raise UsageError(f"--fields: unknown field '{item}'", hint=f"known: {known}")
        chosen |= FIELD_ALIASES.get(item, {item})
    return frozenset(chosen)


@dataclass(frozen=True)
class VerifyRun:
    """`citations verify`, settled once from the config and the command line."""

    registries: RegistrySettings
    refs: tuple[Path, ...]
    keys: tuple[str, ...] = ()
    report_format: str = "text"
    fix: bool = False
    diff: bool = False
    fields: frozenset[str] = frozenset()
    strict: bool = False
    concurrency: int = DEFAULT_CONCURRENCY
    cache: Path | None = None  # registry answers and verdicts (SQLite); None: none
    parse_cache: Path | None = None
    encodings: Encodings | None = None  # [library] encoding
    root: Path = Path(".")
    notice_marker: Path | None = None  # once it exists, the polite notice is not shown again

    @classmethod
    def from_config(
        cls, config: Config, *, registries: RegistrySettings | None = None, **options: Any
    ) -> VerifyRun:
        """[verify] and [registries] with the command line's options (click's names) over
        them; `registries` replaces the configured ones (tests: short timeouts)."""
        from ..registries.settings import RegistrySettings, notice_marker
        from ..verify.report import FORMATS

        table = _table(config)
        report_format = options.get("report_format") or "text"
        if report_format not in FORMATS:
            raise UsageError(
                f"unknown report format '{report_format}'", hint=f"known: {', '.join(FORMATS)}"
            )
        fix, diff = bool(options.get("fix")), bool(options.get("diff"))
        fields = parse_fields(options.get("fields"))
        if fields and not (fix or diff):
            raise UsageError("--fields chooses what --fix or --diff changes; add one of them")
        offline = bool(options.get("offline"))
        if offline and options.get("no_cache"):
            raise UsageError("--offline answers from the cache: it cannot go with --no-cache")
        settings = replace(registries or RegistrySettings.from_config(config), offline=offline)
        if options.get("mailto"):
            settings = replace(settings, mailto=str(options["mailto"]))
        settings = replace(settings, deadline=float(options.get("deadline") or DEFAULT_DEADLINE))
        no_cache = bool(options.get("no_cache"))
        return cls(
            registries=settings,
            refs=tuple(options.get("refs") or config.refs),
            keys=tuple(options.get("keys") or ()),
            report_format=report_format,
            fix=fix,
            diff=diff,
            fields=fields,
            strict=bool(options.get("strict")) or table["strict"],
            concurrency=table["concurrency"],
            cache=config.cache_file("verify", options.get("cache"), off=no_cache),
            parse_cache=config.cache_folder(),
            encodings=Encodings(*config.encodings()),
            root=config.base,
            notice_marker=notice_marker(config.cache_folder()),
        )


def run_verify_command(
    config: Config,
    options: Mapping[str, Any],
    progress: Callable[[int, int], None] | None = None,
    *,
    settings: RegistrySettings | None = None,
) -> VerifyOutcome:
    """The command from a config and the command line's options, as click names them."""
    return run_verify(VerifyRun.from_config(config, registries=settings, **options), progress)


def run_verify(run: VerifyRun, progress: Callable[[int, int], None] | None = None) -> VerifyOutcome:
    """Resolve and judge each entry, apply fixes if asked, store the verdicts, report."""
    from ..library import load_library
    from ..net.cache import Cache
    from ..registries.settings import polite_once
    from ..reporters import ReportMeta
    from ..snapshot import Snapshot
    from ..verify.report import RULES, failed, render, verify_findings
    from ..verify.store import store_verdicts

    library = load_library(run.refs, run.parse_cache, run.encodings)
    refs = _select(library, run.keys)
    cache = Cache.open(run.cache) if run.cache is not None else None
    outcome = VerifyOutcome("", unread=library.unread())
    outcome.notes += polite_once(run.registries, run.notice_marker)
    try:
        results = _verify(refs, run, cache, outcome, progress)
        if run.fix or run.diff:
            results, library = _apply_fixes(results, library, run, outcome)
        if cache is not None:
            # For `claims`: what cites a retracted or fabricated work (--no-cache stores nothing).
            store_verdicts(cache, results, library, offline=run.registries.offline)
    finally:
        if cache is not None:
            outcome.notes += cache.notes
            cache.close()
    findings = verify_findings(results, Snapshot(library))
    fails = functools.partial(fails_run, strict=run.strict)  # the verdicts `failed` counts
    meta = ReportMeta("verify", __version__, {rule.code: rule for rule in RULES}, run.root, fails)
    outcome.results, outcome.findings = results, findings
    outcome.report = render(results, findings, run.report_format, meta)
    outcome.failed = failed(results, strict=run.strict)
    return outcome


def _verify(
    refs: Sequence[Reference],
    run: VerifyRun,
    cache: Cache | None,
    outcome: VerifyOutcome,
    progress: Callable[[int, int], None] | None,
) -> list[Result]:
    """Every entry's verdict; when no registry answered at all, `outcome` says so."""
    from ..registries.client import Registries
    from ..verify import verify_references
    from ..verify.resolve import Resolver

    with Registries(run.registries, cache) as registries:
        resolver = Resolver(registries, run.registries.urls)
        results = verify_references(refs, resolver, run.concurrency, progress)
        if registries.unreachable():
            count = plural(sum(r.verdict == "unverifiable" for r in results), "entry")
            why = "no registry answered by the deadline" if registries.expired() else ""
            why = why or "no registry could be reached"
            outcome.unchecked = f"{why}: {count} could not be verified"
    return results


def plan_verify_fixes(
    results: Sequence[Result], library: Library, fields: frozenset[str]
) -> tuple[list[Fix], list[str]]:
    """The registry's values for the differing fields of entries that are the same work
    (only `fields`, and then also fields the entry lacks, if given); and what is left alone."""
    fixes: list[Fix] = []
    skipped: list[str] = []
    for result in results:
        if result.verdict not in FIXABLE_VERDICTS:
            continue
        ref: Reference = library[result.key]
        candidates = list(result.fields)
        if fields:
            candidates = [d for d in candidates if d.field in fields]
            candidates += [d for d in result.missing if d.field in fields]
        for diff in candidates:
            where = f"{diff.field} of '{result.key}'"
            if diff.fix is None:
                skipped.append(f"not fixed: {where}: change it by hand")
            elif diff.ours and diff.field not in ref.field_lines:
                skipped.append(f"not fixed: {where} is inherited through crossref")
            else:
                fixes.append(Fix(ref.span.path, ref.key, diff.field, diff.fix))
    return fixes, skipped


def _apply_fixes(
    results: list[Result], library: Library, run: VerifyRun, outcome: VerifyOutcome
) -> tuple[list[Result], Library]:
    """--diff into `outcome.diff`; with --fix (and no --diff) the edits written and the entries
    judged again as written, so the report and the stored verdicts describe the library as it
    is now."""
    from ..library import load_library
    from ..library.diff import unified_diff
    from ..library.edit import plan_fixes, write_edits
    from ..verify import judge

    fixes, skipped = plan_verify_fixes(results, library, run.fields)
    edits = plan_fixes(fixes, add_missing=True, library=library)
    outcome.diff = unified_diff(edits)
    outcome.notes += skipped
    if not run.fix or run.diff:
        return results, library
    write_edits(edits)
    count = sum(len(e.applied) for e in edits if e.changed)
    files = sum(1 for e in edits if e.changed)
    outcome.notes += [f"fixed {plural(count, 'field')} in {plural(files, 'file')}"]
    outcome.notes += [f"not fixed: {reason}" for e in edits for _, reason in e.skipped]
    # Judge the written entries again against the records already fetched: no requests.
    library = load_library(run.refs, run.parse_cache, run.encodings)
    results = [
        judge(library[r.key], r.resolution) if r.resolution is not None and r.key in library else r
        for r in results
    ]
    return results, library


def _table(config: Config) -> dict[str, Any]:
    """[verify], each value of its type."""
    table = config.read("verify", _KEYS)
    return {
        "concurrency": table.whole("concurrency", DEFAULT_CONCURRENCY, minimum=1),
        "strict": table.flag("strict", False),
    }


def _select(library: Library, keys: Sequence[str]) -> list[Reference]:
    if not keys:
        return list(library)
    chosen: list[Reference] = []
    for key in dict.fromkeys(keys):
        ref = library.get(key)
        if ref is None:
            close = library.suggest(key)
            hint = f"did you mean {', '.join(close)}?" if close else "run without keys for all"
            raise UsageError(f"no entry with key '{key}' in the library", hint=hint)
        chosen.append(ref)
    return chosen
