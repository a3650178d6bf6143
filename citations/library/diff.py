"""Unified diffs of planned edits (`check --diff`, `verify --diff`), built from the changes."""

from __future__ import annotations

import bisect
import re
from collections.abc import Iterator, Sequence

from .edit import FileEdit

__all__ = ["unified_diff"]


def unified_diff(edits: Sequence[FileEdit]) -> str:
    """A unified diff (`a/path`, `b/path`) of every edit that changes its file; "" if none.

    Made from the planned changes themselves (three lines of context, a change's lines
    replaced as one block with its neighbours), in time linear in the file: difflib's
    matching took 29 s on a 16,000-entry library with a fix in every entry.
    """
    out: list[str] = []
    for edit in edits:
        if not edit.changed:
            continue
        name = edit.path.as_posix().lstrip("/")  # an absolute path reads as a/abs/path
        out += [f"--- a/{name}\n", f"+++ b/{name}\n"]
        for line in _hunk_lines(edit):
            out.append(line if line.endswith("\n") else line + "\n\\ No newline at end of file\n")
    return "".join(out)


def _hunk_lines(edit: FileEdit, context: int = 3) -> Iterator[str]:
    """The hunks' lines (header, then ` `, `-`, `+` lines) of one edit."""
    old = _lines(edit.old_text)
    blocks = _blocks(edit, old)
    start = 0
    shift = 0  # new line numbers run ahead of old ones by this much
    while start < len(blocks):
        end = start + 1
        while end < len(blocks) and blocks[end][0] - blocks[end - 1][1] <= 2 * context:
            end += 1
        first = max(0, blocks[start][0] - context)
        last = min(len(old), blocks[end - 1][1] + context)  # exclusive
        added = sum(len(b[2]) - (b[1] - b[0]) for b in blocks[start:end])
        yield f"@@ -{_range(first, last)} +{_range(first + shift, last + shift + added)} @@\n"
        at = first
        for a, b, new in blocks[start:end]:
            yield from (" " + line for line in old[at:a])
            yield from ("-" + line for line in old[a:b])
            yield from ("+" + line for line in new)
            at = b
        yield from (" " + line for line in old[at:last])
        shift += added
        start = end


def _blocks(edit: FileEdit, old: list[str]) -> list[tuple[int, int, list[str]]]:
    """The changed lines as (first, end) old line indexes and their new lines: changes on
    one line or on touching lines make one block, as difflib would show them."""
    starts = [0]
    for line in old:
        starts.append(starts[-1] + len(line))
    last = max(len(old) - 1, 0)
    groups: list[tuple[int, int, list[tuple[int, int, str]]]] = []
    for change in edit.changes:
        begin, end, _ = change
        a = min(bisect.bisect_right(starts, begin) - 1, last)
        b = min(bisect.bisect_right(starts, end - 1) - 1, last) + 1 if end > begin else a + 1
        if groups and a <= groups[-1][1]:  # the same line, or the next one
            first, stop, changes = groups[-1]
            groups[-1] = (first, max(stop, b), [*changes, change])
        else:
            groups.append((a, b, [change]))
    text, blocks = edit.old_text, []
    for a, b, changes in groups:
        b = min(b, len(old))
        pos, parts = starts[a], []
        for begin, end, replacement in changes:
            parts += [text[pos:begin], replacement]
            pos = end
        parts.append(text[pos : starts[b]])
        blocks.append((a, b, _lines("".join(parts))))
    return blocks


def _range(start: int, end: int) -> str:
    """A hunk's range as difflib writes it: `5` for one line, `4,0` for none after line 4."""
    length = end - start
    if length == 1:
        return f"{start + 1}"
    return f"{start + 1 if length else start},{length}"


def _lines(text: str) -> list[str]:
    return re.findall(r"[^\n]*\n|[^\n]+", text)
