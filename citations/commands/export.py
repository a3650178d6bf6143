"""`citations export` as a function: the library, chosen keys, or what articles cite, as
CSL-JSON, BibTeX or RIS text."""

from __future__ import annotations

from collections.abc import Callable, Iterable, Sequence
from dataclasses import dataclass, field
from pathlib import Path
from typing import Any

from ..config import Config
from ..errors import UsageError
from ..findings import Finding
from ..interchange.bibtex import write_bibtex
from ..interchange.csljson import write_csl_json
from ..interchange.ris import write_ris
from ..library import Library, load_library
from ..library.encoding import Encodings
from ..model import Reference

WRITERS: dict[str, Callable[[Iterable[Reference]], str]] = {
    "csl-json": write_csl_json,
    "bibtex": write_bibtex,
    "ris": write_ris,
}


@dataclass(frozen=True)
class ExportRun:
    """`citations export`, settled once from the config and the command line."""

    to: str
    refs: tuple[Path, ...]
    parse_cache: Path | None = None
    encodings: Encodings | None = None

    @classmethod
    def from_config(cls, config: Config, **options: Any) -> ExportRun:
        """Options (click's names): to (a WRITERS name), refs (paths)."""
        to = options.get("to") or "csl-json"
        if to not in WRITERS:
            raise UsageError(f"unknown format '{to}'", hint=f"known: {', '.join(WRITERS)}")
        return cls(
            to=to,
            refs=tuple(options.get("refs") or config.refs),
            parse_cache=config.cache_folder(),
            encodings=Encodings(*config.encodings()),
        )


@dataclass
class ExportOutcome:
    text: str
    keys: list[str] = field(default_factory=list)  # what was exported, in order
    findings: list[Finding] = field(default_factory=list)  # the library's, and unknown cited keys


def run_export(
    run: ExportRun, keys: Sequence[str] = (), cited: Sequence[Path] = ()
) -> ExportOutcome:
    """The whole library (no keys, no articles), else the keys given then those the articles
    cite, each once, in that order. A key given that is not in the library stops the run
    (UsageError naming every such key); one an article cites is an `unknown-key` finding."""
    library = load_library(run.refs, run.parse_cache, run.encodings)
    findings = list(library.unread())
    unknown = [key for key in dict.fromkeys(keys) if key not in library]
    if unknown:
        raise UsageError(_unknown_message(unknown), hint=_suggestions(library, unknown))
    chosen = list(dict.fromkeys(keys))
    if cited:
        from ..render.article import read_article
        from ..render.coverage import unknown_keys

        for path in cited:
            markers = read_article(path).markers
            findings += unknown_keys(markers, library)
            chosen += [
                item.key for marker in markers for item in marker.items if item.key in library
            ]
    if not keys and not cited:
        chosen = list(library.references)
    refs = [library[key] for key in dict.fromkeys(chosen)]
    return ExportOutcome(WRITERS[run.to](refs), [ref.key for ref in refs], findings)


def _unknown_message(unknown: list[str]) -> str:
    names = ", ".join(f"'{key}'" for key in unknown)
    return (
        f"no entry with key {names} in the library"
        if len(unknown) == 1
        else f"no entries with keys {names} in the library"
    )


def _suggestions(library: Library, unknown: list[str]) -> str:
    hints = []
    for key in unknown:
        close = library.suggest(key)
        if close:
            hints.append(f"{key}: did you mean {', '.join(close)}?")
    return "; ".join(hints) or "run without keys for the whole library"
