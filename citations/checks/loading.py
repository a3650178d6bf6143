"""Problems met while loading the library (broken blocks, duplicate keys...), as a check."""

from __future__ import annotations

from collections.abc import Iterator

from ..findings import Finding, Rule
from ..snapshot import Snapshot
from .base import Check

RULES = (
    Rule("bib-syntax", "error", "a BibTeX block that cannot be parsed; the rest of the file loads"),
    Rule("bib-encoding", "error", "a .bib file that is not UTF-8; the file is skipped"),
    Rule("duplicate-key", "error", "a key defined twice (also across files); the first is used"),
    Rule("duplicate-field", "error", "a field given twice in one entry; the first is used"),
    Rule("invalid-field-name", "error", "a field name with spaces or '%': a comment in an entry?"),
    Rule("undefined-macro", "warning", "an @string name used but never defined"),
    Rule("unknown-crossref", "warning", "crossref names an entry that is not in the library"),
)


def run(snapshot: Snapshot) -> Iterator[Finding]:
    yield from snapshot.library.findings


CHECK = Check("loading", run, RULES)
