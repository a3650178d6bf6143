"""citations: cite by key, number in order of appearance, and check every reference.

The public API, for build steps:

    from citations import RenderSettings, render_file
    result = render_file(Path("articles/a.md"), RenderSettings(refs=(Path("refs"),)))
    print(result.text)
"""

from __future__ import annotations

__version__ = "0.1.0"

from .api import RenderSettings, render_file
from .article import Article, read_article, scan_article
from .config import Config, load_config
from .errors import CitationsError
from .findings import Finding
from .library import Library, load_library
from .model import CiteItem, Marker, Name, NameList, Reference, Span
from .numbering import Citation, Label, Numbering, number_citations
from .render import Rendered, RenderOptions, render_article
from .styles import STYLES, Style, get_style
from .templating import Templates

__all__ = [
    "STYLES", "Article", "Citation", "CitationsError", "CiteItem", "Config", "Finding",
    "Label", "Library", "Marker", "Name", "NameList", "Numbering", "Reference", "RenderOptions",
    "RenderSettings", "Rendered", "Span", "Style", "Templates", "__version__", "get_style",
    "load_config", "load_library", "number_citations", "read_article", "render_article",
    "render_file", "scan_article",
]  # fmt: skip
