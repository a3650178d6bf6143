"""`citations links` as a function: [links] settings and options → targets → checks → report."""

from __future__ import annotations

import functools
from collections.abc import Callable, Mapping
from dataclasses import dataclass, field, replace
from pathlib import Path
from typing import Any

from ..config import Config, Section, regex
from ..errors import CitationsError, ConfigError, UsageError
from ..findings import Finding
from ..library.encoding import Encodings
from ..links.model import NO_NETWORK, OUTCOMES, LinkSettings, Result
from ..model import Span
from ..version import __version__
from ..wording import plural

_KEYS = frozenset(
    {
        "concurrency",
        "per-host",
        "host-interval",
        "timeout",
        "connect-timeout",
        "deadline",
        "user-agent",
        "exclude",
        "accept",
        "fail-on",
        "fail-after",
        "headers",
        "hosts",
        "cache",
        "private",
        "retries",
        "max-redirects",
    }
)


@dataclass
class LinksOutcome:
    report: str
    results: list[Result] = field(default_factory=list)
    findings: list[Finding] = field(default_factory=list)
    failed: bool = False
    unchecked: str = ""  # why the run could not check (offline), for one line at the end
    unread: list[Finding] = field(default_factory=list)  # Library.unread(), for stderr


def parse_accept(text: str) -> frozenset[int]:
    """`200-299,403` → those codes."""
    codes: set[int] = set()
    for part in text.split(","):
        part = part.strip()
        low, sep, high = part.partition("-")
        if not low.isdigit() or (sep and not high.isdigit()):
            raise ConfigError(f"accepted status codes must look like 200-299,403, not {text!r}")
        codes.update(range(int(low), int(high) + 1) if sep else {int(low)})
    return frozenset(codes)


@dataclass(frozen=True)
class LinksRun:
    """`citations links`, settled once from the config and the command line."""

    checker: LinkSettings
    refs: tuple[Path, ...]
    articles: tuple[Path, ...] = ()
    changed_since: str | None = None
    report_format: str = "text"
    fail_on: frozenset[str] = frozenset({"broken"})
    fail_after: int = 1
    cache: Path | None = None  # the results cache (SQLite); None: none
    parse_cache: Path | None = None
    encodings: Encodings | None = None  # [library] encoding
    root: Path = Path(".")  # report paths are relative to this

    @classmethod
    def from_config(cls, config: Config, **options: Any) -> LinksRun:
        """The [links] table with the command line's options (click's names) over it."""
        table = config.read("links", _KEYS)
        if options.get("fail_on"):
            fail_on = _fail_on(options["fail_on"], "--fail-on", UsageError)
        else:
            where = config.span_of("fail-on", "links")
            fail_on = _fail_on(table.get("fail-on"), "links.fail-on", ConfigError, where)
        no_cache = bool(options.get("no_cache"))
        return cls(
            checker=_checker(config, table, options),
            refs=tuple(options.get("refs") or config.refs),
            articles=tuple(options.get("articles") or ()),
            changed_since=options.get("changed_since") or None,
            report_format=options.get("report_format") or "text",
            fail_on=fail_on,
            fail_after=int(options.get("fail_after") or table.whole("fail-after", 1, minimum=1)),
            cache=config.cache_file("links", options.get("cache"), off=no_cache),
            parse_cache=config.cache_folder(),
            encodings=Encodings(*config.encodings()),
            root=config.base,
        )


def _checker(config: Config, table: Section, options: Mapping[str, Any]) -> LinkSettings:
    """How links are checked: [links] with the command line's options over it."""

    def given(option: str) -> Any:
        value = options.get(option)
        return None if value in (None, (), "") else value

    base = LinkSettings()
    timeout = given("timeout") or table.number("timeout", base.read_timeout, minimum=0.1)
    accept = given("accept") or table.text("accept", "")
    hosts = {}
    for host, limits in table.tables("hosts").items():
        where = Section(config, f"links.hosts.{host}", limits)
        hosts[host] = (
            where.whole("per-host", base.per_host, minimum=1),
            where.number("interval", 0.0),
        )
    headers = table.tables("headers")
    if not all(isinstance(v, str) for h in headers.values() for v in h.values()):
        raise table.bad("headers", "a table of header tables, each value a string")
    exclude = tuple(regex(p, "--exclude") for p in options.get("exclude") or ())
    return replace(
        base,
        concurrency=given("concurrency") or table.whole("concurrency", base.concurrency, minimum=1),
        per_host=given("per_host") or table.whole("per-host", base.per_host, minimum=1),
        host_interval=table.number("host-interval", base.host_interval),
        connect_timeout=table.number(
            "connect-timeout", min(base.connect_timeout, timeout), minimum=0.1
        ),
        read_timeout=float(timeout),
        deadline=float(given("deadline") or table.number("deadline", base.deadline, minimum=1)),
        retries=table.whole("retries", base.retries),
        max_redirects=table.whole("max-redirects", base.max_redirects),
        user_agent=given("user_agent") or table.text("user-agent", base.user_agent),
        accept=parse_accept(accept) if accept else base.accept,
        exclude=exclude + table.patterns("exclude"),
        host_headers=headers,
        host_limits=hosts,
        allow_private=not options.get("no_private") and table.flag("private", True),
        doi_base=config.registry_urls()["doi"],
        ca_bundle=options.get("ca_bundle") or None,
    )


def run_links_command(
    config: Config,
    options: Mapping[str, Any],
    progress: Callable[[int, int], None] | None = None,
) -> LinksOutcome:
    """The command from a config and the command line's options, as click names them."""
    return run_links(LinksRun.from_config(config, **options), progress)


def run_links(run: LinksRun, progress: Callable[[int, int], None] | None = None) -> LinksOutcome:
    """Collect the links (no network), check them, and report."""
    from ..library import load_library
    from ..links.collect import changed_keys, collect_targets
    from ..links.report import exit_failed, fails_run, link_findings, render_report
    from ..links.run import check_targets, offline
    from ..net.cache import Cache
    from ..render.article import read_article
    from ..reporters import ReportMeta
    from ..snapshot import find_articles

    library = load_library(run.refs, run.parse_cache, run.encodings)
    articles = [read_article(p) for p in find_articles(run.articles)]
    keys = changed_keys(library, run.changed_since) if run.changed_since else None
    targets = collect_targets(library, articles, keys=keys)
    cache = Cache.open(run.cache) if run.cache is not None else None
    try:
        results = check_targets(targets, run.checker, cache=cache, progress=progress)
    finally:
        if cache is not None:
            cache.close()
    meta = ReportMeta("links", __version__, {}, run.root)
    fails = functools.partial(fails_run, fail_on=run.fail_on, fail_after=run.fail_after)
    report = render_report(results, run.report_format, meta, fails)
    failed = exit_failed(results, run.fail_on, run.fail_after)
    outcome = LinksOutcome(report, results, link_findings(results), failed, unread=library.unread())
    if offline(results):
        count = sum(r.detail == NO_NETWORK for r in results)
        outcome.unchecked = f"{NO_NETWORK}: {plural(count, 'link')} could not be checked"
    return outcome


def _fail_on(
    value: Any, name: str, error: type[CitationsError], where: Span | None = None
) -> frozenset[str]:
    """`broken,transient` (or a list of them) → those outcomes; a bad one raises `error`
    (UsageError for the command line, ConfigError for the file) naming `name`."""
    if not value:
        return frozenset({"broken"})
    names = value.split(",") if isinstance(value, str) else value
    if not isinstance(names, list) or not all(isinstance(n, str) for n in names):
        raise error(f"{name} must be outcomes separated by commas, or a list of them", where)
    chosen = frozenset(n.strip() for n in names if n.strip())
    unknown = chosen - set(OUTCOMES)
    if unknown:
        hint = f"use some of {', '.join(OUTCOMES)}"
        raise error(f"{name}: unknown outcome {sorted(unknown)[0]!r}", where, hint)
    return chosen
