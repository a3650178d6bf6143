"""`citations claims` as a function: articles → claims → evidence and flags → report."""

from __future__ import annotations

import contextlib
from collections.abc import Iterator, Mapping, Sequence
from dataclasses import dataclass, field
from pathlib import Path
from typing import TYPE_CHECKING, Any

from .. import __version__
from ..config import Config, parse_cache_dir
from ..errors import CitationsError
from ..findings import Finding, has_errors

if TYPE_CHECKING:
    from ..net.cache import Cache


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

    The cache (link results from `citations links`, verdicts from `citations verify`) is only
    read, and only if it exists: `claims` never fetches anything.
    """
    from ..checks import find_articles
    from ..claims import find_claims
    from ..claims.flags import flag_claims
    from ..claims.report import build_report, render_report
    from ..library import load_library
    from ..render.article import read_article
    from ..render.styles import get_style
    from ..verify.store import recorded_verdicts

    if not articles:
        raise CitationsError("no articles given", hint="name one or more articles or folders")
    library = load_library(options.get("refs") or config.refs, parse_cache_dir(config))
    index = find_claims([read_article(p) for p in find_articles(articles)], library)
    style = get_style(config.style, config.style_options_for(config.style))
    notes: list[str] = []
    with read_caches(config, options, notes) as (links, verify):
        verified = recorded_verdicts(verify, library, index.citing)
        flags = flag_claims(index, library, links, verified)
    report = build_report(index, library, style, flags, __version__)
    text = render_report(report, options.get("report_format") or "text")
    failed = has_errors(flags, strict=bool(options.get("strict")))
    return ClaimsOutcome(text, flags, failed, notes)


@contextlib.contextmanager
def read_caches(
    config: Config, options: Mapping[str, Any], notes: list[str]
) -> Iterator[tuple[Cache | None, Cache | None]]:
    """The links cache and verify's (`[links] cache` and `[verify] cache` may differ), each
    only if its file exists: opening would create one, and there is nothing to read. Both are
    one connection when they name the same file; cache trouble goes to `notes`."""
    from ..net.cache import Cache, chosen_cache_path

    paths = (chosen_cache_path(config, options), chosen_cache_path(config, options, "verify"))
    opened: dict[Path, Cache] = {}
    chosen: list[Cache | None] = []
    try:
        for path in paths:
            if path is None or not path.is_file():
                chosen.append(None)
                continue
            where = path.resolve()
            if where not in opened:
                opened[where] = Cache.open(path)
            chosen.append(opened[where])
        if options.get("cache") and not opened:
            notes.append(f"no cache at {options['cache']}: broken links and verify's verdicts "
                         "are not flagged")  # fmt: skip
        yield chosen[0], chosen[1]
    finally:
        for cache in opened.values():
            notes.extend([n for n in cache.notes if n not in notes])
            cache.close()
