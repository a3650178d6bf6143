"""How one link result is told to people, whatever the report: its rank among outcomes, its
label and hint, what the cache remembers of it, where it may link to, one-line text, and
credentials in its URLs redacted."""

from __future__ import annotations

import dataclasses
import re
from collections import Counter
from collections.abc import Iterable, Sequence
from datetime import datetime, timezone
from urllib.parse import quote

from ..net.credentials import redact
from ..wording import plural
from .model import Outcome, Result

# Worst first: the order of the reports and of the HTML table's outcome column.
SEVERITY_ORDER: tuple[Outcome, ...] = (
    "broken",
    "tls-error",
    "transient",
    "blocked",
    "ok-with-warning",
    "ok",
    "excluded",
)
QUIET = frozenset({"ok", "excluded"})  # listed in summaries, not line by line


UTC = timezone.utc  # the datetime module names it only from Python 3.11


def label(result: Result) -> str:
    return f"DOI {result.url}" if result.kind == "doi" else f"URL {result.url}"


def hint(result: Result) -> str:
    parts = [f"update it to {result.permanent_redirect}"] if result.permanent_redirect else []
    return "; ".join([*parts, result.note] if result.note else parts)


def history_facts(result: Result) -> list[str]:
    """`broken since 2026-11-20`, `failed 3 of the last 4 runs`: what the cache remembers."""
    facts = []
    if result.failing_since is not None and result.outcome not in QUIET:
        word = "broken" if result.outcome == "broken" else "failing"
        facts.append(f"{word} since {_day(result.failing_since)}")
    if result.recent_runs > 1 and result.recent_failures > 0:
        facts.append(f"failed {result.recent_failures} of the last {result.recent_runs} runs")
    return facts


def _day(timestamp: float) -> str:
    return datetime.fromtimestamp(timestamp, UTC).date().isoformat()


def summary(results: Sequence[Result]) -> str:
    """`12 links checked (3 from cache): 1 broken, 1 ok-with-warning, 10 ok`."""
    if not results:
        return "no links checked"
    counts = Counter(r.outcome for r in results)
    cached = sum(1 for r in results if r.from_cache)
    total = f"{plural(len(results), 'link')} checked"
    total += f" ({cached} from cache)" if cached else ""
    return f"{total}: {', '.join(f'{counts[o]} {o}' for o in SEVERITY_ORDER if counts[o])}"


def by_severity(results: Iterable[Result]) -> list[Result]:
    return sorted(results, key=lambda r: (SEVERITY_ORDER.index(r.outcome), r.kind, r.url))


def shown(result: Result) -> Result:
    """The result as a report shows it: the password of every URL in it (its own, its
    redirects', those its detail and note quote) as `***`. Reports escape control characters
    each in their own way."""
    return dataclasses.replace(
        result,
        url=redact(result.url),
        detail=redact(result.detail),
        note=redact(result.note),
        redirects=[(status, redact(url)) for status, url in result.redirects],
        final_url=None if result.final_url is None else redact(result.final_url),
        permanent_redirect=(
            None if result.permanent_redirect is None else redact(result.permanent_redirect)
        ),
    )


def iso(timestamp: float | None) -> str | None:
    return None if timestamp is None else datetime.fromtimestamp(timestamp, UTC).isoformat()


def link_target(result: Result) -> str | None:
    """Where a report may link to: http(s) URLs and DOIs (through doi.org), nothing else."""
    if result.kind == "doi":
        return "https://doi.org/" + quote(result.url, safe="/")
    if re.fullmatch(r"(?i)https?://[^\s\x00-\x1f\x7f]+", result.url):
        # Percent-encode what could end a Markdown destination or an HTML attribute early.
        return quote(result.url, safe="/:?#[]@!$&'*+,;=%~-._")
    return None
