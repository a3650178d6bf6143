"""Citation styles by name: each a small module; the registry is one dict."""

from __future__ import annotations

from .ama import AmaStyle
from .base import Style, StyleOptions
from .registry import STYLES, get_style
from .vancouver import VancouverStyle

__all__ = ["STYLES", "AmaStyle", "Style", "StyleOptions", "VancouverStyle", "get_style"]
