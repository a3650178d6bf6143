"""BibTeX field values: delimiters, `#` concatenation and `@string`/month macros, as BibTeX does."""

from __future__ import annotations

import re
from collections.abc import Mapping

_BRACES = re.compile(r"[{}]")

# Bounds on what a value may become: every file is untrusted (CI runs on others' pull
# requests), and thirty @strings each doubling the last would otherwise expand to gigabytes.
MAX_VALUE = 1_000_000  # characters, after @string macros are expanded
MAX_DEPTH = 1_000  # levels of nested braces


class ValueLimit(ValueError):
    """A value over one of the bounds: `code` is the finding's, `reason` completes a message."""

    def __init__(self, code: str, reason: str) -> None:
        super().__init__(reason)
        self.code, self.reason = code, reason


# BibTeX's built-in month macros expand to the full English name.
MONTH_MACROS = {
    "jan": "January", "feb": "February", "mar": "March", "apr": "April", "may": "May",
    "jun": "June", "jul": "July", "aug": "August", "sep": "September", "oct": "October",
    "nov": "November", "dec": "December",
}  # fmt: skip


def resolve_value(text: str, macros: Mapping[str, str], undefined: list[str] | None = None) -> str:
    """The value of `text` as written after `field =`: `{..}`, `".."`, numbers, macros, `#`.

    Macro names are case-insensitive (`macros` is keyed in lower case). An undefined macro
    is added to `undefined` and stands for its own name, so nothing is lost. A value longer
    than MAX_VALUE or nested deeper than MAX_DEPTH raises ValueLimit.
    """
    text = text.strip()
    if text[:1] == "{" and text[-1:] == "}" and _closes_at_end(text):
        return _bounded(text[1:-1])  # the common case: one braced value
    parts = []
    size = 0
    for piece in _split_concatenation(text):
        part = _piece_value(piece, macros, undefined)
        size += len(part)
        if size > MAX_VALUE:  # stop before joining: the whole might not fit in memory
            raise _too_large()
        parts.append(part)
    return _bounded("".join(parts))


def _piece_value(piece: str, macros: Mapping[str, str], undefined: list[str] | None) -> str:
    if piece[:1] in '{"' and len(piece) >= 2:
        return piece[1:-1]
    if piece.isdigit() or not piece:
        return piece
    name = piece.lower()
    if name in macros:
        return macros[name]
    if name in MONTH_MACROS:
        return MONTH_MACROS[name]
    if undefined is not None:
        undefined.append(piece)
    return piece


def _too_large() -> ValueLimit:
    return ValueLimit("value-too-large", f"is longer than {MAX_VALUE:,} characters")


def _bounded(value: str) -> str:
    if len(value) > MAX_VALUE:
        raise _too_large()
    if value.count("{") > MAX_DEPTH and brace_depth(value) > MAX_DEPTH:
        raise ValueLimit("braces-too-deep", f"nests braces more than {MAX_DEPTH:,} levels deep")
    return value


def brace_depth(value: str) -> int:
    """The deepest level of `{` nesting in `value` (stray `}` are not counted below 0)."""
    depth = deepest = 0
    for m in _BRACES.finditer(value):
        depth = depth + 1 if m.group() == "{" else max(depth - 1, 0)
        deepest = max(deepest, depth)
    return deepest


def _closes_at_end(text: str) -> bool:
    """True when the brace opened at text[0] closes at the last character."""
    inner = text[1:-1]
    if "{" not in inner and "}" not in inner:
        return True  # most values: no inner braces at all
    depth = 0
    for m in _BRACES.finditer(text):
        depth += 1 if m.group() == "{" else -1
        if depth == 0:
            return m.start() == len(text) - 1
    return False


def _split_concatenation(text: str) -> list[str]:
    """Split on `#` outside braces and quotes."""
    pieces: list[str] = []
    depth = 0
    in_quotes = False
    start = 0
    for i, ch in enumerate(text):
        if ch == "{":
            depth += 1
        elif ch == "}":
            depth -= 1
        elif ch == '"' and depth == 0:
            in_quotes = not in_quotes
        elif ch == "#" and depth == 0 and not in_quotes:
            pieces.append(text[start:i].strip())
            start = i + 1
    pieces.append(text[start:].strip())
    return pieces
