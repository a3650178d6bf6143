"""`crossref` and `xdata` inheritance: an entry takes the fields it lacks from the entries it
names (biblatex)."""

from __future__ import annotations

from collections.abc import Mapping
from dataclasses import dataclass, field

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
        "xdata",
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


@dataclass
class Inheritance:
    """What entries take from others: merged raw fields by child key, the keys each child
    takes from (as the library spells them), and findings for names not in the library."""

    merged: dict[str, dict[str, str]] = field(default_factory=dict)
    sources: dict[str, tuple[str, ...]] = field(default_factory=dict)
    findings: list[Finding] = field(default_factory=list)


def inherit_fields(references: Mapping[str, Reference]) -> Inheritance:
    """Fields each entry with `xdata` or `crossref` takes from the entries it names.

    The entry's own fields come first, then each `xdata` entry's (in the order listed), then
    the crossref parent's (a container's title becoming a part's booktitle). Keys are
    matched as BibTeX and biber match them, ignoring case. Only one level is followed, as
    in BibTeX: a parent's own crossref is not chased.
    """
    result = Inheritance()
    lookup = _Keys(references)
    for key, child in references.items():
        raw = child.raw
        if "crossref" not in raw and "xdata" not in raw:
            continue  # nearly every entry
        named = [("xdata", n.strip()) for n in raw.get("xdata", "").split(",")]
        named.append(("crossref", raw.get("crossref", "").strip()))
        named = [(by, name) for by, name in named if name]
        if not named:
            continue
        fields = dict(child.raw)
        sources: list[str] = []
        for by, name in named:
            source = lookup.get(name)
            if source is None:
                result.findings.append(_unknown(child, name, by))
                continue
            sources.append(source.key)
            as_part = by == "crossref" and source.type in _CONTAINERS and child.type in _PARTS
            for field_name, value in source.raw.items():
                if field_name not in _NOT_INHERITED:
                    target = _AS_CONTAINER.get(field_name, field_name) if as_part else field_name
                    fields.setdefault(target, value)
        result.merged[key] = fields
        result.sources[key] = tuple(sources)
    return result


class _Keys:
    """Entries by key, found whatever the case of the name (built only when needed)."""

    def __init__(self, references: Mapping[str, Reference]) -> None:
        self.references = references
        self.folded: dict[str, Reference] | None = None

    def get(self, name: str) -> Reference | None:
        found = self.references.get(name)
        if found is None:
            if self.folded is None:
                self.folded = {}
                for key, ref in self.references.items():
                    self.folded.setdefault(key.casefold(), ref)
            found = self.folded.get(name.casefold())
        return found


def _unknown(child: Reference, name: str, field_name: str) -> Finding:
    line = child.field_lines.get(field_name, child.span.line)
    return Finding(
        "unknown-crossref",
        "warning",
        f"{field_name} '{name}' is not in the library",
        Span(child.span.path, line),
        key=child.key,
    )
