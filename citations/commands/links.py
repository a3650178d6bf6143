"""`citations links` as a function: [links] settings and options → targets → checks → report."""

from __future__ import annotations

from collections.abc import Callable, Mapping
from dataclasses import dataclass, field, replace
from pathlib import Path
from typing import Any

from .. import __version__
from ..config import Config, parse_cache_dir
from ..errors import CitationsError, ConfigError, UsageError
from ..findings import Finding
from ..links.model import NO_NETWORK, OUTCOMES, LinkSettings, Result
from ..model import Span
from ..net.endpoints import registry_urls
from ..wording import plural

_KEYS = {
    "concurrency", "per-host", "host-interval", "timeout", "connect-timeout", "deadline",
    "user-agent", "exclude", "accept", "fail-on", "fail-after", "headers", "hosts", "cache",
    "private", "retries", "max-redirects",
}  # fmt: skip


@dataclass
class LinksOutcome:
    report: str
    results: list[Result] = field(default_factory=list)
    findings: list[Finding] = field(default_factory=list)
    failed: bool = False
    unchecked: str = ""  # why the run could not check (offline), for one line at the end


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


def link_settings(config: Config, options: Mapping[str, Any]) -> LinkSettings:
    """The [links] table with the command line's options over it."""
    table = config.sections.get("links", {})
    where = config.span_of("links") if config.path else None
    for key in table:
        if key not in _KEYS:
            known = f"known: {', '.join(sorted(_KEYS))}"
            raise ConfigError(f"unknown setting 'links.{key}'", where, known)

    def pick(option: str, key: str, default: Any) -> Any:
        value = options.get(option)
        return value if value not in (None, (), "") else table.get(key, default)

    base = LinkSettings()
    hosts = {
        str(host): (int(v.get("per-host", base.per_host)), float(v.get("interval", 0.0)))
        for host, v in dict(table.get("hosts", {})).items()
    }  # fmt: skip
    timeout = float(pick("timeout", "timeout", base.read_timeout))
    accept = pick("accept", "accept", "")
    registries_at = config.span_of("registries") if config.path else None
    urls = registry_urls(config.sections.get("registries"), registries_at)
    return replace(
        base,
        concurrency=int(pick("concurrency", "concurrency", base.concurrency)),
        per_host=int(pick("per_host", "per-host", base.per_host)),
        host_interval=float(table.get("host-interval", base.host_interval)),
        connect_timeout=float(table.get("connect-timeout", min(base.connect_timeout, timeout))),
        read_timeout=timeout,
        deadline=float(pick("deadline", "deadline", base.deadline)),
        retries=int(table.get("retries", base.retries)),
        max_redirects=int(table.get("max-redirects", base.max_redirects)),
        user_agent=str(pick("user_agent", "user-agent", base.user_agent)),
        accept=parse_accept(accept) if accept else base.accept,
        exclude=tuple(options.get("exclude") or ()) + tuple(table.get("exclude", ())),
        host_headers={str(h): dict(v) for h, v in dict(table.get("headers", {})).items()},
        host_limits=hosts,
        allow_private=not options.get("no_private") and bool(table.get("private", True)),
        doi_base=urls["doi"],
        ca_bundle=options.get("ca_bundle") or None,
    )


def run_links_command(
    config: Config,
    options: Mapping[str, Any],
    progress: Callable[[int, int], None] | None = None,
) -> LinksOutcome:
    from ..checks import find_articles
    from ..library import load_library
    from ..links.check import check_targets, offline
    from ..links.collect import changed_keys, collect_targets
    from ..links.report import exit_failed, link_findings, render_report
    from ..net.cache import Cache, chosen_cache_path
    from ..render.article import read_article
    from ..reporters import ReportMeta

    settings = link_settings(config, options)
    table = config.sections.get("links", {})
    if options.get("fail_on"):
        fail_on = _fail_on(options["fail_on"], "--fail-on", UsageError)
    else:
        where = config.span_of("fail-on", "links")
        fail_on = _fail_on(table.get("fail-on"), "links.fail-on", ConfigError, where)
    fail_after = int(options.get("fail_after") or table.get("fail-after", 1))
    library = load_library(options.get("refs") or config.refs, parse_cache_dir(config))
    articles = [read_article(p) for p in find_articles(options.get("articles") or ())]
    keys = changed_keys(library, options["changed_since"]) if options.get("changed_since") else None
    targets = collect_targets(library, articles, keys=keys)
    cache_path = chosen_cache_path(config, options)
    cache = Cache.open(cache_path) if cache_path is not None else None
    try:
        results = check_targets(targets, settings, cache=cache, progress=progress)
    finally:
        if cache is not None:
            cache.close()
    meta = ReportMeta("links", __version__, {}, config.path.parent if config.path else Path.cwd())
    report = render_report(results, options.get("report_format") or "text", meta)
    findings = link_findings(results)
    outcome = LinksOutcome(report, results, findings, exit_failed(results, fail_on, fail_after))
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
        raise error(f"{name}: unknown outcome {sorted(unknown)[0]!r}", where,
                    f"use some of {', '.join(OUTCOMES)}")  # fmt: skip
    return chosen
