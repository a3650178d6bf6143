"""One .bib file's text → plain records (entries, macros, problems); the only bibtexparser user."""

from __future__ import annotations

import logging
import re
from collections import ChainMap
from collections.abc import Mapping, MutableMapping
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
    # Not a copy: parsing a file block by block copied every macro once per block. New
    # @strings go into the first map; `macros` is only read.
    scope = ChainMap({}, cast("MutableMapping[str, str]", macros))
    strings: dict[str, str] = {}
    entries: list[tuple[str, str, int, dict[str, str], dict[str, int]]] = []
    problems: Problems = []

    for parsed in library.blocks:
        line = (parsed.start_line or 0) + 1
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
            raw, lines = _entry_fields(block, scope, problems)
            entries.append((block.key, block.entry_type.lower(), line, raw, lines))
        elif isinstance(block, bm.ImplicitComment) and "@" in block.comment:
            _unread_starts(block.comment, line, problems)
    return {"entries": entries, "strings": strings, "problems": problems}


_FIELD_NAME = re.compile(r"[a-z0-9_:.+\-]+")


def _entry_fields(
    block: bm.Entry, scope: Mapping[str, str], problems: Problems
) -> tuple[dict[str, str], dict[str, int]]:
    """An entry's values (macros resolved) and lines, by lower-case field name."""
    key = block.key
    undefined: list[str] = []
    raw: dict[str, str] = {}
    lines: dict[str, int] = {}
    ignored: set[str] = set()  # over a bound: left out, and not replaced by a repeat
    for f in block.fields:
        name = f.key.lower()
        if not _FIELD_NAME.fullmatch(name):
            # BibTeX has no comments inside entries: `% note` there becomes part of
            # the next field's name. Report it and keep the name's last word.
            message = f"'{' '.join(f.key.split())}' is not a field name"
            problems.append(("invalid-field-name", f.start_line + 1, message, key))
            name = name.split()[-1] if name.split() else name
        if name in raw or name in ignored:
            continue  # the first of a repeated field wins, as in BibTeX
        try:
            raw[name] = resolve_value(_as_text(f.value), scope, undefined)
        except ValueLimit as exc:
            message = f"'{name}' of '{key}' {exc.reason}; the field is ignored"
            problems.append((exc.code, f.start_line + 1, message, key))
            ignored.add(name)
        if undefined:
            _report(problems, f.start_line + 1, key, undefined)
        if name in raw:
            lines[name] = f.start_line + 1
    return raw, lines


# `@type` at the start of a line, in text the parser took for a comment: an entry not read.
_LOST_START = re.compile(r"^[ \t]*@[ \t]*([A-Za-z]\w*)", re.MULTILINE)


def _unread_starts(text: str, line: int, problems: Problems) -> None:
    """Report each `@type` starting a line of text between blocks: BibTeX would read an
    entry there, and the parser could not (no `{` or `(` where one must be)."""
    at, counted = line, 0
    for m in _LOST_START.finditer(text):
        at += text.count("\n", counted, m.start())
        counted = m.start()
        message = f"'@{m.group(1)}' starts no block that can be read: no {{ or ( follows it"
        problems.append(("bib-syntax", at, message, None))


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
