"""A reference list as printed (numbered, or one reference a paragraph) cut into references,
and the facts `add` reads straight from a reference's text: when a web page was accessed."""

from __future__ import annotations

import datetime
import re
import sys
from pathlib import Path

from ..errors import CitationsError
from ..render.styles.base import month_number

# `1.`, `1)`, `[1]`, `(1)` at the start of a line: a numbered list's items.
_NUMBER = re.compile(r"^[ \t]*(?:\[\d{1,4}\]|\(\d{1,4}\)|\d{1,4}[.)])[ \t]+", re.MULTILINE)
_MONTH = r"(jan|feb|mar|apr|may|jun|jul|aug|sep|oct|nov|dec)[a-z]*\.?"
# AMA `Accessed April 17, 2025.` / `Accessed April 2025.`, `Accessed 17 April 2025`, and
# Vancouver `[cited 2025 Apr 17]`.
_ACCESSED = (
    re.compile(rf"\baccessed:?\s+{_MONTH}\s+(?:(\d{{1,2}}),?\s+)?(\d{{4}})", re.IGNORECASE),
    re.compile(rf"\baccessed:?\s+(\d{{1,2}})\s+{_MONTH}\s+(\d{{4}})", re.IGNORECASE),
    re.compile(rf"\[cited\s+(\d{{4}})\s+{_MONTH}(?:\s+(\d{{1,2}}))?\]", re.IGNORECASE),
)


def split_references(text: str) -> list[str]:
    """Each reference on one line: numbered items (continuation lines joined, numbers
    dropped), else paragraphs, else lines."""
    starts = [m.start() for m in _NUMBER.finditer(text)]
    if len(starts) >= 2 or (starts and not text[: starts[0]].strip()):
        pieces = [text[a:b] for a, b in zip(starts, [*starts[1:], len(text)], strict=True)]
        pieces = [_NUMBER.sub("", p, count=1) for p in pieces]
    elif re.search(r"\n[ \t]*\n", text.strip()):
        pieces = re.split(r"\n[ \t]*\n", text)
    else:
        pieces = text.splitlines()
    return [" ".join(p.split()) for p in pieces if p.strip()]


def accessed_date(text: str) -> str:
    """The access date a reference prints, as ISO 8601 (`2025-04`, `2025-04-17`); "" if none
    or not a real date."""
    for n, pattern in enumerate(_ACCESSED):
        found = pattern.search(text)
        if found is None:
            continue
        if n == 0:
            month, day, year = found[1], found[2], found[3]
        elif n == 1:
            day, month, year = found[1], found[2], found[3]
        else:
            year, month, day = found[1], found[2], found[3]
        number = month_number(month)
        if number is None:
            return ""
        try:
            if day:
                return datetime.date(int(year), number, int(day)).isoformat()
            return datetime.date(int(year), number, 1).isoformat()[:7]
        except ValueError:
            return ""
    return ""


def read_references(path: Path) -> list[str]:
    """The references of a list in a UTF-8 file (`-`: standard input)."""
    try:
        text = sys.stdin.read() if str(path) == "-" else path.read_text("utf-8")
    except OSError as error:
        raise CitationsError(f"cannot read {path}: {error.strerror or error}") from None
    except UnicodeDecodeError as error:
        raise CitationsError(f"{path} is not UTF-8 text (byte {error.start})") from None
    return split_references(text)
