"""Text from elsewhere (a server's reason phrase, a registry's title) made inert in reports:
control characters shown as escapes (`\\x1b`), never sent on to a terminal or a log viewer."""

from __future__ import annotations

import json
import re
from typing import Any

# Unicode's invisible marks that reorder or hide text: zero-width characters, bidi embeddings,
# overrides and isolates, the line and paragraph separators, the byte order mark.
_INVISIBLE = "\u200b-\u200f\u2028-\u202e\u2066-\u2069\ufeff"
# What a terminal or log viewer acts on rather than shows: escape sequences (ESC, and the C1
# forms such as CSI), bells, backspace and delete, shift in and out, the invisible marks. NUL
# (which terminals ignore) and white space are left to each format's own rules.
_ACTIVE = re.compile(f"[\x01-\x08\x0e-\x1f\x7f-\x9f{_INVISIBLE}]")
# For one line of text: every control character and white space but the space, too.
_UNPRINTABLE = re.compile(f"[^\\S ]|[\x00-\x1f\x7f-\x9f{_INVISIBLE}]")
# For text whose lines are kept: the same, but a line feed stays one.
_UNPRINTABLE_KEEPING_LINES = re.compile(f"[^\\S \n]|[\x00-\x09\x0b-\x1f\x7f-\x9f{_INVISIBLE}]")


def _shown(match: re.Match[str]) -> str:
    return match.group().encode("unicode_escape").decode("ascii")


def inert(text: str) -> str:
    """`text` with what a terminal would act on (ESC, BEL, C1, bidi overrides) escaped."""
    return _ACTIVE.sub(_shown, text)


def one_line(text: str) -> str:
    """`text` as one line: line breaks, tabs and every control character escaped (`\\n`)."""
    return _UNPRINTABLE.sub(_shown, text)


def printable(text: str) -> str:
    """`text` with every control character escaped but its line feeds."""
    return _UNPRINTABLE_KEEPING_LINES.sub(_shown, text)


def _json_escape(match: re.Match[str]) -> str:
    return f"\\u{ord(match.group()):04x}"


def json_text(document: Any) -> str:
    """`document` as indented JSON, UTF-8 text kept as it is, except the characters JSON may
    carry raw and a terminal would act on (DEL, C1, bidi overrides): those as `\\uXXXX`, so
    the value is the same and the bytes are inert."""
    text = json.dumps(document, indent=2, ensure_ascii=False)
    return _ACTIVE.sub(_json_escape, text) + "\n"
