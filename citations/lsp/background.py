"""`check`'s library findings computed in a child process, so that a large library's checks
never compete with completion for the server's interpreter: `python -m citations.lsp.background
ROOT` loads the project as the server does (through the parse cache) and writes its findings,
pickled, to standard output (a pipe to the server, never the editor's stream)."""

from __future__ import annotations

import asyncio
import pickle
import sys
from pathlib import Path

from ..findings import Finding
from .diagnose import library_findings
from .project import Project

Found = dict[Path, list[Finding]]


def findings_for(root: Path) -> Found:
    project = Project.open(root)
    return library_findings(project.library, project.check_settings(), project.problems)


async def findings_in_child(root: Path) -> Found | None:
    """The project's library findings, from a child process; None if it failed (what it
    said is on standard error, the editor's log). Cancelling the task ends the child."""
    child = await asyncio.create_subprocess_exec(
        sys.executable,
        "-m",
        __name__,
        str(root),
        stdin=asyncio.subprocess.DEVNULL,
        stdout=asyncio.subprocess.PIPE,
    )
    try:
        data, _ = await child.communicate()
    except asyncio.CancelledError:
        if child.returncode is None:
            child.kill()
            await child.wait()
        raise
    if child.returncode != 0:
        return None
    found: Found = pickle.loads(data)  # our own child's answer, over its own pipe
    return found


def main() -> int:
    found = findings_for(Path(sys.argv[1]))
    sys.stdout.buffer.write(pickle.dumps(found))
    sys.stdout.flush()
    return 0


if __name__ == "__main__":
    sys.exit(main())
