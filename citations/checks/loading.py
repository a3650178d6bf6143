"""Problems met while loading the library (broken blocks, duplicate keys...), as a check."""

from __future__ import annotations

from collections.abc import Iterator

from ..findings import Finding, Rule
from ..snapshot import Snapshot
from .base import Check

RULES = (
    Rule("bib-syntax", "error", "a BibTeX block that cannot be parsed; the rest of the file loads"),
    Rule(
        "bib-encoding",
        "error",
        "a .bib file that is not text or not in its declared encoding: skipped; a warning when "
        "read as Windows-1252 for want of a declared encoding",
    ),
    Rule("duplicate-key", "error", "a key defined twice (also across files); the first is used"),
    Rule("duplicate-field", "error", "a field given twice in one entry; the first is used"),
    Rule(
        "invalid-field-name",
        "error",
        "a field name with spaces or stray text before it (a `%` comment is not: it is "
        "ignored between fields, as biber does)",
    ),
    Rule("undefined-macro", "warning", "an @string name used but never defined"),
    Rule(
        "unknown-crossref", "warning", "crossref or xdata names an entry that is not in the library"
    ),
)
# Bounds on hostile input (library/values.py). Kept out of RULES, which every SARIF report
# lists in full, so that reports on ordinary libraries stay byte-identical; `check` still
# knows them (severity and disable settings), and a report that has one describes it.
LIMIT_RULES = (
    Rule("value-too-large", "error", "a value over 1,000,000 characters once @strings expand"),
    Rule("braces-too-deep", "error", "a value whose braces nest over 1,000 levels deep"),
)


def run(snapshot: Snapshot) -> Iterator[Finding]:
    yield from snapshot.library.findings


CHECK = Check("loading", run, RULES)
