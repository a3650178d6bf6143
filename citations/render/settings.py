"""What a render needs besides the article, settled once from the config and the caller."""

from __future__ import annotations

from collections.abc import Mapping, Sequence
from dataclasses import dataclass, field
from pathlib import Path
from typing import Any, TypeVar

from ..config import Config
from ..errors import StyleError
from ..library import Library, load_library
from ..library.encoding import Encodings
from .article import Article, front_matter_span, front_matter_style
from .styles import STYLES, Style, get_style
from .styles.base import build_options
from .templating import Templates

_S = TypeVar("_S", bound="Style | None")  # the style otherwise: the settings' own, or none


@dataclass(frozen=True)
class RenderSettings:
    """Everything a render needs besides the article, with the config's values as defaults."""

    refs: tuple[Path, ...] = (Path("refs"),)
    to: str = "html"
    style: str = "ama"
    style_options: Mapping[str, Any] = field(default_factory=dict)  # for `style`, all merged
    templates: Path | None = None
    references_title: str = "References"
    cache_dir: Path | None = None
    encodings: Encodings | None = None  # [library] encoding
    config: Config | None = None  # where the settings came from, to point messages at it
    command_line_options: Mapping[str, Any] = field(default_factory=dict)  # -O, over the config

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
        """The config's settings, overridden by whatever is given (command-line options).

        The style gets [style-options] (options for every style), then its own
        [style-options.<style>], then the command line's -O options.
        """
        chosen_style = style or config.style
        cli_options = dict(style_options or {})
        return cls(
            refs=tuple(refs) if refs else config.refs,
            to=to or config.to,
            style=chosen_style,
            style_options={**config.style_options_for(chosen_style), **cli_options},
            templates=templates or config.templates,
            references_title=config.references_title,
            cache_dir=cache_dir,
            encodings=Encodings(*config.encodings()),
            config=config,
            command_line_options=cli_options,
        )

    def options_for(self, style: str) -> dict[str, Any]:
        """The options another style (an article's front matter may pick one) gets."""
        if self.config is None or style.lower() == self.style.lower():
            return dict(self.style_options)
        return {**self.config.style_options_for(style), **self.command_line_options}

    def style_for(self, article: Article, style: _S) -> Style | _S:
        """`style`, unless the article's front matter asks for another style or options (an
        error then names the front matter's line)."""
        asked, extra = front_matter_style(article)
        if not (asked or extra):
            return style
        name = asked or self.style
        return article_style(article, name, {**self.options_for(name), **extra})

    def load_style(self, name: str | None = None) -> Style:
        """The style `name` (default: the settings' own) with its options; a bad name or
        option names its place: the config's line, or the -O that set it."""
        name = name or self.style
        try:
            self._check_style_tables()
            return get_style(name, self.options_for(name))
        except StyleError as exc:
            raise self._located(exc, name) from None

    def load(self) -> tuple[Library, Style, Templates]:
        """Load the library, the style and the templates (errors raise CitationsError)."""
        style = self.load_style()
        templates = Templates(self.templates)
        library = load_library(self.refs, self.cache_dir, self.encodings)
        return library, style, templates

    def _check_style_tables(self) -> None:
        """Each [style-options.<style>] names a style and holds only options it knows."""
        if self.config is None:
            return
        for name, table in self.config.style_options.items():
            if not isinstance(table, dict):
                continue
            if name.lower() not in STYLES:
                where = self.config.span_of_table(f"style-options.{name}")
                known = f"known: {', '.join(STYLES)}"
                raise StyleError(f"unknown style '{name}' in [style-options.{name}]", where, known)
            build_options(STYLES[name.lower()].Options, table, name.lower(), table=name)

    def _located(self, exc: StyleError, style: str) -> StyleError:
        """A bad style or option: the -O that set it, or its line in the config file."""
        option = exc.option
        if option is not None and option in self.command_line_options:
            return StyleError(f"-O {option}: {exc.message}", hint=exc.hint, option=option)
        config = self.config
        if config is None or config.path is None or exc.span is not None:
            return exc
        if option is None:
            if style == config.style:
                exc.span = config.span_of("style")
            return exc
        own = config.style_options.get(exc.table or style.lower())
        if isinstance(own, dict) and option in own:
            exc.span = config.span_of(option, f"style-options.{exc.table or style.lower()}")
        elif option in config.style_options:
            exc.span = config.span_of(option, "style-options")
            owners = [n for n, c in STYLES.items() if option.replace("-", "_") in c.option_names()]
            if owners and exc.message.startswith("unknown option"):
                exc.hint = (
                    f"it is an option of {' and '.join(owners)} only: "
                    f"put it under [style-options.{owners[0]}]"
                )
        return exc


def article_style(article: Article, name: str, options: Mapping[str, Any]) -> Style:
    """The style an article asked for in its front matter; a bad name or option is an error
    at the front matter's line."""
    try:
        return get_style(name, options)
    except StyleError as exc:
        asked = article.meta.get("style-options", {}) if exc.option else article.meta
        if exc.span is None and (exc.option or "style") in asked:
            exc.span = front_matter_span(article, "style-options" if exc.option else "style")
        raise
