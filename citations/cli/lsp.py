"""`citations lsp`: the language server for editors, over standard input and output."""

from __future__ import annotations

from .base import cli


@cli.command()
def lsp() -> None:
    """Serve editors over stdio (the Language Server Protocol): complete keys after [@,
    hover, go to definition, find references, rename keys, and diagnostics as you type."""
    from ..lsp.server import run_stdio  # pygls loads only here

    run_stdio()
