"""`crossref` inheritance: a child entry takes the fields it lacks from its parent (biblatex)."""

from __future__ import annotations

from collections.abc import Mapping

from ..findings import Finding
from ..model import Reference, Span

# Never inherited: they identify or configure the parent itself.
_NOT_INHERITED = frozenset(
    {
        "ids",
        "crossref",
        "xref",
        "entryset",
        "entrysubtype",
        "execute",
        "label",
        "options",
        "related",
        "relatedoptions",
        "relatedtype",
        "relatedstring",
        "sortkey",
        "sortname",
        "shorthand",
        "keywords",
    }
)
_CONTAINERS = frozenset(
    {
        "book",
        "mvbook",
        "collection",
        "mvcollection",
        "proceedings",
        "mvproceedings",
        "reference",
        "mvreference",
    }
)
_PARTS = frozenset(
    {
        "inbook",
        "bookinbook",
        "suppbook",
        "incollection",
        "suppcollection",
        "inproceedings",
        "conference",
        "inreference",
    }
)
# A part's container lends its title as the part's booktitle (biblatex's default data model).
_AS_CONTAINER = {"title": "booktitle", "subtitle": "booksubtitle", "titleaddon": "booktitleaddon"}


def inherit_fields(
    references: Mapping[str, Reference],
) -> tuple[dict[str, dict[str, str]], list[Finding]]:
    """The merged raw fields of every entry with a `crossref`, and findings for unknown parents.

    Only one level is followed, as in BibTeX; a parent's own `crossref` is not chased.
    """
    merged: dict[str, dict[str, str]] = {}
    findings: list[Finding] = []
    for key, child in references.items():
        parent_key = child.raw.get("crossref", "").strip()
        if not parent_key:
            continue
        parent = references.get(parent_key)
        if parent is None:
            line = child.field_lines.get("crossref", child.span.line)
            findings.append(
                Finding(
                    "unknown-crossref",
                    "warning",
                    f"crossref '{parent_key}' is not in the library",
                    Span(child.span.path, line),
                    key=key,
                )
            )
            continue
        fields = dict(child.raw)
        as_part = parent.type in _CONTAINERS and child.type in _PARTS
        for name, value in parent.raw.items():
            if name in _NOT_INHERITED:
                continue
            target = _AS_CONTAINER.get(name, name) if as_part else name
            fields.setdefault(target, value)
        merged[key] = fields
    return merged, findings
