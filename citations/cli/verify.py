"""`citations verify`: each entry checked against Crossref, doi.org, PubMed and arXiv."""

from __future__ import annotations

import sys
from collections.abc import Callable
from pathlib import Path
from typing import Any

import click

from ..config import in_ci
from ..errors import EXIT_FINDINGS, EXIT_UNCHECKED
from ..findings import has_errors
from .base import (
    Session,
    cli,
    emit_report,
    refs_option,
    report_findings,
    report_output_option,
)


@cli.command()
@click.argument("keys", nargs=-1)
@refs_option
@click.option(
    "-f",
    "--format",
    "report_format",
    default="text",
    show_default=True,
    type=click.Choice(["text", "json", "junit", "sarif", "github"]),
    help="Report format; json is verify's own (schema citations-verify).",
)
@report_output_option
@click.option(
    "--offline", is_flag=True, help="Answer from the registry cache only; send no request."
)
@click.option(
    "--fix", is_flag=True, help="Take the registry's values for differing fields (shows the diff)."
)
@click.option(
    "--diff", "show_diff", is_flag=True, help="Show what --fix would change; write nothing."
)
@click.option(
    "--fields", metavar="LIST", help="Only these fields for --fix/--diff, e.g. year,pages."
)
@click.option(
    "--strict", is_flag=True, help="Fail on mismatches, corrections and expressions of concern too."
)
@click.option(
    "--cache",
    type=click.Path(path_type=Path, dir_okay=False),
    help="The cache of registry answers and verdicts (SQLite). Default: the user cache folder.",
)
@click.option(
    "--no-cache",
    is_flag=True,
    help="Neither read nor write the cache: no verdicts kept for `claims`.",
)
@click.option("--mailto", metavar="EMAIL", help="Your e-mail for the registries' polite pools.")
@click.option(
    "--deadline",
    type=click.FloatRange(min=1),
    metavar="SECONDS",
    help="Seconds for the whole run (300); entries not reached by then are unverifiable.",
)
@click.pass_obj
def verify(session: Session, /, **options: Any) -> None:
    """Check entries (KEYS; default: all) against the registries, field by field.

    Verdicts: verified, mismatch, different-work, not-found, unverifiable, retracted,
    corrected, concern. Exit 1 on not-found, different-work or retracted (with --strict also
    on mismatch, corrected or concern); unverifiable never fails. See README.md.
    """
    from ..commands.verify import VerifyRun, run_verify

    if options["cache"] is not None and options["no_cache"]:
        raise click.UsageError("--cache and --no-cache do not go together")
    run = VerifyRun.from_config(session.config, **options, diff=options["show_diff"])
    progress = _progress() if sys.stderr.isatty() and not in_ci() else None
    outcome = run_verify(run, progress)
    if progress is not None:
        click.echo("", err=True)
    if outcome.diff:
        click.echo(outcome.diff, nl=False)
    for line in outcome.notes:
        click.echo(line, err=True)
    emit_report(outcome.report, options["output"])
    report_findings(outcome.unread)
    if outcome.unchecked:
        click.echo(f"citations: {outcome.unchecked}", err=True)
    if outcome.failed or has_errors(outcome.unread):
        sys.exit(EXIT_FINDINGS)
    if outcome.unchecked:
        sys.exit(EXIT_UNCHECKED)


def _progress() -> Callable[[int, int], None]:
    def show(done: int, total: int) -> None:
        click.echo(f"\rverifying {done}/{total}", err=True, nl=False)

    return show
