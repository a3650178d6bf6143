"""Link results → findings, reports (text, JSON, Markdown, HTML, finding formats), exit code."""

from __future__ import annotations

import dataclasses
import re
from collections import Counter
from collections.abc import Callable, Iterable, Sequence
from typing import Any

from ..errors import CitationsError
from ..findings import Finding, Rule, Severity
from ..model import Span
from ..reporters import ReportMeta, get_reporter
from ..reporters.escape import json_text, one_line
from ..wording import did_you_mean
from .describe import (
    QUIET,
    by_severity,
    hint,
    history_facts,
    iso,
    label,
    link_target,
    shown,
    summary,
)
from .model import OUTCOMES, Place, Result, result_to_dict

SCHEMA_VERSION = 1
FORMATS = ("text", "json", "junit", "sarif", "github", "markdown", "html")
DEFAULT_FAIL_ON: frozenset[str] = frozenset({"broken"})
# Failures that may be the far side's passing mood: --fail-after N applies to these only.
PERSISTENCE_GATED = frozenset({"transient", "blocked"})
LINK_RULES: tuple[Rule, ...] = (
    Rule("link-broken", "error", "A URL or DOI is broken: 404/410, no such host, refused, "
         "DOI not registered, invalid URL, or a page that says it is not found."),
    Rule("link-tls-error", "error", "A URL's TLS certificate is expired, self-signed, "
         "untrusted or for another host."),
    Rule("link-transient", "warning", "A URL could not be checked this time: timeout, 5xx, "
         "429 after retries, connection reset, DNS temporary failure."),
    Rule("link-blocked", "warning", "A URL exists but refuses robots (401/403/412/418/999 "
         "or a challenge page); check it in a browser."),
    Rule("link-redirected", "info", "A URL redirects permanently: update it to the new one."),
    Rule("link-warning", "info", "A URL works, with a warning (a temporary redirect, "
         "rate limiting, ...)."),
)  # fmt: skip
_CODES: dict[str, str] = {
    "broken": "link-broken", "tls-error": "link-tls-error", "transient": "link-transient",
    "blocked": "link-blocked",
}  # fmt: skip
_SEVERITY: dict[str, Severity] = {rule.code: rule.severity for rule in LINK_RULES}
_VERBS = {
    "broken": "is broken", "tls-error": "has a TLS error", "transient": "could not be checked",
    "blocked": "refuses automated checks", "ok-with-warning": "works, with a warning",
}  # fmt: skip


def link_findings(results: Sequence[Result]) -> list[Finding]:
    """One finding per place of each result that is neither ok nor excluded; credentials
    redacted, and the message and hint one line each, control characters escaped."""
    findings: list[Finding] = []
    for result in map(shown, results):
        if result.outcome in QUIET:
            continue
        code = _code(result)
        message = f"{label(result)} {_VERBS[result.outcome]}"
        if code == "link-redirected":
            message = f"{label(result)} redirects permanently to {result.permanent_redirect}"
        elif result.detail:
            message += f": {result.detail}"
        facts = history_facts(result)
        if facts:
            message += f" ({'; '.join(facts)})"
        message = one_line(message)
        places: Iterable[Place | None] = result.places or (None,)
        for place in places:
            span = Span(place.path, place.line, place.column) if place else None
            findings.append(
                Finding(
                    code,
                    _SEVERITY[code],
                    message,
                    span,
                    hint=one_line(hint(result)),
                    key=place.key if place else None,
                )
            )
    return findings


def _code(result: Result) -> str:
    if result.outcome == "ok-with-warning":
        return "link-redirected" if result.permanent_redirect else "link-warning"
    return _CODES[result.outcome]


def failure_streak(result: Result) -> int:
    """How many runs in a row, this one included, the link has failed; 0 when it did not fail.

    The checker counts the streak from the cache's history (this run included); with no
    cache, this run is all there is.
    """
    if result.outcome in QUIET or result.outcome == "ok-with-warning":
        return 0
    return max(1, result.consecutive_failures)


def exit_failed(
    results: Sequence[Result], fail_on: frozenset[str] = DEFAULT_FAIL_ON, fail_after: int = 1
) -> bool:
    """True when the run should fail: some result fails it (see `fails_run`)."""
    return any(fails_run(result, fail_on, fail_after) for result in results)


def fails_run(
    result: Result, fail_on: frozenset[str] = DEFAULT_FAIL_ON, fail_after: int = 1
) -> bool:
    """True when `result` fails the run: its outcome is in `fail_on`, where transient and
    blocked count only after `fail_after` failures in a row (a flaky server must not break CI)."""
    if result.outcome not in fail_on:
        return False
    return result.outcome not in PERSISTENCE_GATED or failure_streak(result) >= fail_after


def render_report(
    results: Sequence[Result],
    fmt: str,
    meta: ReportMeta,
    fails: Callable[[Result], bool] = fails_run,
) -> str:
    """The report of `results` in `fmt`, one of FORMATS. No format shows a URL's password;
    those that count failures (JUnit) count the results that `fails`, as the exit code does."""
    results = [shown(result) for result in results]
    match fmt:
        case "text":
            return text_report(results)
        case "json":
            return json_report(results, meta)
        case "markdown":
            return markdown_report(results)
        case "html":
            from .html_report import html_report

            return html_report(results, meta)
        case "junit" | "sarif" | "github":
            rules = {rule.code: rule for rule in LINK_RULES}
            failing = set(link_findings([r for r in results if fails(r)]))
            links_meta = dataclasses.replace(
                meta, command="links", rules=rules, fails=failing.__contains__
            )
            return get_reporter(fmt)(link_findings(results), links_meta)
    hint = did_you_mean(fmt, FORMATS)
    raise CitationsError(f"unknown report format '{fmt}'", hint=hint)


def text_report(results: Sequence[Result]) -> str:
    rows: list[tuple[tuple[str, int, int], str]] = []
    for result in results:
        if result.outcome in QUIET:
            continue
        detail = " — ".join(x for x in (result.detail, hint(result)) if x)
        extra = "; ".join(history_facts(result) + (["from cache"] if result.from_cache else []))
        hops = [f"    {status} → {one_line(url)}" for status, url in result.redirects]
        for place in result.places or (None,):
            where = f"{place.path}:{place.line}:{place.column}: " if place else ""
            head = f"{where}{result.outcome} {result.url}"
            head += f" — {detail}" if detail else ""
            head += f" [{place.key}]" if place and place.key else ""
            head += f" ({extra})" if extra else ""
            order = (place.path, place.line, place.column) if place else ("", 0, 0)
            rows.append((order, "\n".join([one_line(head), *hops])))
    lines = [row for _, row in sorted(rows, key=lambda row: row[0])]
    return "\n".join([*lines, summary(results)]) + "\n"


def result_json(result: Result) -> dict[str, Any]:
    """result_to_dict, plus where the link is written and what the cache remembers of it."""
    return result_to_dict(result) | {
        "places": [dataclasses.asdict(place) for place in result.places],
        "from_cache": result.from_cache,
        "failing_since": iso(result.failing_since),
        "recent_failures": result.recent_failures,
        "recent_runs": result.recent_runs,
        "consecutive_failures": result.consecutive_failures,
    }


def json_report(results: Sequence[Result], meta: ReportMeta) -> str:
    """Schema `citations-links` version 1 (citations/schemas/links-1.json)."""
    counts = Counter(r.outcome for r in results)
    document = {
        "schema": "citations-links",
        "version": SCHEMA_VERSION,
        "tool": {"name": "citations", "version": meta.version},
        "results": [result_json(r) for r in results],
        "summary": {outcome: counts[outcome] for outcome in OUTCOMES},
    }
    return json_text(document)


# What could start markup inside a table cell; `(` is harmless once `[` and `]` are escaped.
_MARKDOWN_SPECIAL = re.compile(r"([\\`*_\[\]<>|~])")


def md_cell(text: str) -> str:
    """Text for a Markdown table cell: inline markup, HTML and `|` escaped, lines kept."""
    text = _MARKDOWN_SPECIAL.sub(r"\\\1", text.replace("&", "&amp;"))
    return "<br>".join(one_line(line) for line in text.replace("\r\n", "\n").split("\n"))


def markdown_report(results: Sequence[Result]) -> str:
    lines = ["## Link check", "", md_cell(summary(results)), ""]
    listed = [r for r in by_severity(results) if r.outcome not in QUIET]
    if not listed:
        return "\n".join(lines)
    lines += ["| Outcome | URL/DOI | Status | Detail | Places |", "|---|---|---|---|---|"]
    for result in listed:
        target = link_target(result)
        name = md_cell(("doi:" if result.kind == "doi" else "") + result.url)
        link = f"[{name}]({target})" if target else name
        detail = "\n".join(x for x in (result.detail, hint(result), *history_facts(result)) if x)
        places = "\n".join(
            f"{p.path}:{p.line}" + (f" ({p.key})" if p.key else "") for p in result.places
        )
        status = "" if result.status is None else str(result.status)
        cells = [result.outcome, link, status, md_cell(detail), md_cell(places)]
        lines.append(f"| {' | '.join(cells)} |")
    return "\n".join(lines) + "\n"
