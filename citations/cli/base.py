"""The command line's core: the group, shared helpers, and where errors become exit codes."""

from __future__ import annotations

import gc
import sys
import traceback
from collections.abc import Callable, Sequence
from pathlib import Path
from typing import Any, NoReturn

import click

from ..config import Config, load_config, parse_value
from ..errors import EXIT_FINDINGS, EXIT_INTERNAL, EXIT_OK, EXIT_USAGE, CitationsError
from ..findings import Finding, has_errors
from ..version import __version__

MAX_WARNINGS_SHOWN = 20

# Options several commands share, declared once.
refs_option = click.option(
    "--refs",
    "refs",
    multiple=True,
    type=click.Path(path_type=Path),
    help="A .bib file or a folder of them (repeatable). Default: refs/.",
)
report_output_option = click.option(
    "-o",
    "--output",
    type=click.Path(path_type=Path, dir_okay=False),
    help="Write the report here instead of to standard output.",
)


class Session:
    """What every command needs: the config, loaded once, on first use."""

    def __init__(self, config_path: Path | None) -> None:
        self.config_path = config_path
        self._config: Config | None = None

    @property
    def config(self) -> Config:
        if self._config is None:
            self._config = load_config(self.config_path)
        return self._config


@click.group(context_settings={"help_option_names": ["-h", "--help"]})
@click.version_option(__version__, prog_name="citations")
@click.option(
    "--config",
    "config_path",
    type=click.Path(path_type=Path, dir_okay=False),
    help="Settings file (default: citations.toml, or pyproject.toml with [tool.citations], "
    "in this folder or the nearest parent up to the project's top).",
)
@click.pass_context
def cli(ctx: click.Context, config_path: Path | None) -> None:
    """Cite by key, number citations in order of appearance, and check every reference."""
    ctx.obj = Session(config_path)


def parse_options(pairs: Sequence[str]) -> dict[str, Any]:
    """`-O et-al-min=6 -O show-doi=false` → {"et-al-min": 6, "show-doi": False}."""
    options: dict[str, Any] = {}
    for pair in pairs:
        name, sep, value = pair.partition("=")
        if not sep or not name.strip():
            raise click.BadParameter(f"expected NAME=VALUE, got '{pair}'", param_hint="-O")
        options[name.strip()] = parse_value(value)
    return options


def parse_shard(value: str | None) -> tuple[int, int] | None:
    """`--shard 2/4` → (2, 4)."""
    if not value:
        return None
    k, sep, n = value.partition("/")
    if not (sep and k.strip().isdigit() and n.strip().isdigit() and 1 <= int(k) <= int(n)):
        raise click.BadParameter(
            f"expected K/N with 1 <= K <= N, got '{value}'", param_hint="--shard"
        )
    return int(k), int(n)


def finish(findings: list[Finding], *, strict: bool) -> None:
    report_findings(findings)
    if has_errors(findings, strict=strict):
        sys.exit(EXIT_FINDINGS)


def emit_report(report: str, output: Path | None) -> None:
    """A report to standard output, or written atomically to `output`."""
    if output is None:
        click.echo(report, nl=False)
        return
    from ..files import atomic_write_text

    try:
        atomic_write_text(output, report)
    except OSError as exc:
        raise CitationsError(f"cannot write {output}: {exc.strerror}") from None


def report_findings(findings: list[Finding]) -> None:
    """Findings on standard error, `path:line:col: severity[code] message (hint)`."""
    shown_warnings = 0
    hidden = 0
    for finding in findings:
        if finding.severity != "error":
            shown_warnings += 1
            if shown_warnings > MAX_WARNINGS_SHOWN:
                hidden += 1
                continue
        click.echo(str(finding), err=True)
    if hidden:
        click.echo(f"... and {hidden} more warnings (run `citations check` for all)", err=True)


def main(argv: Sequence[str] | None = None) -> NoReturn:
    """Entry point of `citations`."""
    # A run builds millions of objects that live until it ends (a 60,000-entry library, its
    # findings), and none in a cycle worth collecting early: collecting every 700 allocations
    # cost `check --fix` on that library 15% of its time. mypy's command line does the same.
    gc.set_threshold(200_000, 30, 30)
    guarded(lambda: _run_cli(argv), "citations")


def _run_cli(argv: Sequence[str] | None) -> int:
    try:
        args = list(argv) if argv is not None else None
        # One name however it was started (`python -m citations` too): in usage lines, and
        # for click's shell completion, which reads _CITATIONS_COMPLETE.
        cli.main(args=args, prog_name="citations", standalone_mode=False)
    except click.exceptions.Abort:
        click.echo("Aborted.", err=True)
        return EXIT_USAGE
    except click.ClickException as exc:
        exc.show()
        return EXIT_USAGE if isinstance(exc, click.UsageError) else exc.exit_code
    return EXIT_OK


def guarded(body: Callable[[], int], prog: str) -> NoReturn:
    """Run `body` and exit with its code: the one place (for every console script) that turns
    what it raised into one message and a documented exit code."""
    try:
        code = body()
    except CitationsError as exc:
        click.echo(f"{prog}: error: {exc}", err=True)
        sys.exit(exc.exit_code)
    except SystemExit:
        raise
    except KeyboardInterrupt:
        sys.exit(130)
    except BrokenPipeError:
        sys.exit(EXIT_OK)
    except Exception:
        click.echo(traceback.format_exc(), err=True)
        click.echo(
            f"{prog}: internal error: this is a bug in citations, please report it "
            "with the lines above.",
            err=True,
        )
        sys.exit(EXIT_INTERNAL)
    sys.exit(code)
