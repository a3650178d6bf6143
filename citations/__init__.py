"""citations: cite by key, number in order of appearance, and check every reference.

The public API, for build steps: `render_file(path, RenderSettings(...))` renders one
article and returns its text, numbering and findings; `citations.build.build_site` builds a
site. README.md has a runnable example.

Names load on first use (PEP 562), so a command that only reads the library does not pay
for the templates, styles and Markdown renderer.
"""

from __future__ import annotations

import importlib
from typing import TYPE_CHECKING, Any

from .version import __version__

_EXPORTS = {
    "RenderSettings": "render.settings", "render_file": "commands.render",
    "Article": "render.article", "read_article": "render.article",
    "scan_article": "render.article",
    "Config": "config", "load_config": "config",
    "CitationsError": "errors",
    "Finding": "findings",
    "Library": "library", "load_library": "library",
    "CiteItem": "model", "Marker": "model", "Name": "model", "NameList": "model",
    "Reference": "model", "Span": "model",
    "Citation": "render.numbering", "Label": "render.numbering",
    "Numbering": "render.numbering", "number_citations": "render.numbering",
    "RenderOptions": "render.compose", "Rendered": "render.compose",
    "render_article": "render.compose",
    "STYLES": "render.styles", "Style": "render.styles", "get_style": "render.styles",
    "Templates": "render.templating",
}  # fmt: skip

__all__ = [
    "STYLES",
    "Article",
    "Citation",
    "CitationsError",
    "CiteItem",
    "Config",
    "Finding",
    "Label",
    "Library",
    "Marker",
    "Name",
    "NameList",
    "Numbering",
    "Reference",
    "RenderOptions",
    "RenderSettings",
    "Rendered",
    "Span",
    "Style",
    "Templates",
    "__version__",
    "get_style",
    "load_config",
    "load_library",
    "number_citations",
    "read_article",
    "render_article",
    "render_file",
    "scan_article",
]

if TYPE_CHECKING:
    from .commands.render import render_file
    from .config import Config, load_config
    from .errors import CitationsError
    from .findings import Finding
    from .library import Library, load_library
    from .model import CiteItem, Marker, Name, NameList, Reference, Span
    from .render.article import Article, read_article, scan_article
    from .render.compose import Rendered, RenderOptions, render_article
    from .render.numbering import Citation, Label, Numbering, number_citations
    from .render.settings import RenderSettings
    from .render.styles import STYLES, Style, get_style
    from .render.templating import Templates


def __getattr__(name: str) -> Any:
    module = _EXPORTS.get(name)
    if module is None:
        raise AttributeError(f"module 'citations' has no attribute {name!r}")
    value = getattr(importlib.import_module(f".{module}", __name__), name)
    globals()[name] = value
    return value


def __dir__() -> list[str]:
    return sorted(set(globals()) | set(_EXPORTS))
