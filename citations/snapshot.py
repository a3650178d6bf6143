"""What checks and reports read, loaded once: the library, the articles, the .bib texts; and
which files are articles."""

from __future__ import annotations

import functools
import re
from collections.abc import Iterable, Sequence
from dataclasses import dataclass, field
from pathlib import Path

from .errors import ArticleError
from .library import Library
from .library.encoding import decode_bib
from .model import Reference, Span
from .render.article import HTML_SUFFIXES, Article, read_article

ARTICLE_SUFFIXES = (".md", ".markdown", ".mdown", *HTML_SUFFIXES)


@dataclass
class Snapshot:
    """Everything checks read, loaded once: the library, the articles, and the .bib texts.

    Checks are read-only passes over it; none of them touches the network or writes.
    """

    library: Library
    articles: list[Article] = field(default_factory=list)
    articles_given: bool = False  # False: no articles were checked, so nothing is "uncited"
    _lines: dict[str, list[str]] = field(default_factory=dict)

    def lines(self, path: str) -> list[str]:
        """The lines of a .bib file (cached); empty if it cannot be read."""
        if path not in self._lines:
            try:
                decoded = decode_bib(Path(path).read_bytes(), Path(path), self.library.encodings)
                text = decoded.text.replace("\r\n", "\n")
            except (OSError, UnicodeDecodeError):
                text = ""
            self._lines[path] = text.split("\n")
        return self._lines[path]

    def field_span(self, ref: Reference, name: str | None = None) -> Span:
        """Where field `name` of `ref` is written (line and column of its name), else the entry."""
        if name is None or name not in ref.field_lines:
            return ref.span
        line = ref.field_lines[name]
        at = self.name_at(ref.span.path, line, name)
        return Span(ref.span.path, line, 1 if at is None else at + 1)

    def name_at(self, path: str, line: int, name: str) -> int | None:
        """Where `name =` is first written on a line of a .bib file (0-based), if it is."""
        lines = self.lines(path)
        if not 0 < line <= len(lines):
            return None
        text = lines[line - 1]
        if len(text) > _LONG_LINE:
            return _names_on(text).get(name.lower())
        m = _name_pattern(name).search(text)
        return m.start() if m else None


@functools.lru_cache(maxsize=256)
def _name_pattern(name: str) -> re.Pattern[str]:
    """`name =` as a whole word: compiled once per name, not looked up per finding."""
    return re.compile(rf"(?i)(?<![\w-]){re.escape(name)}\s*=")


# A line longer than this (a whole library on one line) has its names indexed once: searched
# afresh for every finding, it made check quadratic in the line's length.
_LONG_LINE = 4096
_WORD = re.compile(r"[^\s=]+")
_TO_EQUALS = re.compile(r"\s*=")
_NOT_NAME = re.compile(r"[^\w-]")


@functools.lru_cache(maxsize=4)
def _names_on(text: str) -> dict[str, int]:
    r"""Each name written before a `=` on the line, lower case, at its first place: what
    searching for `(?<![\w-])name\s*=` finds, for names that are whole words before `=`
    or their tails after a non-word character (`a.b =` holds `a.b` and `b`)."""
    found: dict[str, int] = {}
    for m in _WORD.finditer(text):
        if not _TO_EQUALS.match(text, m.end()):
            continue
        word, start = m.group(), m.start()
        tails = [0] + [n.end() for n in _NOT_NAME.finditer(word)]
        for tail in tails:
            if tail < len(word) and (tail > 0 or start == 0 or _NOT_NAME.match(text[start - 1])):
                found.setdefault(word[tail:].lower(), start + tail)
    return found


def find_articles(paths: Iterable[Path]) -> list[Path]:
    """Each path if a file, or every Markdown/HTML file below it (sorted) if a folder."""
    found: list[Path] = []
    for path in paths:
        if path.is_dir():
            found += sorted(
                p for p in path.rglob("*") if p.suffix.lower() in ARTICLE_SUFFIXES and p.is_file()
            )
        elif path.is_file():
            found.append(path)
        else:
            raise ArticleError(f"no such article or folder: {path}")
    return list(dict.fromkeys(found))


def build_snapshot(library: Library, article_paths: Sequence[Path] | None) -> Snapshot:
    """The snapshot for `library` and the given articles (None: no articles checked)."""
    snapshot = Snapshot(library, articles_given=article_paths is not None)
    for path in article_paths or ():
        snapshot.articles.append(read_article(path))
    return snapshot
