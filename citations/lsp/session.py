"""The server's state between requests: the project, the open documents and the diagnostics
published for them. No protocol types here beyond what `convert` makes."""

from __future__ import annotations

import asyncio
import sys
import traceback
from collections.abc import Callable
from dataclasses import dataclass
from pathlib import Path
from typing import TypeVar

from lsprotocol import types

from ..errors import CitationsError
from ..findings import Finding
from ..render.article import Article
from .background import findings_in_child
from .convert import diagnostic, uri_of
from .diagnose import article_findings, library_findings, unreadable
from .features import OpenTexts, article_of, file_text, is_article
from .project import Project
from .text import Lines, folded

DEBOUNCE = 0.2  # seconds of quiet after a change before an article's diagnostics run
Publish = Callable[[str, list[types.Diagnostic]], None]
Show = Callable[[str], None]


@dataclass
class Document:
    """An open document: its text (CRLF folded, as the scanners read it) and, for an
    article, what the scanner found (or why it could not read it)."""

    path: Path
    text: str
    lines: Lines
    article: Article | None = None
    error: CitationsError | None = None


class Session:
    """One editor's session: the project loaded once, reloaded when the library changes."""

    def __init__(self, publish: Publish, show: Show) -> None:
        self.publish = publish
        self.show = show  # a message for the user, for a problem with no place to show it
        self.project: Project | None = None
        self.docs: dict[str, Document] = {}
        self.encoding = "utf-16"
        self._bib_uris: set[str] = set()
        self._timers: dict[str, asyncio.TimerHandle] = {}
        self._checking: asyncio.Task[None] | None = None  # the library's checks, in a child

    def start(self, root: Path, encoding: str) -> Project:
        self.encoding = encoding
        self.project = Project.open(root)
        return self.project

    def opened(self) -> OpenTexts:
        return {doc.path: doc.text for doc in self.docs.values()}

    def set_text(self, uri: str, path: Path, text: str) -> Document:
        """Keep the editor's text of a document."""
        self.docs[uri] = doc = self._document(path, text)
        return doc

    def document(self, uri: str, path: Path | None) -> Document | None:
        """An open document, else the file as it is on disk (not kept)."""
        doc = self.docs.get(uri)
        if doc is not None or path is None:
            return doc
        text = file_text(path, {}, self.project)
        return self._document(path, text) if text is not None else None

    def _document(self, path: Path, text: str) -> Document:
        """A document's text, scanned if it is an article."""
        text = folded(text)
        doc = Document(path, text, Lines.of(text, self.encoding))
        if is_article(path):
            try:
                doc.article = article_of(path, text)
            except CitationsError as exc:
                doc.error = exc
        return doc

    def close(self, uri: str) -> None:
        timer = self._timers.pop(uri, None)
        if timer is not None:
            timer.cancel()
        doc = self.docs.pop(uri, None)
        if doc is not None and doc.path.suffix.lower() != ".bib":
            self.publish(uri, [])

    def diagnose(self, uri: str) -> None:
        """Publish an open article's diagnostics."""
        doc = self.docs.get(uri)
        if doc is None or self.project is None or not is_article(doc.path):
            return
        if doc.article is None:
            findings = [unreadable(doc.error, str(doc.path))] if doc.error else []
        else:
            findings = article_findings(self.project, doc.article)
        self.publish(uri, [diagnostic(f, doc.lines) for f in findings if f.span])

    def reload(self) -> None:
        """Load the settings and the library again; every diagnostic follows."""
        if self.project is None:
            return
        self.project.reload()
        self.diagnose_library()
        for uri in list(self.docs):
            self.diagnose(uri)

    def diagnose_soon(self, uri: str) -> None:
        """An article's diagnostics once typing pauses: run on every keystroke, they would
        hold up the completion the editor asks for right after it."""
        timer = self._timers.pop(uri, None)
        if timer is not None:
            timer.cancel()
        loop = _running_loop()
        if loop is None:
            self.diagnose(uri)
        else:
            self._timers[uri] = loop.call_later(DEBOUNCE, _logged(self.diagnose), uri)

    def diagnose_library(self) -> None:
        """Publish `check`'s findings on each .bib file (and the settings' problems), and
        clear them where they went away. The checks run in a child process: on a large
        library they take seconds, and completion must not wait for them or share the
        interpreter with them."""
        project = self.project
        if project is None:
            return
        for problem in project.problems:
            if problem.span is None:
                self.show(f"citations: {problem}")
        if self._checking is not None:
            self._checking.cancel()  # a reload: what it was checking is gone
        loop = _running_loop()
        if loop is None:
            given = (project.library, project.check_settings(), project.problems)
            self._publish_library(library_findings(*given))
            return
        self._checking = loop.create_task(self._check_library(project.root))

    async def _check_library(self, root: Path) -> None:
        found = await findings_in_child(root)
        if found is not None:
            _logged(self._publish_library)(found)

    def stop(self) -> None:
        """The editor is leaving: end the library's checks if they still run."""
        if self._checking is not None:
            self._checking.cancel()

    def _publish_library(self, found: dict[Path, list[Finding]]) -> None:
        published: set[str] = set()
        for path, findings in found.items():
            uri = uri_of(path)
            if not findings and uri not in self._bib_uris:
                continue
            self.publish(uri, self._diagnostics(path, findings))
            published.add(uri)
        for uri in self._bib_uris - published:
            self.publish(uri, [])
        self._bib_uris = published

    def _diagnostics(self, path: Path, findings: list[Finding]) -> list[types.Diagnostic]:
        if not findings:
            return []
        text = file_text(path, self.opened(), self.project)
        lines = Lines.of(text or "", self.encoding)
        return [diagnostic(f, lines) for f in findings if f.span]

    def is_library_file(self, path: Path) -> bool:
        """A file whose change means loading again: a .bib file or the settings."""
        if path.suffix.lower() == ".bib" or path.name in ("citations.toml", "pyproject.toml"):
            return True
        return self.project is not None and path.resolve() in self.project.bib_files()


def _running_loop() -> asyncio.AbstractEventLoop | None:
    """The server's event loop (None outside one: then work is done at once)."""
    try:
        return asyncio.get_running_loop()
    except RuntimeError:
        return None


_T = TypeVar("_T")


def _logged(work: Callable[[_T], None]) -> Callable[[_T], None]:
    """Work done later, outside any request: an error goes to standard error (the editor's
    log), never out of the event loop."""

    def run(arg: _T) -> None:
        try:
            work(arg)
        except Exception:
            traceback.print_exc(file=sys.stderr)

    return run
