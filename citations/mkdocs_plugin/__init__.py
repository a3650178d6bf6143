"""The MkDocs plugin (`plugins: [citations]` in mkdocs.yml): only MkDocs imports this package,
through the `mkdocs.plugins` entry point, and only here is mkdocs imported."""

from __future__ import annotations

from .plugin import CitationsPlugin

__all__ = ["CitationsPlugin"]
