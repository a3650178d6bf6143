"""What a report says about itself: the command, the tool, the codes it may contain."""

from __future__ import annotations

from collections.abc import Callable, Mapping
from dataclasses import dataclass, field
from pathlib import Path

from ..findings import Finding, Rule, fails_run


@dataclass(frozen=True)
class ReportMeta:
    """What a report says about itself: the command, the tool, the codes it may contain, and
    which findings fail the run (so a report that counts failures agrees with the exit code:
    by default errors do, warnings do not)."""

    command: str = "check"
    version: str = ""
    rules: Mapping[str, Rule] = field(default_factory=dict)  # code → what it means
    root: Path = Path(".")
    fails: Callable[[Finding], bool] = fails_run
