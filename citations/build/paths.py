"""Where a build may read and write: every path it takes from a manifest, an article folder
or the settings is resolved (symbolic links followed) and must lie inside its folder."""

from __future__ import annotations

import os
from collections.abc import Iterable
from pathlib import Path

from ..files import remove_stale_temporaries
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


def outside_source(path: Path, src: Path) -> Finding:
    return Finding(
        "article-outside-source",
        "warning",
        f"a link to {os.path.realpath(path)}, outside {src}: not built",
        Span(str(path), 1),
        hint="build with --follow-symlinks to publish linked files",
    )


def remove_stale_beside_outputs(outputs: Iterable[Path], out: Path) -> None:
    """What killed builds left beside outputs: an output written since took its own away,
    but one unchanged since would keep it, and it would be published with the site."""
    names: dict[Path, list[str]] = {}
    for output in outputs:
        names.setdefault(output.parent, []).append(output.name)
    for folder, files in names.items():
        if writes_inside(folder / "-", out):  # nothing is removed outside the site
            for name in files:
                remove_stale_temporaries(folder / name)
