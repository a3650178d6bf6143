"""The command line: the only package that imports click, prints, or exits.

Each command lives in its own module; importing this package registers them all.
"""

from __future__ import annotations

from . import add, build, check, claims, export, import_, links, render, verify  # noqa: F401 - registers commands
from .base import cli, main

__all__ = ["cli", "main"]
