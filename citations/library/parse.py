"""One .bib file's text → plain records (entries, macros, problems); the only bibtexparser user."""

from __future__ import annotations

import logging
import re
from collections import ChainMap
from collections.abc import Callable, Mapping, MutableMapping
from typing import Any, cast

from bibtexparser import model as bm
from bibtexparser.entrypoint import parse_string

from .comments import prepare
from .values import ValueLimit, resolve_value

# We report broken blocks ourselves, with correct 1-based lines; bibtexparser's own log
# lines would repeat them with 0-based numbers.
logging.getLogger("bibtexparser").setLevel(logging.CRITICAL)

# A parsed file, as plain data so the parse cache can store it as JSON (tuples come back as
# lists, which unpack the same):
#   {"entries": [(key, type, line, {field: raw}, {field: line})],
#    "strings": {name: value},
#    "problems": [(code, line, message, key)]}
FileRecord = dict[str, Any]
Problems = list[tuple[str, int, str, str | None]]  # (code, line, message, key)


def parse_bibtex(text: str, macros: Mapping[str, str]) -> FileRecord:
    """Parse BibTeX text. Broken blocks become problems with their line; nothing raises.

    `macros` are the `@string`s defined by files read before this one (lower-case names).
    Lines are 1-based.
    """
    library = parse_string(prepare(text), parse_stack=[])
    real = _real_lines(text)
    # Not a copy: parsing a file block by block copied every macro once per block. New
    # @strings go into the first map; `macros` is only read.
    scope = ChainMap({}, cast("MutableMapping[str, str]", macros))
    strings: dict[str, str] = {}
    entries: list[tuple[str, str, int, dict[str, str], dict[str, int]]] = []
    problems: Problems = []

    for parsed in library.blocks:
        line = real(parsed.start_line or 0)
        block: bm.Block | None = parsed
        if isinstance(parsed, bm.DuplicateBlockKeyBlock):
            # Reported by the library across all files, with both places; keep the block.
            block = parsed.ignore_error_block
        elif isinstance(parsed, bm.DuplicateFieldKeyBlock):
            fields = ", ".join(sorted(parsed.duplicate_keys))
            problems.append(("duplicate-field", line, f"field given twice: {fields}", None))
            block = parsed.ignore_error_block
        if isinstance(block, bm.ParsingFailedBlock):
            message = _syntax_message(block.error)
            problems.append(("bib-syntax", line, message, None))
        elif isinstance(block, bm.String):
            name = block.key.lower()
            undefined: list[str] = []
            try:
                value = resolve_value(_as_text(block.value), scope, undefined)
            except ValueLimit as exc:
                message = f"@string '{block.key}' {exc.reason}; it is taken as empty"
                problems.append((exc.code, line, message, None))
                value = ""
            _report(problems, line, None, undefined)
            scope[name] = strings[name] = value
        elif isinstance(block, bm.Entry):
            raw, lines = _entry_fields(block, scope, problems, real)
            entries.append((block.key, block.entry_type.lower(), line, raw, lines))
        elif isinstance(block, bm.ImplicitComment) and "@" in block.comment:
            _unread_starts(block.comment, line, problems)
        elif isinstance(block, bm.ExplicitComment) and (
            longer := _LONGER_TYPE.match(block.raw or "")
        ):
            _read_as_entry(longer, line, scope, entries, problems)
    return {"entries": entries, "strings": strings, "problems": problems}


_FIELD_NAME = re.compile(r"[a-z0-9_:.+\-]+")


def _entry_fields(
    block: bm.Entry, scope: Mapping[str, str], problems: Problems, real: Callable[[int], int]
) -> tuple[dict[str, str], dict[str, int]]:
    """An entry's values (macros resolved) and lines, by lower-case field name."""
    key = block.key
    undefined: list[str] = []
    raw: dict[str, str] = {}
    lines: dict[str, int] = {}
    ignored: set[str] = set()  # over a bound: left out, and not replaced by a repeat
    for f in block.fields:
        at = real(f.start_line)
        name = f.key.lower()
        if not _FIELD_NAME.fullmatch(name):
            # BibTeX has no comments inside entries: `% note` there becomes part of
            # the next field's name. Report it and keep the name's last word.
            message = f"'{' '.join(f.key.split())}' is not a field name"
            problems.append(("invalid-field-name", at, message, key))
            name = name.split()[-1] if name.split() else name
        if name in raw or name in ignored:
            continue  # the first of a repeated field wins, as in BibTeX
        try:
            raw[name] = resolve_value(_as_text(f.value), scope, undefined)
        except ValueLimit as exc:
            message = f"'{name}' of '{key}' {exc.reason}; the field is ignored"
            problems.append((exc.code, at, message, key))
            ignored.add(name)
        if undefined:
            _report(problems, at, key, undefined)
        if name in raw:
            lines[name] = at
    return raw, lines


# In text the parser took for a comment, what BibTeX would read as a block: `@type` starting
# a line, or `@ type {` / `@type-with-hyphen(` anywhere (BibTeX allows both; the splitter not).
_LOST_START = re.compile(
    r"^[ \t]*@[ \t]*([A-Za-z][\w-]*)|@[ \t\r\n]*([A-Za-z][\w-]*)[ \t\r\n]*[{(]", re.MULTILINE
)


def _unread_starts(text: str, line: int, problems: Problems) -> None:
    """Report each block start in text between blocks that the parser could not read."""
    at, counted = line, 0
    for m in _LOST_START.finditer(text):
        at += text.count("\n", counted, m.start())
        counted = m.start()
        name = m.group(1) or m.group(2)
        message = f"'@{name}' starts a block that cannot be read; it is ignored"
        problems.append(("bib-syntax", at, message, None))


# `@commentary{` (biblatex-jura2, jurabib, oscola): bibtexparser takes every type starting
# with `comment` for `@comment`, and the entry was dropped without a word.
_LONGER_TYPE = re.compile(r"@[ \t]*(comment\w+)[ \t]*[{(]", re.IGNORECASE)


def _read_as_entry(
    m: re.Match[str], line: int, scope: Mapping[str, str], entries: list[Any], problems: Problems
) -> None:
    """Parse a block bibtexparser took for a comment (`m` its start) as the entry it is."""
    raw, at = m.string, m.start(1)
    record = parse_bibtex(raw[:at] + "x" + raw[at + 1 :], scope)  # `xommentary`: an entry
    shift = line - 1
    for key, _, first, fields, lines in record["entries"]:
        moved = {name: n + shift for name, n in lines.items()}
        entries.append((key, m.group(1).lower(), first + shift, fields, moved))
    problems += [(code, n + shift, msg, key) for code, n, msg, key in record["problems"]]


def _real_lines(text: str) -> Callable[[int], int]:
    """bibtexparser's 0-based line of a block or field → the 1-based line it is on.

    Its splitter counts a line break only where no backslash comes before it (its marks are
    `(?<!\\)[...\n]`), so after a value line ending in `\\` (a LaTeX line break, common in
    tables of contents) every later line was reported too early: 900 lines into one of TeX
    Live's files. Such a break is counted here too; each of its lines starts after a counted
    break, so the k-th counted break tells the real line.
    """
    if "\\\n" not in text:
        return _next_line
    starts = [0]  # real 0-based line after each counted break
    for line, m in enumerate(_BREAK.finditer(text), 1):
        if m.start() == 0 or text[m.start() - 1] != "\\":
            starts.append(line)
    return lambda counted: (starts[counted] if counted < len(starts) else counted) + 1


def _next_line(counted: int) -> int:
    return counted + 1


_BREAK = re.compile("\n")


def _as_text(value: object) -> str:
    return value if isinstance(value, str) else str(value)


def _syntax_message(error: Exception) -> str:
    # bibtexparser's own text names 0-based lines; its abort reason alone is clear.
    reason = getattr(error, "abort_reason", "") or ""
    reason = " ".join(reason.split())
    return f"cannot parse this block: {reason}" if reason else "cannot parse this block"


def _report(problems: Problems, line: int, key: str | None, names: list[str]) -> None:
    for name in names:
        problems.append(("undefined-macro", line, f"undefined @string macro '{name}'", key))
    names.clear()
