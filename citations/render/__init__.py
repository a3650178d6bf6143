"""The render path, one step a module: an article's markers → numbers → a style's references
→ a template's page. `compose.render_article` runs them in order."""

from __future__ import annotations

from .article import Article, read_article, scan_article
from .compose import Rendered, RenderOptions, render_article
from .numbering import Citation, Label, Numbering, number_citations
from .styles import STYLES, Style, get_style
from .templating import Templates

__all__ = [
    "STYLES",
    "Article",
    "Citation",
    "Label",
    "Numbering",
    "RenderOptions",
    "Rendered",
    "Style",
    "Templates",
    "get_style",
    "number_citations",
    "read_article",
    "render_article",
    "scan_article",
]
