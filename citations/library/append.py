"""Adding an entry to a .bib file (`citations add`): appended under the file's lock, atomically,
in the file's line endings and encoding, after the last byte that was there."""

from __future__ import annotations

from collections.abc import Callable, Sequence
from pathlib import Path

from ..errors import LibraryError
from .bibtext import BLOCK_START, Unreadable, read_entry
from .comments import prepare
from .edit import BOM, _read_bytes, _write, locked
from .encoding import Encodings, decode_bib, not_text
from .parse import parse_bibtex

__all__ = ["append_entries", "append_entry"]


def append_entry(
    path: Path,
    entry_text: str,
    recheck: Callable[[str], str | None] | None = None,
    encodings: Encodings | None = None,
) -> bool:
    """Append one BibTeX entry to `path` (created if missing), one blank line after the last.

    The existing bytes are kept as they are; the entry takes the file's line endings and
    encoding (refused if it has a character the encoding cannot hold). `recheck`, if
    given, runs under the lock with the file's current text and returns the entry to write
    (another run may have taken its key meanwhile) or None to write nothing (it added the
    same work). Returns whether anything was written.
    """

    def one(text: str) -> list[str]:
        rechecked = recheck(text) if recheck is not None else entry_text
        return [rechecked] if rechecked is not None else []

    return append_entries(path, one, encodings) > 0


def append_entries(
    path: Path,
    entries: Callable[[str], Sequence[str]],
    encodings: Encodings | None = None,
) -> int:
    """Append several entries to `path` in one atomic write under the file's lock (a batch
    lands whole or not at all). `entries` gets the file's current text (LF line ends) and
    returns the entry texts to write; each must be one well-formed entry. Returns how many
    were written."""
    with locked(path):
        old = _read_bytes(path) if path.exists() else b""
        problem = not_text(old)
        if problem is not None:  # UTF-16 decodes as UTF-8: appending would corrupt it
            raise LibraryError(f"{path} is {problem.message}; nothing was added")
        try:
            decoded = decode_bib(old, path, encodings)
        except UnicodeDecodeError as exc:
            raise LibraryError(f"{path} is not {exc.encoding} text; nothing was added") from None
        texts = [
            t.strip().replace("\r\n", "\n") for t in entries(decoded.text.replace("\r\n", "\n"))
        ]
        if not texts:
            return 0
        if not all(well_formed_entry(text) for text in texts):
            raise LibraryError("the text to add is not one well-formed BibTeX entry")
        nl = b"\r\n" if b"\r\n" in old else b"\n"
        joined = "\n\n".join(texts).replace("\n", nl.decode())
        body = _encoded(joined, decoded.encoding, path)
        _write(path, old + _separator(old, nl) + body + nl)
    return len(texts)


def _encoded(text: str, encoding: str, path: Path) -> bytes:
    try:
        return text.encode(encoding)
    except UnicodeEncodeError as exc:
        raise LibraryError(
            f"{path} is {encoding} text, which cannot hold "
            f"'{exc.object[exc.start : exc.end]}' of the new entry; nothing was added",
            hint=f"convert the file to UTF-8 (iconv -f {encoding} -t utf-8)",
        ) from None


def well_formed_entry(text: str) -> bool:
    """True if `text` is exactly one entry, nothing before or after it, that parses cleanly."""
    record = parse_bibtex(text, {})
    block = BLOCK_START.match(text)
    if block is None or len(record["entries"]) != 1:
        return False
    if any(code != "undefined-macro" for code, *_ in record["problems"]):
        return False
    try:
        entry = read_entry(prepare(text), block, record["entries"][0][0])
    except Unreadable:
        return False
    return entry is not None and entry.close == len(text) - 1


def _separator(old: bytes, nl: bytes) -> bytes:
    """What goes between the file's last byte and a new entry: one blank line in all."""
    content = old.removeprefix(BOM.encode("utf-8"))
    if not content:
        return b""
    if not content.endswith(b"\n"):
        return nl + nl
    last_line = content[:-1].rsplit(b"\n", 1)[-1]
    return b"" if not last_line.strip() else nl
