"""`citations-pandoc`, the pandoc filter's command: pandoc's JSON in on standard input, the
filtered document out on standard output, messages on standard error, an exit code."""

from __future__ import annotations

import sys
from collections.abc import Sequence
from pathlib import Path
from typing import NoReturn

from ..errors import EXIT_FINDINGS, EXIT_OK, EXIT_USAGE
from ..findings import has_errors
from .base import guarded, report_findings

USAGE = """usage: pandoc ARTICLE --filter citations-pandoc -o OUTPUT

A pandoc filter: pandoc runs it with the output format as its argument, the document as JSON
on standard input. It numbers the citations as `citations render` does, with the settings of
the nearest citations.toml, and puts the reference list where `::: {#refs}` stands or at the
end. Unknown keys and a broken library fail the run (exit 1); bad settings exit 3.
"""


def main(argv: Sequence[str] | None = None) -> NoReturn:
    """Entry point: one place turns the outcome and exceptions into messages and an exit."""
    args = list(sys.argv[1:] if argv is None else argv)
    if args and args[0] in ("-h", "--help"):
        sys.stdout.write(USAGE)
        sys.exit(EXIT_OK)
    if len(args) > 1 or (args and args[0].startswith("-")):
        sys.stderr.write(USAGE)
        sys.exit(EXIT_USAGE)
    guarded(lambda: _run(args[0] if args else "html"), "citations-pandoc")


def _run(fmt: str) -> int:
    from ..commands.render import RenderSettings
    from ..config import load_config
    from ..pandoc_filter import run_filter

    config = load_config(None)
    settings = RenderSettings.from_config(config, cache_dir=config.cache_folder())
    source = sys.stdin.buffer.read().decode("utf-8", errors="replace")
    outcome = run_filter(source, settings, fmt, _parent_command_line())
    report_findings(outcome.findings)
    if has_errors(outcome.findings):
        return EXIT_FINDINGS  # pandoc then fails and writes nothing
    sys.stdout.buffer.write(outcome.document.encode("utf-8"))
    sys.stdout.flush()
    return EXIT_OK


def _parent_command_line() -> list[str]:
    """The command line of the process that runs us (pandoc, which names its input files
    there and nowhere else a filter can see); empty where the system does not tell."""
    from os import getppid

    try:
        raw = Path(f"/proc/{getppid()}/cmdline").read_bytes()
    except OSError:
        return []
    return [part.decode("utf-8", errors="replace") for part in raw.split(b"\0") if part]
