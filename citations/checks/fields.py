"""Entries against the rule set: required and recommended fields, entry types, typos, blanks."""

from __future__ import annotations

import difflib
import re
from collections.abc import Iterator, Mapping
from functools import lru_cache

from rapidfuzz import fuzz, process

from ..findings import Finding, Rule
from ..model import Reference
from ..snapshot import Snapshot
from .base import Check, entry_finding
from .entrytypes import ENTRY_TYPES, KNOWN_FIELDS, WEB_TYPES, Group

MISSING = Rule(
    "missing-field", "error", "a required field (or every alternative) is absent or empty"
)
MISSING_RECOMMENDED = Rule(
    "missing-recommended-field", "warning", "a field the entry type should have is absent or empty"
)
UNKNOWN_TYPE = Rule(
    "unknown-entry-type", "warning", "an entry type neither BibTeX nor biblatex knows"
)
UNKNOWN_FIELD = Rule(
    "unknown-field", "warning", "a field name that looks like a typo of a known one"
)
EMPTY = Rule("empty-field", "warning", "a field whose value is empty, blank or only braces")
MISSING_URLDATE = Rule("missing-urldate", "warning", "a web page without `urldate` (date visited)")
RULES = (MISSING, MISSING_RECOMMENDED, UNKNOWN_TYPE, UNKNOWN_FIELD, EMPTY, MISSING_URLDATE)

_BLANK = " \t\r\n{}"
_KNOWN_SORTED = tuple(sorted(KNOWN_FIELDS))
_TYPES_SORTED = tuple(sorted(ENTRY_TYPES))
_DIGITS = re.compile(r"\d+")
_QUALIFIER = re.compile(r"[-_.:]")


def run(snapshot: Snapshot) -> Iterator[Finding]:
    for ref in snapshot.library:
        yield from check_entry(snapshot, ref)


def check_entry(snapshot: Snapshot, ref: Reference) -> Iterator[Finding]:
    blank = {name for name, value in ref.raw.items() if not value.strip(_BLANK)}
    # Fields a missing-* finding already names are not reported again as empty.
    covered: set[str] = set()
    yield from _type_findings(snapshot, ref, blank, covered)
    yield from _field_findings(snapshot, ref, blank, covered)


def _type_findings(
    snapshot: Snapshot, ref: Reference, blank: set[str], covered: set[str]
) -> Iterator[Finding]:
    """An unknown type, or the required and recommended fields its type lacks."""
    raw = ref.raw
    rule = ENTRY_TYPES.get(ref.type)
    if rule is None:
        close = _closest(ref.type, _TYPES_SORTED)
        yield entry_finding(
            snapshot,
            UNKNOWN_TYPE,
            ref,
            f"unknown entry type '@{ref.type}'",
            hint=f"did you mean '@{close}'?" if close else "use a BibTeX or biblatex type",
        )
        return
    required, recommended = rule
    checks = ((required, MISSING, "needs"), (recommended, MISSING_RECOMMENDED, "should have"))
    for groups, code, verb in checks:
        for group in groups:
            if not _satisfied(group, raw, blank):
                covered.update(group)
                message = f"@{ref.type} '{ref.key}' {verb} {_names(group)}"
                yield entry_finding(snapshot, code, ref, message, hint=_state(group, raw))


def _field_findings(
    snapshot: Snapshot, ref: Reference, blank: set[str], covered: set[str]
) -> Iterator[Finding]:
    """A web page without its access date, empty fields, and misspelt field names."""
    raw = ref.raw
    if _is_web_page(ref, blank) and ("urldate" not in raw or "urldate" in blank):
        covered.add("urldate")
        yield entry_finding(
            snapshot,
            MISSING_URLDATE,
            ref,
            f"web page '{ref.key}' has no urldate",
            field="url",
            hint="add the date you visited it: urldate = {YYYY-MM-DD}",
        )
    # Only the entry's own fields: inherited ones are reported at their parent.
    for name in ref.field_lines:
        if name in blank and name not in covered:
            yield entry_finding(
                snapshot,
                EMPTY,
                ref,
                f"'{name}' is empty",
                field=name,
                hint="fill it in or remove it",
            )
        if name not in KNOWN_FIELDS:
            close = misspelt(name)
            if close:
                yield entry_finding(
                    snapshot,
                    UNKNOWN_FIELD,
                    ref,
                    f"unknown field '{name}'",
                    field=name,
                    hint=f"did you mean '{close}'?",
                )


def _satisfied(group: Group, raw: Mapping[str, str], blank: set[str]) -> bool:
    return any(name in raw and name not in blank for name in group)


def _names(group: Group) -> str:
    return " or ".join(f"'{name}'" for name in group)


def _state(group: Group, raw: Mapping[str, str]) -> str:
    present = [name for name in group if name in raw]
    if present:
        return f"{_names(tuple(present))} is empty"
    return f"add {_names(group[:1])}" if len(group) == 1 else f"add one of {_names(group)}"


def _is_web_page(ref: Reference, blank: set[str]) -> bool:
    if ref.type in WEB_TYPES:
        return True
    return ref.type == "misc" and "url" in ref.raw and "url" not in blank


def misspelt(name: str) -> str | None:
    """The known field name `name` looks like a typo of (reported as `unknown-field`), or None."""
    return None if name in KNOWN_FIELDS else _closest(name, _KNOWN_SORTED)


@lru_cache(maxsize=2048)
def _closest(name: str, choices: tuple[str, ...]) -> str | None:
    """The known name `name` is probably a typo of, or None: custom names are fine."""
    # difflib's ratio never exceeds rapidfuzz's (2 x longest common subsequence / lengths),
    # so this keeps every name difflib would pick, and difflib picks among a handful instead
    # of every known name: 200,000 unknown field names took minutes.
    near = [
        c
        for c, _, _ in process.extract(
            name, choices, scorer=fuzz.ratio, limit=None, processor=None, score_cutoff=79.9
        )
    ]
    close = difflib.get_close_matches(name, near, n=1, cutoff=0.8) if near else []
    return close[0] if close and not _variant(name, close[0]) else None


def _variant(name: str, known: str) -> bool:
    """Numbered (`url2`) and qualified (`title_en`) variants are deliberate, not typos."""
    if _DIGITS.sub("", name) == _DIGITS.sub("", known):
        return True
    return name.startswith(known) and _QUALIFIER.match(name, len(known)) is not None


CHECK = Check("fields", run, RULES)
