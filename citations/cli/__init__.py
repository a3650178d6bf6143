"""The command line: the only package that imports click, prints, or exits.

Each command lives in its own module; importing this package registers them all.
"""

from __future__ import annotations

from . import add, build, check, claims, links, lsp, render, verify  # noqa: F401 - registers commands
from .base import cli, main

__all__ = ["cli", "main"]
