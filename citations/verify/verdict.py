"""The verdict on an entry: what its comparison and the record's update notices say (pure)."""

from __future__ import annotations

from collections.abc import Sequence
from typing import Literal

from ..registries.model import Record, Update
from .compare import NOTICE_PREFIX, Comparison

Verdict = Literal[
    "verified",
    "mismatch",
    "different-work",
    "not-found",
    "unverifiable",
    "retracted",
    "corrected",
    "concern",
]
VERDICTS: tuple[Verdict, ...] = (
    "verified",
    "mismatch",
    "different-work",
    "not-found",
    "unverifiable",
    "retracted",
    "corrected",
    "concern",
)


def notices(record: Record) -> tuple[Update, ...]:
    """The record's update notices, with a `RETRACTED:` title prefix read as one."""
    updates = record.updates
    if NOTICE_PREFIX.match(record.title) and not any(
        u.kind in ("retraction", "withdrawal") for u in updates
    ):
        updates += (Update("retraction", source="title"),)
    return updates


def decide(comparison: Comparison, updates: Sequence[Update] = ()) -> Verdict:
    """retracted > concern > corrected > mismatch > verified; a different work's notices are
    about that other work, so different-work wins over them."""
    if comparison.different_work:
        return "different-work"
    kinds = {u.kind for u in updates}
    if kinds & {"retraction", "withdrawal"}:
        return "retracted"
    if "expression-of-concern" in kinds:
        return "concern"
    if "correction" in kinds:
        return "corrected"
    return "mismatch" if comparison.diffs else "verified"
