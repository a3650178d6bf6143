"""`citations claims` as a function: articles → claims → evidence and flags → report."""

from __future__ import annotations

import contextlib
from collections.abc import Iterator, Mapping, Sequence
from dataclasses import dataclass, field
from pathlib import Path
from typing import TYPE_CHECKING, Any

from ..config import Config
from ..errors import CitationsError
from ..findings import Finding, has_errors
from ..library.encoding import Encodings
from ..version import __version__

if TYPE_CHECKING:
    from ..net.cache import Cache
    from ..render.styles import Style


@dataclass
class ClaimsOutcome:
    report: str
    findings: list[Finding] = field(default_factory=list)
    failed: bool = False
    notes: list[str] = field(default_factory=list)  # cache trouble, for standard error
    unread: list[Finding] = field(default_factory=list)  # Library.unread(), for stderr


@dataclass(frozen=True)
class ClaimsRun:
    """`citations claims`, settled once from the config and the command line."""

    articles: tuple[Path, ...]
    refs: tuple[Path, ...]
    style: Style
    report_format: str = "text"
    strict: bool = False
    caches: tuple[Path | None, Path | None] = (None, None)  # links' results, verify's verdicts
    given_cache: Path | None = None  # --cache, to say so when there is nothing there
    parse_cache: Path | None = None
    encodings: Encodings | None = None  # [library] encoding

    @classmethod
    def from_config(cls, config: Config, articles: Sequence[Path], **options: Any) -> ClaimsRun:
        """Options (click's names): refs, report_format (text|json|markdown|html), cache,
        no_cache, strict."""
        from ..render.styles import get_style

        if not articles:
            raise CitationsError("no articles given", hint="name one or more articles or folders")
        return cls(
            articles=tuple(articles),
            refs=tuple(options.get("refs") or config.refs),
            style=get_style(config.style, config.style_options_for(config.style)),
            report_format=options.get("report_format") or "text",
            strict=bool(options.get("strict")),
            caches=read_cache_paths(config, options.get("cache"), bool(options.get("no_cache"))),
            given_cache=options.get("cache"),
            parse_cache=config.cache_folder(),
            encodings=Encodings(*config.encodings()),
        )


def read_cache_paths(
    config: Config, given: Path | None, off: bool
) -> tuple[Path | None, Path | None]:
    """The caches `claims` reads: links' results and verify's verdicts (`[links] cache` and
    `[verify] cache` may differ; --cache names one file for both)."""
    return config.cache_file("links", given, off=off), config.cache_file("verify", given, off=off)


def run_claims_command(
    config: Config, articles: Sequence[Path], options: Mapping[str, Any]
) -> ClaimsOutcome:
    """The command from a config and the command line's options, as click names them."""
    return run_claims(ClaimsRun.from_config(config, articles, **options))


def run_claims(run: ClaimsRun) -> ClaimsOutcome:
    """The claims of the articles, their evidence and flags, as a report. The caches are only
    read, and only if they exist: `claims` never fetches anything."""
    from ..claims import find_claims
    from ..claims.flags import flag_claims
    from ..claims.report import build_report, render_report
    from ..library import load_library
    from ..render.article import read_article
    from ..snapshot import find_articles
    from ..verify.store import recorded_verdicts

    library = load_library(run.refs, run.parse_cache, run.encodings)
    index = find_claims([read_article(p) for p in find_articles(run.articles)], library)
    notes: list[str] = []
    with read_caches(run.caches, notes, run.given_cache) as (links, verify):
        verified = recorded_verdicts(verify, library, index.citing)
        flags = flag_claims(index, library, links, verified)
    records = {key: stored.evidence for key, stored in verified.items()}
    report = build_report(index, library, run.style, flags, __version__, records)
    text = render_report(report, run.report_format)
    failed = has_errors(flags, strict=run.strict)
    return ClaimsOutcome(text, flags, failed, notes, unread=library.unread())


@contextlib.contextmanager
def read_caches(
    paths: tuple[Path | None, Path | None], notes: list[str], given: Path | None = None
) -> Iterator[tuple[Cache | None, Cache | None]]:
    """The links cache and verify's, each only if its file exists: opening would create one,
    and there is nothing to read. Both are one connection when they name the same file;
    cache trouble goes to `notes`, and so does a `given` file that is not there."""
    from ..net.cache import Cache

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
        if given and not opened:
            notes.append(f"no cache at {given}: broken links and verify's verdicts are not flagged")
        yield chosen[0], chosen[1]
    finally:
        for cache in opened.values():
            notes.extend([n for n in cache.notes if n not in notes])
            cache.close()
