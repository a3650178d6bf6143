"""The data every stage passes on: spans, names, references, markers. Stdlib only."""

from __future__ import annotations

from collections.abc import Mapping
from dataclasses import dataclass, field


@dataclass(frozen=True, slots=True)
class Span:
    """A place in a file: 1-based line and column."""

    path: str
    line: int
    column: int = 1

    def __str__(self) -> str:
        return f"{self.path}:{self.line}:{self.column}"


@dataclass(frozen=True, slots=True)
class Name:
    """One BibTeX name, parsed into its four parts (already decoded to Unicode).

    A corporate name (`{Mayo Clinic Staff}`) keeps its whole text in `last` and is never
    split into initials.
    """

    first: str = ""
    von: str = ""
    last: str = ""
    jr: str = ""
    corporate: bool = False


@dataclass(frozen=True, slots=True)
class NameList:
    """The names of one field (`author`, `editor`): `others` when it ends in `and others`."""

    names: tuple[Name, ...] = ()
    others: bool = False


NO_NAMES = NameList()


@dataclass(frozen=True, slots=True)
class Reference:
    """One library entry.

    Field names are lower case. `raw` holds each field's BibTeX text with delimiters removed
    and `@string` macros and `crossref` inheritance resolved; `fields` the same decoded to
    Unicode, and `names` the parsed name lists. The library fills `fields` and `names` with
    mappings that decode on first access, so loading 10,000 entries decodes nothing it
    does not show. `span` is where the entry starts; `field_lines` the 1-based line of each
    field, for messages that point into the entry.
    """

    key: str
    type: str
    span: Span
    raw: Mapping[str, str]
    fields: Mapping[str, str]
    names: Mapping[str, NameList]
    field_lines: Mapping[str, int] = field(default_factory=dict)

    def get(self, name: str, default: str = "") -> str:
        return self.fields.get(name, default)

    @property
    def authors(self) -> NameList:
        return self.names.get("author", NO_NAMES)

    @property
    def editors(self) -> NameList:
        return self.names.get("editor", NO_NAMES)


@dataclass(frozen=True, slots=True)
class CiteItem:
    """One cited key inside a marker, with pandoc's prefix, locator and suffix."""

    key: str
    span: Span
    prefix: str = ""
    locator: str = ""
    label: str = ""  # the locator's term, normalised: "page", "chapter", ...
    suffix: str = ""
    suppress_author: bool = False


@dataclass(frozen=True, slots=True)
class Marker:
    """One citation in an article: `[@a; @b]` or a bare `@a`, at [start, end) of the text."""

    items: tuple[CiteItem, ...]
    start: int
    end: int
    span: Span
    in_text: bool = False
