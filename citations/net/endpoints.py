"""Where the registries are: defaults, `[registries]` in citations.toml, and the environment."""

from __future__ import annotations

import os
from collections.abc import Mapping
from typing import Any
from urllib.parse import urlsplit

from ..errors import ConfigError
from ..model import Span

DEFAULTS = {
    "crossref": "https://api.crossref.org",
    "doi": "https://doi.org",
    "ncbi": "https://eutils.ncbi.nlm.nih.gov/entrez/eutils",
    "arxiv": "https://export.arxiv.org/api",
    "openlibrary": "https://openlibrary.org",
}
ENVIRONMENT = {name: f"CITATIONS_{name.upper()}_URL" for name in DEFAULTS}
# Politeness settings that may sit beside the URLs (used by the registry clients).
OTHER_KEYS = {"mailto", "tool", "email", "ncbi-api-key", "crossref-token", "user-agent"}


def registry_urls(
    table: Mapping[str, Any] | None = None, where: Span | None = None
) -> dict[str, str]:
    """Each registry's base URL: the environment wins over `[registries]`, which wins over
    the defaults, so a test or a mirror can stand in for any registry."""
    table = table or {}
    for key in table:
        if key not in DEFAULTS and key not in OTHER_KEYS:
            known = ", ".join([*DEFAULTS, *sorted(OTHER_KEYS)])
            raise ConfigError(f"unknown setting 'registries.{key}'", where, f"known: {known}")
    urls = {}
    for name, default in DEFAULTS.items():
        value = os.environ.get(ENVIRONMENT[name]) or table.get(name) or default
        if not isinstance(value, str) or urlsplit(value).scheme not in ("http", "https"):
            raise ConfigError(f"the {name} registry URL must be http(s), not {value!r}", where)
        urls[name] = value.rstrip("/")
    return urls
