"""The project a language server serves: its settings, the library loaded once through the
CLI's loader and parse cache (reloaded on demand), its search index, and its articles."""

from __future__ import annotations

import contextlib
import time
from collections.abc import Iterator
from dataclasses import dataclass, field
from pathlib import Path
from typing import TYPE_CHECKING

from ..config import Config, load_config
from ..errors import CitationsError
from ..library import Library
from ..render.article import Article
from ..render.settings import RenderSettings
from ..render.styles import Style
from ..snapshot import find_articles
from .search import KeyIndex

if TYPE_CHECKING:
    from ..checks import CheckSettings
    from ..net.cache import Cache


@dataclass
class Project:
    """What every request reads. `problems` holds what stopped the settings or the library
    from loading (the server then serves an empty library and says why)."""

    root: Path
    config: Config = field(default_factory=Config)
    render: RenderSettings = field(default_factory=RenderSettings)
    library: Library = field(default_factory=lambda: Library({}, [], []))
    index: KeyIndex = field(default_factory=lambda: KeyIndex([]))
    style: Style | None = None
    problems: list[CitationsError] = field(default_factory=list)
    load_seconds: float = 0.0

    @classmethod
    def open(cls, root: Path) -> Project:
        project = cls(root)
        project.reload()
        return project

    def reload(self) -> None:
        """Read the settings and the library again; what fails is kept in `problems`."""
        began = time.perf_counter()
        self.problems = []
        try:
            self.config = load_config(cwd=self.root)
            self.render = RenderSettings.from_config(
                self.config, cache_dir=self.config.cache_folder()
            )
            self.style = self.render.load_style()
        except CitationsError as exc:
            self.problems.append(exc)
            # Broken settings: serve the defaults, from the project's folder.
            self.render = RenderSettings(refs=(self.root / "refs",))
            self.style = self.render.load_style()
        try:
            self.library = self._load_library()
        except CitationsError as exc:
            self.problems.append(exc)
            self.library = Library({}, [], [])
        self.index = KeyIndex.of(self.library)
        self.load_seconds = time.perf_counter() - began

    def _load_library(self) -> Library:
        from ..library import load_library

        return load_library(self.render.refs, self.render.cache_dir, self.render.encodings)

    def bib_files(self) -> set[Path]:
        """The library's .bib files, resolved."""
        return {p.resolve() for p in self.library.files}

    def style_for(self, article: Article | None) -> Style | None:
        """The style the article prints with: its front matter's, else the project's."""
        if article is None:
            return self.style
        try:
            return self.render.style_for(article, self.style)
        except CitationsError:
            return self.style

    def articles(self) -> list[Path]:
        """The project's articles, resolved: `check`'s (`[check] articles`, else articles/)
        and `build`'s source folder."""
        from ..commands.build import build_settings
        from ..commands.check import article_paths, check_settings

        found: list[Path] = []
        with contextlib.suppress(CitationsError):
            found += article_paths(self.config, check_settings(self.config), ()) or []
        with contextlib.suppress(CitationsError):
            src = build_settings(self.config, None, None, {}).src
            found += find_articles([src]) if src.is_dir() else []
        return list(dict.fromkeys(p.resolve() for p in found))

    def check_settings(self) -> CheckSettings | None:
        from ..commands.check import check_settings

        try:
            return check_settings(self.config)
        except CitationsError:
            return None

    @contextlib.contextmanager
    def caches(self) -> Iterator[tuple[Cache | None, Cache | None]]:
        """The links and verify caches, read only and only if they exist (as `claims`)."""
        from ..commands.claims import read_cache_paths, read_caches

        try:
            paths = read_cache_paths(self.config, None, False)
        except CitationsError:
            paths = (None, None)
        with read_caches(paths, []) as opened:
            yield opened
