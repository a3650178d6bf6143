"""A parsed file's record as the parse cache stores it, and the checks that make a stored
record safe to hand to the loader.

A stored record is JSON: `{"entries": [[key, type, line, {field: raw}, lines]], "strings":
{name: value}, "problems": [[code, line, message, key]]}`, where `lines` is one string, a
character per field in the fields' order whose code point is _ZERO plus the field's line
offset from the entry's first line. JSON reads such a string far faster than a dict of
numbers (the warm load would be a third slower), any string of the right length stands for
valid lines, so there is nothing else to check in it, and moving an entry (a block cached
at another place in its file) leaves it as it is.
"""

from __future__ import annotations

from collections.abc import Iterator, Mapping, Sequence
from itertools import chain
from operator import itemgetter
from typing import Any

from .parse import FileRecord

_ZERO = 0x30  # offsets 0..79, nearly all, are printable ASCII: no escapes in the JSON
_ORDER = ("entries", "strings", "problems")  # as stored_record writes them


def stored_record(record: FileRecord) -> dict[str, Any] | None:
    """The record in its stored form; None if a field's line has no character (a field
    over a million lines into its entry): such a file is simply not cached. (One 55,000
    lines in becomes a lone surrogate, which the cache's UTF-8 encoding refuses.)"""
    try:
        entries = [
            [key, kind, line, raw, _code(raw, line, lines)]
            for key, kind, line, raw, lines in record["entries"]
        ]
    except (ValueError, KeyError, TypeError):
        return None  # not a record parse_bibtex makes: nothing to store
    return dict(zip(_ORDER, (entries, record["strings"], record["problems"]), strict=True))


def _code(raw: Mapping[str, str], line: int, lines: Mapping[str, int]) -> str:
    if isinstance(lines, FieldLines) and lines.line == line:
        return lines.code  # as it was read: no need to decode it
    return "".join(chr(_ZERO + lines[name] - line) for name in raw)


def checked_record(value: Any) -> FileRecord | None:
    """The record a stored one stands for, or None unless `value` has the stored shape to
    the last field: what the loader gets always is a FileRecord, and a forged or mistaken
    one is only a miss, never a traceback later. `value` is a fresh JSON decode: it is
    made into the record in place."""
    return value if checked_records([value]) else None


def checked_records(values: list[Any]) -> bool:
    """Whether every value has the stored shape (see checked_record); if so, each is made
    into its record in place. All are checked at once, in C (map, zip, join) where it can
    be: a Python loop over 100,000 fields, or 10,000 one-entry blocks one by one, would
    cost as much as the JSON decode."""
    try:
        if _types(values) - {dict} or set(map(tuple, values)) - {_ORDER}:
            return False
        entries_in, strings, problems_in = (list(map(itemgetter(p), values)) for p in _ORDER)
        if _types(entries_in, problems_in) - {list} or _types(strings) - {dict}:
            return False
        "".join(chain.from_iterable(map(dict.values, strings)))  # TypeError unless all text
        entries, problems = list(chain(*entries_in)), list(chain(*problems_in))
        if not _problems_checked(problems):
            return False
        if not entries:
            return True
        if _types(entries) != {list} or set(map(len, entries)) != {5}:
            return False
        keys, kinds, lines, raws, codes = zip(*entries, strict=True)
        if _types(keys, kinds, codes) != {str} or _types(lines) != {int}:
            return False
        if _types(raws) != {dict} or list(map(len, raws)) != list(map(len, codes)):
            return False
        "".join(chain.from_iterable(map(dict.values, raws)))  # TypeError unless all text
    except TypeError:
        return False
    for entry, field_lines in zip(entries, map(FieldLines, raws, lines, codes), strict=True):
        entry[4] = field_lines
    return True


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

    __slots__ = ("_done", "_raw", "code", "line")

    def __init__(self, raw: dict[str, str], line: int, code: str) -> None:
        self._raw, self.line, self.code = raw, line, code
        self._done: dict[str, int] | None = None

    def shifted(self, by: int) -> FieldLines:
        """The same fields, their entry `by` lines further down."""
        return FieldLines(self._raw, self.line + by, self.code)

    def _lines(self) -> dict[str, int]:
        if self._done is None:
            base = self.line - _ZERO
            self._done = dict(zip(self._raw, [base + ord(c) for c in self.code], strict=True))
        return self._done

    def __getitem__(self, name: str) -> int:
        return self._lines()[name]

    def __eq__(self, other: object) -> bool:
        # Mapping's own == builds two dicts of items: the editor compares 60,000 of these.
        if isinstance(other, FieldLines):
            return self._lines() == other._lines()
        if isinstance(other, dict):
            return self._lines() == other
        return isinstance(other, Mapping) and self._lines() == dict(other.items())

    __hash__ = None  # type: ignore[assignment]

    def __iter__(self) -> Iterator[str]:
        return iter(self._raw)

    def __len__(self) -> int:
        return len(self._raw)

    def __contains__(self, name: object) -> bool:
        return name in self._raw

    def __repr__(self) -> str:
        return repr(self._lines())
