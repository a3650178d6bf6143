"""Reporters: findings → text, JSON, JUnit XML, SARIF 2.1.0 or GitHub annotations."""

from __future__ import annotations

from .base import REPORTERS, Reporter, get_reporter
from .meta import ReportMeta

__all__ = ["REPORTERS", "ReportMeta", "Reporter", "get_reporter"]
