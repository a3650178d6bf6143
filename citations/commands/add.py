"""`citations add` as a function: identifiers → registry records or pages → new BibTeX entries.

Everything is looked up before anything is written; each entry is then appended on its own
(`append_entry`: locked, atomic), so a run killed at any moment leaves whole entries only.
An identifier already in the library (same DOI, PMID, PMCID, arXiv id or URL) is refused with
the key it is filed under. Duplicates are not failures; an identifier that cannot be read,
found or looked up is, and the other identifiers are still added.
"""

from __future__ import annotations

import datetime
import re
from collections.abc import Callable, Mapping, Sequence
from dataclasses import dataclass, field, replace
from pathlib import Path
from typing import TYPE_CHECKING, Any

from ..add.entry import Entry, entry_type, page_entry, record_entry
from ..add.keys import (
    DEFAULT_KEY_PATTERN,
    make_key,
    page_key_parts,
    pattern_problem,
    record_key_parts,
)
from ..add.resolve import Lookups, resolve
from ..add.webpage import WebPage
from ..config import Config
from ..errors import CitationsError, ConfigError
from ..files import shown
from ..identifiers import (
    normalise_arxiv,
    normalise_doi,
    normalise_isbn,
    normalise_pmcid,
    normalise_pmid,
    normalise_url,
)
from ..library import Library, find_bib_files, load_library
from ..library.encoding import Encodings
from ..registries.model import Record

if TYPE_CHECKING:
    from ..registries.client import Registries
    from ..registries.settings import RegistrySettings

ADD_KEYS = ("key-pattern", "sentence-case", "to")
DEFAULT_FILE = "added.bib"
DEFAULT_DEADLINE = 60.0  # seconds for the whole run: a registry that hangs cannot hold it
_ACCESSED = re.compile(r"\d{4}-\d{2}(?:-\d{2})?")


@dataclass
class AddOutcome:
    entries: list[str] = field(default_factory=list)  # the BibTeX texts, in the order given
    written: Path | None = None  # the file they were appended to (None: dry run, or nothing new)
    existing: list[tuple[str, str]] = field(default_factory=list)  # (identifier, key) refused
    failed: list[tuple[str, str]] = field(default_factory=list)  # (identifier, why)
    messages: list[str] = field(default_factory=list)  # for standard error, in order


@dataclass(frozen=True)
class AddSettings:
    key_pattern: str
    target: Path
    sentence_case: bool
    accessed: str  # urldate of web pages: YYYY-MM or YYYY-MM-DD


@dataclass
class KnownWorks:
    """The library's identifiers and keys; each new entry adds its own."""

    ids: dict[tuple[str, str], str]
    keys: set[str]  # casefolded

    def find(self, kind: str, value: str) -> str:
        return self.ids.get((kind, _norm(kind, value)), "") if value else ""

    def add(self, kind: str, value: str, key: str) -> None:
        if value:
            self.ids.setdefault((kind, _norm(kind, value)), key)


@dataclass(frozen=True)
class AddRun:
    """`citations add`, settled once from the config and the command line."""

    settings: AddSettings
    registries: RegistrySettings
    refs: tuple[Path, ...]  # where duplicates are looked for
    dry_run: bool = False
    cache: Path | None = None  # registry answers (SQLite); None: none
    parse_cache: Path | None = None
    encodings: Encodings | None = None  # [library] encoding
    notice_marker: Path | None = None  # once it exists, the polite notice is not shown again

    @classmethod
    def from_config(cls, config: Config, **options: Any) -> AddRun:
        """Options (click's names): to (Path), refs (paths), dry_run, accessed ("2025-04"),
        sentence_case (None: `[add] sentence-case`), no_cache, deadline (seconds)."""
        from ..registries.settings import RegistrySettings, notice_marker

        deadline = float(options.get("deadline") or DEFAULT_DEADLINE)
        return cls(
            settings=add_settings(config, options),
            registries=replace(RegistrySettings.from_config(config), deadline=deadline),
            refs=tuple(p for p in (options.get("refs") or config.refs) if Path(p).exists()),
            dry_run=bool(options.get("dry_run")),
            cache=config.cache_file("add", off=bool(options.get("no_cache"))),
            parse_cache=config.cache_folder(),
            encodings=Encodings(*config.encodings()),
            notice_marker=notice_marker(config.cache_folder()),
        )


def run_add_command(
    config: Config,
    ids: Sequence[str],
    options: Mapping[str, Any],
    *,
    registries: Registries | None = None,
) -> AddOutcome:
    """The command from a config and the command line's options, as click names them.
    `registries` stands in for the configured ones (tests); the caller closes it."""
    return run_add(AddRun.from_config(config, **options), ids, registries=registries)


def run_add(run: AddRun, ids: Sequence[str], *, registries: Registries | None = None) -> AddOutcome:
    """Look every identifier up, then append each new entry on its own."""
    from ..registries.settings import polite_once

    settings = run.settings
    known = index_library(
        load_library(with_target(list(run.refs), settings.target), run.parse_cache, run.encodings)
    )
    outcome = AddOutcome()
    outcome.messages += polite_once(run.registries, run.notice_marker)
    entries: list[Entry] = []
    with Lookups(run.registries, run.cache, registries) as lookups:
        for given in ids:
            done = resolve(given, known.find, lookups)
            outcome.messages += [f"{given}: {note}" for note in done.notes]
            if done.failure:
                outcome.failed.append((given, done.failure))
                outcome.messages.append(f"{given}: {done.failure}")
                continue
            own = replace(settings, accessed=done.accessed) if done.accessed else settings
            entry = new_entry(done.found, own, known) if done.found is not None else None
            existing = done.existing or (entry if isinstance(entry, str) else "")
            if existing:  # known from the identifier, or from what the registry said
                outcome.existing.append((given, existing))
                outcome.messages.append(f"{given}: already in the library as {existing}")
            elif isinstance(entry, Entry):
                entries.append(entry)
                outcome.entries.append(entry.text())
    if entries and not run.dry_run:
        from ..library.append import append_entry

        for entry in entries:  # one at a time: a kill between two leaves the first whole
            final: list[Entry] = []
            recheck = _recheck(entry, final, outcome)
            if append_entry(settings.target, entry.text(), recheck, run.encodings):
                outcome.messages.append(f"added {final[0].key} to {settings.target}")
                outcome.written = settings.target
    return outcome


_ID_FIELDS = ("doi", "pmid", "pmcid")


def _recheck(entry: Entry, final: list[Entry], outcome: AddOutcome) -> Callable[[str], str | None]:
    """Under the file's lock: another run may have added this work, or taken this key,
    since the library was read. Skip the first; re-key the second (a, b, ... suffixes)."""
    from ..library.parse import parse_bibtex

    def recheck(text: str) -> str | None:
        written = parse_bibtex(text, {})["entries"]
        fresh = recheck_entry(entry, written, {key.casefold() for key, *_ in written})
        if isinstance(fresh, tuple):
            outcome.existing.append(fresh)
            outcome.messages.append(f"{fresh[0]}: added meanwhile as {fresh[1]}; not again")
            return None
        final.append(fresh)
        return fresh.text()

    return recheck


def recheck_entry(entry: Entry, written: Sequence[Any], taken: set[str]) -> Entry | tuple[str, str]:
    """`entry` against a file's entries as they are now (`parse_bibtex`'s): (identifier, key)
    if one of them has its DOI, PMID or PMCID (a book's ISBN); else the entry under a key
    not in `taken` (casefolded keys, which the new key joins)."""
    from ..render.numbering import letter_label

    ours = {name: _strip(value) for name, value in entry.fields if name in _ID_FIELDS}
    if entry.type == "book":
        ours.update((n, _strip(v)) for n, v in entry.fields if n == "isbn")
    for key, kind, _line, raw, _lines in written:
        for name, value in ours.items():
            if name == "isbn" and kind.lower() != "book":
                continue
            if value and raw.get(name) and _norm(name, raw[name]) == _norm(name, value):
                return value, key
    key, n = entry.key, 0
    while key.casefold() in taken:
        key, n = entry.key + letter_label(n), n + 1
    taken.add(key.casefold())
    return replace(entry, key=key)


def _strip(value: str) -> str:
    value = value.strip()
    return value[1:-1] if value[:1] in '{"' and len(value) > 1 else value


def default_target(config: Config, refs: Sequence[Path] = ()) -> Path:
    """`[add] to`, else the first .bib file under the refs paths, else refs/added.bib."""
    configured = config.sections.get("add", {}).get("to")
    if isinstance(configured, str) and configured:
        return shown(config.base / configured)
    paths = list(refs or config.refs)
    existing = [p for p in paths if p.exists()]
    files = find_bib_files(existing) if existing else []
    if files:
        return files[0]
    first = paths[0] if paths else Path("refs")
    return first if first.suffix == ".bib" else first / DEFAULT_FILE


def add_settings(config: Config, options: Mapping[str, Any]) -> AddSettings:
    """`[add]` in citations.toml (key-pattern, sentence-case, to), the options over it."""
    table = config.section("add", ADD_KEYS)
    pattern = table.get("key-pattern", DEFAULT_KEY_PATTERN)
    problem = pattern_problem(pattern) if isinstance(pattern, str) else "it must be a string"
    if problem:
        where = config.span_of("key-pattern", "add")
        raise ConfigError(f"'add.key-pattern' cannot make keys: {problem}", where)
    if "to" in table and not isinstance(table["to"], str):
        raise ConfigError("'add.to' must be a path", config.span_of("to", "add"))
    sentence_case = table.get("sentence-case", False)
    if not isinstance(sentence_case, bool):
        where = config.span_of("sentence-case", "add")
        raise ConfigError("'add.sentence-case' must be true or false", where)
    if options.get("sentence_case") is not None:
        sentence_case = bool(options["sentence_case"])
    to = options.get("to")
    target = Path(to) if to else default_target(config, options.get("refs") or ())
    return AddSettings(pattern, target, sentence_case, _accessed(options.get("accessed")))


def _accessed(value: str | None) -> str:
    if not value:
        return datetime.date.today().isoformat()
    try:
        if not _ACCESSED.fullmatch(value):
            raise ValueError
        datetime.date.fromisoformat(value if len(value) == 10 else value + "-01")
    except ValueError:
        raise CitationsError(
            f"--accessed {value!r} is not a date", hint="write YYYY-MM or YYYY-MM-DD"
        ) from None
    return value


def with_target(refs: list[Path], target: Path) -> list[Path]:
    """Where duplicates are looked for: the refs, and the target file if it is outside them."""
    if not target.exists():
        return refs
    files = {p.resolve() for p in find_bib_files(refs)}
    return refs if target.resolve() in files else [*refs, target]


def index_library(library: Library) -> KnownWorks:
    known = KnownWorks({}, {key.casefold() for key in library.references})
    for ref in library:
        for kind in ("doi", "pmid", "pmcid", "url"):
            known.add(kind, ref.get(kind), ref.key)
        if ref.type == "book":
            known.add("isbn", ref.get("isbn"), ref.key)
        if (ref.get("eprinttype") or ref.get("archiveprefix")).lower() == "arxiv":
            known.add("arxiv", ref.get("eprint"), ref.key)
    return known


def _norm(kind: str, value: str) -> str:
    """An identifier as compared (DOIs without case, PMCIDs with PMC, arXiv ids without their
    version, URLs without scheme, www. or a final slash, ISBNs as ISBN-13); one that cannot be
    read, as written, so it still matches itself."""
    normalise = _NORMALISERS.get(kind)
    return (normalise(value) if normalise else "") or value.strip()


_NORMALISERS: dict[str, Callable[[str], str]] = {
    "doi": normalise_doi,
    "pmid": normalise_pmid,
    "pmcid": normalise_pmcid,
    "arxiv": normalise_arxiv,
    "url": normalise_url,
    "isbn": normalise_isbn,
}


def new_entry(found: Record | WebPage, settings: AddSettings, known: KnownWorks) -> Entry | str:
    """The new entry under a key no other entry has; or the key of the entry that already
    has the record's DOI, PMID or PMCID (learnt from the registry, or added earlier in the run)."""
    if isinstance(found, WebPage):
        key = make_key(settings.key_pattern, page_key_parts(found), known.keys, folded=True)
        entry = page_entry(found, key, settings.accessed, sentence_case=settings.sentence_case)
        ids = [("url", found.url)]
    else:
        ids = [("doi", found.doi), ("pmid", found.pmid), ("pmcid", found.pmcid)]
        ids += [("arxiv", found.arxiv)] if found.arxiv else []
        if entry_type(found) == "book":  # a chapter's ISBN is its book's, shared
            ids += [("isbn", isbn) for isbn in found.isbn[:1]]
        existing = next((k for kind, value in ids if (k := known.find(kind, value))), "")
        if existing:
            return existing
        key = make_key(settings.key_pattern, record_key_parts(found), known.keys, folded=True)
        entry = record_entry(found, key, sentence_case=settings.sentence_case)
    known.keys.add(key.casefold())
    for kind, value in ids:
        known.add(kind, value, key)
    return entry
