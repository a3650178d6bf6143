"""`citations verify`: each entry's registry record found, compared field by field, judged."""

from __future__ import annotations

from .compare import FieldDiff
from .judge import Result, judge, verify_references
from .resolve import Identifiers, Resolution, Resolver
from .verdict import VERDICTS, Verdict

__all__ = [
    "VERDICTS",
    "FieldDiff",
    "Identifiers",
    "Resolution",
    "Resolver",
    "Result",
    "Verdict",
    "judge",
    "verify_references",
]
