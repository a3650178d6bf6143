"""Findings: one problem with one item, as a value (never an exception), shared by every pass."""

from __future__ import annotations

from dataclasses import dataclass
from typing import Literal

from .model import Span

Severity = Literal["error", "warning", "info"]
SEVERITIES: tuple[Severity, ...] = ("error", "warning", "info")


@dataclass(frozen=True)
class Rule:
    """One finding code: its default severity, what it means, and whether --fix repairs it."""

    code: str
    severity: Severity
    summary: str
    fixable: bool = False


@dataclass(frozen=True, slots=True)
class Fix:
    """A mechanical, unambiguous repair of one field: `citations check --fix` applies it.

    `value` replaces the field's value text. Unless `bare` is set, the original delimiters
    (`{...}` or `"..."`) are kept around it; `bare` writes it as is (a month macro `mar`).
    """

    path: str
    key: str
    field: str
    value: str
    bare: bool = False


@dataclass(frozen=True, slots=True)
class Finding:
    """A stable kebab-case `code`, a severity, a message, where, and how to fix it.

    `related` names other places the finding involves (the first definition of a duplicate
    key, say); `fix` is the safe repair, where there is one. Tests assert codes and spans,
    never wording.
    """

    code: str
    severity: Severity
    message: str
    span: Span | None = None
    hint: str = ""
    key: str | None = None
    related: tuple[Span, ...] = ()
    fix: Fix | None = None

    def __str__(self) -> str:
        where = f"{self.span}: " if self.span else ""
        hint = f" ({self.hint})" if self.hint else ""
        return f"{where}{self.severity}[{self.code}] {self.message}{hint}"


def fails_run(finding: Finding, *, strict: bool = False) -> bool:
    """True when `finding` alone fails the run: an error, or a warning under strict."""
    return finding.severity == "error" or (strict and finding.severity == "warning")


def has_errors(findings: list[Finding], *, strict: bool = False) -> bool:
    """True when the findings should fail the run: any error, or any warning under strict."""
    return any(fails_run(f, strict=strict) for f in findings)
