"""`citations claims` as a function: articles → claims → evidence and flags → report."""

from __future__ import annotations

from collections.abc import Mapping, Sequence
from dataclasses import dataclass, field
from pathlib import Path
from typing import TYPE_CHECKING, Any

from . import __version__
from .config import Config, parse_cache_dir
from .errors import CitationsError
from .findings import Finding, has_errors

if TYPE_CHECKING:
    from .net.cache import Cache


@dataclass
class ClaimsOutcome:
    report: str
    findings: list[Finding] = field(default_factory=list)
    failed: bool = False
    notes: list[str] = field(default_factory=list)  # cache trouble, for standard error


def run_claims_command(
    config: Config, articles: Sequence[Path], options: Mapping[str, Any]
) -> ClaimsOutcome:
    """Options: refs, report_format (text|json|markdown|html), cache, no_cache, strict.

    The links cache is only read, and only if it exists: `claims` never fetches anything.
    """
    from .article import read_article
    from .checks import find_articles
    from .claims import find_claims
    from .claims.flags import flag_claims
    from .claims.report import build_report, render_report
    from .library import load_library
    from .styles import get_style

    if not articles:
        raise CitationsError("no articles given", hint="name one or more articles or folders")
    library = load_library(options.get("refs") or config.refs, parse_cache_dir(config))
    index = find_claims([read_article(p) for p in find_articles(articles)], library)
    style = get_style(config.style, config.style_options)
    notes: list[str] = []
    cache = _open_cache(config, options, notes)
    try:
        flags = flag_claims(index, library, cache)
    finally:
        if cache is not None:
            notes += cache.notes
            cache.close()
    report = build_report(index, library, style, flags, __version__)
    text = render_report(report, options.get("report_format") or "text")
    failed = has_errors(flags, strict=bool(options.get("strict")))
    return ClaimsOutcome(text, flags, failed, notes)


def _open_cache(config: Config, options: Mapping[str, Any], notes: list[str]) -> Cache | None:
    """The cache, if its file exists (opening would create one, and there is nothing to read)."""
    from .net.cache import chosen_cache_path

    path = chosen_cache_path(config, options)
    if path is None or not path.is_file():
        if options.get("cache"):
            notes.append(f"no cache at {path}: broken links are not flagged")
        return None
    from .net.cache import Cache

    return Cache.open(path)
