"""Fields no style prints: each named once, at the first entry that writes it, with a count."""

from __future__ import annotations

from collections.abc import Iterator

from ..findings import Finding, Rule
from ..model import Reference
from ..render.styles.registry import STYLES
from ..snapshot import Snapshot
from ..wording import plural
from .base import Check, entry_finding
from .fields import misspelt

NOT_RENDERED = Rule(
    "field-not-rendered", "info", "a field neither style prints, named once with how many use it"
)
RULES = (NOT_RENDERED,)

# Read without being printed: the library's structure (crossref, xdata, ids), the identifiers
# that check, verify and links test (the example's pmid/pmcid/issn among them), the language
# that decides title case, and what claims reads.
_USED = """
    crossref xref xdata ids entryset isbn issn pmid pmcid arxiv langid language keywords
    evidence
    """
USED = frozenset(_USED.split())
# Bookkeeping that no reference list prints, by design: reference managers' own fields, notes
# to oneself, and biblatex's sorting, labelling and option fields. Reporting the abstract of
# every Zotero export would bury the fields that matter.
_UNPRINTABLE = """
    abstract annotation annote file pdf comment timestamp owner groups mendeley-tags
    mendeley-groups date-added date-modified bdsk-url-1 bdsk-file-1 biburl bibsource
    creationdate modificationdate readstatus priority ranking printed qualityassured
    lastchecked copyright urlraw key label options execute langidopts gender presort sortkey
    sortname sorttitle sortyear sortshorthand indexsorttitle indextitle shorthand
    shorthandintro shorttitle shortauthor shorteditor shortseries
    """
UNPRINTABLE = frozenset(_UNPRINTABLE.split())


def run(snapshot: Snapshot) -> Iterator[Finding]:
    silent = USED | UNPRINTABLE | frozenset().union(*(s.printed for s in STYLES.values()))
    first: dict[str, Reference] = {}
    uses: dict[str, int] = {}
    for ref in snapshot.library:
        # Only the entry's own fields: an inherited one is counted at its parent.
        for name in ref.field_lines:
            if name in silent or misspelt(name):  # a typo is `unknown-field`'s
                continue
            first.setdefault(name, ref)
            uses[name] = uses.get(name, 0) + 1
    for name, ref in first.items():
        verb = "uses" if uses[name] == 1 else "use"
        yield entry_finding(
            snapshot,
            NOT_RENDERED,
            ref,
            f"'{name}' is printed by neither style ({plural(uses[name], 'entry')} {verb} it)",
            field=name,
            hint="the references leave it out; move what readers need into a printed field",
        )


CHECK = Check("rendered", run, RULES)
