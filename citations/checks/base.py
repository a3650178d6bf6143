"""What every check shares: a named pass with its codes, and finding helpers."""

from __future__ import annotations

from collections.abc import Callable, Iterable, Iterator
from dataclasses import dataclass

from ..findings import Finding, Fix, Rule
from ..model import Reference, Span
from ..snapshot import Snapshot

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
        rule.code,
        rule.severity,
        message,
        snapshot.field_span(ref, field),
        hint=hint,
        key=ref.key,
        related=related,
        fix=fix,
    )


def entries(snapshot: Snapshot) -> Iterator[Reference]:
    return iter(snapshot.library)
