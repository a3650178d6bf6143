"""`citations export`: the library, or a part of it, as CSL-JSON, BibTeX or RIS."""

from __future__ import annotations

import sys
from collections.abc import Sequence
from pathlib import Path
from typing import Any

import click

from ..errors import EXIT_FINDINGS
from ..findings import has_errors
from .base import Session, cli, emit_report, refs_option, report_findings, report_output_option

FORMATS = ("csl-json", "bibtex", "ris")
ARTICLE = click.Path(path_type=Path, dir_okay=False, exists=True)
CITED_HELP = "Export what this article cites, in citation order (repeatable)."


@cli.command()
@click.argument("keys", nargs=-1, metavar="[KEY...]")
@click.option("--to", type=click.Choice(FORMATS), default="csl-json", help="csl-json (default).")
@report_output_option
@click.option("--cited", multiple=True, metavar="PATH", type=ARTICLE, help=CITED_HELP)
@refs_option
@click.pass_obj
def export(session: Session, /, keys: Sequence[str], **options: Any) -> None:
    """Export the library, the entries KEY..., or what the --cited articles cite: CSL-JSON
    (for pandoc, Zotero, Quarto, citation.js), normalised BibTeX (to share a subset) or RIS.

    Exits 2 if a KEY is not in the library (naming the closest keys); 1 if an article cites
    a key the library lacks (the rest is still written) or the library has broken entries.
    """
    from ..commands.export import ExportRun, run_export

    cited = options.pop("cited")
    output = options.pop("output")
    outcome = run_export(ExportRun.from_config(session.config, **options), keys, cited)
    emit_report(outcome.text, output)
    report_findings(outcome.findings)
    if has_errors(outcome.findings, strict=False):
        sys.exit(EXIT_FINDINGS)
