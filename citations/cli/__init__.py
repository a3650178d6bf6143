"""The command line: the only package that imports click, prints, or exits.

Each command lives in its own module; importing this package registers them all.
"""

from __future__ import annotations

from . import build, check, claims, links, render  # noqa: F401 - registers the commands
from .base import cli, main

__all__ = ["cli", "main"]
