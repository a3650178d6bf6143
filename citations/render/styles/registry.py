"""Citation styles by name: each a small module; the registry is one dict."""

from __future__ import annotations

import difflib
from collections.abc import Mapping
from typing import Any

from ...errors import StyleError
from .ama import AmaStyle
from .base import Style
from .vancouver import VancouverStyle

STYLES: dict[str, type[Style]] = {"ama": AmaStyle, "vancouver": VancouverStyle}


def get_style(name: str, options: Mapping[str, Any] | None = None) -> Style:
    """The style called `name`, configured; an unknown name lists the known ones."""
    try:
        cls = STYLES[name.lower()]
    except KeyError:
        close = difflib.get_close_matches(name.lower(), STYLES, n=1)
        hint = f"did you mean '{close[0]}'?" if close else f"known styles: {', '.join(STYLES)}"
        raise StyleError(f"unknown style '{name}'", hint=hint) from None
    return cls(options)
