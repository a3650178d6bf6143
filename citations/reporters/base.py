"""Reporters: findings → text, JSON, JUnit XML, SARIF 2.1.0 or GitHub annotations; a closed set."""

from __future__ import annotations

from collections.abc import Callable, Sequence

from ..errors import CitationsError
from ..findings import Finding
from ..wording import did_you_mean
from .meta import ReportMeta

Reporter = Callable[[Sequence[Finding], ReportMeta], str]


def _text(findings: Sequence[Finding], meta: ReportMeta) -> str:
    from .text import report

    return report(findings, meta)


def _json(findings: Sequence[Finding], meta: ReportMeta) -> str:
    from .json import report

    return report(findings, meta)


def _junit(findings: Sequence[Finding], meta: ReportMeta) -> str:
    from .junit import report

    return report(findings, meta)


def _sarif(findings: Sequence[Finding], meta: ReportMeta) -> str:
    from .sarif import report

    return report(findings, meta)


def _github(findings: Sequence[Finding], meta: ReportMeta) -> str:
    from .github import report

    return report(findings, meta)


REPORTERS: dict[str, Reporter] = {
    "text": _text,
    "json": _json,
    "junit": _junit,
    "sarif": _sarif,
    "github": _github,
}


def get_reporter(name: str) -> Reporter:
    try:
        return REPORTERS[name]
    except KeyError:
        hint = did_you_mean(name, REPORTERS)
        raise CitationsError(f"unknown report format '{name}'", hint=hint) from None
