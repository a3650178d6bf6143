"""`citations lsp`: the language server (pygls loads only in `server`, when it runs)."""

from __future__ import annotations
