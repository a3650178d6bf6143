"""Collecting what to check, with no network: url and doi fields, and links in article bodies."""

from __future__ import annotations

import bisect
import re
import subprocess
from collections.abc import Iterable, Sequence
from pathlib import Path

from ..errors import CitationsError
from ..identifiers import bare_doi
from ..library import Library
from ..library.encoding import decode_bib
from ..library.parse import parse_bibtex
from ..model import Reference
from ..render.article import Article, markdown_code_ranges
from ..render.markers import OutsideRanges
from ..snapshot import Snapshot
from .model import Kind, Place, Target

_URL_RE = re.compile(r"\bhttps?://[^\s<>\"'`\\]+", re.IGNORECASE)
_HREF_RE = re.compile(r"""\b(?:href|src)\s*=\s*(["'])(https?://[^"'\s]+)\1""", re.IGNORECASE)
_TRAILING = ".,;:!?*_~"


def collect_targets(
    library: Library | None,
    articles: Sequence[Article] = (),
    *,
    keys: set[str] | None = None,
    skip_library: bool = False,
) -> list[Target]:
    """Every url and doi field of the library (only of `keys`, if given) and every link in
    the articles, each once, with all the places it is written, in order of first place."""
    places: dict[tuple[Kind, str], list[Place]] = {}
    if library is not None and not skip_library:
        snapshot = Snapshot(library)  # finds each field's column in the file
        for ref in library:
            if keys is None or ref.key in keys:
                for kind, value, place in _entry_links(ref, snapshot):
                    places.setdefault((kind, value), []).append(place)
    for article in articles:
        for url, place in article_links(article):
            places.setdefault(("url", url), []).append(place)
    return [Target(url, kind, tuple(found)) for (kind, url), found in places.items()]


def _entry_links(ref: Reference, snapshot: Snapshot) -> Iterable[tuple[Kind, str, Place]]:
    # Only fields the entry writes itself: an inherited one is reported at its parent.
    for name, kind in (("url", "url"), ("doi", "doi")):
        if name not in ref.field_lines:
            continue
        value = ref.raw.get(name, "").strip()
        if not value:
            continue
        span = snapshot.field_span(ref, name)
        place = Place(span.path, span.line, span.column, ref.key)
        # A DOI keeps its case: it is shown, cached and requested as the entry writes it.
        yield ("doi", bare_doi(value), place) if kind == "doi" else ("url", value, place)


def article_links(article: Article) -> Iterable[tuple[str, Place]]:
    """http(s) links written in an article's text, outside code, with their line and column."""
    text = article.text
    in_code = markdown_code_ranges(text, article.body_start) if article.kind == "markdown" else []
    code = OutsideRanges(in_code)
    starts = [0] + [m.end() for m in re.finditer("\n", text)]
    seen: set[int] = set()
    found: list[tuple[int, str]] = []
    for m in _HREF_RE.finditer(text, article.body_start):
        found.append((m.start(2), m.group(2)))
    for m in _URL_RE.finditer(text, article.body_start):
        url = _trim(m.group(0))
        found.append((m.start(), url))
    for offset, url in sorted(found):
        if offset in seen or not code(offset):
            continue
        seen.add(offset)
        index = bisect.bisect_right(starts, offset) - 1
        yield url, Place(article.path, index + 1, offset - starts[index] + 1)


def _trim(url: str) -> str:
    """Sentence punctuation and unbalanced closing brackets are not part of a bare URL."""
    while url and (url[-1] in _TRAILING or (url[-1] == ")" and url.count("(") < url.count(")"))):
        url = url[:-1]
    return url


def changed_keys(library: Library, rev: str) -> set[str]:
    """Keys whose entry is new or differs from what git revision `rev` holds."""
    changed: set[str] = set()
    old: dict[str, dict[str, str]] = {}
    for path in library.files:
        text = _git_show(rev, path)
        if text is not None:
            for key, _type, _line, raw, _lines in parse_bibtex(text, {})["entries"]:
                old.setdefault(key, raw)
    for ref in library:
        if old.get(ref.key) != dict(ref.raw):
            changed.add(ref.key)
    return changed


def _git_show(rev: str, path: Path) -> str | None:
    """The file's text at `rev`, or None when it did not exist there."""
    folder = path.resolve().parent
    try:
        top = subprocess.run(
            ["git", "rev-parse", "--show-toplevel"],
            cwd=folder,
            capture_output=True,
            text=True,
            check=True,
            timeout=30,
        ).stdout.strip()
        verify = subprocess.run(
            ["git", "rev-parse", "--verify", "--quiet", f"{rev}^{{commit}}"],
            cwd=folder,
            capture_output=True,
            text=True,
            timeout=30,
        )
    except (OSError, subprocess.SubprocessError):
        raise CitationsError("--changed-since needs git and a git checkout") from None
    if verify.returncode != 0:
        raise CitationsError(f"--changed-since: '{rev}' is not a commit in this repository")
    rel = path.resolve().relative_to(Path(top).resolve()).as_posix()
    shown = subprocess.run(
        ["git", "show", f"{rev}:{rel}"],
        cwd=folder,
        capture_output=True,
        timeout=30,
    )
    if shown.returncode != 0:
        return None
    try:
        text = decode_bib(shown.stdout, path).text  # as the library reads the file now
    except UnicodeDecodeError:
        text = shown.stdout.decode("utf-8", "replace")
    return text.replace("\r\n", "\n")
