"""What every check shares: the catalog entry of a code, the snapshot it reads, finding helpers."""

from __future__ import annotations

import re
from collections.abc import Callable, Iterable, Iterator
from dataclasses import dataclass, field
from pathlib import Path

from ..findings import Finding, Fix, Severity
from ..library import Library
from ..model import Reference, Span
from ..render.article import Article


@dataclass(frozen=True)
class Rule:
    """One finding code: its default severity, what it means, and whether --fix repairs it."""

    code: str
    severity: Severity
    summary: str
    fixable: bool = False


@dataclass
class Snapshot:
    """Everything checks read, loaded once: the library, the articles, and the .bib texts.

    Checks are read-only passes over it; none of them touches the network or writes.
    """

    library: Library
    articles: list[Article] = field(default_factory=list)
    articles_given: bool = False  # False: no articles were checked, so nothing is "uncited"
    _lines: dict[str, list[str]] = field(default_factory=dict)

    def lines(self, path: str) -> list[str]:
        """The lines of a .bib file (cached); empty if it cannot be read."""
        if path not in self._lines:
            try:
                text = Path(path).read_text("utf-8-sig").replace("\r\n", "\n")
            except (OSError, UnicodeDecodeError):
                text = ""
            self._lines[path] = text.split("\n")
        return self._lines[path]

    def field_span(self, ref: Reference, name: str | None = None) -> Span:
        """Where field `name` of `ref` is written (line and column of its name), else the entry."""
        if name is None or name not in ref.field_lines:
            return ref.span
        line = ref.field_lines[name]
        lines = self.lines(ref.span.path)
        column = 1
        if 0 < line <= len(lines):
            m = re.search(rf"(?i)(?<![\w-]){re.escape(name)}\s*=", lines[line - 1])
            if m:
                column = m.start() + 1
        return Span(ref.span.path, line, column)


CheckFunction = Callable[[Snapshot], Iterable[Finding]]


@dataclass(frozen=True)
class Check:
    """A named pass and the codes it may report."""

    name: str
    run: CheckFunction
    rules: tuple[Rule, ...]


def entry_finding(
    snapshot: Snapshot,
    rule: Rule,
    ref: Reference,
    message: str,
    *,
    field: str | None = None,
    hint: str = "",
    fix_value: str | None = None,
    bare: bool = False,
    related: tuple[Span, ...] = (),
) -> Finding:
    """A finding about one entry (and one of its fields), at the field's place."""
    fix = None
    # Only a field the entry itself writes can be fixed: one inherited through crossref lives
    # in the parent, and copying it into the child would not be a repair.
    if fix_value is not None and field is not None and field in ref.field_lines:
        fix = Fix(ref.span.path, ref.key, field, fix_value, bare)
    return Finding(
        rule.code, rule.severity, message, snapshot.field_span(ref, field), hint=hint,
        key=ref.key, related=related, fix=fix,
    )  # fmt: skip


def entries(snapshot: Snapshot) -> Iterator[Reference]:
    return iter(snapshot.library)
