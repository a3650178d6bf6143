"""Which findings count: codes disabled or re-graded per project and per path, inline ignores."""

from __future__ import annotations

import fnmatch
import re
from collections.abc import Iterable, Mapping
from dataclasses import dataclass, field, replace
from pathlib import Path
from typing import Any

from ..errors import ConfigError
from ..findings import SEVERITIES, Finding, Rule
from ..model import Span
from ..snapshot import Snapshot
from ..wording import did_you_mean

OFF = "off"
KEYS = frozenset({"severity", "disable", "paths", "uncited", "articles"})  # of [check]
# `% citations: ignore[missing-field, invalid-doi]` or `% citations: ignore` on the lines
# just above an entry.
_IGNORE_RE = re.compile(r"^\s*%+\s*citations:\s*ignore(?:\[([^\]]*)\])?\s*$", re.IGNORECASE)


@dataclass(frozen=True)
class PathRule:
    """Severity changes for files matching any of `patterns` (glob, relative to the project)."""

    patterns: tuple[str, ...]
    severity: Mapping[str, str]


@dataclass(frozen=True)
class CheckSettings:
    """`[check]` in citations.toml: `severity = {code = "warning" | "off"}`, `disable = [...]`,
    `uncited = false`, `articles = [...]`, and `[[check.paths]]` tables for paths."""

    severity: Mapping[str, str] = field(default_factory=dict)
    paths: tuple[PathRule, ...] = ()
    articles: tuple[Path, ...] = ()
    root: Path = Path(".")

    @classmethod
    def from_table(
        cls, table: Mapping[str, Any], rules: Mapping[str, Rule], root: Path, where: Span | None
    ) -> CheckSettings:
        unknown = [key for key in table if key not in KEYS]  # Config.section checks first
        if unknown:
            hint = did_you_mean(unknown[0], KEYS)
            raise ConfigError(f"unknown setting 'check.{unknown[0]}'", where, hint)
        severity = _severities(table.get("severity", {}), rules, where)
        for code in _codes(table.get("disable", []), rules, where):
            severity[code] = OFF
        if table.get("uncited", True) is False:
            severity["uncited-entry"] = OFF
        path_rules = []
        for item in table.get("paths", []):
            if not isinstance(item, dict) or "paths" not in item:
                raise ConfigError("each [[check.paths]] needs 'paths = [...]'", where)
            levels = _severities(item.get("severity", {}), rules, where)
            for code in _codes(item.get("disable", []), rules, where):
                levels[code] = OFF
            patterns = item["paths"] if isinstance(item["paths"], list) else [item["paths"]]
            path_rules.append(PathRule(tuple(str(p) for p in patterns), levels))
        articles = table.get("articles", [])
        articles = [articles] if isinstance(articles, str) else articles
        if not isinstance(articles, list) or not all(isinstance(a, str) for a in articles):
            raise ConfigError("'check.articles' must be a path or a list of paths", where)
        return cls(
            severity=severity,
            paths=tuple(path_rules),
            articles=tuple(root / a for a in articles),
            root=root,
        )

    def level(self, finding: Finding) -> str:
        """The severity this finding gets here, or "off"."""
        level = self.severity.get(finding.code, finding.severity)
        if finding.span is not None and self.paths:
            path = _relative(finding.span.path, self.root)
            for rule in self.paths:
                if any(_matches(path, pattern) for pattern in rule.patterns):
                    level = rule.severity.get(finding.code, level)
        return level


def apply_settings(
    findings: Iterable[Finding], settings: CheckSettings, snapshot: Snapshot
) -> list[Finding]:
    """Drop what is disabled or ignored inline; re-grade what the settings say."""
    kept = []
    for finding in findings:
        level = settings.level(finding)
        if level == OFF or _ignored_inline(finding, snapshot):
            continue
        if level != finding.severity:
            finding = replace(finding, severity=level)  # type: ignore[arg-type]
        kept.append(finding)
    return kept


def _ignored_inline(finding: Finding, snapshot: Snapshot) -> bool:
    """True when the comment lines right above the finding's entry ignore its code."""
    if finding.key is None or finding.span is None:
        return False
    ref = snapshot.library.get(finding.key)
    if ref is None or ref.span.path != finding.span.path:
        return False
    lines = snapshot.lines(ref.span.path)
    index = min(ref.span.line - 2, len(lines) - 1)  # the line above the entry, 0-based
    while index >= 0 and lines[index].lstrip().startswith("%"):
        m = _IGNORE_RE.match(lines[index])
        if m:
            codes = m.group(1)
            if codes is None or finding.code in {c.strip() for c in codes.split(",")}:
                return True
        index -= 1
    return False


def _severities(table: Any, rules: Mapping[str, Rule], where: Span | None) -> dict[str, str]:
    if not isinstance(table, dict):
        raise ConfigError("'severity' must be a table of code = level", where)
    out = {}
    for code, level in table.items():
        _codes([code], rules, where)
        if level not in (*SEVERITIES, OFF):
            raise ConfigError(
                f"severity of '{code}' must be one of error, warning, info, off", where
            )
        out[code] = level
    return out


def _codes(codes: Any, rules: Mapping[str, Rule], where: Span | None) -> list[str]:
    if not isinstance(codes, list):
        raise ConfigError("'disable' must be a list of finding codes", where)
    for code in codes:
        if code not in rules:
            hint = did_you_mean(code, rules, listing=False)
            raise ConfigError(f"unknown finding code '{code}'", where, hint)
    return list(codes)


def _relative(path: str, root: Path) -> str:
    try:
        return Path(path).resolve().relative_to(root.resolve()).as_posix()
    except ValueError:
        return Path(path).as_posix()


def _matches(path: str, pattern: str) -> bool:
    return fnmatch.fnmatch(path, pattern) or fnmatch.fnmatch(path, pattern.rstrip("/") + "/*")
