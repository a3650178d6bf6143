"""BibTeX field values: delimiters, `#` concatenation and `@string`/month macros, as BibTeX does."""

from __future__ import annotations

import re
from collections.abc import Mapping

_BRACES = re.compile(r"[{}]")

# BibTeX's built-in month macros expand to the full English name.
MONTH_MACROS = {
    "jan": "January", "feb": "February", "mar": "March", "apr": "April", "may": "May",
    "jun": "June", "jul": "July", "aug": "August", "sep": "September", "oct": "October",
    "nov": "November", "dec": "December",
}  # fmt: skip


def resolve_value(text: str, macros: Mapping[str, str], undefined: list[str] | None = None) -> str:
    """The value of `text` as written after `field =`: `{..}`, `".."`, numbers, macros, `#`.

    Macro names are case-insensitive (`macros` is keyed in lower case). An undefined macro
    is added to `undefined` and stands for its own name, so nothing is lost.
    """
    text = text.strip()
    if text[:1] == "{" and text[-1:] == "}" and _closes_at_end(text):
        return text[1:-1]  # the common case: one braced value
    parts = []
    for piece in _split_concatenation(text):
        if piece[:1] in '{"' and len(piece) >= 2:
            parts.append(piece[1:-1])
        elif piece.isdigit():
            parts.append(piece)
        elif piece:
            name = piece.lower()
            if name in macros:
                parts.append(macros[name])
            elif name in MONTH_MACROS:
                parts.append(MONTH_MACROS[name])
            else:
                if undefined is not None:
                    undefined.append(piece)
                parts.append(piece)
    return "".join(parts)


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
