"""What a build passes around: its settings, the articles it found, and its report."""

from __future__ import annotations

from dataclasses import dataclass, field
from pathlib import Path
from typing import Any

from ..findings import Finding
from ..render.settings import RenderSettings


@dataclass(frozen=True)
class BuildSettings:
    render: RenderSettings
    src: Path
    out: Path
    force: bool = False
    check: bool = False  # render and compare, write nothing
    jobs: int = 0  # 0: one per core
    shard: tuple[int, int] | None = None  # (K, N): build the K-th of N deterministic parts
    numbering: str = "article"  # or "continuous": one numbering across the whole site
    bibliography: str | None = None  # a page listing every cited entry, e.g. "bibliography.html"
    sidecars: bool = True
    follow_symlinks: bool = False  # build articles that are links to files outside src


@dataclass
class BuildReport:
    """What a build did; `changed` lists outputs that were (or, with --check, would be) written."""

    built: list[str] = field(default_factory=list)
    unchanged: list[str] = field(default_factory=list)
    removed: list[str] = field(default_factory=list)
    changed: list[str] = field(default_factory=list)
    findings: list[Finding] = field(default_factory=list)
    seconds: float = 0.0

    def to_dict(self) -> dict[str, Any]:
        from ..reporters.json import finding_to_dict

        return {
            "schema": "citations-build",
            "version": 1,
            "built": self.built,
            "unchanged": self.unchanged,
            "removed": self.removed,
            "changed": self.changed,
            "findings": [finding_to_dict(f) for f in self.findings],
            "seconds": round(self.seconds, 3),
        }


@dataclass
class Source:
    """An article under the source folder, and where its output goes."""

    rel: str
    path: Path
    source_hash: str
    keys: list[str] | None  # None: not known until the article is rendered
    output: Path
