"""A parsed file's record as the parse cache stores it, and the checks that make a stored
record safe to hand to the loader.

A stored record is JSON: `{"entries": [[key, type, line, {field: raw}, lines]], "strings":
{name: value}, "problems": [[code, line, message, key]]}`, where `lines` is one string, a
character per field in the fields' order whose code point is _ZERO plus the field's line
offset from the entry's first line. JSON reads such a string far faster than a dict of
numbers (the warm load would be a third slower), and any string of the right length stands
for valid lines, so there is nothing else to check in it.
"""

from __future__ import annotations

from collections.abc import Iterator, Mapping, Sequence
from itertools import chain
from typing import Any

from .parse import FileRecord

_ZERO = 0x30  # offsets 0..79, nearly all, are printable ASCII: no escapes in the JSON


def stored_record(record: FileRecord) -> dict[str, Any] | None:
    """The record in its stored form; None if a field's line has no character (a field
    over a million lines into its entry): such a file is simply not cached. (One 55,000
    lines in becomes a lone surrogate, which the cache's UTF-8 encoding refuses.)"""
    try:
        entries = [
            [key, kind, line, raw, "".join(chr(_ZERO + lines[name] - line) for name in raw)]
            for key, kind, line, raw, lines in record["entries"]
        ]
    except (ValueError, KeyError, TypeError):
        return None  # not a record parse_bibtex makes: nothing to store
    return {"entries": entries, "strings": record["strings"], "problems": record["problems"]}


def checked_record(value: Any) -> FileRecord | None:
    """The record a stored one stands for, or None unless `value` has the stored shape to
    the last field: what the loader gets always is a FileRecord, and a forged or mistaken
    one is only a miss, never a traceback later. The checks run in C (map, zip, join) where
    they can: a Python loop over 100,000 fields would cost as much as the JSON decode."""
    if type(value) is not dict or value.keys() != {"entries", "strings", "problems"}:
        return None
    entries, problems = value["entries"], value["problems"]
    if type(entries) is not list or type(problems) is not list:
        return None
    try:
        _all_text(value["strings"])
        if not _problems_checked(problems):
            return None
        if not entries:
            return value
        if set(map(type, entries)) != {list} or set(map(len, entries)) != {5}:
            return None
        keys, kinds, lines, raws, codes = zip(*entries, strict=True)
        if _types(keys, kinds, codes) != {str} or _types(lines) != {int}:
            return None
        if _types(raws) != {dict} or list(map(len, raws)) != list(map(len, codes)):
            return None
        "".join(chain.from_iterable(map(dict.values, raws)))  # TypeError unless all text
    except TypeError:
        return None
    field_lines = map(FieldLines, raws, lines, codes)
    return {**value, "entries": list(zip(keys, kinds, lines, raws, field_lines, strict=True))}


def _problems_checked(problems: list[Any]) -> bool:
    for problem in problems:
        if type(problem) is not list or len(problem) != 4:
            return False
        code, line, message, key = problem
        if type(code) is not str or type(line) is not int or type(message) is not str:
            return False
        if key is not None and type(key) is not str:
            return False
    return True


def _types(*columns: Sequence[Any]) -> set[type]:
    return set(map(type, chain.from_iterable(columns)))


def _all_text(mapping: Any) -> None:
    """TypeError unless `mapping` is a dict of text values (JSON's keys are always text)."""
    if type(mapping) is not dict:
        raise TypeError("not a mapping")
    "".join(mapping.values())


class FieldLines(Mapping[str, int]):
    """An entry's field → 1-based line, decoded from its stored form on first use: checks
    ask for lines, renders never do."""

    __slots__ = ("_code", "_done", "_line", "_raw")

    def __init__(self, raw: dict[str, str], line: int, code: str) -> None:
        self._raw, self._line, self._code = raw, line, code
        self._done: dict[str, int] | None = None

    def _lines(self) -> dict[str, int]:
        if self._done is None:
            base = self._line - _ZERO
            self._done = dict(zip(self._raw, [base + ord(c) for c in self._code], strict=True))
        return self._done

    def __getitem__(self, name: str) -> int:
        return self._lines()[name]

    def __iter__(self) -> Iterator[str]:
        return iter(self._raw)

    def __len__(self) -> int:
        return len(self._raw)

    def __contains__(self, name: object) -> bool:
        return name in self._raw

    def __repr__(self) -> str:
        return repr(self._lines())
