"""The BibTeX library: every .bib file read once, cached, merged, and decoded only on demand."""

from __future__ import annotations

import dataclasses
import difflib
from collections.abc import Iterable, Iterator, Mapping, Sequence
from dataclasses import dataclass, field
from pathlib import Path
from typing import Any

from ..errors import LibraryError
from ..findings import Finding, Severity
from ..model import NameList, Reference, Span
from .cache import cache_key, read_record, write_record
from .crossref import inherit_fields
from .encoding import Encodings, decode_bib, not_text
from .incremental import parse_with_block_cache
from .latex import decode_latex
from .names import parse_names
from .parse import FileRecord, parse_bibtex

_WARNINGS = frozenset({"undefined-macro", "bib-encoding"})  # as problems: the file still loads
# Fields biblatex reads verbatim: decoding LaTeX there would corrupt `_`, `%` and `~`.
VERBATIM_FIELDS = frozenset({"url", "doi", "eprint", "file", "pdf", "urlraw", "verba", "verbb"})
NAME_FIELDS = frozenset({"author", "editor", "translator", "bookauthor", "editora", "editorb"})


@dataclass(frozen=True)
class LoadedFile:
    """One .bib file as the library read it: its parse (None: skipped, with `skipped` saying
    why), a digest of its bytes, and the @string macros earlier files defined.

    The editor plans fixes from the parse when the file's bytes still have this digest, and
    a library is patched after an edit without parsing the file again (`patch_library`).
    """

    path: Path
    digest: str  # its parse-cache key: of the bytes, the macros before it and `variant`
    record: FileRecord | None
    macros: Mapping[str, str] = field(default_factory=dict)
    skipped: Finding | None = None
    variant: str = ""  # the encoding settings that applied, part of the parse cache's key
    encodings: Encodings | None = None  # the settings it was read with, for its edits

    def holds(self, content: bytes) -> bool:
        """True if `content` is what was read (an unchanged file)."""
        key = cache_key(content, self.macros, self.variant)
        return self.record is not None and key == self.digest


class Library:
    """References by key, in file order, with the findings met while loading them."""

    def __init__(
        self,
        references: dict[str, Reference],
        findings: list[Finding],
        files: Sequence[Path],
        loaded: Sequence[LoadedFile] = (),
        sources: Mapping[str, tuple[str, ...]] | None = None,
        encodings: Encodings | None = None,
    ) -> None:
        self.references = references
        self.findings = findings
        self.files = tuple(files)
        self.loaded = tuple(loaded)
        # Key → the keys it takes fields from (xdata, crossref), as the library spells them.
        self.sources: Mapping[str, tuple[str, ...]] = sources or {}
        self.encodings = encodings  # the [library] encoding settings it was read with
        self._folded: dict[str, list[str]] | None = None  # casefolded key → keys

    def __contains__(self, key: object) -> bool:
        return key in self.references

    def __getitem__(self, key: str) -> Reference:
        return self.references[key]

    def __iter__(self) -> Iterator[Reference]:
        return iter(self.references.values())

    def __len__(self) -> int:
        return len(self.references)

    def get(self, key: str) -> Reference | None:
        return self.references.get(key)

    def unread(self) -> list[Finding]:
        """What keeps entries from being read as written: files skipped or read in a guessed
        encoding, blocks that could not be parsed. Commands that do not report the library's
        findings (verify, links, claims) still report these: nothing goes missing unsaid."""
        return [f for f in self.findings if f.code in ("bib-encoding", "bib-syntax")]

    def suggest(self, key: str, n: int = 3) -> list[str]:
        """Keys close to an unknown one: same key in another case first, then similar ones."""
        from rapidfuzz import fuzz, process

        if self._folded is None:  # built once: a scan of every key per unknown key was slow
            self._folded = {}
            for k in self.references:
                self._folded.setdefault(k.casefold(), []).append(k)
        same_case = self._folded.get(key.casefold(), [])
        # difflib's ratio never exceeds rapidfuzz's (2 x longest common subsequence / lengths):
        # rapidfuzz keeps every key difflib could pick, and difflib picks among those alone.
        near = [
            k
            for k, _, _ in process.extract(
                key,
                list(self.references),
                scorer=fuzz.ratio,
                processor=None,
                limit=None,
                score_cutoff=59.9,
            )
        ]
        close = difflib.get_close_matches(key, near, n=n, cutoff=0.6) if near else []
        return list(dict.fromkeys(same_case + close))[:n]


def find_bib_files(paths: Iterable[Path]) -> list[Path]:
    """Each path as given if it is a file, or every *.bib below it (sorted) if a folder."""
    found: list[Path] = []
    for path in paths:
        if path.is_dir():
            found.extend(sorted(p for p in path.rglob("*.bib") if p.is_file()))
        elif path.is_file():
            found.append(path)
        else:
            raise LibraryError(f"no such file or folder: {path}", hint="check --refs or 'refs'")
    return list(dict.fromkeys(found))


def load_library(
    paths: Iterable[Path], cache_dir: Path | None = None, encodings: Encodings | None = None
) -> Library:
    """Load every .bib file under `paths`. Broken blocks and duplicate keys become findings.

    Files are read in order and `@string` macros carry over to later files, as in BibTeX.
    The first definition of a key wins; later ones are reported with both places. A file
    that is not UTF-8 is read as `encoding.decode_bib` says (a guess is a warning).
    """
    files = find_bib_files(paths)
    macros: dict[str, str] = {}
    loaded: list[LoadedFile] = []
    folder = cache_dir / "parse" if cache_dir is not None else None
    for path in files:
        item = _load_file(path, macros, folder, encodings)
        loaded.append(item)
        if item.record is not None:
            macros.update(item.record["strings"])
    return _assemble(files, loaded, encodings)


def patch_library(
    library: Library,
    patches: Mapping[Path, tuple[bytes, Mapping[str, Mapping[str, str]]]],
    cache_dir: Path | None = None,
) -> Library:
    """The library as loading it again would give it, after files were edited only in field
    values: `patches` maps a file's resolved path to its new bytes and, by key, the edited
    fields' new values (resolved, as the library holds them). Nothing is parsed; a patched
    file's record is stored in the parse cache under its new bytes, as a load would store it.

    Only for edits that change no line count, no key and no @string, and whose new values
    need no macro defined in the library: the caller (edit.py's FileEdit.values) decides.
    """
    folder = cache_dir / "parse" if cache_dir is not None else None
    loaded = []
    for item in library.loaded:
        patch = patches.get(item.path.resolve()) if item.record is not None else None
        if patch is None or item.record is None:
            loaded.append(item)
            continue
        content, values = patch
        record = {**item.record, "entries": _patched(item.record["entries"], values)}
        digest = cache_key(content, item.macros, item.variant)
        if folder is not None:
            write_record(folder, digest, record)
        loaded.append(dataclasses.replace(item, digest=digest, record=record))
    return _assemble(library.files, loaded, library.encodings)


def _patched(entries: list[Any], values: Mapping[str, Mapping[str, str]]) -> list[Any]:
    """The entries with new values put in; a key given twice in the file is edited at its
    first definition, the one the library and the editor use."""
    done: set[str] = set()
    out = []
    for entry in entries:
        key, type_, line, raw, lines = entry
        if key in values and key not in done:
            done.add(key)
            entry = (key, type_, line, {**raw, **values[key]}, lines)
        out.append(entry)
    return out


def _assemble(
    files: Sequence[Path], loaded: Sequence[LoadedFile], encodings: Encodings | None
) -> Library:
    """The library from its files' records: duplicate keys and crossrefs resolved."""
    findings: list[Finding] = []
    references: dict[str, Reference] = {}
    for item in loaded:
        record = item.record
        if record is None:
            findings.extend([item.skipped] if item.skipped else [])
            continue
        name = str(item.path)
        for code, line, message, key in record["problems"]:
            severity: Severity = "warning" if code in _WARNINGS else "error"
            findings.append(Finding(code, severity, message, Span(name, line), key=key))
        for key, type_, line, raw, lines in record["entries"]:
            span = Span(name, line)
            first = references.get(key)
            if first is not None:
                findings.append(
                    Finding(
                        "duplicate-key",
                        "error",
                        f"key '{key}' is defined twice; "
                        f"the first definition at {first.span} is used",
                        span,
                        hint="rename or remove one of them",
                        key=key,
                        related=(first.span,),
                    )
                )
                continue
            references[key] = _reference(key, type_, span, raw, lines)
    inherited = inherit_fields(references)
    findings.extend(inherited.findings)
    for key, fields in inherited.merged.items():
        old = references[key]
        references[key] = _reference(key, old.type, old.span, fields, dict(old.field_lines))
    return Library(references, findings, files, loaded, inherited.sources, encodings)


def _load_file(
    path: Path, macros: Mapping[str, str], folder: Path | None, encodings: Encodings | None
) -> LoadedFile:
    try:
        content = path.read_bytes()
    except OSError as exc:
        raise LibraryError(f"cannot read {path}: {exc.strerror}") from None
    problem = not_text(content)
    if problem is not None:
        where = Span(str(path), problem.line, problem.column)
        message = f"{problem.message}; the file is skipped"
        finding = Finding("bib-encoding", "error", message, where, hint=problem.hint)
        return LoadedFile(path, "", None, skipped=finding)
    chosen = encodings.for_file(path) if encodings else None
    default = encodings.default if encodings else None
    variant = f"{chosen}|{default}" if chosen or default else ""
    key = cache_key(content, macros, variant)  # also the digest the editor compares with
    record = _record(path, content, macros, folder, (encodings, key))
    if isinstance(record, Finding):
        return LoadedFile(path, key, None, skipped=record)
    return LoadedFile(path, key, record, dict(macros), variant=variant, encodings=encodings)


def _record(
    path: Path,
    content: bytes,
    macros: Mapping[str, str],
    folder: Path | None,
    settings: tuple[Encodings | None, str],
) -> FileRecord | Finding:
    encodings, key = settings
    if folder is not None and (cached := read_record(folder, key)) is not None:
        return cached
    try:
        decoded = decode_bib(content, path, encodings)
    except UnicodeDecodeError as exc:
        return _undecodable(path, content, exc)
    text = decoded.text.replace("\r\n", "\n")
    if folder is None:
        record = parse_bibtex(text, macros)
    else:
        record = parse_with_block_cache(text, macros, folder, path)
    if decoded.guessed is not None:  # kept with the record, so a cached load warns too
        guess = decoded.guessed
        message = f"{guess.message}; {guess.hint}"
        record["problems"].insert(0, ("bib-encoding", guess.line, message, None))
    if folder is not None:
        write_record(folder, key, record)
    return record


def _undecodable(path: Path, content: bytes, exc: UnicodeDecodeError) -> Finding:
    line = content[: exc.start].count(b"\n") + 1
    column = exc.start - (content.rfind(b"\n", 0, exc.start) + 1) + 1
    return Finding(
        "bib-encoding",
        "error",
        f"not {exc.encoding} text as its header or the settings say: byte "
        f"0x{content[exc.start]:02x} cannot be decoded; the file is skipped",
        Span(str(path), line, column),
        hint="fix the `% Encoding:` header or [library] encoding, or save the file as UTF-8",
    )


def _reference(
    key: str, type_: str, span: Span, raw: dict[str, str], lines: dict[str, int]
) -> Reference:
    return Reference(key, type_, span, raw, DecodedFields(raw), ParsedNames(raw), lines)


class DecodedFields(Mapping[str, str]):
    """Field values decoded from LaTeX to Unicode on first access, then kept."""

    __slots__ = ("_done", "_raw")

    def __init__(self, raw: Mapping[str, str]) -> None:
        self._raw = raw
        self._done: dict[str, str] = {}

    def __getitem__(self, name: str) -> str:
        try:
            return self._done[name]
        except KeyError:
            value = self._raw[name]
            text = value.strip() if name in VERBATIM_FIELDS else decode_latex(value)
            self._done[name] = text
            return text

    def __iter__(self) -> Iterator[str]:
        return iter(self._raw)

    def __len__(self) -> int:
        return len(self._raw)

    def __contains__(self, name: object) -> bool:
        return name in self._raw


class ParsedNames(Mapping[str, NameList]):
    """Name fields (author, editor, ...) parsed on first access."""

    __slots__ = ("_done", "_raw")

    def __init__(self, raw: Mapping[str, str]) -> None:
        self._raw = raw
        self._done: dict[str, NameList] = {}

    def __getitem__(self, name: str) -> NameList:
        try:
            return self._done[name]
        except KeyError:
            if name not in NAME_FIELDS:
                raise
            names, others = parse_names(self._raw[name])
            self._done[name] = parsed = NameList(names, others)
            return parsed

    def __iter__(self) -> Iterator[str]:
        return (name for name in self._raw if name in NAME_FIELDS)

    def __len__(self) -> int:
        return sum(1 for _ in self)

    def __contains__(self, name: object) -> bool:
        return name in NAME_FIELDS and name in self._raw
