"""`citations claims`: which claim rests on which evidence, and what to look at again."""

from __future__ import annotations

import sys
from collections.abc import Sequence
from pathlib import Path

import click

from ..errors import EXIT_FINDINGS
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
@click.argument("articles", nargs=-1, required=True, type=click.Path(path_type=Path))
@refs_option
@click.option(
    "-f",
    "--format",
    "report_format",
    default="text",
    show_default=True,
    type=click.Choice(["text", "json", "markdown", "html"]),
    help="Report format; html is one self-contained file.",
)
@report_output_option
@click.option(
    "--cache",
    type=click.Path(path_type=Path, dir_okay=False),
    help="The cache of link results and verify's verdicts to read (never written). "
    "Default: the user cache.",
)
@click.option(
    "--no-cache", is_flag=True, help="Read no cache: broken or unverified sources are not flagged."
)
@click.option(
    "--offline",
    is_flag=True,
    help="Read only the cache (claims never fetches: evidence types come from the records "
    "`citations verify` stored).",
)
@click.option("--strict", is_flag=True, help="Fail on warnings too.")
@click.pass_obj
def claims(
    session: Session,
    articles: Sequence[Path],
    refs: Sequence[Path],
    report_format: str,
    output: Path | None,
    cache: Path | None,
    no_cache: bool,
    offline: bool,
    strict: bool,
) -> None:
    """List the claims of ARTICLES (files or folders) with their sources and evidence types.

    A claim is a sentence, list item or table cell that cites. The report adds, for each
    reference, every claim citing it, and flags uncited appeals to research, claims resting
    only on web pages, sources `citations links` recorded as broken, and sources
    `citations verify` recorded as retracted or not found. Evidence types come first from
    the registry records `citations verify` stored (PubMed publication types, Crossref
    types). Nothing is fetched, with or without --offline.
    """
    from ..commands.claims import ClaimsRun, run_claims

    if cache is not None and no_cache:
        raise click.UsageError("--cache and --no-cache do not go together")
    if offline and no_cache:
        raise click.UsageError("--offline reads the cache: it cannot go with --no-cache")
    run = ClaimsRun.from_config(
        session.config,
        articles,
        refs=refs,
        report_format=report_format,
        cache=cache,
        no_cache=no_cache,
        strict=strict,
    )
    outcome = run_claims(run)
    for line in outcome.notes:
        click.echo(line, err=True)
    emit_report(outcome.report, output)
    report_findings(outcome.unread)
    if outcome.failed or has_errors(outcome.unread):
        sys.exit(EXIT_FINDINGS)
