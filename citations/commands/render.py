"""`citations render` as a function, and the Python API for build steps: settings resolved
once (`RenderSettings.from_config`), then one call per article."""

from __future__ import annotations

from pathlib import Path

from ..render.article import front_matter_style, read_article
from ..render.compose import Rendered, RenderOptions, render_article
from ..render.settings import RenderSettings, article_style

__all__ = ["RenderSettings", "render_file"]


def render_file(path: Path, settings: RenderSettings) -> Rendered:
    """Render one article file; library findings come first in the result's findings."""
    library, style, templates = settings.load()
    article = read_article(path)
    asked, extra = front_matter_style(article)  # as `build` does: the article's own style
    if asked or extra:
        name = asked or settings.style
        style = article_style(article, name, {**settings.options_for(name), **extra})
    options = RenderOptions(to=settings.to, references_title=settings.references_title)
    rendered = render_article(article, library, style, templates, options)
    rendered.findings[:0] = library.findings
    return rendered
