"""The command line: the only package that imports click, prints, or exits.

Each command lives in its own module; importing this package registers them all.
"""

from __future__ import annotations

from . import (  # noqa: F401 - registers commands
    add,
    build,
    check,
    claims,
    export,
    import_,
    links,
    lsp,
    render,
    serve,
    verify,
)
from .base import cli, main

__all__ = ["cli", "main"]
