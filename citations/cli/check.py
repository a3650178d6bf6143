"""`citations check`: the offline checks of the library and the articles."""

from __future__ import annotations

import sys
from collections.abc import Sequence
from pathlib import Path

import click

from ..errors import EXIT_FINDINGS
from ..findings import has_errors
from .base import Session, cli, emit_report, refs_option, report_output_option


@cli.command()
@click.argument("paths", nargs=-1, type=click.Path(path_type=Path))
@refs_option
@click.option(
    "-f",
    "--format",
    "report_format",
    default="text",
    show_default=True,
    type=click.Choice(["text", "json", "junit", "sarif", "github"]),
    help="Report format.",
)
@report_output_option
@click.option("--strict", is_flag=True, help="Fail on warnings too.")
@click.option("--fix", is_flag=True, help="Apply the safe, mechanical fixes to the .bib files.")
@click.option(
    "--diff", "show_diff", is_flag=True, help="Show what --fix would change; write nothing."
)
@click.option("--no-cache", is_flag=True, help="Parse the library afresh; do not use the cache.")
@click.option(
    "--claims",
    "with_claims",
    is_flag=True,
    help="Also flag claims: uncited appeals to research, web-only support.",
)
@click.pass_obj
def check(
    session: Session,
    paths: Sequence[Path],
    refs: Sequence[Path],
    report_format: str,
    output: Path | None,
    strict: bool,
    fix: bool,
    show_diff: bool,
    no_cache: bool,
    with_claims: bool,
) -> None:
    """Check the library and the articles (PATHS: files or folders; default: articles/).

    Every problem is reported once, at its place, with a stable code; see README.md.
    """
    from ..commands.check import CheckRun, run_check

    config = session.config
    run = CheckRun.from_config(
        config,
        paths=paths,
        refs=refs,
        report_format=report_format,
        cache_dir=None if no_cache else config.cache_folder(),
        fix=fix,
        diff=show_diff,
        claims=with_claims,
        strict=strict,
    )
    outcome = run_check(run)
    if outcome.diff:
        click.echo(outcome.diff, nl=False)
    for line in outcome.notes:
        click.echo(line, err=True)
    emit_report(outcome.report, output)
    if has_errors(outcome.findings, strict=strict):
        sys.exit(EXIT_FINDINGS)
