"""Editing .bib files in place: the one writer of refs/, byte-exact outside what it changes.

Every edit is planned first (`plan_fixes`: read, compute the new text, write nothing) and
written later (`write_edits`) under a lock file beside the .bib, `.{name}.lock`, after checking
that the file is still byte-identical to what was planned. The lock file may be left behind;
deleting it is safe whenever no citations run is writing. Values are located in the text as
bibtexparser reads it, and only their extent is replaced: comments, field order, spacing,
line endings (CRLF stays CRLF), a byte-order mark and other entries are never re-serialised.
"""

from __future__ import annotations

import contextlib
import os
from collections.abc import Iterable, Iterator, Sequence
from dataclasses import dataclass, field
from pathlib import Path

from filelock import FileLock, Timeout

from ..errors import LibraryError
from ..files import ReadOnlyFileError, edit_file, is_read_only
from ..findings import Fix
from .bibtext import (
    FIELD_NAME,
    EntryExtent,
    EntryFinder,
    pieces,
    well_formed,
)
from .encoding import Encodings, decode_bib
from .load import Library, LoadedFile
from .values import ValueLimit, resolve_value

__all__ = [
    "FileChangedError",
    "FileEdit",
    "lock_path",
    "locked",
    "plan_fixes",
    "write_edits",
]

LOCK_TIMEOUT = 10.0  # seconds to wait for another run's lock before giving up
BOM = "\ufeff"


class FileChangedError(LibraryError):
    """The file changed between planning and writing: plan again (another run wrote it)."""


@dataclass
class FileEdit:
    """One file's planned edit. `changes` are (start, end, replacement) in `old_text`.

    `old_text` and `new_text` exclude a byte-order mark; `bom` says the file has one.
    """

    path: Path
    old_text: str
    new_text: str
    applied: list[Fix] = field(default_factory=list)
    skipped: list[tuple[Fix, str]] = field(default_factory=list)
    changes: list[tuple[int, int, str]] = field(default_factory=list)
    bom: bool = False
    # The changed fields' new values as the library holds them, by key then field: what
    # patch_library needs to give the edited library without parsing the file again. None
    # when the edit is more than that (a field added, a line count changed, a value naming
    # an @string) or was planned without the library's parse of the file.
    values: dict[str, dict[str, str]] | None = None
    encoding: str = "utf-8"  # the file's, kept when it is written (see encoding.decode_bib)

    @property
    def changed(self) -> bool:
        return self.new_text != self.old_text

    def encoded(self, text: str) -> bytes:
        return ((BOM if self.bom else "") + text).encode(self.encoding)


def plan_fixes(
    fixes: Iterable[Fix], *, add_missing: bool = False, library: Library | None = None
) -> list[FileEdit]:
    """One FileEdit per file named by `fixes`, in order of first mention. Writes nothing.

    Each Fix replaces the extent of its field's value: with `bare` the value is written as is
    (a month macro `mar`); otherwise `{...}` stays `{...}`, `"..."` stays `"..."` (unless the
    new value cannot be quoted) and a number, macro or `#` concatenation becomes `{value}`.
    A field the entry lacks is skipped, unless `add_missing` (set_field, for `verify --fix`):
    then `  field = {value},` is added after the entry's last field, with its indentation and
    its trailing-comma habit (on the same line, after `, `, if that field does not start a line).
    An entry not found or not readable, a second fix of one field, or a new value that is not
    well-formed BibTeX is skipped with a reason: nothing is guessed.

    With the `library` the fixes came from, a file whose bytes are still those it loaded is
    not parsed again: entries are found from its parse (at 60,000 entries, that parse was a
    third of `check --fix`).
    """
    loaded = {item.path.resolve(): item for item in library.loaded} if library else {}
    groups: dict[Path, list[Fix]] = {}
    shown: dict[Path, Path] = {}
    resolved: dict[str, Path] = {}  # a path resolved per fix cost as much as its edit
    for fix in fixes:
        where = resolved.get(fix.path)
        if where is None:
            where = resolved[fix.path] = Path(fix.path).resolve()
            shown.setdefault(where, Path(fix.path))
        groups.setdefault(where, []).append(fix)
    return [
        _plan_file(shown[where], group, add_missing, loaded.get(where))
        for where, group in groups.items()
    ]


def write_edits(edits: Sequence[FileEdit]) -> None:
    """Write every changed file, holding all their locks: atomically, or in place for a file
    with other hard links (see files.edit_file).

    Raises FileChangedError, before writing anything, if a file is no longer byte-identical
    to what was planned; LibraryError if a lock cannot be had in LOCK_TIMEOUT seconds, or,
    before writing anything, if a file is read-only. A link is edited at its target.
    """
    todo = sorted((e for e in edits if e.changed), key=lambda e: str(e.path.resolve()))
    if len({e.path.resolve() for e in todo}) != len(todo):
        raise ValueError("two edits of one file: plan them together")
    with contextlib.ExitStack() as stack:
        for edit in todo:  # in path order, so two runs never wait on each other
            stack.enter_context(locked(edit.path))
        for edit in todo:
            if _read_bytes(edit.path) != edit.encoded(edit.old_text):
                raise FileChangedError(
                    f"{edit.path} changed since the fixes were planned; nothing was written",
                    hint="run the command again",
                )
            if is_read_only(edit.path):
                raise _read_only(edit.path)
        for edit in todo:
            _write(edit.path, edit.encoded(edit.new_text))


def lock_path(path: Path) -> Path:
    """The lock file guarding `path`: `.{name}.lock` in the same folder."""
    return path.parent / f".{path.name}.lock"


@contextlib.contextmanager
def locked(path: Path) -> Iterator[None]:
    """Hold the lock of `path`: every writer of a .bib file takes it. The lock lies beside
    the real file, so that a link and its target share one."""
    lock = lock_path(Path(os.path.realpath(path)))
    lock.parent.mkdir(parents=True, exist_ok=True)
    file_lock = FileLock(str(lock), timeout=LOCK_TIMEOUT)
    try:
        file_lock.acquire()
    except Timeout:
        raise LibraryError(
            f"{path} is locked by another run (lock file {lock})",
            hint="wait and retry; if no citations run is active, delete the lock file",
        ) from None
    try:
        yield
    finally:
        file_lock.release()


def _read_for_edit(
    path: Path, fixes: list[Fix], encodings: Encodings | None
) -> tuple[FileEdit, bytes | None]:
    """The file as an edit that changes nothing yet, and its bytes; or, if it cannot be
    read, an edit skipping every fix (and None)."""
    try:
        data = path.read_bytes()
        decoded = decode_bib(data, path, encodings)
    except OSError as exc:
        reason = f"cannot read {path}: {exc.strerror}"
        return FileEdit(path, "", "", skipped=[(f, reason) for f in fixes]), None
    except UnicodeDecodeError as exc:
        reason = f"{path} is not {exc.encoding} text as its header or the settings say"
        return FileEdit(path, "", "", skipped=[(f, reason) for f in fixes]), None
    text = decoded.text
    return FileEdit(path, text, text, bom=decoded.bom, encoding=decoded.encoding), data


def _plan_file(
    path: Path, fixes: list[Fix], add_missing: bool, loaded: LoadedFile | None
) -> FileEdit:
    edit, data = _read_for_edit(path, fixes, loaded.encodings if loaded else None)
    if data is None:
        return edit
    text = edit.old_text
    record = loaded.record if loaded and loaded.holds(data) else None
    entries = EntryFinder(text, record)
    macros = set(loaded.macros).union(record["strings"]) if loaded and record else None
    defined = entries.strings if macros is None else macros
    values: dict[str, dict[str, str]] | None = {} if record is not None else None
    # Looked up once: asked per fix, it was a scan of the whole file each time.
    new_line = ("\r\n" if "\r\n" in text else "\n") if add_missing else None
    done: set[tuple[str, str]] = set()
    planned: list[tuple[int, int, int, int, str]] = []  # start, kind, order, end, replacement
    for order, fix in enumerate(fixes):
        where = f"{fix.field} of '{fix.key}' in {path}"
        name = fix.field.lower()
        if (fix.key, name) in done:
            edit.skipped.append((fix, f"{where}: already changed by an earlier fix"))
            continue
        entry = entries.get(fix.key)
        if isinstance(entry, str):
            edit.skipped.append((fix, f"{where}: {entry}"))
            continue
        change = _change(text, entry, name, fix, new_line, defined)
        if isinstance(change, str):
            edit.skipped.append((fix, f"{where}: {change}"))
            continue
        start, end, kind, replacement = change
        if not _encodable(replacement, edit.encoding):
            edit.skipped.append((fix, f"{where}: {_NOT_ENCODABLE.format(edit.encoding)}"))
            continue
        done.add((fix.key, name))
        edit.applied.append(fix)
        if text[start:end] != replacement:
            planned.append((start, kind, order, end, replacement))
            value = _library_value(text[start:end], replacement, macros) if kind == 0 else None
            if value is None or values is None:
                values = None
            else:
                values.setdefault(fix.key, {})[name] = value
    edit.changes = [(s, e, r) for s, _, _, e, r in sorted(planned)]
    edit.new_text = _apply(text, edit.changes)
    edit.values = values
    return edit


_NOT_ENCODABLE = "the new value cannot be written in {}, the file's encoding (convert it to UTF-8)"


def _encodable(text: str, encoding: str) -> bool:
    try:
        text.encode(encoding)
    except UnicodeEncodeError:
        return False
    return True


def _library_value(old: str, new: str, macros: set[str] | None) -> str | None:
    """The value the library reads from `new`, written in place of the value `old`; None
    unless that is certain without parsing: the same number of lines (every later line
    stays where the library has it), and no piece naming a macro the library's files
    define (their scope at the entry would decide it) or none at all."""
    if macros is None or old.count("\n") != new.count("\n"):
        return None
    for piece in pieces(new):
        if piece[:1] not in ('"', "{") and not piece.isdigit() and piece.lower() in macros:
            return None
    undefined: list[str] = []
    try:
        value = resolve_value(new, {}, undefined)
    except ValueLimit:
        return None
    return None if undefined else value


def _apply(text: str, changes: list[tuple[int, int, str]]) -> str:
    """`text` with the changes (sorted, none overlapping; at one place, in the fixes' order)
    made in one pass: splicing them in one at a time copied the file once per change."""
    out: list[str] = []
    pos = 0
    for start, end, replacement in changes:
        out += [text[pos:start], replacement]
        pos = end
    out.append(text[pos:])
    return "".join(out)


def _change(
    text: str, entry: EntryExtent, name: str, fix: Fix, new_line: str | None, defined: set[str]
) -> tuple[int, int, int, str] | str:
    """(start, end, kind, replacement) for one fix, or why it cannot be made. `new_line` is
    the file's line ending when a missing field may be added, else None; `defined` the
    @string names the library's files define (a bare value naming one would mean it)."""
    if fix.bare and fix.value.lower() in defined:
        return f"'{fix.value}' is an @string of the library: written bare it would mean that"
    old = entry.find(name)
    if old is not None:
        value = _value_text(text[old.start : old.end], fix.value, fix.bare, entry.closing)
        if value is None:
            return "the new value is not well-formed BibTeX"
        return old.start, old.end, 0, value
    if new_line is None:
        return "the entry has no such field"
    value = _value_text("", fix.value, fix.bare, entry.closing)
    if value is None or not FIELD_NAME.fullmatch(fix.field):
        return "the new field is not well-formed BibTeX"
    line, nl = f"{fix.field} = {value}", new_line
    if not entry.spans:
        if text[entry.key_term] == ",":
            return entry.key_term + 1, entry.key_term + 1, 1, f"{nl}  {line},"
        return entry.key_end, entry.key_end, 1, f",{nl}  {line}{nl}"
    last = entry.fields[-1]
    line_start = text.rfind("\n", 0, last.name_start) + 1
    indent = text[line_start : last.name_start]
    gap = nl + indent if not indent.strip() else " "
    if text[last.term] == ",":
        return last.term + 1, last.term + 1, 1, f"{gap}{line},"
    return last.end, last.end, 1, f",{gap}{line}"


def _value_text(old: str, value: str, bare: bool, closing: str) -> str | None:
    """The text to write for `value`, in the delimiters of `old`; None if not well-formed."""
    if bare:
        candidates = [value]
    elif old[:1] == '"' and pieces(old) == [old]:
        candidates = [f'"{value}"', f"{{{value}}}"]  # a `"` in the value forces braces
    else:
        candidates = [f"{{{value}}}"]
    return next((c for c in candidates if well_formed(c, closing)), None)


def _write(path: Path, data: bytes) -> None:
    """Write a .bib file as its owner keeps it (see files.edit_file); the caller holds its
    lock, which an in-place write of a hard-linked file relies on."""
    try:
        edit_file(path, data)
    except ReadOnlyFileError:
        raise _read_only(path) from None
    except OSError as exc:
        raise LibraryError(f"cannot write {path}: {exc.strerror or exc}") from None


def _read_only(path: Path) -> LibraryError:
    return LibraryError(
        f"{path} is read-only; nothing was written",
        hint="make it writable (chmod u+w) if citations may edit it",
    )


def _read_bytes(path: Path) -> bytes:
    try:
        return path.read_bytes()
    except OSError as exc:
        raise LibraryError(f"cannot read {path}: {exc.strerror}") from None
