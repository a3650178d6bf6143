"""CSL-JSON text: a library's items written, and a file's items (an array, or `{"items": [...]}`)
read into works, each with the line it starts on."""

from __future__ import annotations

import bisect
import json
import re
from collections.abc import Iterable, Iterator
from typing import Any

from ..model import Reference
from .csl import ItemError, csl_item, item_work
from .work import Failure, Read

_ITEMS_KEY = re.compile(r'"items"\s*:\s*\[')
_SPACE = re.compile(r"\s*")
_DECODER = json.JSONDecoder()


def write_csl_json(refs: Iterable[Reference]) -> str:
    """The entries as a CSL-JSON array, UTF-8 text, two-space indented, one final newline."""
    return json.dumps([csl_item(ref) for ref in refs], ensure_ascii=False, indent=2) + "\n"


def looks_like_csl_json(text: str) -> bool:
    return text.lstrip("\ufeff \t\r\n")[:1] in ("[", "{")


def read_csl_json(text: str) -> Read:
    """Every item of a CSL-JSON file. An item that is not a CSL item fails at its line; a file
    that is not JSON fails at the line where it stops being JSON, with what came before it read."""
    text = text.lstrip("\ufeff")
    read = Read()
    try:
        for line, value in _items(text):
            if not isinstance(value, dict):
                read.failures.append(Failure(line, "not a CSL item (a JSON object)"))
                continue
            try:
                read.works.append(item_work(value, line))
            except ItemError as exc:
                read.failures.append(Failure(line, str(exc)))
    except _Broken as exc:
        read.failures.append(Failure(exc.line, exc.message))
    return read


class _Broken(Exception):
    def __init__(self, line: int, message: str) -> None:
        super().__init__(message)
        self.line = line
        self.message = message


def _items(text: str) -> Iterator[tuple[int, Any]]:
    """(line, value) of each element of the top-level array, or of `items` in an object."""
    newlines = [m.start() for m in re.finditer("\n", text)]

    def _line(_text: str, at: int) -> int:
        return bisect.bisect_left(newlines, at) + 1

    at = _SPACE.match(text, 0).end()  # type: ignore[union-attr]
    if text.startswith("{", at):
        found = _ITEMS_KEY.search(text, at)
        if found is None:
            _decode(text, at)  # a broken object fails where it breaks
            raise _Broken(_line(text, at), 'neither a CSL-JSON array nor an object with "items"')
        at = found.end() - 1
    if not text.startswith("[", at):
        raise _Broken(_line(text, at), "not CSL-JSON: expected an array of items")
    at = _SPACE.match(text, at + 1).end()  # type: ignore[union-attr]
    if text.startswith("]", at):
        return
    while True:
        value, end = _decode(text, at)
        yield _line(text, at), value
        at = _SPACE.match(text, end).end()  # type: ignore[union-attr]
        if text.startswith("]", at):
            return
        if not text.startswith(",", at):
            raise _Broken(_line(text, at), "not CSL-JSON: expected ',' or ']' between items")
        at = _SPACE.match(text, at + 1).end()  # type: ignore[union-attr]


def _decode(text: str, at: int) -> tuple[Any, int]:
    try:
        return _DECODER.raw_decode(text, at)
    except json.JSONDecodeError as exc:
        raise _Broken(exc.lineno, f"not valid JSON: {exc.msg} (column {exc.colno})") from None
    except RecursionError:  # `[[[[...` thousands deep: the decoder recurses
        line = text.count("\n", 0, at) + 1
        raise _Broken(line, "JSON nested too deeply to be a CSL item") from None
