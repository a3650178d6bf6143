"""`citations check`: read-only passes over the library and the articles, yielding findings."""

from __future__ import annotations

from ..snapshot import Snapshot, build_snapshot, find_articles
from .runner import CHECKS, RULES, run_checks
from .settings import CheckSettings

__all__ = [
    "CHECKS",
    "RULES",
    "CheckSettings",
    "Snapshot",
    "build_snapshot",
    "find_articles",
    "run_checks",
]
