"""`citations links`: URLs and DOIs checked online."""

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
@click.option(
    "--articles",
    "articles",
    multiple=True,
    type=click.Path(path_type=Path),
    help="Also check links in these articles (files or folders).",
)
@refs_option
@click.option(
    "-f",
    "--format",
    "report_format",
    default="text",
    show_default=True,
    type=click.Choice(["text", "json", "junit", "sarif", "github", "markdown", "html"]),
)
@report_output_option
@click.option(
    "--cache",
    type=click.Path(path_type=Path, dir_okay=False),
    help="The results cache (SQLite). Default: the user cache folder.",
)
@click.option("--no-cache", is_flag=True, help="Neither read nor write the results cache.")
@click.option("--concurrency", type=click.IntRange(min=1), help="Requests at once (128).")
@click.option("--per-host", type=click.IntRange(min=1), help="Requests at once to one host (4).")
@click.option("--timeout", type=click.FloatRange(min=0.1), help="Seconds per request (20).")
@click.option("--deadline", type=click.FloatRange(min=1), help="Seconds for the whole run (600).")
@click.option("--user-agent", help="The User-Agent header.")
@click.option("--exclude", multiple=True, metavar="REGEX", help="Skip matching URLs (repeatable).")
@click.option("--accept", metavar="CODES", help="Accepted status codes, e.g. 200-299,403.")
@click.option("--no-private", is_flag=True, help="Refuse loopback, private and link-local hosts.")
@click.option(
    "--fail-on",
    metavar="OUTCOMES",
    help="Outcomes that fail the run, comma-separated (default: broken).",
)
@click.option(
    "--fail-after",
    type=click.IntRange(min=1),
    help="transient/blocked fail only after N consecutive failing runs.",
)
@click.option(
    "--changed-since",
    metavar="GIT_REV",
    help="Only entries whose content changed since this git revision.",
)
@click.option(
    "--ca-bundle",
    type=click.Path(path_type=Path, dir_okay=False),
    help="Trust the certificates in this file too.",
)
@click.pass_obj
def links(session: Session, /, **options: Any) -> None:
    """Check every URL and DOI of the library (and of --articles): fast, polite, honest."""
    from ..commands.links import LinksRun, run_links

    run = LinksRun.from_config(session.config, **options)
    progress = _progress_printer() if sys.stderr.isatty() and not in_ci() else None
    outcome = run_links(run, progress)
    if progress is not None:
        click.echo("", err=True)
    emit_report(outcome.report, options["output"])
    report_findings(outcome.unread)
    if outcome.unchecked:
        click.echo(f"citations: {outcome.unchecked}", err=True)
    if outcome.failed or has_errors(outcome.unread):
        sys.exit(EXIT_FINDINGS)
    if outcome.unchecked:
        sys.exit(EXIT_UNCHECKED)


def _progress_printer() -> Callable[[int, int], None]:
    def show(done: int, total: int) -> None:
        width = 30
        filled = width * done // max(total, 1)
        bar = "#" * filled + "-" * (width - filled)
        click.echo(f"\r[{bar}] {done}/{total}", err=True, nl=False)

    return show
