"""The Python API for build steps: settings resolved once, then one call per article."""

from __future__ import annotations

from collections.abc import Mapping, Sequence
from dataclasses import dataclass, field
from pathlib import Path
from typing import Any

from .article import read_article
from .config import Config
from .errors import StyleError
from .library import Library, load_library
from .render import Rendered, RenderOptions, render_article
from .styles import Style, get_style
from .templating import Templates


@dataclass(frozen=True)
class RenderSettings:
    """Everything a render needs besides the article, with the config's values as defaults."""

    refs: tuple[Path, ...] = (Path("refs"),)
    to: str = "html"
    style: str = "ama"
    style_options: Mapping[str, Any] = field(default_factory=dict)
    templates: Path | None = None
    references_title: str = "References"
    cache_dir: Path | None = None
    config: Config | None = None  # where the settings came from, to point messages at it

    @classmethod
    def from_config(
        cls,
        config: Config,
        *,
        refs: Sequence[Path] | None = None,
        to: str | None = None,
        style: str | None = None,
        style_options: Mapping[str, Any] | None = None,
        templates: Path | None = None,
        cache_dir: Path | None = None,
    ) -> RenderSettings:
        """The config's settings, overridden by whatever is given (command-line options)."""
        chosen_style = style or config.style
        # Options in the config belong to the config's style; a style named on the command
        # line starts from its own defaults.
        options = dict(config.style_options) if chosen_style == config.style else {}
        options.update(style_options or {})
        return cls(
            refs=tuple(refs) if refs else config.refs,
            to=to or config.to,
            style=chosen_style,
            style_options=options,
            templates=templates or config.templates,
            references_title=config.references_title,
            cache_dir=cache_dir,
            config=config,
        )

    def load(self) -> tuple[Library, Style, Templates]:
        """Load the library, the style and the templates (errors raise CitationsError)."""
        try:
            style = get_style(self.style, self.style_options)
        except StyleError as exc:
            raise self._located(exc) from None
        templates = Templates(self.templates)
        library = load_library(self.refs, self.cache_dir)
        return library, style, templates

    def _located(self, exc: StyleError) -> StyleError:
        """A bad style or option set in the config file: name the file and line."""
        if self.config is None or self.config.path is None or exc.span is not None:
            return exc
        option = exc.option
        if option is None and self.style == self.config.style:
            exc.span = self.config.span_of("style")
        elif option is not None and option in self.config.style_options:
            exc.span = self.config.span_of(option, "style-options")
        return exc


def render_file(path: Path, settings: RenderSettings) -> Rendered:
    """Render one article file; library findings come first in the result's findings."""
    library, style, templates = settings.load()
    article = read_article(path)
    options = RenderOptions(to=settings.to, references_title=settings.references_title)
    rendered = render_article(article, library, style, templates, options)
    rendered.findings[:0] = library.findings
    return rendered
