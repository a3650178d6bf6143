"""What a report says about itself: the command, the tool, the codes it may contain."""

from __future__ import annotations

from collections.abc import Mapping
from dataclasses import dataclass, field
from pathlib import Path

from ..findings import Rule


@dataclass(frozen=True)
class ReportMeta:
    """What a report says about itself: the command, the tool, the codes it may contain."""

    command: str = "check"
    version: str = ""
    rules: Mapping[str, Rule] = field(default_factory=dict)  # code → what it means
    root: Path = Path(".")
