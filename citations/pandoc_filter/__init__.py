"""`citations-pandoc`, a pandoc JSON filter: pandoc's citations numbered and its reference list
rendered by our styles, for every format pandoc writes (Word, PDF, ODT, HTML)."""

from __future__ import annotations

from .document import FilterOutcome, run_filter

__all__ = ["FilterOutcome", "run_filter"]
