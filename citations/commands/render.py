"""`citations render` as a function, and the Python API for build steps: settings resolved
once (`RenderSettings.from_config`), then one call per article."""

from __future__ import annotations

from pathlib import Path

from ..library import Library
from ..render.article import Article, read_article
from ..render.compose import Rendered, RenderOptions, render_article
from ..render.settings import RenderSettings
from ..render.styles import Style
from ..render.templating import Templates

__all__ = ["RenderSettings", "render_file", "render_loaded"]


def render_file(path: Path, settings: RenderSettings) -> Rendered:
    """Render one article file; library findings come first in the result's findings."""
    library, style, templates = settings.load()
    rendered = render_loaded(read_article(path), library, style, templates, settings)
    rendered.findings[:0] = library.findings
    return rendered


def render_loaded(
    article: Article,
    library: Library,
    style: Style,
    templates: Templates,
    settings: RenderSettings,
    *,
    report_uncited: bool = True,
) -> Rendered:
    """Render an article read elsewhere (a MkDocs page) with what `settings.load()` loaded
    once: the article's front matter may pick its own style, as in `build`."""
    style = settings.style_for(article, style)
    options = RenderOptions(
        to=settings.to,
        references_title=settings.references_title,
        report_uncited=report_uncited,
    )
    return render_article(article, library, style, templates, options)
