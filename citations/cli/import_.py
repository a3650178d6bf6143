"""`citations import`: PubMed (MEDLINE), RIS, CSL-JSON and BibTeX files as clean library entries."""

from __future__ import annotations

import sys
from collections.abc import Sequence
from pathlib import Path
from typing import Any

import click

from ..errors import EXIT_FINDINGS
from .base import Session, cli, refs_option

FORMATS = ("auto", "nbib", "ris", "csl-json", "bibtex")
CASE_HELP = "Lower Title Case titles to sentence case (default: [add] sentence-case)."
FORMAT_HELP = "The files' format (default: auto, told from their content, then their names)."


@cli.command("import")
@click.argument(
    "files",
    nargs=-1,
    required=True,
    metavar="FILE...",
    type=click.Path(path_type=Path, dir_okay=False, exists=True),
)
@click.option("--format", type=click.Choice(FORMATS), default="auto", help=FORMAT_HELP)
@click.option(
    "--into",
    "into",
    type=click.Path(path_type=Path, dir_okay=False),
    help="Append to this .bib file (default: [add] to, else the first .bib file under refs/).",
)
@refs_option
@click.option("--sentence-case/--keep-case", "sentence_case", default=None, help=CASE_HELP)
@click.option("--dry-run", is_flag=True, help="Print the entries; write nothing.")
@click.pass_obj
def import_(session: Session, /, files: Sequence[Path], **options: Any) -> None:
    """Import PubMed's MEDLINE export (.nbib), RIS (EndNote, Zotero, Mendeley), CSL-JSON or
    BibTeX files as entries written exactly as `citations add` writes them.

    Works already in the library or earlier in the files (same DOI, PMID, PMCID, web page
    URL, or title, first author and year) are skipped and named. A record that cannot be
    read is reported at its file:line and the others are imported. Exits 1 if any record
    failed; duplicates are not failures.
    """
    from ..commands.import_ import ImportRun, run_import

    run = ImportRun.from_config(session.config, **options)
    outcome = run_import(run, files)
    if run.dry_run:
        click.echo("\n".join(entry.text() for entry in outcome.entries), nl=False)
    for where, why in outcome.failed:
        click.echo(f"{where}: error: {why}; not imported", err=True)
    for where, key in outcome.skipped:
        click.echo(f"{where}: skipped: already in the library as {key}", err=True)
    verb = "added" if outcome.written else "would add"
    for key, where in outcome.added:
        click.echo(f"{verb} {key} ({where})", err=True)
    target = f" to {outcome.written}" if outcome.written else ""
    click.echo(
        f"{len(outcome.added)} added{target}, {len(outcome.skipped)} skipped as duplicates, "
        f"{len(outcome.failed)} failed",
        err=True,
    )
    if outcome.failed:
        sys.exit(EXIT_FINDINGS)
