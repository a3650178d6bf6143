"""Where a build may read and write: every path it takes from a manifest, an article folder
or the settings is resolved (symbolic links followed) and must lie inside its folder."""

from __future__ import annotations

import os
from pathlib import Path

from ..findings import Finding
from ..model import Span


def resolves_inside(path: Path, folder: Path) -> bool:
    """Does `path`, links followed, lie strictly inside `folder` (links followed too)?
    A path that cannot be resolved (a link loop, a NUL byte) does not."""
    try:
        root = Path(os.path.realpath(folder))
        target = Path(os.path.realpath(path))
    except (OSError, ValueError):
        return False
    return target != root and target.is_relative_to(root)


def writes_inside(path: Path, out: Path) -> bool:
    """Would writing `path` put a file inside `out`? Its folder must resolve there; a link
    as the file itself is fine, as writes replace a file and never write through it."""
    try:
        return Path(os.path.realpath(path.parent)).is_relative_to(os.path.realpath(out))
    except (OSError, ValueError):
        return False


def output_inside(out: Path, name: str) -> bool:
    """Is the output `name` (relative to `out`, as a manifest records it) inside `out`?
    An absolute name or one climbing out with `..` is not, nor one through a link that
    leads out."""
    return bool(name) and resolves_inside(out / name, out)


def outside_finding(where: Path, name: str, out: Path, doing: str) -> Finding:
    """An output path outside the output folder, refused: nothing was deleted or written."""
    return Finding(
        "output-outside",
        "error",
        f"{doing} '{name}', which lies outside {out}; refused",
        Span(str(where), 1),
        hint="only a tampered manifest or a link in the output folder leads there",
    )
