"""Citation styles by name: each a small module; the registry is one dict."""

from __future__ import annotations

from collections.abc import Mapping
from typing import Any

from ...errors import StyleError
from ...wording import did_you_mean
from .ama import AmaStyle
from .base import Style
from .vancouver import VancouverStyle

STYLES: dict[str, type[Style]] = {"ama": AmaStyle, "vancouver": VancouverStyle}


def get_style(name: str, options: Mapping[str, Any] | None = None) -> Style:
    """The style called `name`, configured; an unknown name lists the known ones."""
    try:
        cls = STYLES[name.lower()]
    except KeyError:
        hint = did_you_mean(name.lower(), STYLES)
        raise StyleError(f"unknown style '{name}'", hint=hint) from None
    return cls(options)
