"""Library entries written as normalised BibTeX (to share a subset), and read back as works."""

from __future__ import annotations

from collections.abc import Iterable

from ..findings import Finding
from ..model import Reference
from .csl import ItemError, csl_item, item_work
from .work import MONTH_NAMES, Failure, Read, month_number


def write_bibtex(refs: Iterable[Reference]) -> str:
    """Each entry as `add` writes one: `@type{key,` then `  name = {value},` a line, with
    `@string` macros and crossref/xdata inheritance resolved so the subset stands alone,
    months as the month macros, one blank line between entries."""
    return "\n".join(_entry(ref) for ref in refs)


def _entry(ref: Reference) -> str:
    lines = [f"@{ref.type}{{{ref.key},"]
    for name, value in ref.raw.items():
        if name in ("crossref", "xdata"):  # resolved into the fields: the parent may be absent
            continue
        month = month_number(value) if name == "month" else None
        shown = MONTH_NAMES[month - 1] if month else "{" + " ".join(value.split()) + "}"
        lines.append(f"  {name} = {shown},")
    return "\n".join(lines) + "\n}\n"


def read_references(refs: Iterable[Reference], findings: Iterable[Finding]) -> Read:
    """The works of a loaded .bib file, through their CSL items (as exported, so both ways
    agree); the file's syntax errors fail at their lines."""
    read = Read()
    for finding in findings:
        if finding.severity == "error" and finding.span is not None:
            read.failures.append(Failure(finding.span.line, finding.message))
    for ref in refs:
        try:
            read.works.append(item_work(csl_item(ref), ref.span.line))
        except ItemError as exc:
            read.failures.append(Failure(ref.span.line, f"{ref.key}: {exc}"))
    return read
