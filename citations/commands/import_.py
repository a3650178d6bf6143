"""`citations import` as a function: MEDLINE, RIS, CSL-JSON or BibTeX files → clean entries, as
`add` writes them, appended in one locked, atomic write.

Every file is read before anything is written. A work already in the library or earlier in
the batch (same DOI, PMID or PMCID, a page's URL, or the same title, first author and year,
folded) is skipped and named; a record that cannot be read is a failure at its file:line,
and the others are still imported.
"""

from __future__ import annotations

from collections.abc import Sequence
from dataclasses import dataclass, field, replace
from pathlib import Path
from typing import Any

from ..add.entry import Entry
from ..add.webpage import WebPage
from ..config import Config
from ..errors import UsageError
from ..folding import fold
from ..interchange.detect import IMPORT_FORMATS, TEXT_READERS, detect_format
from ..interchange.work import Failure, Read, Work, cleaned
from ..library import Library, load_library
from ..library.append import well_formed_entry
from ..library.encoding import Encodings, not_text
from ..model import Span
from .add import (
    AddSettings,
    KnownWorks,
    add_settings,
    index_library,
    new_entry,
    recheck_entry,
    with_target,
)

MAX_FILE = 64 << 20  # bytes: a PubMed export of 10,000 records is about 30 MB


@dataclass(frozen=True)
class ImportRun:
    """`citations import`, settled once from the config and the command line."""

    settings: AddSettings  # key pattern, casing, target file: `add`'s own
    refs: tuple[Path, ...]  # where duplicates are looked for
    format: str = "auto"
    dry_run: bool = False
    parse_cache: Path | None = None
    encodings: Encodings | None = None

    @classmethod
    def from_config(cls, config: Config, **options: Any) -> ImportRun:
        """Options (click's names): into (Path), format, refs, dry_run, sentence_case."""
        fmt = options.get("format") or "auto"
        if fmt not in ("auto", *IMPORT_FORMATS):
            raise UsageError(
                f"unknown format '{fmt}'", hint=f"known: auto, {', '.join(IMPORT_FORMATS)}"
            )
        add_options = {"to": options.get("into"), "refs": options.get("refs")}
        add_options["sentence_case"] = options.get("sentence_case")
        return cls(
            settings=add_settings(config, add_options),
            refs=tuple(p for p in (options.get("refs") or config.refs) if Path(p).exists()),
            format=fmt,
            dry_run=bool(options.get("dry_run")),
            parse_cache=config.cache_folder(),
            encodings=Encodings(*config.encodings()),
        )


@dataclass
class ImportOutcome:
    entries: list[Entry] = field(default_factory=list)  # new, in the order read
    added: list[tuple[str, Span]] = field(default_factory=list)  # (key, where it came from)
    skipped: list[tuple[Span, str]] = field(default_factory=list)  # (where, key it duplicates)
    failed: list[tuple[Span, str]] = field(default_factory=list)  # (where, why)
    written: Path | None = None  # None: a dry run, or nothing new


def run_import(run: ImportRun, paths: Sequence[Path]) -> ImportOutcome:
    """Read every file, make the new entries, then append them all at once."""
    library = load_library(
        with_target(list(run.refs), run.settings.target), run.parse_cache, run.encodings
    )
    known = _Batch(index_library(library), _title_keys(library))
    outcome = ImportOutcome()
    sources: list[Span] = []
    for path in paths:
        read = read_file(path, run.format, run.encodings)
        outcome.failed += [(Span(str(path), f.line), f.message) for f in read.failures]
        for work in read.works:
            where = Span(str(path), work.line)
            made = known.entry(work, run.settings)
            if isinstance(made, Failure):
                outcome.failed.append((where, made.message))
            elif isinstance(made, str):
                outcome.skipped.append((where, made))
            else:
                outcome.entries.append(made)
                sources.append(where)
    if outcome.entries and not run.dry_run:
        _append(run.settings.target, outcome, sources, run.encodings)
    else:
        outcome.added = [(e.key, s) for e, s in zip(outcome.entries, sources, strict=True)]
    return outcome


def read_file(path: Path, fmt: str, encodings: Encodings | None = None) -> Read:
    """One file's works and failures; a file that cannot be read at all is one failure."""
    try:
        if path.stat().st_size > MAX_FILE:
            return _failed(1, f"larger than {MAX_FILE >> 20} MB: split it")
        data = path.read_bytes()
    except OSError as exc:
        return _failed(1, f"cannot read: {exc.strerror}")
    problem = not_text(data)
    if problem is not None:
        return _failed(problem.line, problem.message)
    try:
        text = data.decode("utf-8-sig")
    except UnicodeDecodeError as exc:
        line = data.count(b"\n", 0, exc.start) + 1
        return _failed(line, f"not UTF-8 text (byte 0x{data[exc.start]:02x}); save it as UTF-8")
    chosen = detect_format(path.name, text) if fmt == "auto" else fmt
    if chosen is None:
        return _failed(1, "not MEDLINE, RIS, CSL-JSON or BibTeX: give --format")
    if chosen == "bibtex":
        from ..interchange.bibtex import read_references

        library = load_library([path], None, encodings)
        read = read_references(library, library.findings)
        if not (read.works or read.failures):  # the loader passes over text between entries
            return _failed(1, "no BibTeX entry in the file")
        return read
    return TEXT_READERS[chosen](text)


def _failed(line: int, message: str) -> Read:
    return Read(failures=[Failure(line, message)])


@dataclass
class _Batch:
    """What is known so far, the library's works and the batch's own, by identifier and by
    folded title, first author and year."""

    known: KnownWorks
    titles: dict[str, str]

    def entry(self, work: Work, settings: AddSettings) -> Entry | str | Failure:
        """The new entry for `work`, the key of the work it duplicates, or why it fails."""
        record = cleaned(work.record)
        first = (record.authors or record.editors)[:1]
        author = (first[0].family or first[0].literal) if first else ""
        title = _title_key(record.title, author, str(record.year or ""))
        if title and title in self.titles:
            return self.titles[title]
        found: Any = record
        if work.web:
            found = WebPage(
                record.url,
                record.title,
                record.authors,
                work.site,
                work.published,
                work.updated,
                work.reviewed,
            )
        made = new_entry(found, replace(settings, accessed=work.accessed), self.known)
        if isinstance(made, Entry) and not well_formed_entry(made.text().strip()):
            return Failure(work.line, "its fields cannot be written as one BibTeX entry")
        if isinstance(made, Entry) and title:
            self.titles[title] = made.key
        return made


def _title_keys(library: Library) -> dict[str, str]:
    keys: dict[str, str] = {}
    for ref in library:
        names = (ref.authors.names or ref.editors.names)[:1]
        author = f"{names[0].von} {names[0].last}" if names else ""
        year = (ref.get("year") or ref.get("date"))[:4]
        title = _title_key(ref.get("title"), author, year)
        if title:
            keys.setdefault(title, ref.key)
    return keys


def _title_key(title: str, author: str, year: str) -> str:
    """Title, first author's family name and year, folded: '' without a title."""
    return f"{fold(title)}|{fold(author)}|{year}" if fold(title) else ""


def _append(
    target: Path, outcome: ImportOutcome, sources: list[Span], encodings: Encodings | None
) -> None:
    """Under the lock: entries added meanwhile by another run are skipped, keys taken
    meanwhile get a letter."""
    from ..library.append import append_entries
    from ..library.parse import parse_bibtex

    final: list[tuple[Entry, Span]] = []

    def fresh(text: str) -> list[str]:
        final.clear()
        written = parse_bibtex(text, {})["entries"]
        taken = {key.casefold() for key, *_ in written}
        for entry, where in zip(outcome.entries, sources, strict=True):
            made = recheck_entry(entry, written, taken)
            if isinstance(made, tuple):
                outcome.skipped.append((where, made[1]))
            else:
                final.append((made, where))
        return [entry.text() for entry, _ in final]

    if append_entries(target, fresh, encodings):
        outcome.written = target
    outcome.entries = [entry for entry, _ in final]
    outcome.added = [(entry.key, where) for entry, where in final]
