"""Re-parsing only what changed: a .bib file split at its block starts, each block cached.

Editing one entry of a 10,000-entry file changes the whole file's hash, but not the other
9,999 blocks': their parses are taken from the previous version's block cache, so the edit
costs one block's parse instead of the file's (the build's one-changed-entry case).
"""

from __future__ import annotations

import hashlib
import marshal
import re
from collections.abc import Mapping
from pathlib import Path
from typing import Any

from .cache import FORMAT, read_blob, write_blob
from .parse import FileRecord, parse_bibtex

# Where bibtexparser starts a block: `@type{` or `@type(` at the start of a line. A value
# line that starts like this is a syntax error for the whole file too, so cutting there
# never changes the outcome (and any block that fails here is re-parsed with the file).
_BLOCK_START = re.compile(r"^[ \t]*@[A-Za-z]+[ \t]*[{(]", re.MULTILINE)


def parse_with_block_cache(
    text: str, macros: Mapping[str, str], folder: Path, path: Path
) -> FileRecord:
    """The same record `parse_bibtex(text, macros)` gives, re-using unchanged blocks' parses."""
    store = (
        folder
        / f"{hashlib.blake2b(str(path.resolve()).encode(), digest_size=12).hexdigest()}.blocks"
    )
    previous = _read_blocks(store)
    current: dict[str, FileRecord] = {}
    scope = dict(macros)
    scope_digest = _digest(marshal.dumps(sorted(scope.items())))
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
            entries.append((k, type_, line + shift, raw, {f: n + shift for f, n in lines.items()}))
        problems += [(code, line + shift, msg, k) for code, line, msg, k in record["problems"]]
        if record["strings"]:
            strings.update(record["strings"])
            scope.update(record["strings"])
            # Chained, not the whole scope again: that was quadratic in the @strings. A block's
            # key still names every definition before it, in order, so a hit is always right.
            scope_digest = _digest(scope_digest.encode(), marshal.dumps(record["strings"]))
    write_blob(store, marshal.dumps(current))
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


def _read_blocks(store: Path) -> dict[str, FileRecord]:
    data = read_blob(store)
    if data is None:
        return {}
    try:
        blocks = marshal.loads(data)
    except (ValueError, EOFError, TypeError):
        return {}
    return blocks if isinstance(blocks, dict) else {}


def _digest(*parts: bytes) -> str:
    h = hashlib.blake2b(FORMAT, digest_size=16)
    for part in parts:
        h.update(part)
    return h.hexdigest()
