"""`citations render` as a function, and the Python API for build steps: settings resolved
once (`RenderSettings.from_config`), then one call per article."""

from __future__ import annotations

from pathlib import Path

from ..render.article import read_article
from ..render.compose import Rendered, RenderOptions, render_article
from ..render.settings import RenderSettings

__all__ = ["RenderSettings", "render_file"]


def render_file(path: Path, settings: RenderSettings) -> Rendered:
    """Render one article file; library findings come first in the result's findings."""
    library, style, templates = settings.load()
    article = read_article(path)
    options = RenderOptions(to=settings.to, references_title=settings.references_title)
    rendered = render_article(article, library, style, templates, options)
    rendered.findings[:0] = library.findings
    return rendered
