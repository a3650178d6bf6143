"""`citations add`: works by identifier, as clean BibTeX entries appended to the library."""

from __future__ import annotations

import sys
from collections.abc import Sequence
from pathlib import Path
from typing import Any

import click

from ..errors import EXIT_FINDINGS
from .base import Session, cli


@cli.command()
@click.argument("ids", nargs=-1, metavar="ID...")
@click.option(
    "--from",
    "sources",
    multiple=True,
    metavar="FILE",
    type=click.Path(path_type=Path, dir_okay=False, allow_dash=True),
    help="Also add every reference of a reference list as printed (numbered, or one "
    "a paragraph); - reads standard input. Repeatable.",
)
@click.option(
    "--to",
    "to",
    type=click.Path(path_type=Path, dir_okay=False),
    help="Append to this .bib file (default: [add] to, else the first .bib file "
    "under refs/, else refs/added.bib).",
)
@click.option(
    "--refs",
    "refs",
    multiple=True,
    type=click.Path(path_type=Path),
    help="Look for duplicates here: .bib files or folders. Default: refs/.",
)
@click.option("--dry-run", is_flag=True, help="Print the entries; write nothing.")
@click.option(
    "--accessed",
    metavar="YYYY-MM[-DD]",
    help="When the web pages were read: their urldate (default: today). A reference "
    "that prints its access date keeps that one.",
)
@click.option(
    "--sentence-case/--keep-case",
    "sentence_case",
    default=None,
    help="Lower Title Case titles to sentence case (default: [add] sentence-case, "
    "else keep the registry's case).",
)
@click.option("--no-cache", is_flag=True, help="Neither read nor write the registry cache.")
@click.option(
    "--deadline",
    type=click.FloatRange(min=1),
    metavar="SECONDS",
    help="Seconds for the whole run (60); identifiers not looked up by then fail.",
)
@click.pass_obj
def add(session: Session, /, ids: Sequence[str], **options: Any) -> None:
    """Add works by identifier: a DOI (bare, doi:, or a doi.org or publisher URL with one),
    pmid:, pmcid:, arxiv:, isbn:, the URL of any other web page, or a reference as printed (quoted),
    matched through Crossref then PubMed and accepted only if its title, first author and
    year are in the text.

    Each becomes a clean BibTeX entry appended to the library. A work already there (same
    DOI, PMID, PMCID, arXiv id, URL or book ISBN) is refused with its key, and nothing is
    written for it. A reference printing a URL that no registry matches is added as that web
    page, with the access date it prints. Exits 1 if an identifier could not be added;
    duplicates are not failures.
    """
    from ..add.reflist import read_references
    from ..commands.add import AddRun, run_add

    sources = options.pop("sources")
    ids = [*ids, *(ref for source in sources for ref in read_references(source))]
    if not ids:
        raise click.UsageError("give at least one ID, or --from FILE")
    outcome = run_add(AddRun.from_config(session.config, **options), ids)
    if options["dry_run"]:
        click.echo("\n".join(outcome.entries), nl=False)
    for line in outcome.messages:
        click.echo(line, err=True)
    if outcome.failed:
        sys.exit(EXIT_FINDINGS)
