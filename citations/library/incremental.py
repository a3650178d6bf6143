"""Re-parsing only what changed: a .bib file split at its block starts, each block cached.

Editing one entry of a 10,000-entry file changes the whole file's hash, but not the other
9,999 blocks': their parses are taken from the previous version's block cache, so the edit
costs one block's parse instead of the file's (the build's one-changed-entry case).
"""

from __future__ import annotations

import hashlib
import json
import logging
import re
from collections.abc import Mapping
from pathlib import Path
from typing import Any

from .cache import FORMAT, collector_paused, macros_bytes, read_json, write_json
from .parse import FileRecord, parse_bibtex
from .stored import FieldLines, checked_records, stored_record

# Where bibtexparser starts a block: `@type{` or `@type(` at the start of a line. A value
# line that starts like this is a syntax error for the whole file too, so cutting there
# never changes the outcome (and any block that fails here is re-parsed with the file).
log = logging.getLogger(__name__)
_BLOCK_START = re.compile(r"^[ \t]*@[A-Za-z]+[ \t]*[{(]", re.MULTILINE)


def parse_with_block_cache(
    text: str, macros: Mapping[str, str], folder: Path, path: Path
) -> FileRecord:
    """The same record `parse_bibtex(text, macros)` gives, re-using unchanged blocks' parses."""
    name = hashlib.blake2b(str(path.resolve()).encode(), digest_size=12).hexdigest()
    store = folder / f"{name}.blocks"
    previous = _read_blocks(store, name)
    current: dict[str, FileRecord] = {}
    scope = dict(macros)
    scope_digest = _digest(macros_bytes(scope))
    entries: list[Any] = []
    strings: dict[str, str] = {}
    problems: list[Any] = []
    for first_line, block in _blocks(text):
        key = _digest(block.encode("utf-8"), scope_digest.encode())
        record = current.get(key) or previous.get(key)
        if record is None:
            record = parse_bibtex(block, scope)
        if any(p[0] == "bib-syntax" for p in record["problems"]):
            return parse_bibtex(text, macros)  # the whole file decides what is broken, and where
        current[key] = record
        shift = first_line - 1
        for k, type_, line, raw, lines in record["entries"]:
            entries.append((k, type_, line + shift, raw, _shifted(lines, shift)))
        problems += [(code, line + shift, msg, k) for code, line, msg, k in record["problems"]]
        if record["strings"]:
            strings.update(record["strings"])
            scope.update(record["strings"])
            # Chained, not the whole scope again: that was quadratic in the @strings. A block's
            # key still names every definition before it, in order, so a hit is always right.
            strings_bytes = json.dumps(record["strings"], ensure_ascii=False).encode()
            scope_digest = _digest(scope_digest.encode(), strings_bytes)
    stored = {key: stored_record(record) for key, record in current.items()}
    write_json(store, name, {key: record for key, record in stored.items() if record})
    return {"entries": entries, "strings": strings, "problems": problems}


def _blocks(text: str) -> list[tuple[int, str]]:
    """The text cut before each block start, with each piece's first line (1-based)."""
    starts = [m.start() for m in _BLOCK_START.finditer(text)]
    if not starts or starts[0] != 0:
        starts.insert(0, 0)
    pieces = []
    line = 1
    for begin, end in zip(starts, [*starts[1:], len(text)], strict=True):
        piece = text[begin:end]
        pieces.append((line, piece))
        line += piece.count("\n")
    return pieces


def _shifted(lines: Mapping[str, int], shift: int) -> Mapping[str, int]:
    if isinstance(lines, FieldLines):
        return lines.shifted(shift)  # still undecoded: most are never asked for
    return {field: line + shift for field, line in lines.items()}


def _read_blocks(store: Path, name: str) -> dict[str, FileRecord]:
    """Block hash → its record. The file's checksum covers the hashes and the records
    together, and every record's shape is checked at once: one bad record and the whole
    store is ignored (every block is parsed again)."""
    with collector_paused():
        blocks = read_json(store, name)
        if type(blocks) is dict and checked_records(list(blocks.values())):
            return blocks
    if store.exists():
        log.debug("parse cache: ignored %s (damaged or of another shape)", store)
    return {}


def _digest(*parts: bytes) -> str:
    h = hashlib.blake2b(FORMAT, digest_size=16)
    for part in parts:
        h.update(part)
    return h.hexdigest()
