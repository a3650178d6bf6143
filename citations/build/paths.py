"""Where a build may read and write: every path it takes from a manifest, an article folder
or the settings is resolved (symbolic links followed) and must lie inside its folder."""

from __future__ import annotations

import os
from collections.abc import Iterable
from pathlib import Path

from ..files import remove_stale_temporaries
from ..findings import Finding
from ..model import Span


class Inside:
    """One folder, resolved once, that says whether paths lie inside it. A build asks about
    thousands of paths in a few folders: each folder is resolved once, and a file costs one
    lstat unless it is itself a link."""

    def __init__(self, folder: Path) -> None:
        self.folder = folder
        self.root = _real(folder)
        self._folders: dict[Path, bool] = {}

    def holds(self, path: Path) -> bool:
        """Does `path`, a link followed, lie inside the folder?"""
        if path.is_symlink():
            real = _real(path)
            return real is not None and self._under(real)
        return self.takes(path)

    def takes(self, path: Path) -> bool:
        """Would writing `path` put a file inside the folder? Its folder must resolve there;
        a link as the file itself is fine, as writes replace it and never write through."""
        folder = path.parent
        if folder not in self._folders:
            real = _real(folder)
            self._folders[folder] = real is not None and (real == self.root or self._under(real))
        return self._folders[folder]

    def holds_output(self, name: str) -> bool:
        """Is the output `name` (relative, as a manifest records it) inside the folder? Not
        if absolute, climbing out with `..`, or through a link that leads out."""
        parts = Path(name).parts
        if not name or "\0" in name or Path(name).is_absolute() or ".." in parts:
            return False
        return self.holds(self.folder / name)

    def _under(self, real: Path) -> bool:
        return self.root is not None and real != self.root and real.is_relative_to(self.root)


def _real(path: Path) -> Path | None:
    """`path` with every link resolved; None if it cannot be (a loop, a NUL byte)."""
    try:
        return Path(os.path.realpath(path))
    except (OSError, ValueError):
        return None


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


def remove_stale_beside_outputs(outputs: Iterable[Path], site: Inside) -> None:
    """What killed builds left beside outputs: an output written since took its own away,
    but one unchanged since would keep it, and it would be published with the site."""
    for output in outputs:
        if site.takes(output):  # nothing is removed outside the site
            remove_stale_temporaries(output)
